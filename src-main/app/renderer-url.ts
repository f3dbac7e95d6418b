/**
 * The URL of the page the window shows. `electron-vite dev` serves the renderer from a Vite dev
 * server and says where in ELECTRON_RENDERER_URL; a packaged app must ignore that variable, or
 * anyone who can set the environment of the app's launch could make the window (and the IPC
 * surface it trusts) load a page of their choosing. Packaged, it is always the built file.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the page comes from: the dev server (unpackaged, when the variable is set) or out/renderer/index.html. */
export function rendererUrl(options: { packaged: boolean; env: Record<string, string | undefined>; mainDir: string }): string {
  const dev = options.packaged ? undefined : options.env['ELECTRON_RENDERER_URL'];
  return dev ?? pathToFileURL(join(options.mainDir, '../renderer/index.html')).href;
}

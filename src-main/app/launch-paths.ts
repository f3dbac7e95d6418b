/**
 * Paths the app is handed by the system rather than by a dialog: a project file on the command
 * line (a double-click on Windows and Linux starts `MLP Lab <file>`, or hands it to the running
 * instance), and the trainer worker inside a packaged app. Pure, tested in plain Node.
 */
import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project file extension, without the dot. */
export const PROJECT_EXTENSION = 'mlplab';

/**
 * The project file named on a command line, resolved against `cwd` (the launching shell's folder),
 * or null. Switches (Electron's and Chromium's own, such as `--allow-file-access-from-files`) are
 * skipped; a `file://` URL (Linux desktop entries pass %U) is turned into a path; when several
 * files are named the last one wins.
 */
export function projectFileFromArgv(argv: readonly string[], cwd: string): string | null {
  const pattern = new RegExp(`\\.${PROJECT_EXTENSION}$`, 'i');
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    if (!arg || arg.startsWith('-')) continue;
    let path = arg;
    if (/^file:\/\//i.test(arg)) {
      try {
        path = fileURLToPath(arg);
      } catch {
        continue;
      }
    }
    if (!pattern.test(path)) continue;
    return isAbsolute(path) ? path : resolve(cwd, path);
  }
  return null;
}

/**
 * Where a file packed into app.asar lives when electron-builder unpacks it (asarUnpack):
 * `.../app.asar/out/main/x.js` -> `.../app.asar.unpacked/out/main/x.js`. Worker threads start
 * from the real file system, so the trainer worker and the chunks it imports are unpacked.
 * Paths outside an asar archive (development, `npm start`) come back unchanged.
 */
export function unpackedAsarPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  const at = path.indexOf(marker);
  if (at < 0) return path;
  return `${path.slice(0, at)}${sep}app.asar.unpacked${sep}${path.slice(at + marker.length)}`;
}

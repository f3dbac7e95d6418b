/**
 * `npm run serve`: the lab in a plain browser. Starts the same services as the desktop app, serves
 * the built renderer and the contract over a WebSocket on 127.0.0.1, and prints the URL with its
 * token. Projects open from and save to a workspace folder (default: `~/MLP Lab`, created when
 * missing; app/serve-options.ts), or through the browser's file pickers and downloads.
 *
 *   node out/main/serve.js [--port N] [--host ADDR] [--workspace DIR] [--threads K]
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_CSP } from './app/content-security-policy';
import { createLabApp } from './app/lab-app';
import { parseServeArgs } from './app/serve-options';
import { startBrowserServer } from './ipc/browser-server';
import { workspaceFiles } from './app/file-access';
import { createAppStorage } from './storage/app-storage';

const VERSION = '0.1.0';

/** Where the app keeps recent projects and recovery copies when run from a terminal. */
function appDataDir(): string {
  const dir = process.env['MLP_LAB_DATA'] ?? join(homedir(), '.mlp-lab');
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function main(): Promise<void> {
  const { port, host, workspace, threads } = parseServeArgs(process.argv.slice(2), { home: homedir(), cwd: process.cwd() });
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dataDir = appDataDir();
  const app = createLabApp({
    transport: 'browser',
    version: VERSION,
    files: workspaceFiles(workspace),
    appDataDir: dataDir,
    threads,
    ...createAppStorage(dataDir),
  });
  const server = await startBrowserServer(app.router, { rendererDir: join(here, '../renderer'), host, port, contentSecurityPolicy: BROWSER_CSP });
  process.stdout.write(`MLP Lab is running at ${server.url}\nworkspace: ${workspace}\n(Ctrl+C to stop)\n`);
  const stop = async () => {
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`mlp-lab serve: ${(e as Error).message}\n`);
  process.exit(1);
});

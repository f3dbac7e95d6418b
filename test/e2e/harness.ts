/**
 * What the end-to-end tests, the UI benchmark and the screenshot script share: finding a
 * Chromium, starting the real app services with the browser transport (`node out/main/serve.js`,
 * built by `npm run build`) on a free port with a temporary workspace, and launching the browser.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** The repository root (this file is test/e2e/harness.ts). */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Flags for a headless Chromium that talks to nothing but the app. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where Chromium usually is: MLP_LAB_CHROMIUM first, then the common install locations. */
export function findChromium(): string | null {
  const candidates = [
    process.env['MLP_LAB_CHROMIUM'],
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}

/** Launches headless Chromium from `executablePath`. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/** A running `serve.js` with its own workspace and app-data folders. */
export interface LabServer {
  /** The page URL with its token. */
  url: string;
  /** The workspace folder projects are saved to. */
  workspace: string;
  /** The app-data folder (recent projects, autosaved recovery copies). */
  dataDir: string;
  /** Everything the server printed (for failure messages). */
  output(): string;
  /** Stops the server and removes its folders. */
  close(): Promise<void>;
}

/** Starts the app services on 127.0.0.1 with a fresh workspace; resolves once the URL is printed. */
export async function startServer(options: { threads?: number; timeoutMs?: number } = {}): Promise<LabServer> {
  const serve = join(ROOT, 'out/main/serve.js');
  if (!existsSync(serve)) throw new Error(`${serve} is missing: run npm run build first`);
  const home = mkdtempSync(join(tmpdir(), 'mlp-lab-e2e-'));
  const workspace = join(home, 'workspace');
  const dataDir = join(home, 'app-data');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(workspace);
  mkdirSync(dataDir);
  const args = [serve, '--port', '0', '--workspace', workspace];
  if (options.threads) args.push('--threads', String(options.threads));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, MLP_LAB_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.js printed no URL within ${options.timeoutMs ?? 20000} ms:\n${out}`)), options.timeoutMs ?? 20000);
    const look = () => {
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.js exited (code ${code}) before printing its URL:\n${out}`));
    });
  });
  return {
    url,
    workspace,
    dataDir,
    output: () => out,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

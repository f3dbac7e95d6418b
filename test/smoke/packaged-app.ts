/**
 * Smoke test of the packaged app, run by .github/workflows/release.yml on Windows, macOS and Linux
 * after `npm run dist` (never by `npm test`: it needs the real Electron app electron-builder made).
 *
 *   1. The shipped binary's fuses are as build/after-pack.js flips them.
 *   2. Playwright's Electron launcher opens a project in the app, trains the seed's XOR quadrants
 *      for 1000 steps, saves, quits, opens the project again and finds the run.
 *
 * Playwright drives Electron's main process through the Node inspector, which the shipped build's
 * EnableNodeCliInspectArguments fuse turns off; so step 2 runs a copy of the packaged app with that
 * one fuse turned back on, and everything else exactly as packed.
 *
 *   npx tsx test/smoke/packaged-app.ts        (on Linux without a display: xvfb-run --auto-servernum ...)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fuses from '@electron/fuses';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { historyRows, runsEnded, waitFor } from '../e2e/lab-page';

const ROOT = resolve(import.meta.dirname, '../..');
const dist = join(ROOT, 'dist');
const hook = (await import(new URL('../../build/after-pack.js', import.meta.url).href)) as { fuseProblems(binary: string): Promise<string[]> };

/** The unpacked app electron-builder left in dist/: its folder, the binary @electron/fuses reads, the executable. */
function packedApp(): { dir: string; fuseBinary: string; exe: string } {
  if (process.platform === 'win32') return { dir: join(dist, 'win-unpacked'), fuseBinary: 'MLP Lab.exe', exe: 'MLP Lab.exe' };
  if (process.platform === 'darwin') {
    const dir = ['mac-arm64', 'mac', 'mac-universal'].map((d) => join(dist, d)).find((d) => existsSync(d));
    if (!dir) throw new Error('no dist/mac*/ folder: run npm run dist first');
    return { dir, fuseBinary: 'MLP Lab.app', exe: 'MLP Lab.app/Contents/MacOS/MLP Lab' };
  }
  return { dir: join(dist, 'linux-unpacked'), fuseBinary: 'mlp-lab', exe: 'mlp-lab' };
}

function step(text: string): void {
  process.stdout.write(`smoke: ${text}\n`);
}

const app = packedApp();
const problems = await hook.fuseProblems(join(app.dir, app.fuseBinary));
if (problems.length) throw new Error(`the packaged app's fuses are not as build/after-pack.js sets them: ${problems.join('; ')}`);
step('fuses of the packaged app are flipped');

const work = mkdtempSync(join(tmpdir(), 'mlp-lab-smoke-'));
const copy = join(work, 'app');
cpSync(app.dir, copy, { recursive: true, verbatimSymlinks: true });
await fuses.flipFuses(join(copy, app.fuseBinary), {
  version: fuses.FuseVersion.V1,
  resetAdHocDarwinSignature: process.platform === 'darwin' && process.arch === 'arm64',
  [fuses.FuseV1Options.EnableNodeCliInspectArguments]: true,
});

// A project of the seed's XOR quadrants set to 1000 steps, made by the CLI.
const spec = JSON.parse(readFileSync(join(ROOT, 'docs/examples/xor-quadrants.json'), 'utf8'));
spec.training.steps = 1000;
writeFileSync(join(work, 'xor.json'), JSON.stringify(spec));
const project = join(work, 'smoke.mlplab');
const init = spawnSync(process.execPath, [join(ROOT, 'bin/mlp-lab.js'), 'init', join(work, 'xor.json'), '-o', project], { encoding: 'utf8' });
if (init.status !== 0) throw new Error(`mlp-lab init failed: ${init.stderr}`);

async function launch(): Promise<{ lab: ElectronApplication; title: () => Promise<string> }> {
  const lab = await electron.launch({
    executablePath: join(copy, app.exe),
    // The Linux runners' kernels refuse Chromium's sandbox to unpacked apps without a setuid helper.
    args: [project, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    timeout: 60_000,
  });
  const title = () => lab.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle() ?? '');
  await waitFor(async () => (await title()) === 'smoke — MLP Lab', 'the project to open', 60_000);
  return { lab, title };
}

let { lab, title } = await launch();
const page = await lab.firstWindow();
await page.getByRole('button', { name: 'Train', exact: true }).click();
await runsEnded(page, 1, 120_000);
const rows = await historyRows(page);
if (!/finished/.test(rows[0]?.[3] ?? '')) throw new Error(`the run did not finish: ${JSON.stringify(rows)}`);
step(`trained: ${rows[0].join(' | ')}`);
await waitFor(async () => (await title()) === '• smoke — MLP Lab', 'the run to mark the project unsaved', 30_000);
await page.getByRole('button', { name: 'Save', exact: true }).click();
await waitFor(async () => (await title()) === 'smoke — MLP Lab', 'the save', 30_000);
await lab.close();
step('saved and quit');

({ lab, title } = await launch());
const reopened = await lab.firstWindow();
await runsEnded(reopened, 1, 30_000);
step(`reopened: ${(await historyRows(reopened))[0].join(' | ')}`);
await lab.close();
const exported = spawnSync(process.execPath, [join(ROOT, 'bin/mlp-lab.js'), 'export', project, '--out', join(work, 'w.json')], { encoding: 'utf8' });
if (exported.status !== 0) throw new Error(`the saved project has no trained run: ${exported.stderr}`);
step('passed');

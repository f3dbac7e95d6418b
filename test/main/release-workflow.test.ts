/**
 * .github/workflows/release.yml cannot run here (it builds with a downloaded Electron on GitHub's
 * runners), so this pins what it says: installers built by `npm run dist` on Windows, macOS and
 * Linux, each followed by the packaged-app smoke test (under a virtual display on Linux), and the
 * installers electron-builder is configured to make uploaded, one pattern per target.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// electron-builder reads its YAML with js-yaml; resolve the same copy.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, { strategy: { matrix: { os: string[] } }; 'runs-on': string; steps: Step[] }> }

const workflow = yaml.load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as Workflow;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { build: { win: { target: string[] }; mac: { target: string[] }; linux: { target: string[] } } };
const job = workflow.jobs['installers'];

describe('the release workflow', () => {
  it('runs on version tags and by hand, on Windows, macOS and Linux runners', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(job.strategy.matrix.os.sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    expect(job['runs-on']).toBe('${{ matrix.os }}');
  });

  it('installs, builds the installers with npm run dist, then smoke-tests the packaged app', () => {
    const runs = job.steps.map((s) => s.run ?? s.uses ?? '');
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    expect(at(/^npm ci$/)).toBeGreaterThan(-1);
    expect(at(/^npm run dist$/)).toBeGreaterThan(at(/^npm ci$/));
    const smoke = job.steps.filter((s) => s.run?.includes('test/smoke/packaged-app.ts'));
    expect(smoke.map((s) => s.if).sort()).toEqual(["runner.os != 'Linux'", "runner.os == 'Linux'"]);
    expect(smoke.find((s) => s.if === "runner.os == 'Linux'")?.run).toMatch(/^xvfb-run /);
    expect(at(/packaged-app\.ts/)).toBeGreaterThan(at(/^npm run dist$/));
    expect(existsSync(join(root, 'test/smoke/packaged-app.ts'))).toBe(true);
  });

  it('uploads every installer electron-builder is configured to make', () => {
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const paths = String(upload?.with?.['path'] ?? '').trim().split('\n').map((p) => p.trim());
    const extension: Record<string, string> = { nsis: 'exe', dmg: 'dmg', AppImage: 'AppImage', deb: 'deb' };
    const targets = [...pkg.build.win.target, ...pkg.build.mac.target, ...pkg.build.linux.target];
    expect(paths.sort()).toEqual(targets.map((t) => `dist/*.${extension[t]}`).sort());
  });
});

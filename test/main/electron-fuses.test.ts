/**
 * Electron's fuses, flipped at packaging by the afterPack hook build/after-pack.js (package.json
 * "build.afterPack"): no RunAsNode, no NODE_OPTIONS, no --inspect flags, asar integrity checked,
 * the app loaded only from app.asar. electron-builder cannot run here, so the hook runs on fake
 * packed apps laid out as electron-builder lays them out for Linux, Windows and macOS, each with
 * an "Electron binary" that holds a fuse wire as Electron's does (the sentinel, the wire's version
 * and length, one byte per fuse, in Electron's default states). Negative controls: the unflipped
 * wire fails the same check, and a binary without a fuse wire fails the build.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { build: Record<string, unknown>; devDependencies: Record<string, string> };
const require = createRequire(import.meta.url);
const { SENTINEL } = require('@electron/fuses/dist/constants') as { SENTINEL: string };

interface Context {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
}
interface Hook {
  default(context: Context): Promise<void>;
  fuseProblems(binary: string): Promise<string[]>;
  electronBinary(context: Context): string;
}
// A plain .js file without types, loaded the way electron-builder loads it (import by URL).
const hook = (await import(/* @vite-ignore */ new URL('../../build/after-pack.js', import.meta.url).href)) as Hook;

/** Electron's default fuse states, in FuseV1Options order: '1' on, '0' off. */
const DEFAULTS = '10110001';
const NAMES = ['RunAsNode', 'EnableCookieEncryption', 'EnableNodeOptionsEnvironmentVariable', 'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation', 'OnlyLoadAppFromAsar', 'LoadBrowserProcessSpecificV8Snapshot', 'GrantFileProtocolExtraPrivileges'];
/** What MLP Lab ships: RunAsNode, NODE_OPTIONS and inspect off; asar integrity and asar-only on; the rest as Electron has them. */
const SHIPPED = { RunAsNode: '0', EnableCookieEncryption: '0', EnableNodeOptionsEnvironmentVariable: '0', EnableNodeCliInspectArguments: '0',
  EnableEmbeddedAsarIntegrityValidation: '1', OnlyLoadAppFromAsar: '1', LoadBrowserProcessSpecificV8Snapshot: '0', GrantFileProtocolExtraPrivileges: '1' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A binary of random bytes around a fuse wire (sentinel, version 1, length, states); returns where the wire's states start. */
function fakeElectron(path: string, states = DEFAULTS): { before: Buffer; at: number } {
  const head = randomBytes(4096);
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, states.length]), Buffer.from(states)]);
  const bytes = Buffer.concat([head, wire, randomBytes(2048)]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return { before: bytes, at: head.length + SENTINEL.length + 2 };
}

function fuseStates(path: string, at: number): Record<string, string> {
  const bytes = readFileSync(path);
  return Object.fromEntries(NAMES.map((n, i) => [n, String.fromCharCode(bytes[at + i])]));
}

const LAYOUTS = [
  { platform: 'linux', binary: 'mlp-lab' },
  { platform: 'win32', binary: 'MLP Lab.exe' },
  { platform: 'darwin', binary: 'MLP Lab.app/Contents/Frameworks/Electron Framework.framework/Electron Framework' },
];

function context(appOutDir: string, platform: string): Context {
  return { appOutDir, electronPlatformName: platform, arch: 1, packager: { appInfo: { productFilename: 'MLP Lab' }, executableName: 'mlp-lab' } };
}

describe('the afterPack hook flips Electron\'s fuses', () => {
  it('is what package.json gives electron-builder, with @electron/fuses as a dev dependency', () => {
    expect(pkg.build['afterPack']).toBe('./build/after-pack.js');
    expect(pkg.devDependencies['@electron/fuses']).toBeTruthy();
  });

  it.each(LAYOUTS)('$platform: turns RunAsNode, NODE_OPTIONS and --inspect off, asar integrity and asar-only on, and nothing else', async ({ platform, binary }) => {
    const out = mkdtempSync(join(tmpdir(), `mlp-fuses-${platform}-`));
    dirs.push(out);
    const path = join(out, binary);
    const { before, at } = fakeElectron(path);
    const ctx = context(out, platform);
    // Negative control: the wire as Electron ships it fails the check the build makes.
    expect(await hook.fuseProblems(hook.electronBinary(ctx))).toHaveLength(5);
    await hook.default(ctx);
    expect(fuseStates(path, at)).toEqual(SHIPPED);
    expect(await hook.fuseProblems(hook.electronBinary(ctx))).toEqual([]);
    // Every byte outside the five flipped fuses is as it was.
    const after = readFileSync(path);
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]).map((i) => i - at);
    expect(changed.sort()).toEqual([0, 2, 3, 4, 5]);
  });

  it('fails the build when the packed binary has no fuse wire, rather than ship it unflipped', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlp-fuses-none-'));
    dirs.push(out);
    writeFileSync(join(out, 'mlp-lab'), randomBytes(8192));
    await expect(hook.default(context(out, 'linux'))).rejects.toThrow(/sentinel/);
  });

  it('fails the build when a fuse does not take (a wire too short for asar-only loading)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mlp-fuses-short-'));
    dirs.push(out);
    fakeElectron(join(out, 'mlp-lab'), '1011');
    await expect(hook.default(context(out, 'linux'))).rejects.toThrow(/not long enough|should be/);
  });
});

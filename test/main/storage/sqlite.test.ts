/**
 * Which better-sqlite3 build a process loads: Node's own under plain Node (tests, CLI), the
 * Electron build from its separate folder under Electron. Only the path logic runs here (there
 * is no Electron binary on build machines); bin/rebuild-native.js must agree on the folder.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addonPath, electronBuildDir, nativeBindingFor, nodeModulesDir, openSqlite } from '../../../src-main/storage/sqlite';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('native module selection', () => {
  it('plain Node uses the package\'s own build (no nativeBinding), and it opens databases', () => {
    expect(nativeBindingFor({ platform: 'linux', arch: 'x64' }, '/nm')).toBeUndefined();
    const db = openSqlite(':memory:');
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
  });

  it('Electron uses the build for its version, platform and arch, beside (never over) the Node build', () => {
    const path = nativeBindingFor({ electron: '45.5.0', platform: 'win32', arch: 'arm64' }, '/app/node_modules');
    expect(path).toBe(join('/app/node_modules', '.mlp-lab-native', 'electron-45.5.0-win32-arm64', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(path).not.toBe(join('/app/node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(nativeBindingFor({ electron: '46.0.0', platform: 'win32', arch: 'arm64' }, '/app/node_modules')).not.toBe(path);
  });

  it('a packaged app uses its own better-sqlite3, which electron-builder rebuilt for Electron', () => {
    expect(nativeBindingFor({ electron: '45.5.0', platform: 'win32', arch: 'x64', packaged: true }, '/app/node_modules')).toBeUndefined();
  });

  it('bin/rebuild-native.js builds into the very folder the loader reads', () => {
    const printed = execFileSync(process.execPath, [join(root, 'bin/rebuild-native.js'), '--print-dir'], { encoding: 'utf8' }).trim();
    const electron = (JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("electron/package.json"))'], { cwd: root, encoding: 'utf8' })) as { version: string }).version;
    expect(printed).toBe(electronBuildDir(nodeModulesDir(), electron, process.platform, process.arch));
    expect(addonPath(printed)).toBe(nativeBindingFor({ electron, platform: process.platform, arch: process.arch }, nodeModulesDir()));
  });
});

/**
 * Opens better-sqlite3 with the native build that fits the running runtime.
 *
 * better-sqlite3 is a native addon, and a native addon is built for one ABI: plain Node (tests,
 * the CLI) and Electron's main process need different builds of the same package. So both live
 * side by side and neither ever overwrites the other:
 *
 *   node_modules/better-sqlite3/build/Release/better_sqlite3.node        Node (npm install builds it)
 *   node_modules/.mlp-lab-native/electron-<version>-<platform>-<arch>/   Electron (bin/rebuild-native.js,
 *     node_modules/better-sqlite3/build/Release/better_sqlite3.node       run by `npm start`)
 *
 * Under Electron (`process.versions.electron` is set) the JavaScript half of the package still
 * comes from node_modules/better-sqlite3 and only its `nativeBinding` points at the Electron
 * build. `npm test` and `npm start` therefore work in either order, as often as you like.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../shared/errors';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** The native module cannot be loaded; the message says which command fixes it. */
export class NativeModuleError extends UserError {
  override name = 'NativeModuleError';
}

/** The folder under node_modules that holds native builds made for Electron. */
export const ELECTRON_NATIVE_DIR = '.mlp-lab-native';

/** The stamp bin/rebuild-native.js writes beside a finished Electron build. */
export interface NativeStamp {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
}

/** Where the Electron build for `electronVersion` lives: one folder per version, platform and arch. */
export function electronBuildDir(nodeModules: string, electronVersion: string, platform: string, arch: string): string {
  return join(nodeModules, ELECTRON_NATIVE_DIR, `electron-${electronVersion}-${platform}-${arch}`);
}

/** The addon file inside a build folder made by bin/rebuild-native.js. */
export function addonPath(buildDir: string): string {
  return join(buildDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

/** What `nativeBindingFor` needs to know about the running process. */
export interface RuntimeInfo {
  /** `process.versions.electron`: undefined under plain Node. */
  electron?: string;
  platform: string;
  arch: string;
  /** True inside a packaged app (code in app.asar), whose own better-sqlite3 electron-builder built for Electron. */
  packaged?: boolean;
}

/**
 * The `nativeBinding` to pass to better-sqlite3: undefined under plain Node and in a packaged
 * app (the package finds its own build; electron-builder rebuilt it for Electron), else the
 * path of the Electron build `npm start` made for this Electron version.
 */
export function nativeBindingFor(runtime: RuntimeInfo, nodeModules: string): string | undefined {
  if (!runtime.electron || runtime.packaged) return undefined;
  return addonPath(electronBuildDir(nodeModules, runtime.electron, runtime.platform, runtime.arch));
}

/** The node_modules folder better-sqlite3 is installed in. */
export function nodeModulesDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(dirname(require.resolve('better-sqlite3/package.json')));
}

let cachedBinding: { key: string; value: string | undefined } | null = null;

/**
 * Checks that the Electron build exists and matches the installed better-sqlite3, once per
 * process; throws NativeModuleError saying what to run if not.
 */
function checkedBinding(runtime: RuntimeInfo): string | undefined {
  const key = `${runtime.electron}-${runtime.platform}-${runtime.arch}`;
  if (cachedBinding?.key === key) return cachedBinding.value;
  const nodeModules = nodeModulesDir();
  const binding = nativeBindingFor(runtime, nodeModules);
  if (binding !== undefined) {
    const fix = 'run `node bin/rebuild-native.js` in the MLP Lab folder (it needs an internet connection once, for Electron\'s headers)';
    if (!existsSync(binding)) {
      throw new NativeModuleError(`project files need better-sqlite3 built for Electron ${runtime.electron}, and that build is missing: ${fix}`);
    }
    const installed = (JSON.parse(readFileSync(join(nodeModules, 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
    const stampFile = join(electronBuildDir(nodeModules, runtime.electron!, runtime.platform, runtime.arch), 'stamp.json');
    const stamp = existsSync(stampFile) ? (JSON.parse(readFileSync(stampFile, 'utf8')) as NativeStamp) : null;
    if (stamp?.betterSqlite3 !== installed) {
      throw new NativeModuleError(`the Electron build of better-sqlite3 is for version ${stamp?.betterSqlite3 ?? 'unknown'}, but ${installed} is installed: ${fix}`);
    }
  }
  cachedBinding = { key, value: binding };
  return binding;
}

/** The runtime this process is. */
export function currentRuntime(): RuntimeInfo {
  const packaged = /[\\/]app\.asar[\\/]/.test(fileURLToPath(import.meta.url));
  return { electron: process.versions.electron, platform: process.platform, arch: process.arch, packaged };
}

/**
 * Opens a database: a file path, or a Buffer holding a whole database image (opened in memory;
 * the file it came from is never touched). Uses the native build that fits this runtime.
 */
export function openSqlite(source: string | Buffer, options: Database.Options = {}): SqliteDatabase {
  const binding = checkedBinding(currentRuntime());
  try {
    return new Database(source, binding === undefined ? options : { ...options, nativeBinding: binding });
  } catch (e) {
    const msg = (e as Error).message;
    if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|Could not locate the bindings file/.test(msg)) {
      throw new NativeModuleError(
        `better-sqlite3 is not built for this ${process.versions.electron ? `Electron ${process.versions.electron}` : `Node.js ${process.version}`}: ` +
          (process.versions.electron ? 'run `node bin/rebuild-native.js`' : 'run `npm rebuild better-sqlite3`') + ` (${msg.split('\n')[0]})`,
      );
    }
    throw e;
  }
}

#!/usr/bin/env node
// Builds better-sqlite3 for Electron into its own folder, leaving the Node build in
// node_modules/better-sqlite3 alone, so `npm start` (Electron) and `npm test` (Node) both work in
// either order. `npm start` runs this first; it does nothing when the build is up to date.
//
//   node bin/rebuild-native.js              build if missing or stale
//   node bin/rebuild-native.js --force      build again
//   node bin/rebuild-native.js --print-dir  print the build folder and exit
//
// The folder, node_modules/.mlp-lab-native/electron-<version>-<platform>-<arch>/, holds a copy
// of the better-sqlite3 package rebuilt there by @electron/rebuild, plus stamp.json naming the
// versions it was built for. src-main/storage/sqlite.ts loads it under Electron (keep the two
// path formulas in step: test/main/storage/sqlite.test.ts checks they agree).
//
// Building needs Electron's headers, downloaded once from the internet. Without a connection it
// prints why and exits 0: the CLI and the tests do not need it, only the app window does, and the
// app then says what to run.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));

function say(text) {
  process.stderr.write(`rebuild-native: ${text}\n`);
}

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

const sqliteVersion = versionOf('better-sqlite3');
const electronVersion = versionOf('electron');
if (!sqliteVersion) {
  say('better-sqlite3 is not installed: run `npm install` first');
  process.exit(1);
}
if (!electronVersion) {
  say('electron is not installed, so there is nothing to build for; skipping');
  process.exit(0);
}

const nodeModules = dirname(dirname(require.resolve('better-sqlite3/package.json')));
const buildDir = join(nodeModules, '.mlp-lab-native', `electron-${electronVersion}-${process.platform}-${process.arch}`);
if (args.has('--print-dir')) {
  process.stdout.write(`${buildDir}\n`);
  process.exit(0);
}

const addon = join(buildDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const stampFile = join(buildDir, 'stamp.json');
const wanted = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
if (!args.has('--force') && existsSync(addon) && JSON.stringify(stamp) === JSON.stringify(wanted)) {
  say(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is up to date`);
  process.exit(0);
}

// A fresh copy of the package's sources (not its Node build) to rebuild in place.
rmSync(buildDir, { recursive: true, force: true });
const target = join(buildDir, 'node_modules', 'better-sqlite3');
mkdirSync(target, { recursive: true });
const source = join(nodeModules, 'better-sqlite3');
cpSync(source, target, { recursive: true, filter: (src) => !src.startsWith(join(source, 'build')) });
writeFileSync(join(buildDir, 'package.json'), `${JSON.stringify({ name: 'mlp-lab-native-electron', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2)}\n`);

say(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (about a minute, once)...`);
// npm passes its config to scripts as npm_config_* variables, and node-gyp obeys them: a
// `nodedir` (set on machines that build addons against Node's bundled headers) would silently
// build against Node's headers instead of Electron's, giving an addon Electron refuses to load.
for (const key of Object.keys(process.env)) {
  if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(key)) delete process.env[key];
}
try {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: buildDir,
    electronVersion,
    arch: process.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    buildFromSource: true,
    mode: 'sequential',
  });
  if (!existsSync(addon)) throw new Error(`the build finished but ${addon} is missing`);
  writeFileSync(stampFile, `${JSON.stringify(wanted, null, 2)}\n`);
  say(`done: ${addon}`);
} catch (e) {
  rmSync(buildDir, { recursive: true, force: true });
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  say(`could not build better-sqlite3 for Electron ${electronVersion}: ${message}`);
  say('skipping: the CLI and `npm test` do not need this build, but the app window does to open project files.');
  say('Building downloads Electron\'s headers once: with an internet connection, run `node bin/rebuild-native.js`.');
  process.exit(0);
}

/**
 * The electron-builder configuration (package.json "build"). electron-builder cannot run here
 * (it downloads Electron and platform tools), so this pins what it would be given: a config
 * valid against electron-builder's own JSON schema, the installers for each platform, the
 * .mlplab file association, file patterns that match the build, and a trainer worker that still
 * starts once unpacked from app.asar. `npm test` builds first, so out/ exists.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { unpackedAsarPath } from '../../src-main/app/launch-paths';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  build: BuildConfig;
};

interface FileAssociation { ext: string; name?: string; description?: string; mimeType?: string; role?: string; icon?: string }
interface BuildConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  fileAssociations: FileAssociation[];
  win: { target: string[] };
  mac: { target: string[] };
  linux: { target: string[]; maintainer?: string };
  directories?: { output?: string };
  [key: string]: unknown;
}
const build = pkg.build;

// electron-builder's own schema and pattern matcher, resolved the way electron-builder resolves them.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const schema = JSON.parse(readFileSync(fromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const { minimatch } = fromBuilder('minimatch') as { minimatch: (path: string, pattern: string, options?: object) => boolean };

/** Every file under `dir`, as paths relative to the repository root with "/" separators. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
/** The package.json of every installed package (scoped ones too), standing for the package. */
function packageFiles(): string[] {
  const nm = join(root, 'node_modules');
  return readdirSync(nm).filter((n) => !n.startsWith('.')).flatMap((n) =>
    n.startsWith('@') ? readdirSync(join(nm, n)).map((s) => `node_modules/${n}/${s}/package.json`) : [`node_modules/${n}/package.json`]);
}
const candidates = [...filesUnder(join(root, 'out')), ...filesUnder(join(root, 'node_modules', 'better-sqlite3')), ...packageFiles()];
const matches = (pattern: string): string[] => candidates.filter((f) => minimatch(f, pattern, { dot: true }));
const unpacked = (file: string): boolean => build.asarUnpack.some((p) => minimatch(file, p, { dot: true }));

describe('electron-builder config', () => {
  it('is valid against electron-builder\'s JSON schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(build);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('names the app', () => {
    expect(build.appId).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/i);
    expect(build.productName).toBe('MLP Lab');
  });

  it('builds NSIS on Windows, a DMG on macOS, AppImage and deb on Linux', () => {
    expect(build.win.target).toEqual(['nsis']);
    expect(build.mac.target).toEqual(['dmg']);
    expect(build.linux.target).toEqual(['AppImage', 'deb']);
    // deb refuses to build without a maintainer (or an author with an email).
    expect(build.linux.maintainer).toBeTruthy();
  });

  it('associates .mlplab files (name, description, MIME type application/x-mlplab)', () => {
    expect(build.fileAssociations).toHaveLength(1);
    const [assoc] = build.fileAssociations;
    expect(assoc).toMatchObject({ ext: 'mlplab', mimeType: 'application/x-mlplab', role: 'Editor' });
    expect(assoc.name).toBeTruthy();
    expect(assoc.description).toBeTruthy();
    if (assoc.icon) expect(existsSync(join(root, assoc.icon))).toBe(true);
  });

  it('writes installers outside out/, so a build never packs the previous installers', () => {
    expect(build.directories?.output).toBe('dist');
  });

  it('packs the built app: every file pattern matches something after the build, and main is included', () => {
    for (const pattern of build.files) {
      const p = pattern.startsWith('!') ? pattern.slice(1) : pattern;
      expect(matches(p), `files pattern ${pattern}`).not.toEqual([]);
    }
    const includes = build.files.filter((p) => !p.startsWith('!'));
    expect(includes.some((p) => minimatch(pkg.main, p))).toBe(true);
    expect(existsSync(join(root, pkg.main))).toBe(true);
    for (const f of ['out/preload/preload.cjs', 'out/renderer/index.html', 'out/main/trainer-worker.js']) {
      expect(includes.some((p) => minimatch(f, p)), f).toBe(true);
    }
  });

  it('packs every package the main process imports: a production dependency, not filtered out', () => {
    const bare = new Set<string>();
    for (const file of candidates.filter((f) => /^out\/(main|preload)\/.*\.c?js$/.test(f))) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\bfrom\s+["']([^."'][^"']*)["']|\brequire\(\s*["']([^."'][^"']*)["']\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:') || spec === 'electron') continue;
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect([...bare]).toContain('zod');
    const excludes = build.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    for (const name of bare) {
      expect(pkg.dependencies[name], `${name} must be in "dependencies" to be packed`).toBeTruthy();
      for (const ex of excludes) expect(minimatch(`node_modules/${name}/package.json`, ex, { dot: true }), `${name} is filtered out by !${ex}`).toBe(false);
    }
  });

  it('unpacks the trainer worker, every chunk it imports, and the native SQLite addon', () => {
    for (const pattern of build.asarUnpack) expect(matches(pattern), `asarUnpack pattern ${pattern}`).not.toEqual([]);
    // The worker's whole import graph (relative imports only: it uses no packages).
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/\bfrom\s+["'](\.{1,2}\/[^"']+)["']|\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
        visit(relative(root, join(root, dirname(file), m[1] ?? m[2])).split(sep).join('/'));
      }
    };
    visit('out/main/trainer-worker.js');
    expect(seen.size).toBeGreaterThan(1);
    for (const file of seen) expect(unpacked(file), `${file} must be unpacked`).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
  });

  it('rebuilds native modules for Electron with @electron/rebuild, and flips the fuses after packing (issue 20)', () => {
    // "sequential" is electron-builder's @electron/rebuild mode ("legacy" would be its own app-builder binary).
    expect(build['npmRebuild']).toBe(true);
    expect(build['nativeRebuilder']).toBe('sequential');
    expect(build['afterPack']).toBe('./build/after-pack.js');
    expect(existsSync(join(root, 'build/after-pack.js'))).toBe(true);
    expect(pkg.scripts['dist']).toContain('--publish never');
  });

  it('the npm scripts it relies on exist: electron-builder for dist, the native rebuild for start', () => {
    expect(pkg.devDependencies['electron-builder']).toBeTruthy();
    expect(pkg.scripts['dist']).toContain('electron-builder');
    for (const m of pkg.scripts['start'].matchAll(/node (\S+\.js)/g)) expect(existsSync(join(root, m[1])), m[1]).toBe(true);
  });
});

describe('the trainer worker in a packaged layout', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts from app.asar.unpacked with only the unpacked files and no package.json beside it', async () => {
    const resources = mkdtempSync(join(tmpdir(), 'mlp-lab-resources-'));
    dirs.push(resources);
    // What electron-builder puts in app.asar.unpacked: the out/ files asarUnpack names.
    for (const file of candidates.filter((f) => f.startsWith('out/') && unpacked(f))) {
      const target = join(resources, 'app.asar.unpacked', ...file.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(root, file), target);
    }
    // index.ts asks for the worker beside itself inside app.asar; unpackedAsarPath redirects it.
    const script = unpackedAsarPath(join(resources, 'app.asar', 'out', 'main', 'trainer-worker.js'));
    expect(existsSync(script)).toBe(true);
    const worker = new Worker(pathToFileURL(script));
    try {
      const first = await new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      expect(first).toMatchObject({ type: 'ready' });
    } finally {
      await worker.terminate();
    }
  });
});

/**
 * Finding a Python 3 that can import given modules (numpy, torch, onnx), for tests that check
 * exports against those tools where they are installed and say why they skipped where not.
 * Tried in order: $MLP_LAB_PYTHON, /usr/bin/python3 (Debian's python3-torch and python3-onnx
 * install there), python3 on the PATH.
 */
import { spawnSync } from 'node:child_process';

/** A Python that imports every module asked for, or why there is none. */
export type PythonFound = { ok: true; python: string } | { ok: false; reason: string };

/** The first Python that imports `modules`; else a reason naming what to install. */
export function pythonWith(modules: readonly string[], install: string): PythonFound {
  const candidates = [process.env['MLP_LAB_PYTHON'], '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (r.status === 0) return { ok: true, python };
  }
  return { ok: false, reason: `no Python here imports ${modules.join(' and ')} (tried ${candidates.join(', ')}); ${install}` };
}

/**
 * Runs a Python script; returns stdout, throwing with stderr when it fails or runs past
 * `timeoutMs` (default 5 minutes: a hung script fails its test instead of holding the test run).
 */
export function runPython(python: string, args: readonly string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const r = spawnSync(python, args, { encoding: 'utf8', cwd: options.cwd, input: options.input, env: options.env ?? process.env, maxBuffer: 1 << 26, timeout: options.timeoutMs ?? 300_000, killSignal: 'SIGKILL' });
  if (r.error || r.status !== 0) throw new Error(`${python} ${args.join(' ')} ${r.error ? `failed: ${r.error.message}` : `exited with ${r.status}`}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

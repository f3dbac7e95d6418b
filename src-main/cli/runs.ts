/**
 * `mlp-lab runs PROJECT`: the project's runs as the window names them ("run 3", number 3), with
 * their status, steps, and E/N and accuracy (or RMSE) of the weights each run ended with,
 * measured here on the run's own training split (and validation split, if it has one), and when
 * each was created. The numbers are those of the final (or restored best) weights over every
 * sample, not the averages the run reported while it trained. `--json` prints one object a run.
 */
import type { Dataset } from '../../shared/data/dataset';
import { isUserError } from '../../shared/errors';
import { assembleLab, type LabParts, partsKey, prepareParts } from '../../shared/lab';
import type { PartMetrics } from '../../shared/run';
import { runNumbers } from '../../shared/run-names';
import { isCsvData, type LabSpec } from '../../shared/spec';
import { evaluate } from '../../shared/training/evaluation';
import { isProjectFile, loadProject, loadSpecData } from '../storage/load-data';
import type { ProjectRun } from '../storage/project';
import { parseArgs, UsageError } from './args';
import type { CliIo } from './io';

export const RUNS_USAGE = 'mlp-lab runs PROJECT [--json]';

/** One run as `runs` lists it. */
export interface RunRow {
  number: number;
  name: string;
  id: string;
  status: string;
  /** Updates done. */
  steps: number;
  /** Early stopping: the step whose weights were kept. */
  bestStep?: number;
  createdAt: string;
  /** The final weights on the run's training split; absent when the run has none or they cannot be measured. */
  train?: PartMetrics;
  validation?: PartMetrics;
  /** Why the run is not measured, when it is not. */
  note?: string;
}

/** Measures every run of the project at `path` on its own split (parts shared between runs that split alike). */
export function runRows(path: string): RunRow[] {
  const project = loadProject(path);
  const names = runNumbers(project.runs);
  const parts = new Map<string, LabParts>();
  const raw = new Map<string, Dataset>();
  const partsOf = (spec: LabSpec): LabParts => {
    // The raw data depends on the data section (and, for generated data, the seed); the parts also on the split.
    const dataKey = JSON.stringify([spec.data, isCsvData(spec.data) ? null : spec.seed]);
    const key = `${dataKey}|${partsKey(spec)}`;
    let p = parts.get(key);
    if (!p) {
      let d = raw.get(dataKey);
      if (!d) raw.set(dataKey, (d = loadSpecData(spec, path)));
      p = prepareParts(spec, d);
      parts.set(key, p);
    }
    return p;
  };
  return project.runs.map((run, i) => ({
    number: names[i].number,
    name: names[i].name,
    id: run.id,
    status: run.status,
    steps: run.metrics?.step ?? 0,
    ...(run.bestStep !== undefined ? { bestStep: run.bestStep } : {}),
    createdAt: run.createdAt,
    ...measure(run, partsOf),
  }));
}

function measure(run: ProjectRun, partsOf: (spec: LabSpec) => LabParts): Pick<RunRow, 'train' | 'validation' | 'note'> {
  if (!run.finalWeights) return { note: 'no final weights' };
  try {
    const p = partsOf(run.spec);
    const lab = assembleLab(run.spec, p, run.finalWeights);
    return { train: evaluate(lab.net, p.train), ...(p.validation.n ? { validation: evaluate(lab.net, p.validation) } : {}) };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { note: `cannot be measured on the project's data: ${(e as Error).message}` };
  }
}

/** Runs `runs`; returns the exit code. */
export function runs(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { json: 'switch' }, 'runs');
  if (args.positionals.length !== 1) throw new UsageError(`runs needs one PROJECT file, got ${args.positionals.length}`);
  const path = args.positionals[0];
  if (!isProjectFile(path)) throw new UsageError(`${path} is not a project file; runs are kept in projects (mlp-lab init SPEC -o PROJECT.mlplab, then mlp-lab train PROJECT --save)`);
  const rows = runRows(path);
  if (args.options.has('json')) {
    for (const r of rows) io.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    io.stdout.write(`${path} has no runs yet; train one with: mlp-lab train ${path} --save\n`);
    return 0;
  }
  io.stdout.write(`${runsTable(rows).join('\n')}\n`);
  for (const r of rows) if (r.note && r.note !== 'no final weights') io.stdout.write(`${r.name}: ${r.note}\n`);
  return 0;
}

/** The text table: a header naming what each number is, then a line a run, columns aligned. */
export function runsTable(rows: readonly RunRow[]): string[] {
  const measured = rows.filter((r) => r.train);
  const classifier = measured.some((r) => r.train?.accuracy !== undefined);
  const regression = measured.some((r) => r.train?.rmse !== undefined);
  const quality = classifier && regression ? 'accuracy/RMSE' : classifier ? 'accuracy' : 'RMSE';
  const withValidation = rows.some((r) => r.validation);
  const q = (m: PartMetrics | undefined) => (m?.accuracy !== undefined ? `${(m.accuracy * 100).toFixed(2)}%` : m?.rmse !== undefined ? m.rmse.toPrecision(6) : '–');
  const e = (m: PartMetrics | undefined) => (m ? m.EPerSample.toPrecision(6) : '–');
  const header = ['#', 'name', 'status', 'steps', 'E/N train', `${quality} train`, ...(withValidation ? ['E/N validation', `${quality} validation`] : []), 'created (UTC)'];
  const lines = rows.map((r) => [
    String(r.number), r.name, r.status, r.bestStep !== undefined ? `${r.steps} (best ${r.bestStep})` : String(r.steps),
    e(r.train), q(r.train), ...(withValidation ? [e(r.validation), q(r.validation)] : []), r.createdAt.slice(0, 16).replace('T', ' '),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j].length)));
  const numeric = new Set([0, 3, 4, 5, 6, 7].filter((j) => j < header.length - 1));
  const line = (cells: string[]) => cells.map((c, j) => (numeric.has(j) ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  return [line(header), ...lines.map(line)];
}

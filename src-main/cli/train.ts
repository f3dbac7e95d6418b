/**
 * `mlp-lab train SPEC`: trains the spec's network on the worker pool, headless, and reports E,
 * E/N and accuracy or RMSE, with a progress bar on a terminal or JSON lines with --json.
 * `--seeds 1,2,3` trains one run per seed in parallel (one summary line each).
 */
import { availableParallelism } from 'node:os';
import { DataError } from '../../shared/data/dataset';
import { assembleLab } from '../../shared/lab';
import type { PartMetrics, RunRecord } from '../../shared/run';
import type { LabSpec } from '../../shared/spec';
import { evaluate } from '../../shared/training/evaluation';
import { toWeightsFile, type WeightsFile } from '../../shared/weights-format';
import { isProjectFile, loadSpecData } from '../storage/load-data';
import { projectRun, saveRunsToProject } from '../storage/project-runs';
import { TrainingService } from '../training/training-service';
import { WorkerPool } from '../training/worker-pool';
import { intOption, parseArgs, UsageError } from './args';
import { readSpec, writeText } from './files';
import { readWeightsFile } from '../storage/weights-io';
import type { CliIo } from './io';
import { ProgressBar } from './progress';

export const TRAIN_USAGE =
  'mlp-lab train SPEC|PROJECT [--steps N] [--seed S | --seeds S1,S2,...] [--threads K] [--init WEIGHTS.json] [--out WEIGHTS.json] [--save] [--json]';

/** Where the trainer worker script is (tests and the packaged app may point elsewhere). */
export interface TrainEnvironment {
  workerUrl?: URL | string;
}

/** Runs `train`; resolves with the exit code. */
export async function train(argv: readonly string[], io: CliIo, env: TrainEnvironment = {}): Promise<number> {
  const args = parseArgs(
    argv,
    { steps: 'value', seed: 'value', seeds: 'value', threads: 'value', init: 'value', out: 'value', json: 'switch', save: 'switch' },
    'train',
  );
  if (args.positionals.length !== 1) throw new UsageError(`train needs one SPEC file, got ${args.positionals.length}`);
  const specPath = args.positionals[0];
  const save = args.options.has('save');
  if (save && !isProjectFile(specPath)) throw new UsageError(`--save needs a project file; create one with: mlp-lab init ${specPath} -o PROJECT.mlplab`);
  let spec = readSpec(specPath);
  const steps = intOption(args, 'steps', 0);
  const threads = intOption(args, 'threads', 1);
  if (steps !== undefined) spec = { ...spec, training: { ...spec.training, steps } };
  if (threads !== undefined) spec = { ...spec, training: { ...spec.training, threads } };
  const seeds = seedList(args.options.get('seeds'), intOption(args, 'seed', 0), spec.seed);
  const json = args.options.has('json');
  const out = args.options.get('out');
  const initPath = args.options.get('init');
  const init: WeightsFile | undefined = initPath ? readWeightsFile(initPath) : undefined;

  // Validate everything (spec, data, initial weights) before any thread starts.
  const specs: LabSpec[] = seeds.map((seed) => ({ ...spec, seed }));
  const datasets = specs.map((s) => loadSpecData(s, specPath));

  const pool = new WorkerPool({ size: Math.min(seeds.length, availableParallelism()), workerUrl: env.workerUrl });
  const service = new TrainingService(pool);
  try {
    const ids = specs.map((s, i) => {
      try {
        return service.start(s, datasets[i], { initialWeights: init });
      } catch (e) {
        if (initPath && (e as Error).name === 'WeightsError') throw new DataError(`${initPath} does not fit the spec's network: ${(e as Error).message}`);
        throw e;
      }
    });
    const total = spec.training.steps * ids.length;
    const nTrain = new Map<string, number>(ids.map((id) => [id, service.trainSamples(id)]));
    const done = new Map<string, number>(ids.map((id) => [id, 0]));
    const bar = !json && io.stderr.isTTY ? new ProgressBar(io.stderr, total) : null;
    const every = Math.max(1, Math.floor(spec.training.steps / 100));
    const start = performance.now();
    service.subscribe((ev) => {
      if (ev.type !== 'run-progress') return;
      const n = nTrain.get(ev.runId) ?? 1;
      const { steps: ps, train: pe } = ev.points;
      if (json) {
        for (let i = 0; i < ps.length; i++) {
          if (ps[i] % every !== 0) continue;
          const line = { type: 'progress', ...(ids.length > 1 ? { seed: specs[ids.indexOf(ev.runId)].seed } : {}), step: ps[i], E: pe[i] * n, EPerSample: pe[i] };
          io.stdout.write(`${JSON.stringify(line)}\n`);
        }
      }
      done.set(ev.runId, ev.metrics.step);
      if (bar && pe.length) {
        const sum = [...done.values()].reduce((a, b) => a + b, 0);
        bar.update(sum, pe[pe.length - 1], sum / ((performance.now() - start) / 1000));
      }
    });
    const records = await Promise.all(ids.map((id) => service.wait(id)));
    bar?.done();
    if (save) {
      saveRunsToProject(specPath, records.map((r) => projectRun(r, service.dataInfo(r.id))));
      io.stderr.write(`${records.length === 1 ? 'run' : `${records.length} runs`} saved to ${specPath}\n`);
    }

    // Exit 3 when a run diverged (the numbers ran away: docs/cli.md), 1 when one failed.
    let failed = false;
    let diverged = false;
    records.forEach((record, i) => {
      const summary = summarize(record, service, specs[i]);
      if (record.status === 'diverged' || record.status === 'failed') {
        if (record.status === 'diverged') diverged = true;
        else failed = true;
        io.stderr.write(`mlp-lab: ${ids.length > 1 ? `seed ${specs[i].seed}: ` : ''}${record.message ?? `the run ${record.status}`}\n`);
        return;
      }
      let outPath: string | undefined;
      if (out) {
        outPath = ids.length > 1 ? out.replace(/(\.json)?$/i, `.seed${specs[i].seed}$1`) : out;
        writeText(outPath, `${JSON.stringify(summary.weights, null, 1)}\n`);
      }
      const line = { type: 'summary', ...(ids.length > 1 ? { seed: specs[i].seed } : {}), ...summary.fields, ...(outPath ? { out: outPath } : {}) };
      if (json) io.stdout.write(`${JSON.stringify(line)}\n`);
      else {
        const f = summary.fields;
        const who = ids.length > 1 ? `seed ${specs[i].seed}: ` : '';
        io.stdout.write(`${who}trained ${f.steps} steps in ${f.seconds.toFixed(2)} s (${Math.round(f.steps / Math.max(f.seconds, 1e-9))} steps/s)${record.message ? ` — ${record.message}` : ''}\n`);
        // issue 16: each part of the data on its own line, validation and test with their accuracy or RMSE too.
        for (const line of partLines(f, spec.network.output.cost === 'mixture-density')) io.stdout.write(`${who}${line}\n`);
        if (f.evidence) {
          const e = f.evidence;
          io.stdout.write(`${who}evidence (${e.reestimations} re-estimations): alpha ${e.alpha.toPrecision(6)}${spec.network.output.cost === 'sum-of-squares' ? `  beta ${e.beta.toPrecision(6)}` : ''}  gamma ${e.gamma.toPrecision(6)}  ln evidence ${e.logEvidence.toPrecision(8)}\n`);
        }
        if (outPath) io.stdout.write(`${who}weights written to ${outPath}\n`);
      }
    });
    return failed ? 1 : diverged ? 3 : 0;
  } finally {
    await pool.close();
  }
}

/** "training:   E …  E/N …  accuracy …%" and the same for validation and test, when the run has them. */
function partLines(f: Summary['fields'], mixture: boolean): string[] {
  const parts: [string, PartMetrics | undefined][] = [['training', f], ['validation', f.validation], ['test', f.test]];
  const shown = parts.filter((p): p is [string, PartMetrics] => p[1] !== undefined);
  const width = Math.max(...shown.map(([name]) => name.length)) + 1;
  return shown.map(([name, m]) => {
    const quality = m.accuracy !== undefined ? `accuracy ${(m.accuracy * 100).toFixed(2)}%` : m.rmse !== undefined ? `${mixture ? 'RMSE of the conditional mean' : 'RMSE'} ${m.rmse.toPrecision(6)}` : '';
    return `${`${name}:`.padEnd(width)} E ${m.E.toPrecision(8)}  E/N ${m.EPerSample.toPrecision(6)}${quality ? `  ${quality}` : ''}`;
  });
}

function seedList(list: string | undefined, single: number | undefined, fallback: number): number[] {
  if (list !== undefined && single !== undefined) throw new UsageError('give either --seed or --seeds, not both');
  if (list === undefined) return [single ?? fallback];
  const seeds = list.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new UsageError(`--seeds must be whole numbers separated by commas, got "${list}"`);
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`--seeds lists a seed twice: "${list}"`);
  return seeds;
}

interface Summary {
  fields: {
    steps: number;
    E: number;
    EPerSample: number;
    accuracy?: number;
    rmse?: number;
    validation?: { E: number; EPerSample: number; accuracy?: number; rmse?: number };
    test?: { E: number; EPerSample: number; accuracy?: number; rmse?: number };
    seconds: number;
    status: string;
    bestStep?: number;
    /** Evidence runs (PRML §5.7.2): the last re-estimated alpha, beta, gamma and ln evidence. */
    evidence?: { alpha: number; beta: number; gamma: number; logEvidence: number; reestimations: number };
  };
  weights: WeightsFile;
}

/** Exact E, E/N and accuracy or RMSE of a finished run on its whole training (validation, test) set. */
function summarize(record: RunRecord, service: TrainingService, spec: LabSpec): Summary {
  const parts = service.dataInfo(record.id);
  const lab = assembleLab(spec, parts, record.finalWeights ?? record.initialWeights);
  const train = evaluate(lab.net, parts.train, parts.train.n);
  const fields: Summary['fields'] = {
    steps: record.metrics?.step ?? 0,
    E: train.E,
    EPerSample: train.EPerSample,
    ...(train.accuracy !== undefined ? { accuracy: train.accuracy } : {}),
    ...(train.rmse !== undefined ? { rmse: train.rmse } : {}),
    ...(parts.validation.n ? { validation: evaluate(lab.net, parts.validation, parts.validation.n) } : {}),
    ...(parts.test.n ? { test: evaluate(lab.net, parts.test, parts.test.n) } : {}),
    seconds: record.metrics?.seconds ?? 0,
    status: record.status,
    ...(record.bestStep !== undefined ? { bestStep: record.bestStep } : {}),
    ...lastEvidence(record),
  };
  const weights = toWeightsFile(lab.net, {
    inputs: parts.train.inputNames,
    outputs: parts.train.targetNames,
    normalization: parts.normalization,
    classLabels: parts.train.classLabels,
  });
  return { fields, weights };
}

/** The last point of an evidence run's history (issue 19), as summary fields. */
function lastEvidence(record: RunRecord): Pick<Summary['fields'], 'evidence'> {
  const ev = record.curve.evidence;
  const m = ev?.steps.length ?? 0;
  if (!ev || m === 0) return {};
  return { evidence: { alpha: ev.alpha[m - 1], beta: ev.beta[m - 1], gamma: ev.gamma[m - 1], logEvidence: ev.logEvidence[m - 1], reestimations: m - 1 } };
}

/**
 * `mlp-lab import-weights PROJECT WEIGHTS.json [--log training-log.json]`: weights trained
 * elsewhere (the PyTorch hand-off's train.py, docs/pytorch.md) added to the project's history as
 * a run, with the cost curve of its training log when there is one. The weights must fit the
 * project's network and columns; E, E/N and accuracy or RMSE are measured here, on the
 * project's own data, like those of any run.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assembleLab, prepareParts } from '../../shared/lab';
import type { RunMetrics, RunRecord } from '../../shared/run';
import type { LabSpec } from '../../shared/spec';
import { CostCurveLog } from '../../shared/cost-curve-log';
import { evaluate } from '../../shared/training/evaluation';
import { checkColumns, weightsFor } from '../../shared/weights-format';
import { loadSpecData } from '../storage/load-data';
import { projectRun, saveRunsToProject } from '../storage/project-runs';
import { readProjectFile } from '../storage/project-file';
import { parseTrainingLog, type TrainingLog, TrainingLogError } from '../storage/training-log';
import { readWeightsFile } from '../storage/weights-io';
import { newRunId } from '../training/training-service';
import { parseArgs, UsageError } from './args';
import { InputError, readJson } from './files';
import type { CliIo } from './io';

export const IMPORT_WEIGHTS_USAGE = 'mlp-lab import-weights PROJECT WEIGHTS.json [--log training-log.json]';

/** The log train.py writes beside its weights file. */
const LOG_NAME = 'training-log.json';

/** Runs `import-weights`; returns the exit code. */
export function importWeights(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { log: 'value' }, 'import-weights');
  if (args.positionals.length !== 2) throw new UsageError(`import-weights needs PROJECT and WEIGHTS.json, got ${args.positionals.length} arguments`);
  const [projectPath, weightsPath] = args.positionals;
  const { project } = readProjectFile(projectPath);
  const file = readWeightsFile(weightsPath);
  const besideWeights = join(dirname(weightsPath), LOG_NAME);
  const logPath = args.options.get('log') ?? (existsSync(besideWeights) ? besideWeights : null);
  let log: TrainingLog | null = null;
  if (logPath) {
    try {
      log = parseTrainingLog(readJson(logPath, 'training log'));
    } catch (e) {
      throw e instanceof TrainingLogError ? new InputError(`${logPath}: ${e.message}`) : e;
    }
  }

  // The network and training from the log (what was trained), the data from the project.
  const spec: LabSpec = log ? { ...log.spec, data: project.spec.data } : project.spec;
  const raw = loadSpecData(project.spec, projectPath);
  const parts = prepareParts(spec, raw);
  // The same checks as the window's weights import: the shapes, then the columns.
  const weights = weightsFor(assembleLab(spec, parts).net, file);
  const warnings = checkColumns(file, { inputs: parts.train.inputNames, outputs: parts.train.targetNames, normalization: parts.normalization });
  if (log && log.initialWeights.length !== weights.length) {
    throw new InputError(`${logPath}: "initialWeights" has ${log.initialWeights.length} values, the network has ${weights.length}`);
  }
  const lab = assembleLab(spec, parts, weights);
  const steps = log?.steps ?? 0;
  const train = { ...evaluate(lab.net, parts.train), step: steps };
  const batch = spec.training.batchSize === null ? parts.train.n : Math.min(spec.training.batchSize, parts.train.n);
  const metrics: RunMetrics = {
    step: steps,
    epoch: (steps * batch) / parts.train.n,
    train,
    ...(parts.validation.n ? { validation: { ...evaluate(lab.net, parts.validation), step: steps } } : {}),
    stepsPerSecond: log && log.seconds > 0 ? steps / log.seconds : 0,
    seconds: log?.seconds ?? 0,
  };
  // The log's curve, bounded as every run's is (shared/cost-curve-log.ts).
  const curve = new CostCurveLog();
  if (log) curve.append(log.curve);
  const record: RunRecord = {
    id: newRunId(),
    // appendRuns gives it the project's next number.
    number: 0,
    createdAt: new Date().toISOString(),
    spec,
    status: log?.status ?? 'finished',
    message: [`trained with ${log ? log.trainedWith : 'another program'}, imported from ${weightsPath}`, log?.message].filter(Boolean).join('; '),
    metrics,
    curve: curve.curve(),
    // Without a log the starting point is unknown: the run then starts and ends at the imported weights.
    initialWeights: log ? log.initialWeights : Float64Array.from(weights),
    finalWeights: Float64Array.from(weights),
    ...(log?.bestStep !== undefined ? { bestStep: log.bestStep } : {}),
    snapshots: [],
  };
  saveRunsToProject(projectPath, [projectRun(record, parts)]);
  for (const w of warnings) io.stderr.write(`note: ${w}\n`);
  const quality = train.accuracy !== undefined ? `accuracy ${(train.accuracy * 100).toFixed(2)}%` : `RMSE ${(train.rmse ?? NaN).toPrecision(6)}`;
  io.stdout.write(`added run ${record.id} to ${projectPath}: ${record.message}\n`);
  io.stdout.write(`E ${train.E.toPrecision(8)}  E/N ${train.EPerSample.toPrecision(6)}  ${quality}${metrics.validation ? `  validation E/N ${metrics.validation.EPerSample.toPrecision(6)}` : ''}\n`);
  io.stdout.write(log ? `cost curve: ${log.curve.steps.length} steps from ${logPath}\n` : `no training log (${LOG_NAME} beside the weights, or --log): the run has no cost curve\n`);
  return 0;
}

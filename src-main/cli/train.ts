/**
 * `mlp-lab train SPEC`: trains the spec's network headless and reports E, E/N and accuracy or
 * RMSE, with a progress bar on a terminal or JSON lines with --json.
 */
import { evaluate, trainStep } from '../../shared/lab';
import { DataError } from '../../shared/data/dataset';
import { toWeightsFile } from '../../shared/weights-format';
import { loadSpecData } from '../storage/load-data';
import { intOption, parseArgs, UsageError } from './args';
import { createLabWithInit, readSpec, writeText } from './files';
import { ProgressBar } from './progress';
import type { CliIo } from './io';

export const TRAIN_USAGE = 'mlp-lab train SPEC [--steps N] [--seed S] [--init WEIGHTS.json] [--out WEIGHTS.json] [--json]';

/** Runs `train`; returns the exit code. */
export function train(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { steps: 'value', seed: 'value', init: 'value', out: 'value', json: 'switch' }, 'train');
  if (args.positionals.length !== 1) throw new UsageError(`train needs one SPEC file, got ${args.positionals.length}`);
  const specPath = args.positionals[0];
  let spec = readSpec(specPath);
  const steps = intOption(args, 'steps', 0);
  const seed = intOption(args, 'seed', 0);
  if (steps !== undefined) spec = { ...spec, training: { ...spec.training, steps } };
  if (seed !== undefined) spec = { ...spec, seed };
  const json = args.options.has('json');

  const data = loadSpecData(spec, specPath);
  const initPath = args.options.get('init');
  const lab = createLabWithInit(spec, data, initPath);
  const total = spec.training.steps;
  const n = lab.data.n;
  const bar = !json && io.stderr.isTTY ? new ProgressBar(io.stderr, total) : null;
  const every = Math.max(1, Math.floor(total / 100));
  const start = performance.now();
  for (let s = 0; s < total; s++) {
    const e = trainStep(lab);
    if (!Number.isFinite(e)) {
      bar?.done();
      throw new DataError(`training diverged at step ${s + 1} (E = ${e}) with learning rate ${spec.training.learningRate}: lower the learning rate`);
    }
    if (json && (s % every === 0)) {
      io.stdout.write(`${JSON.stringify({ type: 'progress', step: s, E: e, EPerSample: e / n })}\n`);
    }
    if (bar) bar.update(s + 1, e / n, (s + 1) / ((performance.now() - start) / 1000));
  }
  const seconds = (performance.now() - start) / 1000;
  const ev = evaluate(lab);
  if (bar) {
    bar.update(total, ev.EPerSample, total / seconds, true);
    bar.done();
  }
  if (!Number.isFinite(ev.E)) throw new DataError(`training diverged after step ${total} (E = ${ev.E}) with learning rate ${spec.training.learningRate}: lower the learning rate`);

  const out = args.options.get('out');
  if (out) {
    const file = toWeightsFile(lab.net, {
      inputs: lab.data.inputNames,
      outputs: lab.data.targetNames,
      normalization: lab.normalization,
      classLabels: lab.data.classLabels,
    });
    writeText(out, `${JSON.stringify(file, null, 1)}\n`);
  }
  const summary = {
    type: 'summary',
    steps: total,
    E: ev.E,
    EPerSample: ev.EPerSample,
    ...(ev.accuracy !== undefined ? { accuracy: ev.accuracy } : {}),
    ...(ev.rmse !== undefined ? { rmse: ev.rmse } : {}),
    seconds,
    ...(out ? { out } : {}),
  };
  if (json) {
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const quality = ev.accuracy !== undefined ? `accuracy ${(ev.accuracy * 100).toFixed(2)}%` : `RMSE ${ev.rmse!.toPrecision(6)}`;
    io.stdout.write(`trained ${total} steps in ${seconds.toFixed(2)} s (${Math.round(total / Math.max(seconds, 1e-9))} steps/s)\n`);
    io.stdout.write(`E ${ev.E.toPrecision(8)}  E/N ${ev.EPerSample.toPrecision(6)}  ${quality}\n`);
    if (out) io.stdout.write(`weights written to ${out}\n`);
  }
  return 0;
}

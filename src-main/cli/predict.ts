/**
 * `mlp-lab predict WEIGHTS.json DATA.csv`: predictions of an exported network for the rows of
 * a CSV file that has the network's input columns (by name, in any order; other columns are
 * ignored; an input "colour=red" is 1 where column colour is red). The CSV is read by the same
 * importer as training data, and the stored normalisation is applied first, as everywhere.
 * For a mixture density network the columns are the mixture's parameters per component
 * (pi_k, mu_k, sigma_k; PRML (5.150)-(5.152)), then the conditional mean and mode of each target.
 * Rows that lack an input are left out and reported by line on stderr; the others are predicted.
 * With --uncertainty (a weights file with a `laplace` section, PRML §5.7): `<target>_std`
 * columns for a regression (5.173), `<target>_moderated` for sigmoid outputs (5.190).
 */
import { basename } from 'node:path';
import { conditionalMean, conditionalMode } from '../../shared/engine/mdn';
import { uncertaintyFromWeights } from '../../shared/laplace-predict';
import { predictFromWeights, type WeightsFile } from '../../shared/weights-format';
import { readPredictionInputs, type SkippedRow } from '../storage/prediction-inputs';
import { parseArgs, UsageError } from './args';
import { writeText } from './files';
import { readWeightsFile } from '../storage/weights-io';
import type { CliIo } from './io';

export const PREDICT_USAGE = 'mlp-lab predict WEIGHTS.json DATA.csv [--out PRED.csv] [--uncertainty]';

/** Runs `predict`; returns the exit code. */
export function predict(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { out: 'value', uncertainty: 'switch' }, 'predict');
  if (args.positionals.length !== 2) throw new UsageError(`predict needs WEIGHTS.json and DATA.csv, got ${args.positionals.length} arguments`);
  const [weightsPath, csvPath] = args.positionals;
  const file = readWeightsFile(weightsPath);
  const { x, n, columns, cells: echo, skipped } = readPredictionInputs(csvPath, file);
  reportSkipped(skipped, n, csvPath, io);
  const y = predictFromWeights(file, x, n);
  // PRML §5.7 (issue 19): error bars or moderated outputs from the file's Laplace section.
  const extra = args.options.has('uncertainty') ? uncertaintyFromWeights(file, x, n) : null;
  if (file.cost === 'mixture-density') return writeOut(args.options.get('out'), mixtureTable(file, y, n, columns, echo), n, io);
  const k = file.outputs.length;
  const labels = file.cost === 'softmax-cross-entropy' ? (file.classLabels ?? file.outputs) : null;
  const header = [...columns, ...file.outputs.map((o) => `${o}${file.cost === 'sum-of-squares' ? '' : ':p'}`), ...(labels ? ['predicted'] : [])];
  if (extra) header.push(...file.outputs.map((o) => `${o}_${extra.kind}`));
  const lines = [header.map(csvField).join(',')];
  for (let r = 0; r < n; r++) {
    const cells = [...echo[r]];
    let best = 0;
    for (let j = 0; j < k; j++) {
      cells.push(String(y[r * k + j]));
      if (y[r * k + j] > y[r * k + best]) best = j;
    }
    if (labels) cells.push(labels[best]);
    if (extra) for (let j = 0; j < k; j++) cells.push(String(extra.values[r * k + j]));
    lines.push(cells.map(csvField).join(','));
  }
  return writeOut(args.options.get('out'), lines, n, io);
}

/** Rows listed by line at most; the rest are counted. */
const LISTED = 10;

/** Says on stderr which rows were not predicted and why (issue 16: the complete rows are predicted, the others reported). */
function reportSkipped(skipped: readonly SkippedRow[], predicted: number, csvPath: string, io: CliIo): void {
  if (skipped.length === 0) return;
  const rows = skipped.length === 1 ? '1 row' : `${skipped.length} rows`;
  const lines = skipped.slice(0, LISTED).map((s) => `line ${s.line} (${s.columns.join(', ')})`);
  const more = skipped.length > LISTED ? `, and ${skipped.length - LISTED} more` : '';
  io.stderr.write(`mlp-lab: ${rows} of ${basename(csvPath)} not predicted, an input is missing: ${lines.join(', ')}${more}; the other ${predicted} ${predicted === 1 ? 'row is' : 'rows are'} predicted\n`);
}

/** Writes the CSV lines to `out` (saying so on stderr) or to stdout; returns exit code 0. */
function writeOut(out: string | undefined, lines: string[], n: number, io: CliIo): number {
  const text = `${lines.join('\n')}\n`;
  if (out) {
    writeText(out, text);
    io.stderr.write(`${n} predictions written to ${out}\n`);
  } else io.stdout.write(text);
  return 0;
}

/**
 * The CSV lines of a mixture density network's predictions: the echoed input columns, then per
 * component k "pik", "muk" (one "muk:target" per target when there are several) and "sigmak",
 * then "target:mean" (PRML (5.158)) and "target:mode" (the most probable component's mean).
 */
function mixtureTable(file: WeightsFile, y: Float64Array, n: number, columns: string[], echo: string[][]): string[] {
  const K = file.components ?? 1;
  const D = file.outputs.length;
  const k = K * (D + 2);
  const header = [...columns];
  for (let j = 1; j <= K; j++) {
    header.push(`pi${j}`, ...(D === 1 ? [`mu${j}`] : file.outputs.map((o) => `mu${j}:${o}`)), `sigma${j}`);
  }
  header.push(...file.outputs.map((o) => `${o}:mean`), ...file.outputs.map((o) => `${o}:mode`));
  const mean = conditionalMean(y, n, K, D);
  const mode = conditionalMode(y, n, K, D);
  const lines = [header.map(csvField).join(',')];
  for (let r = 0; r < n; r++) {
    const cells = [...echo[r]];
    const o = r * k;
    for (let j = 0; j < K; j++) {
      cells.push(String(y[o + j]));
      for (let d = 0; d < D; d++) cells.push(String(y[o + K + j * D + d]));
      cells.push(String(y[o + K + K * D + j]));
    }
    for (let d = 0; d < D; d++) cells.push(String(mean[r * D + d]));
    for (let d = 0; d < D; d++) cells.push(String(mode[r * D + d]));
    lines.push(cells.map(csvField).join(','));
  }
  return lines;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

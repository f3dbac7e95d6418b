/**
 * `mlp-lab predict WEIGHTS.json DATA.csv`: predictions of an exported network for the rows of
 * a CSV file that has the network's input columns (by name, in any order; other columns are
 * ignored; an input "colour=red" is 1 where column colour is red). The CSV is read by the same
 * importer as training data, and the stored normalisation is applied first, as everywhere.
 */
import { predictFromWeights } from '../../shared/weights-format';
import { readPredictionInputs } from '../storage/prediction-inputs';
import { parseArgs, UsageError } from './args';
import { readWeights, writeText } from './files';
import type { CliIo } from './io';

export const PREDICT_USAGE = 'mlp-lab predict WEIGHTS.json DATA.csv [--out PRED.csv]';

/** Runs `predict`; returns the exit code. */
export function predict(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv, { out: 'value' }, 'predict');
  if (args.positionals.length !== 2) throw new UsageError(`predict needs WEIGHTS.json and DATA.csv, got ${args.positionals.length} arguments`);
  const [weightsPath, csvPath] = args.positionals;
  const file = readWeights(weightsPath);
  const { x, n, columns, cells: echo } = readPredictionInputs(csvPath, file);
  const y = predictFromWeights(file, x, n);
  const k = file.outputs.length;
  const labels = file.cost === 'softmax-cross-entropy' ? (file.classLabels ?? file.outputs) : null;
  const header = [...columns, ...file.outputs.map((o) => `${o}${file.cost === 'sum-of-squares' ? '' : ':p'}`), ...(labels ? ['predicted'] : [])];
  const lines = [header.map(csvField).join(',')];
  for (let r = 0; r < n; r++) {
    const cells = [...echo[r]];
    let best = 0;
    for (let j = 0; j < k; j++) {
      cells.push(String(y[r * k + j]));
      if (y[r * k + j] > y[r * k + best]) best = j;
    }
    if (labels) cells.push(labels[best]);
    lines.push(cells.map(csvField).join(','));
  }
  const text = `${lines.join('\n')}\n`;
  const out = args.options.get('out');
  if (out) {
    writeText(out, text);
    io.stderr.write(`${n} predictions written to ${out}\n`);
  } else io.stdout.write(text);
  return 0;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

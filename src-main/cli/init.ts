/**
 * `mlp-lab init SPEC -o PROJECT.mlplab`: a new project file from a spec, with the spec's CSV
 * data imported into it (the project then no longer needs the CSV file). Prints what the import
 * found: format, rows, column kinds, missing values, and the task the targets suggest.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createLab } from '../../shared/lab';
import type { Dataset } from '../../shared/data/dataset';
import type { CostName } from '../../shared/engine/cost-types';
import type { LayerInit } from '../../shared/engine/init';
import { isCsvData, type LabSpec } from '../../shared/spec';
import { proposeTask } from '../storage/dataset-encode';
import { csvReadOptions, importSpecCsv, loadSpecData } from '../storage/load-data';
import { newProject, type ProjectDataset } from '../storage/project';
import { writeProjectFile } from '../storage/project-save';
import { PROJECT_EXTENSION } from '../storage/schema';
import { parseArgs, UsageError } from './args';
import { readSpec } from './files';
import type { CliIo } from './io';

export const INIT_USAGE = 'mlp-lab init SPEC -o PROJECT.mlplab [--force]';

/**
 * "1 target (3 classes: setosa, versicolor, virginica)", "2 targets": target columns, and for a
 * classifier its classes (issue 16: one label column of 3 classes is one target, not three).
 */
export function targetsText(columns: number, data: Dataset, cost: CostName): string {
  const text = `${columns} target${columns === 1 ? '' : 's'}`;
  if (cost === 'sigmoid-cross-entropy' && columns === 1) {
    const positive = data.classLabels?.[0];
    return `${text} (2 classes${positive === undefined ? '' : `, positive "${positive}"`})`;
  }
  if (cost !== 'softmax-cross-entropy') return text;
  const classes = data.classLabels ?? data.targetNames;
  const list = classes.length > 6 ? `${classes.slice(0, 6).join(', ')}, ...` : classes.join(', ');
  return `${text} (${classes.length} classes: ${list})`;
}

/** Each layer's initialisation: "Xavier (tanh), He (relu), Xavier (output)" (issue 16: CSV data defaults to these). */
function initText(spec: LabSpec): string {
  const name = (i: LayerInit) => (i.scheme === 'xavier' ? 'Xavier' : i.scheme === 'he' ? 'He' : `truncated normal std ${i.std}`);
  return [...spec.network.hidden.map((h) => `${name(h.init)} (${h.activation})`), `${name(spec.network.output.init)} (output)`].join(', ');
}

/** Runs `init`; returns the exit code. */
export async function init(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { o: 'value', out: 'value', force: 'switch' }, 'init');
  if (args.positionals.length !== 1) throw new UsageError(`init needs one SPEC file, got ${args.positionals.length}`);
  const out = args.options.get('o') ?? args.options.get('out');
  if (!out) throw new UsageError('init needs the project file to create: -o PROJECT.mlplab');
  if (!out.endsWith(PROJECT_EXTENSION)) throw new UsageError(`the project file should end in ${PROJECT_EXTENSION}, got "${out}"`);
  if (existsSync(out) && !args.options.has('force')) throw new UsageError(`${out} already exists; choose another name, or add --force to replace it`);
  const specPath = args.positionals[0];
  const spec = readSpec(specPath);

  let dataset: ProjectDataset | null = null;
  const lines: string[] = [];
  if (isCsvData(spec.data)) {
    const { table, data, report } = importSpecCsv(spec, specPath);
    createLab(spec, data); // refuses, before anything is written, data the network cannot train on
    dataset = { ...table, importedAt: new Date().toISOString(), settings: csvReadOptions(spec.data) };
    const f = table.format;
    const delim = f.delimiter === '\t' ? 'tab' : `"${f.delimiter}"`;
    lines.push(`data: ${basename(table.file)}: ${table.rows} rows${table.blankLines ? ` (${table.blankLines} blank lines skipped)` : ''}; delimiter ${delim}, decimal "${f.decimal}", ${f.header ? 'header row' : 'no header (columns col1, col2, ...)'}, ${f.encoding.toUpperCase()}`);
    lines.push(`columns: ${table.columns.map((c) => `${c.name} (${c.kind}${c.missing ? `, ${c.missing} missing` : ''})`).join(', ')}`);
    for (const c of table.columns) if (c.reason) lines.push(`  ${c.name}: ${c.reason}; suggest leaving it out`);
    lines.push(`dataset: ${data.n} samples, ${data.inputNames.length} input${data.inputNames.length === 1 ? '' : 's'}, ${targetsText(spec.data.targets.length, data, spec.network.output.cost)}`);
    if (report.rowsDropped) lines.push(`  ${report.rowsDropped} rows left out for missing values (${Object.entries(report.missing).map(([c, k]) => `${c}: ${k}`).join(', ')})`);
    for (const [c, k] of Object.entries(report.imputed)) lines.push(`  ${c}: ${k} missing values filled with the column mean`);
    for (const w of report.warnings) lines.push(`  note: ${w}`);
    for (const note of table.notes) lines.push(`  note: ${note}`);
    const task = proposeTask(table, spec.data.targets);
    const cost = spec.network.output.cost;
    lines.push(`task: ${task.task} (${task.reason}); ${task.cost === cost ? `the spec's cost ${cost} fits` : `suggested cost ${task.cost}, the spec uses ${cost}`}`);
    lines.push(`initial weights: ${initText(spec)}`);
  } else {
    createLab(spec, loadSpecData(spec, specPath));
    lines.push(`data: built in (${spec.data.builtin}, ${spec.data.n} samples, generated from seed ${spec.seed})`);
  }
  await writeProjectFile(out, newProject(spec, dataset));
  io.stdout.write(`created ${out} from ${specPath}\n${lines.join('\n')}\n`);
  return 0;
}

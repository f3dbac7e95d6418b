/**
 * Loads the dataset a spec names: a built-in generator, or a CSV file relative to the spec.
 */
import { dirname, resolve } from 'node:path';
import { generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { isCsvData, type LabSpec } from '../../shared/spec';
import { numericColumns, readCsvFile } from './csv';

/**
 * The spec's data, before splitting and normalisation (createLab does both); `specPath`
 * anchors a relative CSV path (undefined: the working directory).
 */
export function loadSpecData(spec: LabSpec, specPath?: string): Dataset {
  const d = spec.data;
  if (!isCsvData(d)) return generateBuiltin(d.builtin, d.n, spec.seed);
  const file = resolve(specPath ? dirname(specPath) : process.cwd(), d.csv);
  const table = readCsvFile(file);
  const data: Dataset = {
    inputs: numericColumns(table, d.inputs, 'input'),
    targets: numericColumns(table, d.targets, 'target'),
    n: table.rows.length,
    inputNames: [...d.inputs],
    targetNames: [...d.targets],
  };
  return data;
}

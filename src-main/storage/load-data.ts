/**
 * Loads the dataset a spec names: a built-in generator, or a CSV file relative to the spec.
 */
import { dirname, resolve } from 'node:path';
import { generateBuiltin } from '../../shared/data/builtin';
import { type Dataset, inputStatistics, normalizeInputs } from '../../shared/data/dataset';
import { isCsvData, type LabSpec } from '../../shared/spec';
import type { Normalization } from '../../shared/weights-format';
import { numericColumns, readCsvFile } from './csv';

/** A dataset with the normalisation applied to its inputs (null when none). */
export interface LoadedData {
  data: Dataset;
  normalization: Normalization | null;
}

/** The spec's data; `specPath` anchors a relative CSV path (undefined: the working directory). */
export function loadSpecData(spec: LabSpec, specPath?: string): LoadedData {
  const d = spec.data;
  if (!isCsvData(d)) return { data: generateBuiltin(d.builtin, d.n, spec.seed), normalization: null };
  const file = resolve(specPath ? dirname(specPath) : process.cwd(), d.csv);
  const table = readCsvFile(file);
  const data: Dataset = {
    inputs: numericColumns(table, d.inputs, 'input'),
    targets: numericColumns(table, d.targets, 'target'),
    n: table.rows.length,
    inputNames: [...d.inputs],
    targetNames: [...d.targets],
  };
  if (!d.normalize) return { data, normalization: null };
  const normalization = inputStatistics(data);
  return { data: { ...data, inputs: normalizeInputs(data.inputs, data.n, normalization) }, normalization };
}

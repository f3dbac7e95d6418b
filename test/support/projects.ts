/**
 * Projects for storage tests: a real spec, the German spreadsheet fixture as its dataset, and
 * runs with curves, snapshots and weights of the right sizes (values made up, but exact doubles).
 */
import { importCsvSync } from '../../src-main/storage/csv-import';
import { newProject, type Project, type ProjectRun } from '../../src-main/storage/project';
import { parseSpec, type LabSpec } from '../../shared/spec';

/** A CSV spec on the German spreadsheet: 3 inputs (Alter, Einkommen, Region one-hot = 6), sigmoid target. */
export function germanSpec(csv = 'german-spreadsheet.csv'): LabSpec {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 5,
    data: { csv, inputs: ['Alter', 'Einkommen', 'Region'], targets: ['Gekündigt'], missing: 'mean', decimal: ',' },
    network: { hidden: [{ units: 3, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { optimizer: 'gd', learningRate: 0.01, steps: 40 },
  });
}

/** Parameters of germanSpec's network: 6 inputs -> 3 tanh -> 1. */
export const GERMAN_PARAMS = 6 * 3 + 3 + 3 * 1 + 1;

/** Values that exercise the blob codec: negative zero, tiny and huge magnitudes, a NaN. */
function vector(n: number, salt: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898 + salt) * 10 ** ((i % 7) - 3);
  if (n > 2) {
    v[0] = -0;
    v[1] = 5e-324;
  }
  return v;
}

/** A finished run with `snapshots` weight snapshots. */
export function fakeRun(id: string, spec: LabSpec, snapshots = 3, params = GERMAN_PARAMS): ProjectRun {
  const steps = Float64Array.from({ length: 40 }, (_, i) => i);
  return {
    number: Number(/\d+/.exec(id)?.[0] ?? 1),
    id,
    createdAt: '2026-01-02T03:04:05.000Z',
    spec,
    status: 'finished',
    metrics: { step: 40, epoch: 40, train: { E: 3.5, EPerSample: 0.29, accuracy: 0.75 }, stepsPerSecond: 1000, seconds: 0.04 },
    curve: { steps, train: steps.map((s) => 1 / (1 + s)), validationSteps: new Float64Array(0), validation: new Float64Array(0) },
    initialWeights: vector(params, 1),
    finalWeights: vector(params, 2),
    snapshots: Array.from({ length: snapshots }, (_, k) => ({ step: k * 10, weights: vector(params, 3 + k) })),
    weightsMeta: {
      inputs: ['Alter', 'Einkommen', 'Region=Nord', 'Region=Ost', 'Region=Süd', 'Region=West'],
      outputs: ['Gekündigt=ja'],
      normalization: { mean: [40, 2700, 0.25, 0.25, 0.25, 0.25], std: [11, 700, 0.4, 0.4, 0.4, 0.4] },
      classLabels: ['ja'],
    },
  };
}

/** A project with the German dataset, `runs` runs and some UI state. */
export function germanProject(fixturePath: string, runs = 2): Project {
  const spec = germanSpec();
  const table = importCsvSync(fixturePath, { decimal: ',' });
  const p = newProject(spec, { ...table, importedAt: '2026-01-01T00:00:00.000Z', settings: { decimal: ',' } });
  return { ...p, runs: Array.from({ length: runs }, (_, i) => fakeRun(`run-${i + 1}`, spec)), ui: { selectedRun: 'run-1', view: { zoom: 1.5, panels: ['cost', 'weights'] } } };
}

/**
 * What differs between two lab specs, in the words the run history uses: "η 0.1 (now 0.01)",
 * "hidden 8 tanh (now 4 tanh)". Fields that do not change the model or its data (the number of
 * threads) are left out.
 */
import { isCsvData, type LabSpec } from '@shared/spec';

/** One difference: a short field label and its value in each spec, as text. */
export interface SpecChange {
  field: string;
  /** The value in the first spec (the run's). */
  a: string;
  /** The value in the second spec (the current one). */
  b: string;
}

/** Compact number text: 0.001, 1e-5, 100000. */
function n(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

/** The hidden layers as "8 tanh → 4 relu" ("none" without hidden layers). */
export function layersText(spec: LabSpec): string {
  return spec.network.hidden.map((h) => `${h.units} ${h.activation}`).join(' → ') || 'none';
}

function initText(i: { scheme: string; std: number; bias: number }): string {
  return i.scheme === 'truncated-normal' ? `N(0, ${n(i.std)}²) bias ${n(i.bias)}` : `${i.scheme} bias ${n(i.bias)}`;
}

/** The value text of every compared field of a spec, by label, in display order. */
export function specFields(s: LabSpec): [string, string][] {
  const d = s.data;
  const t = s.training;
  const fields: [string, string][] = [];
  if (isCsvData(d)) {
    fields.push(['data', d.csv], ['inputs', d.inputs.join(', ')], ['targets', d.targets.join(', ')], ['normalise', d.normalize ? 'yes' : 'no'], ['missing', d.missing]);
  } else {
    fields.push(['data', d.builtin], ['n', n(d.n)], ['noise', n(d.noise)]);
    if (d.classes !== undefined) fields.push(['classes', n(d.classes)]);
  }
  fields.push(['validation', n(d.split.validation)], ['test', n(d.split.test)], ['seed', n(s.seed)]);
  fields.push(['hidden', layersText(s)]);
  s.network.hidden.forEach((h, i) => fields.push([`init ${i + 1}`, initText(h.init)]));
  fields.push(['output', s.network.output.cost], ['init out', initText(s.network.output.init)]);
  fields.push(['optimizer', t.optimizer]);
  if (t.optimizer !== 'scg' && t.optimizer !== 'lbfgs') fields.push(['η', n(t.learningRate)]);
  if (t.optimizer === 'lbfgs') fields.push(['memory', n(t.memory ?? 10)]);
  if (t.evidence) fields.push(['evidence', `every ${t.evidence.every} steps from α ${n(t.evidence.alpha)}, β ${n(t.evidence.beta)}`]);
  fields.push(['steps', n(t.steps)], ['batch', t.batchSize === null ? 'all' : n(t.batchSize)]);
  if (t.optimizer === 'momentum') fields.push(['momentum', n(t.momentum)]);
  if (t.optimizer === 'adam') fields.push(['β1', n(t.beta1)], ['β2', n(t.beta2)], ['ε', n(t.epsilon)]);
  fields.push(['weight decay', n(t.weightDecay)], ['early stopping', t.earlyStopping ? `patience ${t.earlyStopping.patience}` : 'off']);
  return fields;
}

/** The fields whose values differ between `a` (a run's spec) and `b` (the current spec). */
export function specDiff(a: LabSpec, b: LabSpec): SpecChange[] {
  const fa = new Map(specFields(a));
  const fb = new Map(specFields(b));
  const labels = [...new Set([...fa.keys(), ...fb.keys()])];
  const out: SpecChange[] = [];
  for (const field of labels) {
    const va = fa.get(field) ?? '–';
    const vb = fb.get(field) ?? '–';
    if (va !== vb) out.push({ field, a: va, b: vb });
  }
  return out;
}

/** Labels of the fields on which any of `specs` differ (for a comparison table's columns). */
export function varyingFields(specs: readonly LabSpec[]): string[] {
  if (specs.length < 2) return [];
  const maps = specs.map((s) => new Map(specFields(s)));
  const labels = [...new Set(maps.flatMap((m) => [...m.keys()]))];
  return labels.filter((l) => new Set(maps.map((m) => m.get(l) ?? '–')).size > 1);
}

/** The text of one field of a spec (for a comparison table cell). */
export function fieldValue(spec: LabSpec, field: string): string {
  return new Map(specFields(spec)).get(field) ?? '–';
}

/**
 * The fields each object of a lab spec may have (docs/spec-format.md), so that a field the parser
 * does not know (a typo such as `learningrate`, a field in the wrong place such as
 * `training.validationSplit`) is refused with the field it probably meant, instead of being
 * passed over while the spec trains with the default. Keys that start with `_` or `$` are notes
 * (`"_comment"`, `"$schema"`): allowed anywhere, read by nothing.
 */

/** Each spec object's fields; `hidden` stands for every `network.hidden[i]`, `init` for every layer's init. */
export const SPEC_KEYS = {
  '': ['format', 'version', 'seed', 'data', 'network', 'training'],
  'data (builtin)': ['builtin', 'n', 'noise', 'classes', 'split'],
  'data (csv)': ['csv', 'inputs', 'targets', 'normalize', 'split', 'delimiter', 'decimal', 'header', 'encoding', 'missing', 'categorical'],
  'data.split': ['validation', 'test'],
  network: ['hidden', 'output'],
  hidden: ['units', 'activation', 'init'],
  init: ['scheme', 'std', 'bias'],
  'network.output': ['cost', 'components', 'init'],
  training: ['optimizer', 'learningRate', 'steps', 'batchSize', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'validateEvery', 'earlyStopping', 'threads', 'memory', 'evidence', 'precision'],
  'training.earlyStopping': ['patience'],
  'training.evidence': ['every', 'alpha', 'beta'],
} as const;

export type SpecSection = keyof typeof SPEC_KEYS;

/** Where a section's fields are written in a spec, for suggestions (`hidden` and `init` by example). */
const WRITTEN: Record<SpecSection, string> = {
  '': '',
  'data (builtin)': 'data',
  'data (csv)': 'data',
  'data.split': 'data.split',
  network: 'network',
  hidden: 'network.hidden[0]',
  init: 'network.hidden[0].init',
  'network.output': 'network.output',
  training: 'training',
  'training.earlyStopping': 'training.earlyStopping',
  'training.evidence': 'training.evidence',
};

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Edits (insertions, deletions, substitutions) between two short strings. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * The field an unknown key most likely meant: one of its own object's fields spelt within two
 * edits (case aside), else any field of the spec whose name the key contains or which contains
 * the key (the longest such name), written where it belongs; null when nothing is close.
 */
function suggestion(key: string, section: SpecSection, path: string): string | null {
  const k = key.toLowerCase();
  const near = SPEC_KEYS[section].filter((f) => distance(f.toLowerCase(), k) <= 2);
  if (near.length) return join(path, near[0]);
  let best: { at: string; len: number } | null = null;
  for (const [s, fields] of Object.entries(SPEC_KEYS) as [SpecSection, readonly string[]][]) {
    for (const f of fields) {
      const name = f.toLowerCase();
      if (name.length < 4 || !(k.includes(name) || name.includes(k))) continue;
      if (!best || name.length > best.len) best = { at: join(WRITTEN[s], f), len: name.length };
    }
  }
  return best?.at ?? null;
}

/**
 * The first key of `o` that is not a field of `section` (nor a note), as the path it was found at
 * and the message a SpecError gives it; null when every key is known.
 */
export function unknownField(o: Record<string, unknown>, section: SpecSection, path: string): { path: string; message: string } | null {
  const fields: readonly string[] = SPEC_KEYS[section];
  const key = Object.keys(o).find((k) => !fields.includes(k) && !k.startsWith('_') && !k.startsWith('$'));
  if (key === undefined) return null;
  const meant = suggestion(key, section, path);
  const where = path ? `of ${path}` : 'at the top of a spec';
  return {
    path: join(path, key),
    message: `is not a field ${where}${meant ? ` (did you mean ${meant}?)` : ''}; the fields there are ${fields.join(', ')}` +
      ` (docs/spec-format.md${meant ? '' : '; a spec from a newer MLP Lab may have fields this one does not know'})`,
  };
}

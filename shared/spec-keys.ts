/**
 * The fields each object of a lab spec may have (docs/spec-format.md), so that a field the parser
 * does not know (a typo such as `learningrate`, a field in the wrong place such as
 * `training.validationSplit`) is refused with the field it probably meant, instead of being
 * passed over while the spec trains with the default. Keys that start with `_` or `$` are notes
 * (`"_comment"`, `"$schema"`): allowed anywhere, read by nothing.
 */
import { previewJson } from './json-preview';
import { SpecError } from './spec-error';

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

/** A field the spec does not have, as `unknownField` found it. */
export interface UnknownField {
  /** Where it was found, the key shortened for display ("training.learningrate"). */
  path: string;
  message: string;
}

/** Keys longer than this get no suggestion (and are shown shortened). */
const LONGEST_KEY = 64;

/** Where a section's fields are written, seen from an object at `path` (`init` below a layer, a layer's own). */
function writtenAt(section: SpecSection, path: string): string {
  const layer = path === 'network.output' || /^network\.hidden\[\d+\]$/.test(path);
  if (section === 'init') return layer ? `${path}.init` : path.endsWith('.init') ? path : 'network.hidden[0].init';
  if (section === 'hidden') return /^network\.hidden\[\d+\]/.test(path) ? path.replace(/(\[\d+\]).*$/, '$1') : 'network.hidden[0]';
  if (section === 'data (builtin)' || section === 'data (csv)') return 'data';
  return section;
}

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
 * The field an unknown key most likely meant: one of its own object's fields that it begins (3
 * characters or more), else the nearest of them within two edits (case aside), else the longest field name of the spec that the key contains or that
 * contains it (keys of 4 characters or more), written where it belongs; null when nothing is close.
 */
function suggestion(key: string, section: SpecSection, path: string): string | null {
  const k = key.toLowerCase();
  if (k.length > LONGEST_KEY) return null;
  // A key that begins one of the object's fields is short for it (eps: epsilon).
  const start = k.length >= 3 ? SPEC_KEYS[section].find((f) => f.toLowerCase().startsWith(k)) : undefined;
  if (start) return join(path, start);
  let near: { f: string; d: number } | null = null;
  for (const f of SPEC_KEYS[section]) {
    if (Math.abs(f.length - k.length) > 2) continue;
    const d = distance(f.toLowerCase(), k);
    if (d <= 2 && (!near || d < near.d)) near = { f, d };
  }
  if (near) return join(path, near.f);
  if (k.length < 4) return null;
  let best: { at: string; len: number } | null = null;
  for (const [s, fields] of Object.entries(SPEC_KEYS) as [SpecSection, readonly string[]][]) {
    for (const f of fields) {
      const name = f.toLowerCase();
      if (name.length < 4 || !(k.includes(name) || name.includes(k))) continue;
      if (!best || name.length > best.len) best = { at: join(writtenAt(s, path), f), len: name.length };
    }
  }
  return best?.at ?? null;
}

/**
 * The first key of `o` that is not a field of `section` (nor a note), with the path it was found
 * at and the message a SpecError gives it; null when every key is known.
 */
export function unknownField(o: Record<string, unknown>, section: SpecSection, path: string): UnknownField | null {
  const fields: readonly string[] = SPEC_KEYS[section];
  const key = Object.keys(o).find((k) => !fields.includes(k) && !k.startsWith('_') && !k.startsWith('$'));
  if (key === undefined) return null;
  const shown = /^[A-Za-z0-9_]{1,64}$/.test(key) ? key : previewJson(key, 40);
  const at = join(path, shown);
  const where = path ? `of ${path}` : 'at the top of a spec';
  const others = `the fields there are ${fields.join(', ')}`;
  // A field of the other kind of data: say so, rather than suggest it back.
  const other = section === 'data (builtin)' ? 'data (csv)' : section === 'data (csv)' ? 'data (builtin)' : null;
  if (other && (SPEC_KEYS[other] as readonly string[]).includes(key)) {
    return { path: at, message: `applies only to ${other === 'data (csv)' ? 'CSV data (data.csv)' : 'a built-in dataset (data.builtin)'}: leave it out (${others})` };
  }
  const meant = suggestion(key, section, path);
  return {
    path: at,
    message: `is not a field ${where}${meant ? ` (did you mean ${meant}?)` : ''}; ${others}` +
      ` (docs/spec-format.md${meant ? '' : '; a spec from a newer MLP Lab may have fields this one does not know'})`,
  };
}

/** `o`, once every key of it is a field of `section`; else a SpecError naming the first that is not. */
export function known(o: Record<string, unknown>, section: SpecSection, path: string): Record<string, unknown> {
  const u = unknownField(o, section, path);
  if (u) throw new SpecError(u.path, u.message, true);
  return o;
}

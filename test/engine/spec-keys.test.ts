/**
 * A field the lab spec does not have is refused, naming it and the field it probably meant
 * (shared/spec-keys.ts), instead of being passed over while the spec trains on the default. The
 * list of fields is checked against what the parser reads (test/support/spec-fields.ts records
 * it), both ways, so the two cannot drift; the parser's own output always parses again (a saved
 * project's spec loads); notes (`_...`, `$...`) are allowed.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, SpecError } from '../../shared/spec';
import { SPEC_KEYS, type SpecSection } from '../../shared/spec-keys';
import { branchSpecs, specFields, specsReading } from '../support/spec-fields';

const base = {
  format: 'mlp-lab-spec', version: 1, seed: 1,
  data: { builtin: 'xor-quadrants', n: 200, split: { validation: 0.2 } },
  network: { hidden: [{ units: 4, activation: 'tanh', init: { scheme: 'xavier' } }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'sgd', learningRate: 0.01, steps: 10, earlyStopping: { patience: 3 } },
};

/** The SpecError parseSpec throws for `base` changed by `patch`. */
function refusal(patch: (s: any) => void): SpecError {
  const s: any = structuredClone(base);
  patch(s);
  try {
    parseSpec(s);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('parseSpec accepted it');
}

/**
 * The spec section whose fields a recorded field path (`network.hidden[].init.scheme`) is one of;
 * `data.x` by the kind of data of the spec the recorder saw read it.
 */
function sectionOf(path: string, reader: unknown): SpecSection {
  const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
  if (parent === 'data') return 'csv' in ((reader as { data: object }).data) ? 'data (csv)' : 'data (builtin)';
  if (parent === 'network.hidden[]') return 'hidden';
  if (parent.endsWith('.init')) return 'init';
  return parent as SpecSection;
}

describe('fields a lab spec does not have', () => {
  it('base is a valid spec (so each refusal below is about its one change)', () => {
    expect(() => parseSpec(base)).not.toThrow();
  });

  it('a misspelt field is refused with the one it meant, in every object of the spec', () => {
    const cases: [(s: any) => void, string, string][] = [
      [(s) => (s.training.learningrate = 0.1), 'training.learningrate', 'training.learningRate'],
      [(s) => (s.training.btchSize = 64), 'training.btchSize', 'training.batchSize'],
      [(s) => (s.network.hidden[0].unit = 8), 'network.hidden[0].unit', 'network.hidden[0].units'],
      [(s) => (s.network.hidden[0].init.sdt = 0.5), 'network.hidden[0].init.sdt', 'network.hidden[0].init.std'],
      [(s) => (s.network.output.costs = 'sum-of-squares'), 'network.output.costs', 'network.output.cost'],
      [(s) => (s.data.nosie = 0.1), 'data.nosie', 'data.noise'],
      [(s) => (s.data.split.valdation = 0.3), 'data.split.valdation', 'data.split.validation'],
      [(s) => (s.training.earlyStopping.patiance = 5), 'training.earlyStopping.patiance', 'training.earlyStopping.patience'],
      [(s) => (s.sed = 4), 'sed', 'seed'],
    ];
    for (const [patch, path, meant] of cases) {
      const e = refusal(patch);
      expect(e.path, path).toBe(path);
      expect(e.message).toContain(`did you mean ${meant}?`);
      expect(e.message).toContain('docs/spec-format.md');
    }
  });

  it('a field in the wrong place is refused with where it belongs', () => {
    expect(refusal((s) => (s.training.validationSplit = 0.2)).message).toContain('did you mean data.split.validation?');
    expect(refusal((s) => (s.optimizer = 'adam')).message).toMatch(/^optimizer is not a field at the top of a spec \(did you mean training\.optimizer\?\)/);
    expect(refusal((s) => (s.network.units = 8)).message).toContain('did you mean network.hidden[0].units?');
  });

  it('a field with nothing close is refused with the fields that are there', () => {
    const e = refusal((s) => (s.training.clipNorm = 1));
    expect(e.message).not.toContain('did you mean');
    expect(e.message).toContain(`the fields there are ${SPEC_KEYS.training.join(', ')}`);
  });

  it('a field of the other kind of data is refused as such, not suggested back', () => {
    const csvOnly = refusal((s) => (s.data.normalize = false));
    expect(csvOnly.path).toBe('data.normalize');
    expect(csvOnly.message).toMatch(/^data\.normalize applies only to CSV data \(data\.csv\): leave it out/);
    const builtinOnly = refusal((s) => (s.data = { csv: 'a.csv', inputs: ['a'], targets: ['b'], noise: 0.1 }));
    expect(builtinOnly.message).toMatch(/^data\.noise applies only to a built-in dataset \(data\.builtin\)/);
  });

  it('the nearest field wins, a beginning counts as the field, and a layer\'s own init is named', () => {
    expect(refusal((s) => (s.training.bet2 = 0.99)).message).toContain('did you mean training.beta2?');
    expect(refusal((s) => (s.training.eps = 1e-6)).message).toContain('did you mean training.epsilon?');
    expect(refusal((s) => (s.network.output.scheme = 'xavier')).message).toContain('did you mean network.output.init.scheme?');
    expect(refusal((s) => {
      s.network.hidden.push({ units: 3 });
      s.network.hidden[1].bias = 0.1;
    }).message).toContain('did you mean network.hidden[1].init.bias?');
    // A short key with nothing near suggests nothing rather than anything.
    expect(refusal((s) => (s.training.e = 1)).message).not.toContain('did you mean');
  });

  it('a misspelt format, version, builtin or csv is named as such', () => {
    expect(refusal((s) => { delete s.format; s.formt = 'mlp-lab-spec'; }).message).toMatch(/^formt is not a field at the top of a spec \(did you mean format\?\)/);
    expect(refusal((s) => (s.data = { bultin: 'xor-quadrants' })).message).toContain('needs either "builtin" (a generated dataset) or "csv" (a file); data.bultin is not a field of data (did you mean data.builtin?)');
    // A file of another kind is still told it is not a spec.
    expect(() => parseSpec({ name: 'left-pad', version: '1.3.0' })).toThrow(/^format must be "mlp-lab-spec" \(got nothing\): is this an MLP Lab spec file\?$/);
  });

  it('an odd or enormous key is shown shortened, with no suggestion sought for it', () => {
    const e = refusal((s) => (s.training['x'.repeat(1_000_000)] = 1));
    expect(e.message.length).toBeLessThan(600);
    expect(e.message).not.toContain('did you mean');
    expect(refusal((s) => (s.training[''] = 1)).path).toBe('training.""');
  });

  it('notes are allowed anywhere: keys that start with _ or $', () => {
    const s: any = structuredClone(base);
    s.$schema = 'https://example.org/mlp-lab-spec.json';
    s._comment = 'tried on Tuesday';
    s.training._why = 'a smaller rate diverged less';
    s.network.hidden[0].$note = 'x';
    expect(parseSpec(s)).toEqual(parseSpec(base));
  });

  it('the parser\'s own output parses again to itself, on specs through every branch of the parser (a saved project loads)', () => {
    for (const spec of branchSpecs()) {
      const once = parseSpec(structuredClone(spec));
      expect(parseSpec(JSON.parse(JSON.stringify(once)))).toEqual(once);
    }
  });

  it('the list of fields is exactly what the parser reads: every field read is listed, every listed field is read', () => {
    // Every (section, field) the parser reads, on specs through each of its branches.
    const read = new Set<string>();
    for (const path of specFields().keys()) {
      for (const spec of specsReading(path)) {
        if (path === 'data.csv' || path === 'data.builtin') continue; // `'csv' in data` is asked of both kinds
        read.add(`${sectionOf(path, spec)}: ${path.slice(path.lastIndexOf('.') + 1)}`);
      }
    }
    read.add('data (csv): csv');
    read.add('data (builtin): builtin');
    const listed = (Object.entries(SPEC_KEYS) as [SpecSection, readonly string[]][]).flatMap(([s, keys]) => keys.map((k) => `${s}: ${k}`));
    expect([...read].filter((f) => !listed.includes(f))).toEqual([]);
    expect(listed.filter((f) => !read.has(f))).toEqual([]);
    // Negative control: a field listed in the wrong section would be caught.
    expect([...listed, 'data (builtin): normalize'].filter((f) => !read.has(f))).toEqual(['data (builtin): normalize']);
  });
});

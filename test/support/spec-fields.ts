/**
 * The fields of the lab spec as its parser knows them, read off the parser itself: spec JSON is
 * handed to `parseSpec` wrapped in proxies that record every property it looks at (`o.steps`,
 * `'csv' in o`), on specs that take each of its branches (every optimizer, cost, activation,
 * init scheme, built-in and CSV data, early stopping, the evidence procedure). A field the parser
 * reads is a field of the format, so a field added to the parser shows up here with no list to
 * keep by hand. Paths name array elements `[]`: `network.hidden[].init.scheme`.
 */
import { ACTIVATION_NAMES } from '../../shared/engine/activations';
import { COST_NAMES } from '../../shared/engine/cost-types';
import { INIT_SCHEMES } from '../../shared/engine/init';
import { OPTIMIZER_NAMES } from '../../shared/engine/optimizers';
import { parseSpec } from '../../shared/spec';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` behind proxies that call `read(path)` for every property of an object the parser looks at. */
export function recording<T extends Json>(value: T, read: (path: string) => void, path = ''): T {
  if (value === null || typeof value !== 'object') return value;
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) {
    // Elements are `path[]`; the array's own properties (length, map, ...) are no fields.
    return new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as Json;
        return typeof key === 'string' && /^\d+$/.test(key) ? recording(v, read, `${path}[]`) : v;
      },
    }) as T;
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver);
      read(at(key));
      return recording(Reflect.get(target, key, receiver) as Json, read, at(key));
    },
    has(target, key) {
      if (typeof key === 'string') read(at(key));
      return Reflect.has(target, key);
    },
  }) as T;
}

/** A spec for each branch of the parser: each is valid, so the parser reads every field it has. */
export function branchSpecs(): Json[] {
  const base = { format: 'mlp-lab-spec', version: 1, seed: 1 };
  const init = (scheme: string) => ({ scheme, std: 0.5, bias: 0.1 });
  const network = (cost: string, scheme = 'xavier', activation = 'tanh') => ({
    hidden: [{ units: 3, activation, init: init(scheme) }],
    output: { cost, ...(cost === 'mixture-density' ? { components: 2 } : {}), init: init(scheme) },
  });
  const builtin = { builtin: 'blobs', n: 100, noise: 0.2, classes: 3, split: { validation: 0.2, test: 0.1 } };
  const csv = {
    csv: 'data.csv', inputs: ['a', 'b'], targets: ['t'], normalize: true, split: { validation: 0.2, test: 0 },
    delimiter: ';', decimal: ',', header: true, encoding: 'utf-8', missing: 'mean', categorical: ['b'],
  };
  const fullBatch = new Set(['gd', 'scg', 'lbfgs']);
  const specs: Json[] = [];
  for (const optimizer of OPTIMIZER_NAMES) {
    specs.push({
      ...base, data: builtin, network: network('softmax-cross-entropy'),
      training: {
        optimizer, learningRate: 0.01, steps: 10, ...(fullBatch.has(optimizer) ? {} : { batchSize: 8 }),
        momentum: 0.5, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, validateEvery: 5,
        earlyStopping: { patience: 3 }, threads: 2, precision: 'float32', ...(optimizer === 'lbfgs' ? { memory: 5 } : {}),
        ...(fullBatch.has(optimizer) ? { evidence: { every: 5, alpha: 0.1, beta: 10 } } : { weightDecay: 0.01 }),
      },
    });
  }
  for (const cost of COST_NAMES) specs.push({ ...base, data: csv, network: network(cost), training: { weightDecay: 0.1 } });
  for (const scheme of INIT_SCHEMES) for (const activation of ACTIVATION_NAMES) specs.push({ ...base, data: builtin, network: network('sum-of-squares', scheme, activation) });
  return specs;
}

/** Every field path the parser reads, each with the first spec that reads it (for probing it). */
export function specFields(): Map<string, Json> {
  const fields = new Map<string, Json>();
  for (const spec of branchSpecs()) {
    parseSpec(recording(spec, (path) => {
      if (!fields.has(path)) fields.set(path, spec);
    }));
  }
  return fields;
}

/** A deep copy of `spec` with the field at `path` (`[]` = the first element) changed by `edit` on its parent object. */
function editAt(spec: Json, path: string, edit: (parent: Record<string, Json>, key: string) => void): Json {
  const copy = JSON.parse(JSON.stringify(spec)) as Json;
  const keys = path.split('.');
  let node = copy as Record<string, Json> | Json[];
  for (const part of keys.slice(0, -1)) {
    const array = part.endsWith('[]');
    node = (node as Record<string, Json>)[array ? part.slice(0, -2) : part] as Record<string, Json>;
    if (array) node = (node as unknown as Json[])[0] as Record<string, Json>;
  }
  const last = keys[keys.length - 1];
  edit(node as Record<string, Json>, last.endsWith('[]') ? last.slice(0, -2) : last);
  return copy;
}

/** The specs that read `path`, among `branchSpecs()`. */
export function specsReading(path: string): Json[] {
  return branchSpecs().filter((spec) => {
    let reads = false;
    parseSpec(recording(spec, (p) => (reads ||= p === path)));
    return reads;
  });
}

/** True when some spec that holds `path` still parses without it: the field has a default. */
export function isOptional(path: string): boolean {
  return specsReading(path).some((spec) => {
    let held = false;
    const without = editAt(spec, path, (parent, key) => {
      held = key in parent;
      delete parent[key];
    });
    if (!held) return false;
    try {
      parseSpec(without);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The upper limit the parser enforces on `path`, as its message writes it ("65,536"), or null:
 * the field set far too large (a number to 1e15, a list to 10,000 copies of its first element)
 * in every spec that reads it, and the "at most N" of the refusal.
 */
export function upperLimit(path: string): string | null {
  for (const spec of specsReading(path)) {
    const probe = editAt(spec, path, (parent, key) => {
      const v = parent[key];
      if (typeof v === 'number') parent[key] = 1e15;
      else if (Array.isArray(v) && v.length > 0) parent[key] = Array.from({ length: 10_000 }, () => v[0]);
    });
    try {
      parseSpec(probe);
    } catch (e) {
      const m = /at most ([0-9][0-9,.e]*[0-9])/.exec((e as Error).message);
      if (m) return m[1];
    }
  }
  return null;
}

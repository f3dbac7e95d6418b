/**
 * Prepared data in shared memory, kept per dataset and spec. Preparing (one-hot targets, the
 * seeded split, the normalisation) copies the whole dataset, which on a 60,000 x 784 set holds
 * main for half a second; every run on the same data and split, and every plot or weights file
 * of it, needs the same parts. So main prepares them once, straight into SharedArrayBuffers
 * that workers read without copying, and hands out the same parts while anyone holds them.
 */
import type { Dataset } from '../../shared/data/dataset';
import { partsKey, prepareParts } from '../../shared/lab';
import type { LabSpec } from '../../shared/spec';
import type { SharedParts } from '../../shared/worker-protocol';

/** A Float64Array in a SharedArrayBuffer of its own. */
export const sharedArray = (length: number) => new Float64Array(new SharedArrayBuffer(length * 8));

/**
 * A dataset whose arrays are in SharedArrayBuffers: the arrays already there are kept, the
 * others copied.
 */
export function shareDataset(d: Dataset): Dataset {
  const share = (a: Float64Array) => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const s = sharedArray(a.length);
    s.set(a);
    return s;
  };
  return { ...d, inputs: share(d.inputs), targets: share(d.targets) };
}

/**
 * The parts `prepareParts` gives, in shared memory, by dataset (its identity: datasets given
 * here are not changed afterwards) and partsKey. Held weakly: parts no run or caller holds
 * any more are freed with their dataset or by the garbage collector.
 */
export class PartsCache {
  private readonly byData = new WeakMap<Dataset, Map<string, WeakRef<SharedParts>>>();

  get(spec: LabSpec, raw: Dataset): SharedParts {
    let forData = this.byData.get(raw);
    if (!forData) this.byData.set(raw, (forData = new Map()));
    const key = partsKey(spec);
    const known = forData.get(key)?.deref();
    if (known) return known;
    // Each part is written once, straight into shared memory.
    const p = prepareParts(spec, raw, sharedArray);
    const parts: SharedParts = { train: shareDataset(p.train), validation: shareDataset(p.validation), test: shareDataset(p.test), normalization: p.normalization };
    forData.set(key, new WeakRef(parts));
    return parts;
  }
}

/** Main's one cache: the training service, the project and the storage share what they prepare. */
export const preparedParts = new PartsCache();

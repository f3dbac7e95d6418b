/**
 * Prepared data in shared memory, kept per dataset and spec. Preparing (one-hot targets, the
 * seeded split, the normalisation) copies the whole dataset, which on a 60,000 x 784 set holds
 * main for half a second or more; every run on the same data and split, and every plot or
 * weights file of it, needs the same parts. So main prepares them once, in slices between its
 * other work, straight into SharedArrayBuffers that workers read without copying, and hands out
 * the same parts while anyone holds them.
 */
import { type Dataset, finish, SLICE_ROWS, type Sliced } from '../../shared/data/dataset';
import { partsKey, preparePartsSliced } from '../../shared/lab';
import type { LabSpec } from '../../shared/spec';
import type { SharedParts } from '../../shared/worker-protocol';

/** A Float64Array in a SharedArrayBuffer of its own. */
export const sharedArray = (length: number) => new Float64Array(new SharedArrayBuffer(length * 8));

/**
 * A dataset whose arrays are in SharedArrayBuffers: the arrays already there are kept, the
 * others copied (in slices).
 */
function* shareDatasetSliced(d: Dataset): Sliced<Dataset> {
  const width = d.n > 0 ? d.inputs.length / d.n : 0;
  const share = function* (a: Float64Array, perRow: number): Sliced<Float64Array> {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const s = sharedArray(a.length);
    const step = Math.max(1, SLICE_ROWS * perRow);
    for (let i = 0; i < a.length; i += step) {
      s.set(a.subarray(i, i + step), i);
      yield;
    }
    return s;
  };
  const inputs = yield* share(d.inputs, width);
  const targets = yield* share(d.targets, d.n > 0 ? d.targets.length / d.n : 0);
  return { ...d, inputs, targets };
}

/** Prepares a spec's parts of `raw` in shared memory, in slices. */
function* sharedPartsSliced(spec: LabSpec, raw: Dataset): Sliced<SharedParts> {
  // Each part is written once, straight into shared memory; only an unsplit set is copied.
  const p = yield* preparePartsSliced(spec, raw, sharedArray);
  const train = yield* shareDatasetSliced(p.train);
  const validation = yield* shareDatasetSliced(p.validation);
  const test = yield* shareDatasetSliced(p.test);
  return { train, validation, test, normalization: p.normalization };
}

/** Options of a PartsCache. */
export interface PartsCacheOptions {
  /** Longest stretch `prepare` works before letting main's other work run (default 8 ms). */
  sliceMs?: number;
}

/**
 * The parts `prepareParts` gives, in shared memory, by dataset (its identity: datasets given
 * here are not changed afterwards) and partsKey. Held weakly: parts no run or caller holds
 * any more are freed with their dataset or by the garbage collector.
 */
export class PartsCache {
  private readonly byData = new WeakMap<Dataset, Map<string, WeakRef<SharedParts> | Promise<SharedParts>>>();
  private readonly sliceMs: number;

  constructor(options: PartsCacheOptions = {}) {
    this.sliceMs = options.sliceMs ?? 8;
  }

  /** The parts at once: prepared here and now, in one go, unless already known. */
  get(spec: LabSpec, raw: Dataset): SharedParts {
    const known = this.known(spec, raw);
    if (known && !(known instanceof Promise)) return known;
    // (Being prepared in slices meanwhile: this caller cannot wait, so it gets its own.)
    const parts = finish(sharedPartsSliced(spec, raw));
    if (!known) this.remember(spec, raw, parts);
    return parts;
  }

  /**
   * The parts, prepared in slices of at most ~sliceMs between which main goes on with its
   * other work (events, IPC, the UI's calls): a large dataset never holds main for long.
   * Callers asking for the same parts meanwhile share the one preparation. Rejects with the
   * DataError or RangeError prepareParts would throw.
   */
  prepare(spec: LabSpec, raw: Dataset): Promise<SharedParts> {
    const known = this.known(spec, raw);
    if (known) return known instanceof Promise ? known : Promise.resolve(known);
    const key = partsKey(spec);
    const forData = this.byData.get(raw)!;
    const pending = this.run(sharedPartsSliced(spec, raw)).then(
      (parts) => {
        this.remember(spec, raw, parts);
        return parts;
      },
      (e: unknown) => {
        forData.delete(key);
        throw e;
      },
    );
    forData.set(key, pending);
    return pending;
  }

  private known(spec: LabSpec, raw: Dataset): SharedParts | Promise<SharedParts> | undefined {
    let forData = this.byData.get(raw);
    if (!forData) this.byData.set(raw, (forData = new Map()));
    const entry = forData.get(partsKey(spec));
    return entry instanceof Promise ? entry : entry?.deref();
  }

  private remember(spec: LabSpec, raw: Dataset, parts: SharedParts): void {
    this.byData.get(raw)?.set(partsKey(spec), new WeakRef(parts));
  }

  private run<T>(task: Sliced<T>): Promise<T> {
    return runSliced(task, this.sliceMs);
  }
}

/** Runs a sliced task on main, letting the event loop turn whenever a slice has taken `sliceMs`. */
export async function runSliced<T>(task: Sliced<T>, sliceMs = 8): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = task.next();
    if (r.done) return r.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

/** Main's one cache: the training service, the project and the storage share what they prepare. */
export const preparedParts = new PartsCache();

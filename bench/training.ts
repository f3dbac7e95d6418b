/**
 * Benchmarks of the training service on real worker threads (issue 3), never part of npm test:
 *
 *   T1  streaming overhead: the seed's XOR run on a worker with progress at 30/s and snapshots
 *       at 10/s, against the same run with reporting effectively off (target: <= 5% slower)
 *   T2  the MNIST-sized epoch (60000 x 784 -> 256 tanh -> 10 softmax, batch 128, SGD) on 1 and 2
 *       threads (target: 2 threads >= 1.8x faster)
 *   T3  the seed's XOR run with threads 1 and 2 (small batches stay on one thread)
 *   T4  parallel runs: one run alone vs two at once on two workers (total throughput)
 *   T5  stop latency on a full-batch MNIST-sized step (target: < 50 ms), and a stop with its final figures
 *   T6  main while a run starts on MNIST-sized data (normalised, validation split): how long
 *       start() takes, main's longest stall until the run trains (the data is prepared in
 *       slices meanwhile), and how long until it trains; then the same for a second run, which
 *       reuses the prepared parts
 *
 *   npm run build && npx tsx bench/training.ts [--quick] [--only T1,T2,...]
 */
import { generateBuiltin } from '../shared/data/builtin';
import type { Dataset } from '../shared/data/dataset';
import { Rng } from '../shared/engine/rng';
import { parseSpec, type LabSpec } from '../shared/spec';
import { TrainingService } from '../src-main/training/training-service';
import { WorkerPool } from '../src-main/training/worker-pool';

const workerUrl = new URL('../out/main/trainer-worker.js', import.meta.url);
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set(process.argv[onlyAt + 1]?.split(',').map((x) => x.trim().toUpperCase())) : null;
/** True when benchmark `id` (T1 ... T5) should run. */
const want = (id: string) => !only || only.has(id);

function xorSpec(steps: number, threads: number | 'auto' = 'auto'): LabSpec {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 1,
    data: { builtin: 'xor-quadrants', n: 1000 },
    network: { hidden: [{ units: 4, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { optimizer: 'gd', learningRate: 0.001, steps, threads },
  });
}

/** Random MNIST-shaped data: 784 inputs in [0, 1), labels 0-9. */
function mnistLike(n: number): Dataset {
  const rng = new Rng(7);
  const inputs = new Float64Array(n * 784);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.uniform();
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) targets[i] = rng.int(10);
  return { inputs, targets, n, inputNames: Array.from({ length: 784 }, (_, i) => `p${i}`), targetNames: ['digit'] };
}

function mnistSpec(steps: number, threads: number, batchSize: number | null, optimizer = 'sgd'): LabSpec {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 1,
    data: { csv: 'synthetic.csv', inputs: Array.from({ length: 784 }, (_, i) => `p${i}`), targets: ['digit'] },
    network: { hidden: [{ units: 256, activation: 'tanh', init: { scheme: 'xavier' } }], output: { cost: 'softmax-cross-entropy', init: { scheme: 'xavier' } } },
    training: { optimizer, learningRate: 0.01, steps, threads, ...(batchSize ? { batchSize } : {}) },
  });
}

async function timed(service: TrainingService, spec: LabSpec, data: Dataset): Promise<{ seconds: number; steps: number }> {
  const id = service.start(spec, data);
  const r = await service.wait(id);
  if (r.status !== 'finished') throw new Error(`run ${r.status}: ${r.message}`);
  return { seconds: r.metrics!.seconds, steps: r.metrics!.step };
}

function line(name: string, value: string): void {
  process.stdout.write(`${name.padEnd(58)} ${value}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`training benchmarks (${quick ? 'quick' : 'full'}), ${(await import('node:os')).availableParallelism()} cores\n\n`);

  // T1: streaming overhead.
  if (want('T1')) {
    const steps = quick ? 20000 : 100000;
    const xor = generateBuiltin('xor-quadrants', 1000, 1);
    const best = async (progressMs: number, snapshotMs: number) => {
      const pool = new WorkerPool({ size: 1, workerUrl });
      const service = new TrainingService(pool, { progressMs, snapshotMs });
      let min = Infinity;
      for (let i = 0; i < 3; i++) min = Math.min(min, (await timed(service, xorSpec(steps), xor)).seconds);
      await pool.close();
      return min;
    };
    const silent = await best(1e9, 1e9);
    const streaming = await best(33, 100);
    line(`T1 XOR ${steps} steps, reporting off`, `${((silent / steps) * 1e6).toFixed(1)} us/step`);
    line(`T1 XOR ${steps} steps, progress 30/s + snapshots 10/s`, `${((streaming / steps) * 1e6).toFixed(1)} us/step`);
    line('T1 streaming overhead (target <= 5%)', `${(((streaming - silent) / silent) * 100).toFixed(1)}%`);
  }

  // T2: data-parallel MNIST-sized epoch.
  const mnist = want('T2') || want('T5') || want('T6') ? mnistLike(60000) : mnistLike(1);
  if (want('T2')) {
    const steps = quick ? 60 : 469; // 469 batches of 128 = one epoch
    const pool = new WorkerPool({ size: 2, workerUrl });
    const service = new TrainingService(pool, { progressMs: 33, snapshotMs: 100 });
    // A shared VM drifts by several percent over a minute, so the two are timed in pairs run
    // back to back, in alternating order (1-2, 2-1, 1-2), and the pairs' median ratio is the
    // result: each ratio compares runs made under the same conditions.
    // Workers are kept and reused by the app; a fresh one runs its first ~2 s with the kernels
    // not yet optimized by V8. Both workers warm up first, so the pairs measure what every run
    // after the first one gets.
    await timed(service, mnistSpec(40, 2, 128), mnist);
    const pairs = quick ? 1 : 3;
    const ones: number[] = [];
    const twos: number[] = [];
    const ratios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? [1, 2] : [2, 1];
      const t: Record<number, number> = {};
      for (const k of order) t[k] = (await timed(service, mnistSpec(steps, k, 128), mnist)).seconds;
      ones.push(t[1]);
      twos.push(t[2]);
      ratios.push(t[1] / t[2]);
    }
    const scale = 469 / steps;
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const epochs = (v: number[]) => v.map((x) => (x * scale).toFixed(2)).join(', ');
    line(`T2 MNIST-sized epoch, batch 128, 1 thread`, `${epochs(ones)} s/epoch`);
    line(`T2 MNIST-sized epoch, batch 128, 2 threads`, `${epochs(twos)} s/epoch`);
    line('T2 speed-up with 2 threads, per pair', ratios.map((r) => `${r.toFixed(2)}x`).join(', '));
    line('T2 speed-up with 2 threads, median (target >= 1.8x)', `${median(ratios).toFixed(2)}x`);
    await pool.close();
  }

  // T3: the seed's XOR with threads 1 and 2.
  if (want('T3')) {
    const steps = quick ? 20000 : 100000;
    const xor = generateBuiltin('xor-quadrants', 1000, 1);
    const pool = new WorkerPool({ size: 2, workerUrl });
    const service = new TrainingService(pool);
    const one = await timed(service, xorSpec(steps, 1), xor);
    const two = await timed(service, xorSpec(steps, 2), xor);
    line(`T3 XOR, threads 1`, `${((one.seconds / steps) * 1e6).toFixed(1)} us/step`);
    line(`T3 XOR, threads 2 (one chunk per batch: stays on one thread)`, `${((two.seconds / steps) * 1e6).toFixed(1)} us/step`);
    await pool.close();
  }

  // T4: parallel runs.
  if (want('T4')) {
    const steps = quick ? 20000 : 50000;
    const xor = generateBuiltin('xor-quadrants', 1000, 1);
    const pool = new WorkerPool({ size: 2, workerUrl });
    const service = new TrainingService(pool);
    let t = performance.now();
    await timed(service, xorSpec(steps), xor);
    const alone = (performance.now() - t) / 1000;
    t = performance.now();
    await Promise.all([1, 2].map((seed) => timed(service, { ...xorSpec(steps), seed }, xor)));
    const pair = (performance.now() - t) / 1000;
    line(`T4 one XOR run of ${steps} steps, wall time`, `${alone.toFixed(2)} s`);
    line(`T4 two XOR runs at once on 2 workers, wall time`, `${pair.toFixed(2)} s`);
    line('T4 total throughput, two runs vs one', `${((2 * alone) / pair).toFixed(2)}x`);
    await pool.close();
  }

  // T5: stop latency in the middle of a long full-batch step: ending a run (delete, close, quit:
  // no last measurement) and stopping it (its figures measured on the final weights, a pass over
  // all 60,000 samples, before the run says stopped).
  if (want('T5')) {
    const pool = new WorkerPool({ size: 1, workerUrl });
    const service = new TrainingService(pool);
    for (const measure of [false, true]) {
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const id = service.start(mnistSpec(10, 1, null, 'gd'), mnist);
        // Once its first step is done: the first also sets up the WebAssembly memory for the batch
        // (60,000 rows, about 0.4 GB), which nothing interrupts (about 1 s on the build machine).
        await new Promise<void>((resolve) => {
          const off = service.subscribe((e) => {
            if (e.type === 'run-progress' && e.runId === id && e.metrics.step >= 1) {
              off();
              resolve();
            }
          });
        });
        await new Promise((r) => setTimeout(r, 300 + 100 * i));
        const t0 = performance.now();
        const r = await service.stop(id, { measure });
        latencies.push(performance.now() - t0);
        if (r.status !== 'stopped') throw new Error(`expected stopped, got ${r.status}`);
      }
      line(measure
        ? 'T5 stop with the final figures (one pass over the data), mid full-batch step, worst of 5'
        : 'T5 stop latency mid full-batch step, run ended unmeasured, worst of 5 (target < 50 ms)', `${Math.max(...latencies).toFixed(1)} ms (${latencies.map((l) => l.toFixed(0)).join(', ')})`);
    }
    await pool.close();
  }

  // T6: main's share of starting a run: preparing (one-hot, split, normalise) and sharing the data.
  if (want('T6')) {
    const pool = new WorkerPool({ size: 1, workerUrl });
    const service = new TrainingService(pool);
    // A copy of the data: a dataset the service has not prepared before (T5 used `mnist`).
    const fresh = { ...mnist, inputs: Float64Array.from(mnist.inputs), targets: Float64Array.from(mnist.targets) };
    const base = mnistSpec(1, 1, 128);
    const spec = parseSpec({ ...base, data: { ...base.data, normalize: true, split: { validation: 0.1 } } });
    for (const which of ['first run', 'same data again']) {
      // Main's longest gap between event-loop turns from start() until the run trains.
      let last = 0;
      let stall = 0;
      let watching = true;
      const watch = () => {
        const now = performance.now();
        stall = Math.max(stall, now - last);
        last = now;
        if (watching) setImmediate(watch);
      };
      const t0 = performance.now();
      const id = service.start(spec, fresh);
      const returned = performance.now() - t0;
      stall = returned;
      last = performance.now();
      setImmediate(watch);
      await new Promise<void>((resolve) => {
        const off = service.subscribe((e) => {
          if (e.runId === id && e.type === 'run-state' && e.status === 'running') {
            off();
            resolve();
          }
        });
      });
      watching = false;
      const training = performance.now() - t0;
      await service.wait(id);
      line(`T6 ${which}: start() / longest main stall / training after`, `${returned.toFixed(0)} / ${stall.toFixed(0)} / ${training.toFixed(0)} ms`);
    }
    await pool.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

/**
 * The training service on real worker threads (the built out/main/trainer-worker.js): run
 * lifecycle, the progress stream, faults, and that a run on a worker computes exactly what the
 * same spec computes in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { createLab } from '../../shared/lab';
import { parseSpec } from '../../shared/spec';
import { CURVE_POINTS } from '../../shared/cost-curve-log';
import { evaluate } from '../../shared/training/evaluation';
import { Trainer } from '../../shared/training/trainer';
import type { RunEvent } from '../../shared/run';
import { Analyses } from '../../src-main/training/analyses';
import { TrainingService } from '../../src-main/training/training-service';
import { WorkerPool } from '../../src-main/training/worker-pool';
import { requireWorker, workerUrl } from '../support/worker';


function xorSpec(patch: Record<string, unknown> = {}, training: Record<string, unknown> = {}) {
  return parseSpec({
    format: 'mlp-lab-spec', version: 1, seed: 3,
    data: { builtin: 'xor-quadrants', n: 400 },
    network: { hidden: [{ units: 4, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
    training: { optimizer: 'gd', learningRate: 0.01, steps: 300, ...training },
    ...patch,
  });
}

function xorData(n = 400): Dataset {
  return generateBuiltin('xor-quadrants', n, 3);
}

let pool: WorkerPool;
let service: TrainingService;
const events: RunEvent[] = [];

beforeAll(() => {
  requireWorker();
  pool = new WorkerPool({ size: 2, workerUrl });
  service = new TrainingService(pool);
  service.subscribe((e) => events.push(e));
});

afterAll(async () => {
  await pool.close();
});

function eventsOf(runId: string): RunEvent[] {
  return events.filter((e) => e.runId === runId);
}

function waitFor(pred: () => boolean, what: string, ms = 20000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) resolve();
      else if (Date.now() - start > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('training service', () => {
  it('trains on a worker to exactly the weights the same spec gives in-process', async () => {
    const spec = xorSpec();
    const id = service.start(spec, xorData());
    const record = await service.wait(id);
    expect(record.status).toBe('finished');
    const lab = createLab(spec, xorData());
    new Trainer(lab).run(300);
    expect(Array.from(record.finalWeights!)).toEqual(Array.from(lab.net.params));
  });

  it('keeps a bounded curve of a long run: at most CURVE_POINTS + 2, with its first and last points and its envelope', async () => {
    const id = service.start(xorSpec({ data: { builtin: 'xor-quadrants', n: 40 } }, { steps: 30_000 }), generateBuiltin('xor-quadrants', 40, 3));
    const record = await service.wait(id);
    const streamed = eventsOf(id).flatMap((e) => (e.type === 'run-progress' ? Array.from(e.points.train) : []));
    expect(streamed.length).toBe(30_000);
    expect(record.curve.steps.length).toBeLessThanOrEqual(CURVE_POINTS + 2);
    expect(record.curve.steps[0]).toBe(0);
    expect(record.curve.steps.at(-1)).toBe(29_999);
    expect(record.curve.train.at(-1)).toBe(streamed.at(-1));
    expect(Math.max(...record.curve.train)).toBe(streamed.reduce((a, b) => Math.max(a, b)));
    expect(Math.min(...record.curve.train)).toBe(streamed.reduce((a, b) => Math.min(a, b)));
  });

  it('streams every cost point exactly once, in order, batched into fewer events than steps', async () => {
    const id = service.start(xorSpec({}, { steps: 3000 }), xorData());
    const record = await service.wait(id);
    const progress = eventsOf(id).filter((e) => e.type === 'run-progress');
    const steps = progress.flatMap((e) => (e.type === 'run-progress' ? Array.from(e.points.steps) : []));
    expect(steps).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(Array.from(record.curve.steps)).toEqual(steps);
    expect(progress.length).toBeLessThan(3000);
    const states = eventsOf(id).filter((e) => e.type === 'run-state').map((e) => (e.type === 'run-state' ? e.status : ''));
    expect(states[0]).toBe('queued');
    expect(states.at(-1)).toBe('finished');
    expect(record.snapshots.length).toBeGreaterThan(0);
    expect(record.snapshots.length).toBeLessThanOrEqual(64);
    // Snapshot weights are lent by the worker in a shared buffer and copied out by the service,
    // so consumers hold their own memory (and the worker's buffer is free again).
    const snapshots = eventsOf(id).filter((e) => e.type === 'run-snapshot');
    expect(snapshots.length).toBeGreaterThan(0);
    for (const e of snapshots) if (e.type === 'run-snapshot') expect(e.weights.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('starts paused, takes single steps, resumes, and finishes', async () => {
    const id = service.start(xorSpec({}, { steps: 50 }), xorData(), { paused: true });
    await waitFor(() => eventsOf(id).some((e) => e.type === 'run-state' && e.status === 'paused'), 'paused');
    service.step(id);
    service.step(id, 2);
    await waitFor(() => eventsOf(id).some((e) => e.type === 'run-progress' && e.metrics.step === 3), 'three single steps');
    expect(service.status(id)).toBe('paused');
    service.resume(id);
    const record = await service.wait(id);
    expect(record.status).toBe('finished');
    expect(record.metrics!.step).toBe(50);
    expect(record.curve.steps.length).toBe(50);
  });

  it('reset goes back to the initial weights, sends them, and the rerun reproduces the first run bit for bit', async () => {
    const spec = xorSpec({}, { steps: 400 });
    const id = service.start(spec, xorData(), { paused: true });
    service.step(id, 120);
    await waitFor(() => service.record(id).curve.steps.length === 120, '120 steps');
    const first = service.record(id);
    service.reset(id);
    await waitFor(() => eventsOf(id).some((e) => e.type === 'run-state' && e.reset === true), 'reset');
    const afterReset = service.record(id);
    expect(afterReset.curve.steps.length).toBe(0);
    expect(Array.from(service.weights(id))).toEqual(Array.from(first.initialWeights));
    // The reset is followed by the initial weights themselves, so no one has to ask for them.
    const resetAt = eventsOf(id).findIndex((e) => e.type === 'run-state' && e.reset === true);
    const shown = eventsOf(id).slice(resetAt).find((e) => e.type === 'run-snapshot');
    expect(shown).toMatchObject({ type: 'run-snapshot', step: 0 });
    expect(Array.from((shown as Extract<RunEvent, { type: 'run-snapshot' }>).weights)).toEqual(Array.from(first.initialWeights));
    service.step(id, 120);
    await waitFor(() => service.record(id).curve.steps.length === 120, '120 steps again');
    expect(Array.from(service.record(id).curve.train)).toEqual(Array.from(first.curve.train));
    await service.stop(id);
  });

  it('stop interrupts a long step part-way through: the run ends stopped before its first update', async () => {
    // One full-batch step over 20,000 samples of a 2-256-256-1 network is several chunks of work.
    const spec = xorSpec({ data: { builtin: 'xor-quadrants', n: 20000 }, network: { hidden: [{ units: 256 }, { units: 256 }], output: { cost: 'sigmoid-cross-entropy' } } }, { steps: 5 });
    const id = service.start(spec, generateBuiltin('xor-quadrants', 20000, 3));
    await waitFor(() => eventsOf(id).some((e) => e.type === 'run-state' && e.status === 'running'), 'running');
    const record = await service.stop(id);
    expect(record.status).toBe('stopped');
    expect(record.metrics!.step).toBe(0);
    expect(Array.from(record.finalWeights!)).toEqual(Array.from(record.initialWeights));
  });

  it('changes the learning rate between steps, as the in-process trainer does', async () => {
    const spec = xorSpec({}, { steps: 100 });
    const id = service.start(spec, xorData(), { paused: true });
    service.step(id, 10);
    await waitFor(() => service.record(id).curve.steps.length === 10, '10 steps');
    service.setLearningRate(id, 0.05);
    service.step(id, 10);
    await waitFor(() => service.record(id).curve.steps.length === 20, '20 steps');
    const lab = createLab(spec, xorData());
    const t = new Trainer(lab);
    t.run(10);
    t.setLearningRate(0.05);
    t.run(10);
    const rec = await service.stop(id);
    expect(Array.from(rec.finalWeights!)).toEqual(Array.from(lab.net.params));
  });

  it('queues runs beyond the pool size and runs them all', async () => {
    const ids = [1, 2, 3, 4].map((seed) => service.start({ ...xorSpec({}, { steps: 200 }), seed }, generateBuiltin('xor-quadrants', 400, seed)));
    expect(ids.map((id) => service.status(id)).filter((s) => s === 'queued').length).toBeGreaterThanOrEqual(2);
    const records = await Promise.all(ids.map((id) => service.wait(id)));
    expect(records.map((r) => r.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    // Different seeds, different runs.
    expect(new Set(records.map((r) => r.metrics!.train!.EPerSample)).size).toBe(4);
  });

  it('a run whose worker dies fails with a readable reason; the pool replaces the worker and other runs go on', async () => {
    const long = xorSpec({}, { steps: 10_000_000 });
    const victim = service.start(long, xorData());
    const bystander = service.start({ ...long, seed: 9 }, xorData());
    const stepOf = (id: string) => service.summary(id).metrics?.step ?? 0;
    await waitFor(() => stepOf(victim) > 100 && stepOf(bystander) > 100, 'both running');
    const worker = (service as unknown as { runs: Map<string, { worker: { worker: { terminate(): Promise<number> } } }> }).runs.get(victim)!.worker.worker;
    await worker.terminate();
    const failed = await service.wait(victim);
    expect(failed.status).toBe('failed');
    expect(failed.message).toMatch(/the trainer thread stopped unexpectedly \(exit code 1\)/);
    const before = stepOf(bystander);
    await waitFor(() => stepOf(bystander) > before + 100, 'bystander keeps training');
    expect(service.status(bystander)).toBe('running');
    await service.stop(bystander);
    // The replacement worker takes new work.
    const after = service.start(xorSpec({}, { steps: 20 }), xorData());
    expect((await service.wait(after)).status).toBe('finished');
  });

  it('a diverging run ends as diverged at step N, naming the learning rate, with finite weights', async () => {
    const spec = parseSpec({
      format: 'mlp-lab-spec', version: 1, seed: 1, data: { builtin: 'sine-regression' },
      network: { hidden: [{ units: 6 }], output: { cost: 'sum-of-squares' } }, training: { learningRate: 50, steps: 1000 },
    });
    const id = service.start(spec, generateBuiltin('sine-regression', 100, 1));
    const r = await service.wait(id);
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/^diverged at step \d+: .* with learning rate 50: try a smaller learning rate/);
    expect(r.finalWeights!.every((w) => Number.isFinite(w))).toBe(true);
  });

  it('runs on the same data and split share one prepared copy of it in shared memory; another split or dataset gets its own', async () => {
    const raw = xorData();
    const split = { data: { builtin: 'xor-quadrants', n: 400, split: { validation: 0.25 } } };
    const a = service.start(xorSpec(split, { steps: 5 }), raw);
    const b = service.start(xorSpec(split, { steps: 5, learningRate: 0.5 }), raw);
    const otherSeed = service.start(xorSpec({ ...split, seed: 4 }, { steps: 5 }), raw);
    const otherData = service.start(xorSpec(split, { steps: 5 }), xorData());
    const records = await Promise.all([a, b, otherSeed, otherData].map((id) => service.wait(id)));
    expect(records.map((r) => r.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    const train = (id: string) => service.dataInfo(id).train.inputs;
    expect(train(a).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(train(b)).toBe(train(a));
    expect(service.dataInfo(b).validation.targets).toBe(service.dataInfo(a).validation.targets);
    // The seed draws another split; an equal but separate dataset is prepared for itself.
    expect(train(otherSeed)).not.toBe(train(a));
    expect(Array.from(train(otherSeed))).not.toEqual(Array.from(train(a)));
    expect(train(otherData)).not.toBe(train(a));
    expect(Array.from(train(otherData))).toEqual(Array.from(train(a)));
    // Sharing changes nothing a run computes: the same weights as in-process.
    const lab = createLab(xorSpec(split, { steps: 5, learningRate: 0.5 }), raw);
    new Trainer(lab).run(5);
    expect(Array.from(records[1].finalWeights!)).toEqual(Array.from(lab.net.params));
  });

  it('refuses a spec the engine cannot use before any worker starts, naming the problem', () => {
    const spec = xorSpec({ network: { hidden: [{ units: 3 }], output: { cost: 'softmax-cross-entropy' } }, data: { builtin: 'sine-regression', n: 50 } });
    expect(() => service.start(spec, generateBuiltin('sine-regression', 50, 1))).toThrow(/softmax-cross-entropy needs class labels/);
    expect(() => parseSpec({ ...xorSpec(), training: { learningRate: 0 } })).toThrow(/training\.learningRate must be greater than 0/);
  });

  it('early stopping ends the run on a rising validation error and keeps the best weights', async () => {
    // Twenty noisy points and a wide network: validation error turns up long before 20,000 steps.
    const spec = parseSpec({
      format: 'mlp-lab-spec', version: 1, seed: 4,
      data: { builtin: 'sine-regression', n: 30, split: { validation: 0.5 } },
      network: { hidden: [{ units: 40, activation: 'tanh' }], output: { cost: 'sum-of-squares' } },
      training: { optimizer: 'adam', learningRate: 0.02, batchSize: 15, steps: 20000, validateEvery: 20, earlyStopping: { patience: 15 } },
    });
    const id = service.start(spec, generateBuiltin('sine-regression', 30, 4));
    const r = await service.wait(id);
    expect(r.status).toBe('finished');
    expect(r.metrics!.step).toBeLessThan(20000);
    expect(r.bestStep).toBeGreaterThan(0);
    expect(r.message).toMatch(/early stopping at step \d+: .* restored the weights of step \d+/);
    const val = r.curve.validation;
    const best = Math.min(...val);
    expect(val[val.length - 1]).toBeGreaterThan(best);
  });

  it('checks gradients on a worker, beside the runs', async () => {
    const result = await new Analyses(pool).gradcheck(xorSpec(), xorData());
    expect(result.passed).toBe(true);
    expect(result.groups.map((g) => g.name)).toEqual(['layer 1', 'layer 2', 'inputs']);
  });
});

describe('a run\'s figures are the run\'s own', () => {
  it('an ended run (finished or stopped) reports E, E/N and accuracy of its final weights over every training and validation sample', async () => {
    // 2,000 samples, so a subset (the first 512) and the whole set give different figures.
    const spec = xorSpec({ data: { builtin: 'xor-quadrants', n: 2000, split: { validation: 0.25 } } }, { optimizer: 'adam', learningRate: 0.05, steps: 300, validateEvery: 50 });
    const raw = generateBuiltin('xor-quadrants', 2000, 3);
    for (const stop of [false, true]) {
      const id = service.start(spec, raw, stop ? { speed: 2000 } : {});
      if (stop) await waitFor(() => (service.summary(id).metrics?.step ?? 0) > 60, 'some steps');
      const r = stop ? await service.stop(id) : await service.wait(id);
      expect(r.status).toBe(stop ? 'stopped' : 'finished');
      const lab = createLab(spec, raw, r.finalWeights!);
      const train = evaluate(lab.net, lab.data);
      const validation = evaluate(lab.net, lab.validation);
      expect(r.metrics!.train).toEqual({ ...train, step: r.metrics!.step });
      expect(r.metrics!.validation).toEqual({ ...validation, step: r.metrics!.step });
      // Negative control: the first 512 samples alone, and the recent batches' average, are other numbers.
      expect(evaluate(lab.net, lab.data, 512).accuracy).not.toBe(train.accuracy);
      expect(r.metrics!.recent).not.toBe(train.EPerSample);
    }
  });

  it('a pause is said at once, and the figures of the paused weights on every sample follow; a resume abandons them', async () => {
    // 60,000 samples through 64 tanh units: measuring them takes a while, a pause must not wait for it.
    const n = 60_000;
    const spec = xorSpec({ data: { builtin: 'xor-quadrants', n } }, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, steps: 1e9 });
    spec.network.hidden[0].units = 64;
    const raw = generateBuiltin('xor-quadrants', n, 3);
    const id = service.start(spec, raw);
    await waitFor(() => (service.summary(id).metrics?.step ?? 0) > 50, 'some steps');
    const from = events.length;
    service.pause(id);
    const pausedAt = () => events.findIndex((e, i) => i >= from && e.runId === id && e.type === 'run-state' && e.status === 'paused');
    const measuredAt = () => events.findIndex((e, i) => i >= from && e.runId === id && e.type === 'run-progress' && e.metrics.train?.step === e.metrics.step);
    await waitFor(() => measuredAt() >= 0, 'the figures of the paused weights');
    expect(pausedAt()).toBeGreaterThanOrEqual(0);
    expect(pausedAt()).toBeLessThan(measuredAt());
    const measured = events[measuredAt()] as Extract<RunEvent, { type: 'run-progress' }>;
    const step = measured.metrics.step;
    // They are the whole training set's at the paused weights.
    const weights = (events.filter((e) => e.runId === id && e.type === 'run-snapshot' && e.step === step).at(-1) as Extract<RunEvent, { type: 'run-snapshot' }>).weights;
    const lab = createLab(spec, raw, weights);
    expect(measured.metrics.train).toEqual({ ...evaluate(lab.net, lab.data), step });
    // Resumed and paused again at once, then resumed: the run goes on (nothing waits for a measurement).
    service.resume(id);
    service.pause(id);
    service.resume(id);
    await waitFor(() => (service.summary(id).metrics?.step ?? 0) > step + 50, 'the run to go on');
    await service.stop(id);
  });

  it('a stop measures the final weights; ending a run nobody will look at (measure: false) skips that pass', async () => {
    // No checkpoint before the end: the only figures a run can have are those its end measures.
    const spec = xorSpec({}, { optimizer: 'adam', learningRate: 0.01, batchSize: 32, steps: 1e9, validateEvery: 1e9 });
    const raw = generateBuiltin('xor-quadrants', 2000, 3);
    const measured = service.start(spec, raw);
    await waitFor(() => (service.summary(measured).metrics?.step ?? 0) > 50, 'some steps');
    const stopped = await service.stop(measured);
    expect(stopped.status).toBe('stopped');
    const lab = createLab(spec, raw, stopped.finalWeights!);
    expect(stopped.metrics!.train).toEqual({ ...evaluate(lab.net, lab.data), step: stopped.metrics!.step });
    // Paused, measured, stepped once and paused, then stopped: the figures are the last step's weights'.
    const paused = service.start(spec, raw);
    await waitFor(() => (service.summary(paused).metrics?.step ?? 0) > 50, 'some steps');
    service.pause(paused);
    await waitFor(() => { const m = service.summary(paused).metrics; return !!m?.train && m.train.step === m.step; }, 'the paused weights measured');
    const before = service.summary(paused).metrics!.step;
    service.step(paused);
    await waitFor(() => (service.summary(paused).metrics?.step ?? 0) > before, 'the granted step');
    const afterStep = await service.stop(paused);
    expect(afterStep.metrics!.step).toBe(before + 1);
    const stepped = createLab(spec, raw, afterStep.finalWeights!);
    expect(afterStep.metrics!.train).toEqual({ ...evaluate(stepped.net, stepped.data), step: before + 1 });
    // Negative control: ended without the pass, it has no training-set figures to show.
    const ended = service.start(spec, raw);
    await waitFor(() => (service.summary(ended).metrics?.step ?? 0) > 50, 'some steps');
    const ending = service.stop(ended, { measure: false });
    // Once asked to end, nothing overwrites that: a reset or a step is refused, a pause ignored.
    expect(() => service.reset(ended)).toThrow(/been stopped/);
    expect(() => service.step(ended)).toThrow(/been stopped/);
    service.pause(ended);
    const r = await ending;
    expect(r.status).toBe('stopped');
    expect(r.metrics!.step).toBeGreaterThan(50);
    expect(r.metrics!.train).toBeUndefined();
  });
});

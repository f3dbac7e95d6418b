/**
 * The project's runs as the window follows them: status, metrics, the cost curve (bounded:
 * CostCurveLog keeps every point while short, then the min/max envelope) and the latest weights
 * of each, kept current from main's events (run-state, run-progress, run-snapshot), and the
 * training controls (train / pause, step, reset, speed, live learning rate) acting on the active
 * run: the newest one.
 *
 * Curves and weights are large typed arrays: they are kept out of Vue's deep reactivity
 * (shallowReactive) and a per-run `revision` counter tells the views that something new arrived.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, shallowRef } from 'vue';
import type { LabEvent, ProjectSummary, RunSummary } from '@shared/ipc';
import { isFinal, type RunMetrics, type RunStatus } from '@shared/run';
import type { LabSpec } from '@shared/spec';
import { api } from '../api';
import { CostCurveLog } from '@shared/cost-curve-log';
import { errorText, useProjectStore } from './project';

/** One run as the window shows it. */
export interface RunView {
  id: string;
  /** The run's number in the project ("Run 3"): stable, whatever other runs are deleted. */
  index: number;
  spec: LabSpec;
  status: RunStatus;
  message?: string;
  metrics: RunMetrics | null;
  step: number;
  /** The cost points received: all of them while few, then their min/max envelope (bounded memory for any run length). */
  curve: CostCurveLog;
  /** Latest weights (a snapshot), or null until the first arrives. */
  weights: Float64Array | null;
  weightsStep: number;
  /** Bumped whenever the curve grows or is cleared. */
  curveRevision: number;
  /** Bumped whenever new weights arrive. */
  weightsRevision: number;
  /** ISO 8601 time the run was created. */
  createdAt: string;
  /** Early stopping: the step whose weights were restored. */
  bestStep?: number;
}

/** Speed limits offered (steps per second; 0 = as fast as it goes). */
export const SPEEDS = [0, 10000, 1000, 100, 10, 1] as const;

export const useRunsStore = defineStore('runs', () => {
  /** In creation order; each view is shallowly reactive (its typed arrays are not proxied). */
  const runs = shallowRef<RunView[]>([]);
  /** The run whose divergence message is shown until dismissed. */
  const divergence = ref<{ runId: string; message: string } | null>(null);
  const speed = ref<number>(0);
  const error = ref<string | null>(null);
  const busy = ref(false);

  const active = computed<RunView | null>(() => runs.value[runs.value.length - 1] ?? null);
  const live = computed(() => !!active.value && !isFinal(active.value.status));
  const running = computed(() => active.value?.status === 'running');

  function find(id: string): RunView | undefined {
    return runs.value.find((r) => r.id === id);
  }

  function create(s: RunSummary): RunView {
    const existing = find(s.id);
    if (existing) return existing;
    const view = shallowReactive<RunView>({
      id: s.id,
      index: s.number,
      spec: s.spec,
      status: s.status,
      ...(s.message ? { message: s.message } : {}),
      metrics: s.metrics,
      step: s.metrics?.step ?? 0,
      curve: new CostCurveLog(),
      weights: null,
      weightsStep: 0,
      curveRevision: 0,
      weightsRevision: 0,
      createdAt: s.createdAt,
      ...(s.bestStep !== undefined ? { bestStep: s.bestStep } : {}),
    });
    runs.value = [...runs.value, view];
    return view;
  }

  /** Loads a run's whole curve and latest weights (an opened project, a page reload). */
  async function loadDetail(view: RunView): Promise<void> {
    try {
      const d = await api.call('lab:getRun', { runId: view.id });
      view.curve.append(d.curve);
      view.curveRevision++;
      const step = d.metrics?.step ?? 0;
      // Snapshots that arrived meanwhile are newer than (or as new as) the detail's weights.
      if (!view.weights || step >= view.weightsStep) {
        view.weights = d.weights;
        view.weightsStep = step;
        view.weightsRevision++;
      }
      if (!view.metrics && d.metrics) view.metrics = d.metrics;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  /** The session (ProjectSummary.session) the run list and its messages belong to. */
  let session = 0;

  /** Matches the run list to the project's (runs added elsewhere, deleted, a project opened). */
  function sync(p: ProjectSummary): void {
    if (p.session !== session) {
      // Another project: the last one's error and divergence banner are not about it.
      session = p.session;
      error.value = null;
      divergence.value = null;
    }
    const ids = new Set(p.runs.map((r) => r.id));
    if (runs.value.some((r) => !ids.has(r.id))) {
      runs.value = runs.value.filter((r) => ids.has(r.id));
    }
    for (const s of p.runs) {
      const known = find(s.id);
      if (known) {
        known.status = s.status;
        if (s.message) known.message = s.message;
        if (s.bestStep !== undefined) known.bestStep = s.bestStep;
        if (s.metrics && (!known.metrics || s.metrics.step >= known.metrics.step)) known.metrics = s.metrics;
        continue;
      }
      const view = create(s);
      if (s.status !== 'queued' || (s.metrics?.step ?? 0) > 0) void loadDetail(view);
    }
  }

  function onEvent(e: LabEvent): void {
    switch (e.type) {
      case 'project-changed':
        sync(e.project);
        break;
      case 'run-state': {
        const r = find(e.runId);
        if (!r) return;
        r.status = e.status;
        r.step = e.step;
        if (e.message) r.message = e.message;
        if (e.reset) {
          r.curve.clear();
          r.curveRevision++;
          r.metrics = null;
          r.step = 0;
          // The initial weights follow as a run-snapshot at step 0.
          r.weightsStep = -1;
          if (divergence.value?.runId === r.id) divergence.value = null;
        }
        if (e.status === 'diverged') divergence.value = { runId: r.id, message: e.message ?? 'the run diverged: lower the learning rate' };
        break;
      }
      case 'run-progress': {
        const r = find(e.runId);
        if (!r) return;
        r.curve.append(e.points);
        r.curveRevision++;
        r.metrics = e.metrics;
        r.step = e.metrics.step;
        break;
      }
      case 'run-snapshot': {
        const r = find(e.runId);
        if (!r) return;
        r.weights = e.weights;
        r.weightsStep = e.step;
        r.weightsRevision++;
        break;
      }
      default:
        break;
    }
  }

  /** Loads the project's runs and follows their events. */
  async function init(): Promise<void> {
    api.onEvent(onEvent);
    const project = useProjectStore();
    if (project.project) sync(project.project);
  }

  async function guarded<T>(f: () => Promise<T>): Promise<T | undefined> {
    error.value = null;
    try {
      return await f();
    } catch (e) {
      error.value = errorText(e);
      return undefined;
    }
  }

  /** The active run while it is still going: a new start replaces (stops) it. */
  function replaced(): string | undefined {
    const a = active.value;
    return a && !isFinal(a.status) ? a.id : undefined;
  }

  /** Starts a new run of the current spec (stopping the active one first), in one call. */
  async function startNew(paused = false): Promise<RunView | undefined> {
    // A field showing a refused value (or no number) would not be in the run: fix it first.
    const blocker = useProjectStore().blockers[0];
    if (blocker) {
      error.value = `Fix the settings first: ${blocker}`;
      return undefined;
    }
    return guarded(async () => {
      busy.value = true;
      try {
        const s = await api.call('lab:startRun', { paused, ...(speed.value > 0 ? { speed: speed.value } : {}), ...withReplaced() });
        divergence.value = null;
        return create(s);
      } finally {
        busy.value = false;
      }
    });
  }

  function withReplaced(): { replaces?: string } {
    const id = replaced();
    return id ? { replaces: id } : {};
  }

  /** Train / Pause: pauses a running run, resumes a paused one, else starts a new run. */
  async function toggle(): Promise<void> {
    const a = active.value;
    if (a && a.status === 'running') {
      await guarded(() => api.call('lab:pauseRun', { runId: a.id }));
    } else if (a && (a.status === 'paused' || a.status === 'queued')) {
      await guarded(() => api.call('lab:resumeRun', { runId: a.id }));
    } else {
      await startNew(false);
    }
  }

  /** One step (or `steps`) of the active run, starting a paused run first if none is live. */
  async function step(steps = 1): Promise<void> {
    let a = active.value;
    if (!a || isFinal(a.status)) a = (await startNew(true)) ?? null;
    if (!a) return;
    const id = a.id;
    await guarded(() => api.call('lab:stepRun', { runId: id, steps }));
  }

  /** Back to the active run's initial weights, paused at step 0. */
  async function reset(): Promise<void> {
    const a = active.value;
    if (!a) return;
    if (isFinal(a.status)) {
      // An ended run cannot be reset: a new run of its spec starts from the same weights.
      await startNew(true);
      return;
    }
    await guarded(() => api.call('lab:resetRun', { runId: a.id }));
  }

  /** Stops the active run for good. */
  async function stop(): Promise<void> {
    const a = active.value;
    if (!a || isFinal(a.status)) return;
    await guarded(() => api.call('lab:stopRun', { runId: a.id }));
  }

  /** Limits the active run (and later ones) to `stepsPerSecond` (0: no limit). */
  async function setSpeed(stepsPerSecond: number): Promise<void> {
    speed.value = stepsPerSecond;
    const a = active.value;
    if (a && !isFinal(a.status)) await guarded(() => api.call('lab:setRunSettings', { runId: a.id, speed: stepsPerSecond }));
  }

  /** Applies a learning rate to the live run from its next step. Resolves true if one was live. */
  async function setLiveLearningRate(eta: number): Promise<boolean> {
    const a = active.value;
    if (!a || isFinal(a.status)) return false;
    await guarded(() => api.call('lab:setRunSettings', { runId: a.id, learningRate: eta }));
    a.spec = { ...a.spec, training: { ...a.spec.training, learningRate: eta } };
    return true;
  }

  /**
   * Starts one run per override set side by side (N seeds, a grid of one hyperparameter). The
   * live active run is stopped first, as New run does.
   */
  async function startMany(overrides: Record<string, number>[]): Promise<RunView[] | undefined> {
    return guarded(async () => {
      busy.value = true;
      try {
        const started = await api.call('lab:startRuns', { overrides, ...(speed.value > 0 ? { speed: speed.value } : {}), ...withReplaced() });
        divergence.value = null;
        return started.map((s) => create(s));
      } finally {
        busy.value = false;
      }
    });
  }

  /** Makes a run's network (and, with `weights`, its weights as the next start) current. */
  async function restore(id: string, weights: boolean): Promise<boolean> {
    const p = await guarded(() => api.call('lab:restoreRun', { runId: id, weights }));
    if (p) useProjectStore().replace(p);
    return !!p;
  }

  /** Forgets weights waiting to start the next run. */
  async function clearInitialWeights(): Promise<void> {
    const p = await guarded(() => api.call('lab:clearInitialWeights', {}));
    if (p) useProjectStore().replace(p);
  }

  /** Removes an ended run from the project. */
  async function remove(id: string): Promise<void> {
    await guarded(async () => {
      const p = await api.call('lab:deleteRun', { runId: id });
      useProjectStore().replace(p);
      sync(p);
    });
  }

  return {
    runs, active, live, running, divergence, speed, error, busy,
    init, toggle, step, reset, stop, startNew, setSpeed, setLiveLearningRate, remove, find, startMany, restore, clearInitialWeights,
  };
});

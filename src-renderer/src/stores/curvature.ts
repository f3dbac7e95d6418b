/**
 * The curvature of the shown weights (PRML §5.4, §5.7): the Hessian's eigenvalues and the
 * Laplace approximation, computed on a trainer worker by lab:curvature on demand and after each
 * run ends. The views use it only while it belongs to the weights they show (the same array), so
 * a band or a contour is never drawn for other weights than the ones it was computed at.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { CurvatureReport } from '@shared/curvature-report';
import { isFinal } from '@shared/run';
import { api } from '../api';
import { errorText, useProjectStore } from './project';
import { useRunsStore } from './runs';
import { useViewStore } from './view';

export const useCurvatureStore = defineStore('curvature', () => {
  const view = useViewStore();
  const runs = useRunsStore();
  const report = shallowRef<CurvatureReport | null>(null);
  /** The weights (the very array) and label the report was computed at. */
  const at = shallowRef<{ weights: Float64Array; label: string } | null>(null);
  const computing = ref(false);
  const error = ref<string | null>(null);
  /** Recompute when a run ends. */
  const afterRuns = ref(true);

  /** True while the shown weights belong to a run still training (main's would be newer). */
  const moving = computed(() => {
    const id = view.shown?.runId;
    const r = id ? runs.find(id) : undefined;
    return !!r && r.status === 'running';
  });

  /** Computes the report at the shown weights. */
  async function compute(): Promise<void> {
    const s = view.shown;
    if (!s || computing.value) return;
    computing.value = true;
    error.value = null;
    try {
      const r = await api.call('lab:curvature', s.runId ? { runId: s.runId } : {});
      report.value = markRaw(r);
      at.value = markRaw({ weights: s.weights, label: s.label });
    } catch (e) {
      error.value = errorText(e);
      report.value = null;
      at.value = null;
    } finally {
      computing.value = false;
    }
  }

  /** The report, when it was computed at exactly the weights the views show now. */
  const current = computed<CurvatureReport | null>(() => (report.value && at.value && view.shown?.weights === at.value.weights ? report.value : null));

  // After a run ends (its final weights are shown by then), compute at its weights.
  watch(
    () => (runs.active ? `${runs.active.id}:${runs.active.status}` : ''),
    (now, before) => {
      const a = runs.active;
      if (!afterRuns.value || !a || !isFinal(a.status) || now === before || a.status === 'failed' || a.status === 'diverged') return;
      if (view.shown?.runId === a.id) void compute();
    },
  );

  // Another project opened: the report and its error were about the last one.
  watch(
    () => useProjectStore().session,
    () => {
      report.value = null;
      at.value = null;
      error.value = null;
    },
  );

  return { report, at, computing, error, afterRuns, moving, current, compute };
});

/**
 * What the views (diagram, boundary, metrics) show: the weights of the selected run, or of the
 * active run while it matches the current spec, or else the current spec's initial weights
 * (computed here with the engine, exactly as a run would draw them from the seed), so editing
 * the network shows the new network at once. Also the view settings (theme, discretise, ...).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { Dataset } from '@shared/data/dataset';
import type { Network } from '@shared/engine/network';
import type { DatasetPayload, DataPart } from '@shared/ipc';
import { assembleLab, networkFor } from '@shared/lab';
import type { LabSpec } from '@shared/spec';
import { api } from '../api';
import { dataChanged, sameModel } from '../lib/spec-edit';
import { useProjectStore } from './project';
import { useRunsStore } from './runs';

/** The weights the views show and where they come from. */
export interface Shown {
  spec: LabSpec;
  weights: Float64Array;
  /** The run's step, or null for a preview of the spec's initial weights. */
  step: number | null;
  runId: string | null;
  /** "Run 2 at step 1,200" or "initial weights (no run yet)". */
  label: string;
  /** Changes whenever the weights change (for watchers). */
  revision: number;
}

/** The parts of a dataset payload as engine datasets. */
export function payloadParts(d: DatasetPayload): { train: Dataset; validation: Dataset; test: Dataset } {
  const part = (p: DataPart): Dataset => ({
    inputs: p.inputs, targets: p.targets, n: p.n, inputNames: d.inputNames, targetNames: d.targetNames,
    ...(d.classLabels ? { classLabels: d.classLabels } : {}),
  });
  return { train: part(d.train), validation: part(d.validation), test: part(d.test) };
}

/** Theme preference: follow the OS, or fixed. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const useViewStore = defineStore('view', () => {
  const project = useProjectStore();
  const runs = useRunsStore();
  /** A run picked in the run list; null follows the active run. */
  const selectedRunId = ref<string | null>(null);
  /** Runs ticked for comparison: the cost chart overlays only these (all runs when none is ticked). */
  const comparedRunIds = ref<string[]>([]);
  /** Exports the cost chart as PNG (registered by the chart while it is shown). */
  const chartExporter = shallowRef<(() => void) | null>(null);
  const theme = ref<ThemeChoice>('system');
  const systemDark = ref(typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches);
  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => (systemDark.value = e.matches));
  }
  const dark = computed(() => (theme.value === 'system' ? systemDark.value : theme.value === 'dark'));
  watch(dark, (d) => document.documentElement.setAttribute('data-theme', d ? 'dark' : 'light'), { immediate: true });

  /** The current spec's initial weights for the loaded data, or null (no data yet, or it fails). */
  const preview = shallowRef<{ spec: LabSpec; weights: Float64Array; error: string | null } | null>(null);
  watch(
    () => [project.spec, project.dataset, project.datasetSpec] as const,
    ([spec, data, dataSpec]) => {
      // The loaded data must belong to this spec (only the hidden layers may differ).
      if (!spec || !data || !dataSpec || !sameData(dataSpec, spec)) return;
      try {
        const parts = payloadParts(data);
        const lab = assembleLab(spec, { ...parts, normalization: data.normalization });
        preview.value = markRaw({ spec, weights: lab.initial, error: null });
      } catch (e) {
        preview.value = markRaw({ spec, weights: new Float64Array(0), error: (e as Error).message });
      }
    },
    { immediate: true },
  );

  const shown = computed<Shown | null>(() => {
    const spec = project.spec;
    const picked = selectedRunId.value ? runs.find(selectedRunId.value) : undefined;
    const a = runs.active;
    const run = picked ?? (a && spec && sameModel(a.spec, spec) ? a : undefined);
    if (run && run.weights && run.weights.length) {
      return {
        spec: run.spec,
        weights: run.weights,
        step: run.weightsStep,
        runId: run.id,
        label: `Run ${run.index} at step ${run.weightsStep.toLocaleString('en-US')}`,
        revision: run.weightsRevision,
      };
    }
    const p = preview.value;
    if (!p || p.error || !p.weights.length) return null;
    return { spec: p.spec, weights: p.weights, step: null, runId: null, label: 'initial weights of the current network (no run yet)', revision: -1 };
  });

  /**
   * The data the shown weights were trained on: the project's loaded data, or, for a run on other
   * data (another seed's split, after "Vary seeds"), that run's own, asked for once per run.
   */
  const runData = shallowRef<{ runId: string; data: DatasetPayload } | null>(null);
  watch(
    () => [shown.value?.runId ?? null, shown.value?.spec ?? null, project.datasetSpec] as const,
    async ([runId, spec, dataSpec]) => {
      if (!runId || !spec || !dataSpec || !dataChanged(spec, dataSpec)) return;
      if (runData.value?.runId === runId) return;
      try {
        const data = await api.call('lab:getDataset', { runId });
        if (shown.value?.runId === runId) runData.value = markRaw({ runId, data });
      } catch {
        // The run is gone (deleted meanwhile): nothing to show for it.
      }
    },
    { immediate: true },
  );
  const shownDataset = computed<DatasetPayload | null>(() => {
    const s = shown.value;
    const dataSpec = project.datasetSpec;
    if (s?.runId && dataSpec && dataChanged(s.spec, dataSpec)) return runData.value?.runId === s.runId ? runData.value.data : null;
    return project.dataset;
  });

  /** Cached networks by shape: building one allocates, setting its weights does not. */
  let cached: { key: string; net: Network } | null = null;

  /**
   * The shown network with its weights, sized for the data it was trained on; null while they do
   * not fit (right after a data change, before the new data has arrived), never an exception.
   */
  function network(): Network | null {
    const s = shown.value;
    const d = shownDataset.value;
    if (!s || !d) return null;
    const key = JSON.stringify([s.spec.network, d.inputNames.length, d.targetNames.length]);
    if (!cached || cached.key !== key) {
      try {
        cached = { key, net: markRaw(networkFor(s.spec, d.inputNames.length, d.targetNames.length)) };
      } catch {
        // The spec's output layer does not fit this data (yet): the views wait for the data.
        return null;
      }
    }
    if (cached.net.size !== s.weights.length) return null;
    cached.net.params.set(s.weights);
    return cached.net;
  }

  function toggleTheme(): void {
    theme.value = dark.value ? 'light' : 'dark';
  }

  // Runs deleted, or gone with the project they belonged to, are neither picked nor compared.
  watch(
    () => runs.runs,
    (list) => {
      const ids = new Set(list.map((r) => r.id));
      if (comparedRunIds.value.some((id) => !ids.has(id))) comparedRunIds.value = comparedRunIds.value.filter((id) => ids.has(id));
      if (selectedRunId.value && !ids.has(selectedRunId.value)) selectedRunId.value = null;
    },
  );

  /** Ticks or unticks a run for comparison. */
  function toggleCompared(id: string): void {
    comparedRunIds.value = comparedRunIds.value.includes(id) ? comparedRunIds.value.filter((r) => r !== id) : [...comparedRunIds.value, id];
  }

  return { selectedRunId, comparedRunIds, chartExporter, theme, dark, preview, shown, shownDataset, network, toggleTheme, toggleCompared };
});

function sameData(a: LabSpec, b: LabSpec): boolean {
  return JSON.stringify([a.data, a.seed, a.network.output.cost]) === JSON.stringify([b.data, b.seed, b.network.output.cost]);
}

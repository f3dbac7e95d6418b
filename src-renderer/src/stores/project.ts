/**
 * The open project as the window shows it: its summary (spec, dataset info, runs), the data
 * after the split for the plots (large parts sampled: DatasetPayload), the built-in datasets, and spec editing with inline errors.
 *
 * Every edit is validated here first with the same `parseSpec` main uses (instant feedback, the
 * field named), then sent with lab:updateSpec, which also checks that the spec fits the data;
 * either refusal becomes a message beside the field that was edited. Edits are sent one at a
 * time, in order.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { BuiltinName } from '@shared/data/builtin';
import type { BuiltinInfo } from '@shared/data/dataset';
import type { AppInfo, DatasetPayload, LabEvent, ProjectSummary } from '@shared/ipc';
import { type LabSpec, parseSpec, SpecError } from '@shared/spec';
import { api } from '../api';
import { cloneSpec, dataChanged } from '../lib/spec-edit';

/** A message for the user: what happened, and (in the text) what to do. */
export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/** The message a thrown error carries for the user. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const useProjectStore = defineStore('project', () => {
  const project = shallowRef<ProjectSummary | null>(null);
  const appInfo = shallowRef<AppInfo | null>(null);
  const builtins = shallowRef<BuiltinInfo<BuiltinName>[]>([]);
  const dataset = shallowRef<DatasetPayload | null>(null);
  /** Which spec the loaded dataset belongs to. */
  const datasetSpec = shallowRef<LabSpec | null>(null);
  /** Refusals of the last edit of each field, by the field's spec path. */
  const fieldErrors = ref<Record<string, string>>({});
  /**
   * Fields that show what the spec does not hold, by the field's id (NumberField: text that is not
   * a number, or a refused value kept on screen until fixed). A refused choice in a select is not
   * one: the select goes back to the spec's value.
   */
  const localErrors = ref<Record<string, string>>({});
  /** What stops a run from starting: a field whose text is not what the run would train with. */
  const blockers = computed(() => Object.values(localErrors.value));

  /** Marks a field as showing what the spec does not hold (or, null, no longer). */
  function setLocalError(id: string, message: string | null): void {
    if (message) localErrors.value = { ...localErrors.value, [id]: message };
    else if (id in localErrors.value) {
      const { [id]: _gone, ...rest } = localErrors.value;
      localErrors.value = rest;
    }
  }
  /** Costs the current data refused, with the reason (the builder disables them). */
  const refusedCosts = ref<Record<string, string>>({});
  const notice = ref<Notice | null>(null);
  const loading = ref(true);
  let queue: Promise<unknown> = Promise.resolve();

  const spec = computed(() => project.value?.spec ?? null);

  /** Takes a summary from main, unless one as new or newer was already applied (see `revision`). */
  function apply(p: ProjectSummary): void {
    if (project.value && p.revision <= project.value.revision) return;
    // Another project: what was shown about the last one (its banner, refusals) is not about this one.
    if (project.value && p.session !== project.value.session) {
      notice.value = null;
      fieldErrors.value = {};
      refusedCosts.value = {};
    }
    const before = project.value?.spec ?? null;
    if (before && JSON.stringify([before.data, before.seed]) !== JSON.stringify([p.spec.data, p.spec.seed])) refusedCosts.value = {};
    project.value = markRaw(p);
    if (dataChanged(datasetSpec.value, p.spec)) void loadDataset();
  }

  async function loadDataset(): Promise<void> {
    const forSpec = project.value?.spec ?? null;
    try {
      const d = await api.call('lab:getDataset', {});
      // A newer spec may have arrived meanwhile; keep the answer only if it is still current.
      if (project.value?.spec === forSpec) {
        dataset.value = markRaw(d);
        datasetSpec.value = forSpec;
      }
    } catch (e) {
      notice.value = { kind: 'error', text: `Could not load the data: ${errorText(e)}` };
    }
  }

  /** Loads everything and listens for changes made elsewhere (menu, other windows, runs ending). */
  async function init(): Promise<void> {
    api.onEvent((e: LabEvent) => {
      if (e.type === 'project-changed') apply(e.project);
    });
    try {
      const [info, p, list] = await Promise.all([
        api.call('lab:getAppInfo', {}),
        api.call('lab:getProject', {}),
        api.call('lab:listBuiltins', {}),
      ]);
      appInfo.value = markRaw(info);
      builtins.value = markRaw(list);
      apply(p);
      await loadDataset();
    } catch (e) {
      notice.value = { kind: 'error', text: errorText(e) };
    } finally {
      loading.value = false;
    }
  }

  function clearError(field: string): void {
    if (field in fieldErrors.value) {
      const { [field]: _gone, ...rest } = fieldErrors.value;
      fieldErrors.value = rest;
    }
  }

  /**
   * Changes the spec: `mutate` edits a copy. `field` names the edited field (its spec path) for
   * the inline message. Resolves true when main accepted the new spec.
   */
  function editSpec(field: string, mutate: (draft: LabSpec) => void): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const current = project.value?.spec;
      if (!current) return false;
      const draft = cloneSpec(current);
      mutate(draft);
      try {
        parseSpec(draft);
      } catch (e) {
        fieldErrors.value = { ...fieldErrors.value, [field]: e instanceof SpecError ? e.message : errorText(e) };
        return false;
      }
      try {
        apply(await api.call('lab:updateSpec', { spec: draft }));
        clearError(field);
        return true;
      } catch (e) {
        fieldErrors.value = { ...fieldErrors.value, [field]: errorText(e) };
        return false;
      }
    };
    const next = queue.then(run, run);
    queue = next;
    return next;
  }

  /** Replaces the project with a new one on a built-in dataset. */
  async function newProject(builtin: string): Promise<void> {
    try {
      apply(await api.call('lab:newProject', { builtin }));
    } catch (e) {
      notice.value = { kind: 'error', text: errorText(e) };
    }
  }

  /** Takes a project summary another call returned (open, save). */
  function replace(p: ProjectSummary): void {
    apply(p);
  }

  /** The opened project's session (ProjectSummary.session): what the window shows about a project belongs to it. */
  const session = computed(() => project.value?.session ?? 0);

  return {
    project, session, appInfo, builtins, dataset, datasetSpec, spec, fieldErrors, localErrors, blockers, refusedCosts, notice, loading,
    init, editSpec, newProject, replace, clearError, loadDataset, setLocalError,
  };
});

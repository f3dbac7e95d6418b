/**
 * The CSV import wizard's state: the chosen file, main's preview of its first rows with the
 * detected (or chosen) delimiter, decimal mark and header, each column's role and type, the
 * missing-value policy, normalisation and split, then the import itself with progress and
 * cancel, and errors with the lines of the file around them.
 *
 * A picked or dropped file is read in the page and sent as bytes (a preview sends only its
 * first megabyte, cut at a line end); a workspace file is named by its path and read by main.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallRequest, CsvPreviewPayload, LabEvent } from '@shared/ipc';
import { api } from '../api';
import { type FileLine, headOf, linesAround } from '../lib/csv-view';
import { errorText, useProjectStore } from './project';

/** What a column is used for. */
export type ColumnRole = 'input' | 'target' | 'ignore';
/** How a column's values are read. */
export type ColumnType = 'number' | 'category';

/** The file being imported: bytes read in the page, or a path in the workspace folder. */
export interface ChosenFile {
  name: string;
  size: number;
  bytes: Uint8Array | null;
  path: string | null;
}

/** A problem to show where it is. */
export interface WizardError {
  message: string;
  line?: number;
  column?: string;
  /** The file's lines around `line` (when the page has the file's bytes). */
  context: FileLine[];
}

type Options = NonNullable<CallRequest<'lab:previewCsv'>['options']>;

export const useCsvImportStore = defineStore('csvImport', () => {
  const project = useProjectStore();
  const file = shallowRef<ChosenFile | null>(null);
  const preview = shallowRef<CsvPreviewPayload | null>(null);
  /** True when the preview saw only the start of the file. */
  const partial = ref(false);
  const delimiter = ref<Options['delimiter']>('auto');
  const decimal = ref<Options['decimal']>('auto');
  const header = ref<boolean | 'auto'>('auto');
  const missing = ref<'drop' | 'mean'>('drop');
  const normalize = ref(true);
  /** issue 16: Xavier (tanh, sigmoid) / He (ReLU) initial weights rather than the lab's (the seed's std 1). */
  const scaledInit = ref(true);
  const validation = ref(0.2);
  const test = ref(0);
  const roles = ref<Record<string, ColumnRole>>({});
  const types = ref<Record<string, ColumnType>>({});
  const error = shallowRef<WizardError | null>(null);
  const loading = ref(false);
  const importing = ref(false);
  const progress = ref<{ bytesRead: number; totalBytes: number; rows: number } | null>(null);
  let listening = false;

  /** Columns the user asked to read as categories although they hold numbers. */
  const categorical = ref<string[]>([]);
  const inputs = computed(() => preview.value?.columns.filter((c) => roles.value[c.name] === 'input').map((c) => c.name) ?? []);
  const targets = computed(() => preview.value?.columns.filter((c) => roles.value[c.name] === 'target').map((c) => c.name) ?? []);
  /** Why Import is not possible yet, or null. */
  const blocker = computed(() => {
    if (!preview.value) return 'choose a CSV file';
    if (!inputs.value.length) return 'choose at least one input column';
    if (!targets.value.length) return 'choose a target column';
    if (validation.value + test.value >= 1) return 'the validation and test shares leave no training data';
    return null;
  });
  /** Rows in the file (estimated from the preview for a large file). */
  const totalRows = computed(() => {
    const p = preview.value;
    const f = file.value;
    if (!p || !f) return 0;
    if (!partial.value || !f.bytes) return p.totalRowsEstimate;
    return Math.round((p.totalRowsEstimate * f.size) / headOf(f.bytes).bytes.length);
  });

  function source(whole: boolean): CallRequest<'lab:previewCsv'>['file'] {
    const f = file.value as ChosenFile;
    if (f.path) return { path: f.path };
    const bytes = f.bytes as Uint8Array<ArrayBuffer>;
    return { bytes: whole ? bytes : (headOf(bytes).bytes as Uint8Array<ArrayBuffer>), name: f.name };
  }

  function options(): Options {
    return {
      delimiter: delimiter.value,
      decimal: decimal.value,
      ...(header.value !== 'auto' ? { header: header.value } : {}),
      ...(categorical.value.length ? { categorical: categorical.value } : {}),
    };
  }

  function showError(e: unknown): void {
    const { line, column } = e as { line?: number; column?: string };
    const bytes = file.value?.bytes;
    error.value = {
      message: errorText(e),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      context: line !== undefined && bytes ? linesAround(bytes, line, 2) : [],
    };
  }

  /** Starts over with a new file. */
  async function choose(f: ChosenFile): Promise<void> {
    file.value = f;
    preview.value = null;
    error.value = null;
    progress.value = null;
    delimiter.value = 'auto';
    decimal.value = 'auto';
    header.value = 'auto';
    roles.value = {};
    types.value = {};
    categorical.value = [];
    await refresh();
  }

  /** Reads a picked or dropped file. */
  async function chooseFile(f: File): Promise<void> {
    await choose({ name: f.name, size: f.size, bytes: new Uint8Array(await f.arrayBuffer()), path: null });
  }

  /** Asks main for the preview with the current options (after any change of format or type). */
  async function refresh(): Promise<void> {
    if (!file.value) return;
    loading.value = true;
    error.value = null;
    try {
      const p = await api.call('lab:previewCsv', { file: source(false), options: options() });
      // main previews the first 256 KB of a file it reads itself: beyond that, counts are estimates.
      partial.value = file.value.bytes ? headOf(file.value.bytes).partial : file.value.size > 256 * 1024;
      preview.value = p;
      // Show what was detected; from now on the choice is explicit.
      delimiter.value = p.delimiter as Options['delimiter'];
      decimal.value = p.decimal;
      header.value = p.hasHeader;
      const next: Record<string, ColumnRole> = {};
      const nextTypes: Record<string, ColumnType> = {};
      const usable = p.columns.filter((c) => c.kind === 'numeric' || c.kind === 'categorical');
      const target = usable[usable.length - 1]?.name;
      for (const c of p.columns) {
        next[c.name] = roles.value[c.name] ?? (c.name === target ? 'target' : usable.includes(c) ? 'input' : 'ignore');
        nextTypes[c.name] = c.kind === 'categorical' || categorical.value.includes(c.name) ? 'category' : 'number';
      }
      roles.value = next;
      types.value = nextTypes;
    } catch (e) {
      preview.value = null;
      showError(e);
    } finally {
      loading.value = false;
    }
  }

  function setRole(column: string, role: ColumnRole): void {
    // One label column at a time is the usual target; several numeric targets are allowed too.
    roles.value = { ...roles.value, [column]: role };
  }

  async function setType(column: string, type: ColumnType): Promise<void> {
    types.value = { ...types.value, [column]: type };
    categorical.value = type === 'category' ? [...new Set([...categorical.value, column])] : categorical.value.filter((c) => c !== column);
    await refresh();
  }

  function onEvent(e: LabEvent): void {
    if (e.type === 'import-progress' && importing.value && e.file === file.value?.name) {
      progress.value = { bytesRead: e.bytesRead, totalBytes: e.totalBytes, rows: e.rows };
    }
  }

  /** Imports the whole file with the chosen settings. Resolves true on success. */
  async function run(): Promise<boolean> {
    if (blocker.value || !file.value) return false;
    if (!listening) {
      api.onEvent(onEvent);
      listening = true;
    }
    importing.value = true;
    progress.value = null;
    error.value = null;
    try {
      const p = await api.call('lab:importCsv', {
        file: source(true),
        options: { ...options(), missing: missing.value },
        inputs: inputs.value,
        targets: targets.value,
        normalize: normalize.value,
        scaledInit: scaledInit.value,
        split: { validation: validation.value, test: test.value },
      });
      project.fieldErrors = {};
      project.refusedCosts = {};
      project.replace(p);
      project.notice = { kind: 'info', text: `Imported ${file.value.name}: ${p.dataset?.n ?? 0} samples, ${p.dataset?.inputNames.length ?? 0} inputs.` };
      return true;
    } catch (e) {
      if ((e as Error).name === 'ImportCancelled') error.value = { message: 'The import was cancelled; the project keeps its data.', context: [] };
      else showError(e);
      return false;
    } finally {
      importing.value = false;
    }
  }

  /** Cancels the import under way. */
  async function cancel(): Promise<void> {
    await api.call('lab:cancelImport', {}).catch(() => {});
  }

  /** Forgets the file (the wizard was closed). */
  function reset(): void {
    file.value = null;
    preview.value = null;
    error.value = null;
    progress.value = null;
  }

  return {
    file, preview, partial, delimiter, decimal, header, missing, normalize, scaledInit, validation, test, roles, types, error, loading, importing, progress,
    inputs, targets, blocker, totalRows, categorical,
    choose, chooseFile, refresh, setRole, setType, run, cancel, reset,
  };
});

/**
 * The open project and everything done to it: its spec and data, its runs (live ones on the
 * training service, finished ones from the file), saving and opening, weights in and out. One
 * instance per window (Electron) or per server (browser transport). It implements the calls of
 * shared/ipc.ts; the router has validated every request before it arrives here.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { BUILTINS, type BuiltinName, type BuiltinParams, builtinInfo, generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { exampleSpec } from '../../shared/gallery';
import { assembleLab, checkLab } from '../../shared/lab';
import type {
  CallResponses,
  DataPart,
  DatasetInfo,
  LabEvent,
  ProjectSummary,
  RunDetail,
  RunSummary,
} from '../../shared/ipc';
import { isFinal, type RunRecord, summarizeRun } from '../../shared/run';
import { isCsvData, type LabSpec, parseSpec } from '../../shared/spec';
import { parseWeightsFile, toWeightsFile, type WeightsFile } from '../../shared/weights-format';
import { preparedParts } from '../training/parts-cache';
import { TrainingService } from '../training/training-service';

/** The seed's XOR quadrants, as the app opens it. */
export const DEFAULT_SPEC_JSON = {
  format: 'mlp-lab-spec',
  version: 1,
  seed: 1,
  data: { builtin: 'xor-quadrants', n: 1000 },
  network: {
    hidden: [{ units: 4, activation: 'tanh', init: { std: 1, bias: 0 } }],
    output: { cost: 'sigmoid-cross-entropy', init: { std: 1, bias: 0 } },
  },
  training: { optimizer: 'gd', learningRate: 0.001, steps: 100000 },
} as const;

/** The seed's regression example. */
export const SINE_SPEC_JSON = {
  format: 'mlp-lab-spec',
  version: 1,
  seed: 1,
  data: { builtin: 'sine-regression', n: 100 },
  network: {
    hidden: [{ units: 6, activation: 'tanh', init: { std: 1, bias: -0.5 } }],
    output: { cost: 'sum-of-squares', init: { std: 1, bias: 0.5 } },
  },
  training: { optimizer: 'gd', learningRate: 0.001, steps: 100000 },
} as const;

/** What a project file holds, as the service sees it. */
export interface ProjectData {
  spec: LabSpec;
  /** The raw dataset for CSV data; null for built-in data (regenerated from the spec). */
  dataset: Dataset | null;
  datasetInfo: DatasetInfo | null;
  runs: RunRecord[];
  uiState: Record<string, unknown>;
}

/** Reads and writes project files (src-main/storage). */
export interface ProjectStore {
  read(path: string): ProjectData | Promise<ProjectData>;
  /** Writes atomically: the old file stays whole if anything fails. */
  write(path: string, data: ProjectData): void | Promise<void>;
}

/** A file named by path or given as bytes (browser upload). */
export type FileSource = { path: string } | { bytes: Uint8Array; name: string };

/** A user-caused problem with a request the service cannot carry out. */
export class NotAvailable extends Error {
  override name = 'NotAvailable';
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The project and its runs. */
export class ProjectService {
  private spec: LabSpec;
  private raw: Dataset;
  private datasetInfo: DatasetInfo;
  private path: string | null = null;
  private dirty = false;
  private uiState: Record<string, unknown> = {};
  /** Runs in creation order: live ones by id on the training service, ended ones kept here. */
  private runOrder: string[] = [];
  private stored = new Map<string, RunRecord>();
  private pendingWeights: { file: WeightsFile; source: string } | null = null;

  constructor(
    readonly training: TrainingService,
    private readonly emit: (event: LabEvent) => void,
    private readonly store: ProjectStore | null = null,
  ) {
    this.spec = parseSpec(DEFAULT_SPEC_JSON);
    this.raw = this.generate(this.spec);
    this.datasetInfo = this.describeBuiltin(this.spec);
    training.subscribe((ev) => {
      this.emit(ev);
      if (ev.type === 'run-state' && isFinal(ev.status)) {
        this.dirty = true;
        this.changed();
      }
    });
  }

  private generate(spec: LabSpec): Dataset {
    if (isCsvData(spec.data)) throw new NotAvailable('this project has no CSV data loaded');
    return generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data);
  }

  private describeBuiltin(spec: LabSpec): DatasetInfo {
    const d = this.raw;
    return {
      source: 'builtin',
      name: isCsvData(spec.data) ? '' : spec.data.builtin,
      n: d.n,
      inputNames: d.inputNames,
      targetNames: d.targetNames,
    };
  }

  private changed(): void {
    this.emit({ type: 'project-changed', project: this.summary() });
  }

  /** The project as the window shows it. */
  summary(): ProjectSummary {
    return {
      name: this.path ? basename(this.path, extname(this.path)) : 'Untitled',
      path: this.path,
      dirty: this.dirty,
      spec: this.spec,
      dataset: this.datasetInfo,
      runs: this.runOrder.map((id) => this.runSummary(id)),
      uiState: this.uiState,
      pendingInitialWeights: this.pendingWeights ? { layers: this.pendingWeights.file.layers.length, source: this.pendingWeights.source } : null,
    };
  }

  /** The current spec. */
  get currentSpec(): LabSpec {
    return this.spec;
  }

  /** True when there are unsaved changes. */
  get isDirty(): boolean {
    return this.dirty;
  }

  /** Where the project is saved, or null. */
  get currentPath(): string | null {
    return this.path;
  }

  private record(id: string): RunRecord {
    const s = this.stored.get(id);
    if (s) return s;
    return this.training.record(id);
  }

  private runSummary(id: string): RunSummary {
    const s = this.stored.get(id);
    return s ? summarizeRun(s) : this.training.summary(id);
  }

  private requireRun(id: string): RunRecord {
    if (!this.runOrder.includes(id)) throw new NotAvailable(`there is no run "${id}" in this project`);
    return this.record(id);
  }

  private isLive(id: string): boolean {
    return !this.stored.has(id) && this.training.list().includes(id);
  }

  private requireLive(id: string): void {
    this.requireRun(id);
    if (!this.isLive(id)) throw new NotAvailable('this run was loaded from the project file and has ended: start a new run');
  }

  /** Replaces the whole project (new or opened). Live runs of the old project are stopped. */
  private async replace(data: ProjectData, path: string | null): Promise<void> {
    await Promise.all(this.runOrder.filter((id) => this.isLive(id) && !isFinal(this.training.status(id))).map((id) => this.training.stop(id)));
    for (const id of this.runOrder) if (this.isLive(id)) this.training.remove(id);
    this.spec = data.spec;
    this.raw = data.dataset ?? this.generate(data.spec);
    this.datasetInfo = data.datasetInfo ?? this.describeBuiltin(data.spec);
    this.runOrder = data.runs.map((r) => r.id);
    this.stored = new Map(data.runs.map((r) => [r.id, r]));
    this.uiState = { ...data.uiState };
    this.pendingWeights = null;
    this.path = path;
    this.dirty = false;
    this.changed();
  }

  /** Everything the project file should hold now (live runs as they stand). */
  snapshot(): ProjectData {
    return {
      spec: this.spec,
      dataset: isCsvData(this.spec.data) ? this.raw : null,
      datasetInfo: this.datasetInfo,
      runs: this.runOrder.map((id) => this.record(id)),
      uiState: this.uiState,
    };
  }

  // -- calls ---------------------------------------------------------------------------------

  getProject(): ProjectSummary {
    return this.summary();
  }

  /** A new, unsaved project on a built-in dataset. */
  async newProject(builtin?: string, params: BuiltinParams & { n?: number; seed?: number } = {}): Promise<ProjectSummary> {
    const name = (builtin ?? 'xor-quadrants') as BuiltinName;
    if (!BUILTINS.some((b) => b.name === name)) throw new NotAvailable(`there is no built-in dataset "${builtin}"`);
    const info = builtinInfo(name);
    const seedBase = name === 'sine-regression' ? SINE_SPEC_JSON : DEFAULT_SPEC_JSON;
    // The seed's datasets start with the seed's settings; the others with their starter network.
    const base = info.starter
      ? {
          ...DEFAULT_SPEC_JSON,
          network: { hidden: info.starter.hidden.map((units) => ({ units, activation: 'tanh' })), output: { cost: info.cost } },
          training: { optimizer: info.starter.optimizer, learningRate: info.starter.learningRate, steps: info.starter.steps },
        }
      : seedBase;
    const data = {
      builtin: name,
      n: params.n ?? info.defaultN,
      ...(params.noise !== undefined ? { noise: params.noise } : {}),
      ...(params.classes !== undefined && info.classes ? { classes: params.classes } : {}),
    };
    const spec = parseSpec({ ...base, seed: params.seed ?? base.seed, data });
    await this.replace({ spec, dataset: null, datasetInfo: null, runs: [], uiState: {} }, null);
    return this.summary();
  }

  /** A new, unsaved project from a gallery example (shared/gallery.ts): its spec on built-in data. */
  async openExample(id: string): Promise<ProjectSummary> {
    const json = exampleSpec(id);
    if (json === null) throw new NotAvailable(`there is no example "${id}" in the gallery`);
    const spec = parseSpec(json);
    await this.replace({ spec, dataset: null, datasetInfo: null, runs: [], uiState: {} }, null);
    return this.summary();
  }

  /** Opens a project file. */
  async openProject(path: string): Promise<ProjectSummary> {
    if (!this.store) throw new NotAvailable('project files are not available in this build');
    const data = await this.store.read(path);
    await this.replace(data, path);
    return this.summary();
  }

  /**
   * Opens an autosaved copy as the project at `source` (or an untitled one), with unsaved
   * changes: saving writes it over the project it came from.
   */
  async openCopy(copy: string, source: string | null): Promise<ProjectSummary> {
    if (!this.store) throw new NotAvailable('project files are not available in this build');
    const data = await this.store.read(copy);
    await this.replace(data, source);
    this.dirty = true;
    this.changed();
    return this.summary();
  }

  /** Saves to `path` (or the project's own path). */
  async save(path?: string): Promise<ProjectSummary> {
    if (!this.store) throw new NotAvailable('project files are not available in this build');
    const target = path ?? this.path;
    if (!target) throw new NotAvailable('this project has not been saved yet: use Save As');
    await this.store.write(target, this.snapshot());
    this.path = target;
    this.dirty = false;
    this.changed();
    return this.summary();
  }

  /** Replaces the spec after validating it; regenerates built-in data when the data or seed changed. */
  updateSpec(json: unknown): ProjectSummary {
    const spec = parseSpec(json);
    if (isCsvData(spec.data)) {
      const old = this.spec.data;
      const same = isCsvData(old) && old.csv === spec.data.csv && sameList(old.inputs, spec.data.inputs) && sameList(old.targets, spec.data.targets);
      if (!same) throw new NotAvailable('to use another CSV file or other columns, import the file again (File > Import CSV)');
    }
    const regenerate = !isCsvData(spec.data) && (JSON.stringify(spec.data) !== JSON.stringify(this.spec.data) || spec.seed !== this.spec.seed);
    const raw = regenerate ? this.generate(spec) : this.raw;
    // Refuse a spec that does not fit the data (a cost that does not suit the targets) now.
    checkLab(spec, raw);
    this.spec = spec;
    if (regenerate) {
      this.raw = raw;
      this.datasetInfo = this.describeBuiltin(spec);
    }
    this.dirty = true;
    this.changed();
    return this.summary();
  }

  /** The dataset the spec trains on (before the split). */
  dataset(): Dataset {
    return this.raw;
  }

  setUiState(key: string, value: unknown): null {
    this.uiState = { ...this.uiState, [key]: value };
    this.dirty = true;
    return null;
  }

  /** The data after the split, for plots (prepared in slices, so a large set never holds main). */
  async getDataset(): Promise<CallResponses['lab:getDataset']> {
    const parts = await preparedParts.prepare(this.spec, this.dataset());
    const part = (p: Dataset): DataPart => ({ n: p.n, inputs: p.inputs, targets: p.targets });
    return {
      inputNames: parts.train.inputNames,
      targetNames: parts.train.targetNames,
      ...(parts.train.classLabels ? { classLabels: parts.train.classLabels } : {}),
      normalization: parts.normalization,
      train: part(parts.train),
      validation: part(parts.validation),
      test: part(parts.test),
    };
  }

  /** Starts a run of the current spec (from imported weights if any are waiting). */
  startRun(paused = false): RunSummary {
    const init = this.pendingWeights?.file;
    const id = this.training.start(this.spec, this.dataset(), { ...(init ? { initialWeights: init } : {}), paused });
    this.pendingWeights = null;
    this.runOrder.push(id);
    this.dirty = true;
    this.changed();
    return this.runSummary(id);
  }

  pauseRun(id: string): null {
    this.requireLive(id);
    this.training.pause(id);
    return null;
  }

  resumeRun(id: string): null {
    this.requireLive(id);
    this.training.resume(id);
    return null;
  }

  stepRun(id: string, steps?: number, epoch?: boolean): null {
    this.requireLive(id);
    this.training.step(id, epoch ? this.training.stepsPerEpoch(id) : (steps ?? 1));
    return null;
  }

  async stopRun(id: string): Promise<RunSummary> {
    this.requireLive(id);
    await this.training.stop(id);
    return this.runSummary(id);
  }

  resetRun(id: string): null {
    this.requireLive(id);
    this.training.reset(id);
    return null;
  }

  setRunSettings(id: string, learningRate?: number, speed?: number): null {
    this.requireLive(id);
    if (learningRate !== undefined) this.training.setLearningRate(id, learningRate);
    if (speed !== undefined) this.training.setSpeed(id, speed);
    return null;
  }

  getRun(id: string): RunDetail {
    const r = this.requireRun(id);
    const weights = this.isLive(id) ? this.training.weights(id) : (r.finalWeights ?? r.initialWeights);
    return { ...this.runSummary(id), curve: r.curve, initialWeights: r.initialWeights, weights, snapshots: r.snapshots };
  }

  async deleteRun(id: string): Promise<ProjectSummary> {
    this.requireRun(id);
    if (this.isLive(id)) {
      if (!isFinal(this.training.status(id))) await this.training.stop(id);
      this.training.remove(id);
    }
    this.stored.delete(id);
    this.runOrder = this.runOrder.filter((r) => r !== id);
    this.dirty = true;
    this.changed();
    return this.summary();
  }

  /** The weights file of a run: its latest weights with the data's names and normalisation. */
  weightsOf(id: string): WeightsFile {
    const r = this.requireRun(id);
    const weights = this.isLive(id) ? this.training.weights(id) : (r.finalWeights ?? r.initialWeights);
    const parts = preparedParts.get(r.spec, this.dataset());
    const lab = assembleLab(r.spec, parts, weights);
    return toWeightsFile(lab.net, {
      inputs: parts.train.inputNames,
      outputs: parts.train.targetNames,
      normalization: parts.normalization,
      classLabels: parts.train.classLabels,
    });
  }

  /** Reads a weights file and keeps it as the next run's initial weights (shapes checked now). */
  importWeights(text: string, source: string): ProjectSummary {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw Object.assign(new Error(`${source} is not valid JSON (${(e as Error).message})`), { name: 'WeightsError' });
    }
    const file = parseWeightsFile(json);
    checkLab(this.spec, this.dataset(), file);
    this.pendingWeights = { file, source };
    this.changed();
    return this.summary();
  }

  /** Reads a weights file from a path (see importWeights). */
  importWeightsFile(path: string): ProjectSummary {
    return this.importWeights(readFileSync(path, 'utf8'), basename(path));
  }

  /** Gradient check of the spec's network at a run's latest weights or at fresh initial weights. */
  checkGradient(runId?: string, samples?: number, tolerance?: number): ReturnType<TrainingService['gradcheck']> {
    const weights = runId ? (this.requireRun(runId), this.isLive(runId) ? this.training.weights(runId) : this.record(runId).finalWeights ?? undefined) : undefined;
    const spec = runId ? this.record(runId).spec : this.spec;
    return this.training.gradcheck(spec, this.dataset(), { ...(weights ? { weights } : {}), samples, tolerance });
  }

  /**
   * The Hessian's spectrum and the Laplace approximation (PRML §5.4, §5.7; issue 19) at a run's
   * current weights, or at fresh initial weights; an evidence run's last alpha and beta start the
   * evidence procedure.
   */
  curvature(runId?: string): ReturnType<TrainingService['curvature']> {
    const weights = runId ? (this.requireRun(runId), this.isLive(runId) ? this.training.weights(runId) : this.record(runId).finalWeights ?? undefined) : undefined;
    const spec = runId ? this.record(runId).spec : this.spec;
    const ev = runId ? this.record(runId).curve.evidence : undefined;
    const m = ev?.steps.length ?? 0;
    const start = ev && m > 0 ? { alpha: ev.alpha[m - 1], beta: ev.beta[m - 1] } : undefined;
    return this.training.curvature(spec, this.dataset(), { ...(weights ? { weights } : {}), ...(start ? { start } : {}) });
  }

  // -- run history: restore a run, parallel runs ------------------------------------------------

  /**
   * Makes a run's spec the current spec (regenerating built-in data when it differs); with
   * `useWeights`, the run's latest weights become the next run's initial weights.
   */
  restoreRun(id: string, useWeights: boolean): ProjectSummary {
    const r = this.requireRun(id);
    const index = this.runOrder.indexOf(id) + 1;
    // How many threads a run used is not part of the model: the current setting stays.
    this.updateSpec({ ...r.spec, training: { ...r.spec.training, threads: this.spec.training.threads } });
    if (useWeights) this.pendingWeights = { file: this.weightsOf(id), source: `run ${index}` };
    this.changed();
    return this.summary();
  }

  /** Forgets initial weights waiting for the next run. */
  clearInitialWeights(): ProjectSummary {
    this.pendingWeights = null;
    this.changed();
    return this.summary();
  }

  /**
   * Starts one run per override set (spec path -> number) of the current spec, side by side. All
   * are validated before any starts; each run uses one thread so they really run in parallel on
   * the pool. Built-in data is generated per run (a seed changes the data too).
   */
  startRuns(overrides: Record<string, number>[]): RunSummary[] {
    const prepared = overrides.map((o, i) => {
      const json = JSON.parse(JSON.stringify(this.spec)) as Record<string, unknown>;
      for (const [path, value] of Object.entries(o)) setPath(json, path, value);
      if (overrides.length > 1) (json.training as Record<string, unknown>).threads = 1;
      const what = Object.entries(o).map(([k, v]) => `${k} = ${v}`).join(', ') || 'the current spec';
      try {
        const spec = parseSpec(json);
        const raw = isCsvData(spec.data) ? this.raw : generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data);
        checkLab(spec, raw);
        return { spec, raw };
      } catch (e) {
        const err = e as Error;
        throw Object.assign(new Error(`run ${i + 1} (${what}): ${err.message}`), { name: err.name || 'SpecError' });
      }
    });
    const init = this.pendingWeights?.file;
    const ids = prepared.map(({ spec, raw }) => this.training.start(spec, raw, init ? { initialWeights: init } : {}));
    this.pendingWeights = null;
    this.runOrder.push(...ids);
    this.dirty = true;
    this.changed();
    return ids.map((id) => this.runSummary(id));
  }

  /** Takes a dataset imported from CSV as the project's data, with the spec's data section for it. */
  useImportedData(raw: Dataset, info: DatasetInfo, spec: LabSpec): ProjectSummary {
    checkLab(spec, raw);
    this.raw = raw;
    this.datasetInfo = info;
    this.spec = spec;
    this.dirty = true;
    this.changed();
    return this.summary();
  }
}

/** Sets `value` at a dotted path ("network.hidden.0.units") of plain JSON; refuses paths that do not exist. */
function setPath(json: Record<string, unknown>, path: string, value: number): void {
  const keys = path.split('.');
  let at: unknown = json;
  for (const k of keys.slice(0, -1)) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, k)) throw new NotAvailable(`${path} is not a field of the spec`);
    at = (at as Record<string, unknown>)[k];
  }
  const last = keys[keys.length - 1];
  const known = typeof at === 'object' && at !== null && Object.hasOwn(at, last);
  if (!known || ['__proto__', 'constructor', 'prototype'].includes(last)) throw new NotAvailable(`${path} is not a field of the spec`);
  (at as Record<string, unknown>)[last] = value;
}

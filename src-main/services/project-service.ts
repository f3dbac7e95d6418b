/**
 * The open project and everything done to it: its spec and data, its runs (the RunBook), saving
 * and opening through the ProjectStore port, weights in and out. One instance per window
 * (Electron) or per server (browser transport). It implements the calls of shared/ipc.ts; the
 * router has validated every request before it arrives here.
 *
 * The current spec is checked against the data once per change (`checkLab`), and the result is
 * kept: starting a run reuses it instead of checking again.
 */
import { basename, extname } from 'node:path';
import { generateBuiltin } from '../../shared/data/builtin';
import type { Dataset } from '../../shared/data/dataset';
import { NotAvailable, withContext } from '../../shared/errors';
import { exampleSpec } from '../../shared/gallery';
import type { CallResponses, DatasetInfo, LabEvent, ProjectSummary, RunSummary } from '../../shared/ipc';
import { checkLab, type CheckedLab, networkFor } from '../../shared/lab';
import { isFinal } from '../../shared/run';
import { isCsvData, type LabSpec, parseSpec } from '../../shared/spec';
import { applyOverrides, describeOverrides, type SpecOverrides } from '../../shared/spec-overrides';
import { DEFAULT_SPEC_JSON, starterSpec, type StarterParams } from '../../shared/starter-specs';
import { checkColumns, parseWeightsText, toWeightsFile, type WeightsFile, weightsFor } from '../../shared/weights-format';
import type { FileBase } from '../storage/project-file';
import type { ProjectData, ProjectStore } from '../storage/ports';
import { preparedParts } from '../training/parts-cache';
import type { Analyses } from '../training/analyses';
import { plotPayload } from './plot-payload';
import type { TrainingService } from '../training/training-service';
import { RunBook } from './run-book';

/** Weights waiting to start the next run. */
interface PendingWeights {
  file: WeightsFile;
  /** Where they came from ("weights.json", "run 3"). */
  source: string;
  /** What differs between them and this lab although they fit (the normalisation). */
  warnings: string[];
}

/** How to start runs from the window. */
export interface StartRequest {
  /** Create the runs paused (they wait for resume or steps). */
  paused?: boolean;
  /** A speed limit from the first step (steps per second; 0 or absent = none). */
  speed?: number;
  /** A run of this project to stop first (the one the window was showing). */
  replaces?: string;
}

/** The project and its runs. */
export class ProjectService {
  private spec: LabSpec;
  private raw: Dataset;
  private datasetInfo: DatasetInfo;
  /** The current spec checked against the current data (redone on every change of either). */
  private checked: CheckedLab;
  private path: string | null = null;
  /** An untitled project's name when it has one (an uploaded file's), else null. */
  private title: string | null = null;
  /** What the file at `path` held when read or last saved (null: not saved there yet). */
  private base: FileBase | null = null;
  private dirty = false;
  private uiState: Record<string, unknown> = {};
  /** The project's runs, and the controls of the live ones. */
  readonly runs: RunBook;
  private pendingWeights: PendingWeights | null = null;
  /** Bumped on every change the window sees (see ProjectSummary.revision). */
  private revision = 0;
  /** Bumped whenever another project replaces this one (see ProjectSummary.session). */
  private session = 1;

  constructor(
    readonly training: TrainingService,
    private readonly analyses: Analyses,
    private readonly emit: (event: LabEvent) => void,
    private readonly store: ProjectStore | null = null,
  ) {
    this.runs = new RunBook(training);
    this.spec = parseSpec(DEFAULT_SPEC_JSON);
    this.raw = this.generate(this.spec);
    this.datasetInfo = this.describeBuiltin(this.spec, this.raw);
    this.checked = checkLab(this.spec, this.raw);
    training.subscribe((ev) => {
      this.emit(ev);
      if (ev.type === 'run-state' && isFinal(ev.status) && this.runs.has(ev.runId)) {
        this.dirty = true;
        this.changed();
      }
    });
  }

  private generate(spec: LabSpec): Dataset {
    if (isCsvData(spec.data)) throw new NotAvailable('this project has no CSV data loaded');
    return generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data);
  }

  private describeBuiltin(spec: LabSpec, d: Dataset): DatasetInfo {
    return { source: 'builtin', name: isCsvData(spec.data) ? '' : spec.data.builtin, n: d.n, inputNames: d.inputNames, targetNames: d.targetNames };
  }

  /** Tells the window; every change goes through here, once. */
  private changed(): ProjectSummary {
    this.revision++;
    const summary = this.summary();
    this.emit({ type: 'project-changed', project: summary });
    return summary;
  }

  /** The project as the window shows it. */
  summary(): ProjectSummary {
    const pending = this.pendingWeights;
    return {
      revision: this.revision,
      session: this.session,
      name: this.path ? basename(this.path, extname(this.path)) : (this.title ?? 'Untitled'),
      path: this.path,
      dirty: this.dirty,
      spec: this.spec,
      dataset: this.datasetInfo,
      runs: this.runs.summaries(),
      uiState: this.uiState,
      pendingInitialWeights: pending ? { layers: pending.file.layers.length, source: pending.source, ...(pending.warnings.length ? { warnings: pending.warnings } : {}) } : null,
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

  /** The dataset the spec trains on (before the split). */
  dataset(): Dataset {
    return this.raw;
  }

  /** Replaces the whole project (new or opened). Live runs of the old project are stopped. */
  private async replace(data: ProjectData, path: string | null, base: FileBase | null = null, dirty = false, title: string | null = null): Promise<ProjectSummary> {
    const raw = data.dataset ?? this.generate(data.spec);
    // An opened file whose spec no longer fits its data still opens (its runs are worth seeing).
    let checked: CheckedLab | null = null;
    try {
      checked = checkLab(data.spec, raw);
    } catch {
      checked = null;
    }
    await this.runs.replace(data.runs);
    this.spec = data.spec;
    this.raw = raw;
    this.checked = checked ?? this.checked;
    this.datasetInfo = data.datasetInfo ?? this.describeBuiltin(data.spec, raw);
    this.uiState = { ...data.uiState };
    this.pendingWeights = null;
    this.path = path;
    this.title = title;
    this.base = base;
    this.dirty = dirty;
    this.session++;
    return this.changed();
  }

  /** Everything the project file should hold now (live runs as they stand). */
  snapshot(): ProjectData {
    return {
      spec: this.spec,
      dataset: isCsvData(this.spec.data) ? this.raw : null,
      datasetInfo: this.datasetInfo,
      runs: this.runs.records(this.raw),
      uiState: this.uiState,
    };
  }

  private requireStore(): ProjectStore {
    if (!this.store) throw new NotAvailable('project files are not available in this build');
    return this.store;
  }

  // -- projects -------------------------------------------------------------------------------

  /** A new, unsaved project on a built-in dataset (default: the seed's XOR quadrants). */
  newProject(builtin?: string, params: StarterParams = {}): Promise<ProjectSummary> {
    return this.replace({ spec: starterSpec(builtin, params), dataset: null, datasetInfo: null, runs: [], uiState: {} }, null);
  }

  /** A new, unsaved project from a gallery example (shared/gallery.ts): its spec on built-in data. */
  openExample(id: string): Promise<ProjectSummary> {
    const json = exampleSpec(id);
    if (json === null) throw new NotAvailable(`there is no example "${id}" in the gallery`);
    return this.replace({ spec: parseSpec(json), dataset: null, datasetInfo: null, runs: [], uiState: {} }, null);
  }

  /** Opens a project file; with `untitled`, as an untitled project of that name (a browser upload). */
  async openProject(path: string, untitled?: string): Promise<ProjectSummary> {
    const { data, base } = await this.requireStore().read(path);
    // An upload's copy has no place to save back to: the project is untitled, under the file's name.
    return untitled === undefined ? this.replace(data, path, base) : this.replace(data, null, null, false, untitled);
  }

  /**
   * Opens an autosaved copy as the project at `source` (or an untitled one), with unsaved
   * changes: saving merges it into the project it came from, as that file is now.
   */
  async openCopy(copy: string, source: string | null): Promise<ProjectSummary> {
    const store = this.requireStore();
    const { data } = await store.read(copy);
    let base: FileBase | null = null;
    try {
      base = source ? store.baseOf(source) : null;
    } catch {
      base = null; // the project file is gone or unreadable: saving writes it anew
    }
    return this.replace(data, source, base, true);
  }

  /**
   * Saves to `path` (Save As), or into the project's own file (Save): a transaction on that file,
   * keeping what other programs added to it meanwhile (their runs join this project). When its
   * spec was changed by someone else, throws SpecConflict unless `specConflict` says whose to keep.
   */
  async save(path?: string, specConflict?: 'mine' | 'theirs'): Promise<ProjectSummary> {
    const store = this.requireStore();
    const target = path ?? this.path;
    if (!target) throw new NotAvailable('this project has not been saved yet: use Save As');
    if (target === this.path && this.base) {
      const saved = await store.save(target, this.snapshot(), this.base, specConflict);
      this.base = saved.base;
      this.runs.adopt(saved.added);
      if (saved.theirSpec) this.takeSpec(saved.theirSpec);
    } else {
      this.base = await store.write(target, this.snapshot());
      this.path = target;
    }
    this.dirty = false;
    return this.changed();
  }

  /** Takes the file's spec after a save kept it (the data is regenerated or kept as it fits). */
  private takeSpec(spec: LabSpec): void {
    try {
      this.applySpec(spec);
    } catch {
      // Their spec does not fit the data held here (another CSV): keep the spec, it is what the file holds.
      this.spec = spec;
    }
  }

  /** Writes the project to `path` without making it the project's file (a download's copy). */
  async saveCopy(path: string): Promise<void> {
    await this.requireStore().write(path, this.snapshot());
  }

  // -- the spec and its data ------------------------------------------------------------------

  /**
   * Replaces the spec after validating it against the data (regenerating built-in data when the
   * data or seed changed); the check is kept for the next run.
   */
  updateSpec(json: unknown): ProjectSummary {
    this.applySpec(parseSpec(json));
    return this.changed();
  }

  /** `updateSpec` without telling the window (the caller does, once). */
  private applySpec(spec: LabSpec): void {
    if (isCsvData(spec.data)) {
      const old = this.spec.data;
      const same = isCsvData(old) && old.csv === spec.data.csv && sameList(old.inputs, spec.data.inputs) && sameList(old.targets, spec.data.targets);
      if (!same) throw new NotAvailable('to use another CSV file or other columns, import the file again (File > Import CSV)');
    }
    const regenerate = !isCsvData(spec.data) && (JSON.stringify(spec.data) !== JSON.stringify(this.spec.data) || spec.seed !== this.spec.seed);
    const raw = regenerate ? this.generate(spec) : this.raw;
    // Refuses a spec that does not fit the data (a cost that does not suit the targets) now.
    this.checked = checkLab(spec, raw);
    this.spec = spec;
    if (regenerate) {
      this.raw = raw;
      this.datasetInfo = this.describeBuiltin(spec, raw);
    }
    this.dirty = true;
  }

  /** Takes a dataset imported from CSV as the project's data, with the spec's data section for it. */
  useImportedData(raw: Dataset, info: DatasetInfo, spec: LabSpec): ProjectSummary {
    this.checked = checkLab(spec, raw);
    this.raw = raw;
    this.datasetInfo = info;
    this.spec = spec;
    this.dirty = true;
    return this.changed();
  }

  /** Stores a piece of UI state in the project (not an event: the window set it). */
  setUiState(key: string, value: unknown): null {
    this.uiState = { ...this.uiState, [key]: value };
    this.dirty = true;
    return null;
  }

  /**
   * The data after the split, bounded for the window (plot-payload.ts; prepared in slices, so a
   * large set never holds main): the current spec's, or with `runId` the data that run trained
   * on, split by its own seed.
   */
  async getDataset(runId?: string): Promise<CallResponses['lab:getDataset']> {
    const spec = runId ? this.runs.record(runId).spec : this.spec;
    const raw = runId && !isCsvData(spec.data) ? generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data) : this.raw;
    return plotPayload(await preparedParts.prepare(spec, raw));
  }

  // -- runs -----------------------------------------------------------------------------------

  /** The initial weights waiting for the next run, for the current network (WeightsError if they no longer fit). */
  private takePendingWeights(): Float64Array | undefined {
    const pending = this.pendingWeights;
    if (!pending) return undefined;
    const weights = weightsFor(this.checked.net, pending.file);
    this.pendingWeights = null;
    return weights;
  }

  /** Stops the run the window replaces, if this project's and going; its final figures follow (not waited for). */
  private stopReplaced(id: string | undefined): void {
    if (id && this.runs.has(id) && this.runs.isLive(id) && !isFinal(this.training.status(id))) void this.training.stop(id);
  }

  /** Starts a run of the current spec (from waiting initial weights, if any). */
  async startRun(request: StartRequest = {}): Promise<RunSummary> {
    this.stopReplaced(request.replaces);
    const initialWeights = this.takePendingWeights();
    const id = this.training.start(this.spec, this.raw, {
      number: this.runs.nextNumber(),
      checked: this.checked,
      ...(initialWeights ? { initialWeights } : {}),
      paused: request.paused ?? false,
      speed: request.speed ?? 0,
    });
    this.runs.add(id);
    this.dirty = true;
    this.changed();
    return this.runs.summary(id);
  }

  /**
   * Starts one run per override set (spec path -> number) of the current spec, side by side. All
   * are validated before any starts; with several, each uses one thread so they really run in
   * parallel on the pool. Built-in data is generated per run (a seed changes the data too).
   */
  async startRuns(overrides: SpecOverrides[], request: StartRequest = {}): Promise<RunSummary[]> {
    const extra: SpecOverrides = overrides.length > 1 ? { 'training.threads': 1 } : {};
    const prepared = overrides.map((o, i) => {
      try {
        const spec = applyOverrides(this.spec, o, extra);
        const raw = isCsvData(spec.data) ? this.raw : generateBuiltin(spec.data.builtin, spec.data.n, spec.seed, spec.data);
        return { spec, raw, checked: checkLab(spec, raw) };
      } catch (e) {
        throw withContext(e, `run ${i + 1} (${describeOverrides(o)})`);
      }
    });
    this.stopReplaced(request.replaces);
    const pending = this.pendingWeights?.file;
    const first = this.runs.nextNumber();
    const ids = prepared.map(({ spec, raw, checked }, i) =>
      this.training.start(spec, raw, { number: first + i, checked, ...(pending ? { initialWeights: weightsFor(checked.net, pending) } : {}), paused: request.paused ?? false, speed: request.speed ?? 0 }),
    );
    this.pendingWeights = null;
    this.runs.add(...ids);
    this.dirty = true;
    this.changed();
    return ids.map((id) => this.runs.summary(id));
  }

  async deleteRun(id: string): Promise<ProjectSummary> {
    await this.runs.delete(id);
    this.dirty = true;
    return this.changed();
  }

  /** Gradient check of the spec's network at a run's latest weights or at fresh initial weights. */
  checkGradient(runId?: string, samples?: number, tolerance?: number): ReturnType<Analyses['gradcheck']> {
    const spec = runId ? this.runs.record(runId).spec : this.spec;
    const weights = runId ? this.runs.latestWeights(runId) : undefined;
    return this.analyses.gradcheck(spec, this.raw, { ...(weights ? { weights } : {}), samples, tolerance });
  }

  /**
   * The Hessian's spectrum and the Laplace approximation (PRML §5.4, §5.7) at a run's latest
   * weights, or at fresh initial weights; an evidence run's last alpha and beta start the
   * evidence procedure.
   */
  curvature(runId?: string): ReturnType<Analyses['curvature']> {
    const weights = runId ? this.runs.latestWeights(runId) : undefined;
    const spec = runId ? this.runs.record(runId).spec : this.spec;
    const ev = runId ? this.runs.record(runId).curve.evidence : undefined;
    const m = ev?.steps.length ?? 0;
    const start = ev && m > 0 ? { alpha: ev.alpha[m - 1], beta: ev.beta[m - 1] } : undefined;
    return this.analyses.curvature(spec, this.raw, { ...(weights ? { weights } : {}), ...(start ? { start } : {}) });
  }

  // -- weights in and out ---------------------------------------------------------------------

  /** The weights file of a run: its latest weights with the names and normalisation of its data. */
  weightsOf(id: string): WeightsFile {
    const r = this.runs.record(id);
    const meta = this.runs.weightsMeta(id, this.raw);
    const net = networkFor(r.spec, meta.inputs.length, meta.outputs.length);
    net.params.set(this.runs.latestWeights(id));
    return toWeightsFile(net, meta);
  }

  /**
   * Reads a weights file and keeps it as the next run's initial weights. Refused (WeightsError)
   * when its layers do not fit the network or it was trained on other columns; a different input
   * normalisation is accepted with a warning.
   */
  async importWeights(text: string, source: string): Promise<ProjectSummary> {
    const file = parseWeightsText(text, source);
    weightsFor(this.checked.net, file);
    const parts = await preparedParts.prepare(this.spec, this.raw);
    const warnings = checkColumns(file, { inputs: parts.train.inputNames, outputs: parts.train.targetNames, normalization: parts.normalization });
    this.pendingWeights = { file, source, warnings };
    return this.changed();
  }

  /**
   * Makes a run's spec the current spec (regenerating built-in data when it differs); with
   * `useWeights`, the run's latest weights become the next run's initial weights.
   */
  restoreRun(id: string, useWeights: boolean): ProjectSummary {
    const r = this.runs.record(id);
    const weights = useWeights ? this.weightsOf(id) : null;
    // How many threads a run used is not part of the model: the current setting stays.
    this.applySpec(parseSpec({ ...r.spec, training: { ...r.spec.training, threads: this.spec.training.threads } }));
    if (weights) this.pendingWeights = { file: weights, source: `run ${this.runs.summary(id).number}`, warnings: [] };
    return this.changed();
  }

  /** Forgets initial weights waiting for the next run. */
  clearInitialWeights(): ProjectSummary {
    this.pendingWeights = null;
    return this.changed();
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The one contract between the renderer and the main process, read top to bottom:
 *
 *   1. the payload types that cross (projects, datasets, runs),
 *   2. every call the renderer may make: a name `lab:verbNoun`, a request schema that main
 *      validates before any service sees the payload, and the response type,
 *   3. the one union of events main sends back,
 *   4. how errors cross: `{ name, message }`.
 *
 * Two transports carry it: Electron IPC (preload + contextBridge) and a WebSocket on 127.0.0.1
 * for a plain browser (src-main/ipc/). Typed arrays survive both. Services never know which
 * transport called them.
 */
import { z } from 'zod';
import type { CurvatureReport } from './curvature-report';
import { DECIMAL_MARKS, DELIMITERS, MISSING_POLICIES, withAuto } from './data/csv-options';
import type { BuiltinName } from './data/builtin';
import type { BuiltinInfo } from './data/dataset';
import type { GradcheckResult } from './engine/gradcheck';
import type { WireError } from './errors';
import type { GalleryEntry } from './gallery';
import type {
  AppInfo, CsvPreviewPayload, DatasetPayload, ProjectSummary, RecentProject, RecoveryInfo, RunDetail, WorkspaceFile,
} from './ipc-payloads';
import type { RunEvent, RunSummary } from './run';
import type { WeightsFile } from './weights-format';

// ---------------------------------------------------------------------------------------------
// 1. Payloads (shared/ipc-payloads.ts)
// ---------------------------------------------------------------------------------------------

export type * from './ipc-payloads';
export type { RunSummary } from './run';
export type { WireError } from './errors';

// ---------------------------------------------------------------------------------------------
// 2. Calls
// ---------------------------------------------------------------------------------------------

const runId = z.object({ runId: z.string().min(1).max(100) });
/** A file named by a path (Electron dialogs, the workspace folder) or sent as bytes (browser upload). */
const fileSource = z.union([
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  z.object({ bytes: z.instanceof(Uint8Array), name: z.string().min(1).max(255) }).strict(),
]);
/** How runs start from the window (lab:startRun, lab:startRuns). */
const startOptions = z.object({
  paused: z.boolean().optional(),
  speed: z.number().min(0).max(1e6).optional(),
  replaces: z.string().min(1).max(100).optional(),
});
const csvOptions = z
  .object({
    delimiter: z.enum(withAuto(DELIMITERS)).optional(),
    decimal: z.enum(withAuto(DECIMAL_MARKS)).optional(),
    header: z.boolean().optional(),
    /** The wizard offers two of the policies (a spec may also say "error"). */
    missing: z.enum(MISSING_POLICIES.filter((m): m is 'drop' | 'mean' => m !== 'error')).optional(),
    /** Columns read as categories although they hold numbers (zip codes, class ids). */
    categorical: z.array(z.string().min(1).max(1000)).max(10_000).optional(),
  })
  .strict();

/** Every call: its request schema (validated in main) and, as a type, its response. */
export const CALLS = {
  /** Version, platform, transport, workspace. */
  'lab:getAppInfo': z.object({}).strict(),
  /** The open project. */
  'lab:getProject': z.object({}).strict(),
  /** A new project on a built-in dataset (default: the seed's XOR quadrants). */
  'lab:newProject': z
    .object({
      builtin: z.string().max(100).optional(),
      /** The dataset's parameters (defaults: the dataset's own, seed 1). */
      n: z.number().int().min(2).max(1_000_000).optional(),
      noise: z.number().min(0).max(100).optional(),
      classes: z.number().int().min(2).max(10).optional(),
      seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    })
    .strict(),
  /** Opens a project file: a path, uploaded bytes, or {} to ask with a dialog (Electron). */
  'lab:openProject': z.union([fileSource, z.object({}).strict()]),
  /**
   * Saves into the project's file (fails with a clear message if it has none yet: use Save As).
   * When another program changed the file's spec meanwhile it fails with SpecConflict; say then
   * whose spec to keep: `mine` (write it over theirs) or `theirs` (take the file's).
   */
  'lab:saveProject': z.object({ specConflict: z.enum(['mine', 'theirs']).optional() }).strict(),
  /** Saves to a new path, or {} to ask with a dialog (Electron), or download: true (browser). */
  'lab:saveProjectAs': z.union([
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.object({ download: z.literal(true), name: z.string().min(1).max(255).optional() }).strict(),
    z.object({}).strict(),
  ]),
  /** Recently opened projects, newest first. */
  'lab:listRecentProjects': z.object({}).strict(),
  /** Autosaved copies of projects whose changes were never saved (after a crash), newest first. */
  'lab:listRecovery': z.object({}).strict(),
  /** Opens an autosaved copy as an unsaved project (it saves over the project it came from). */
  'lab:openRecovery': z.object({ path: z.string().min(1).max(4096) }).strict(),
  /** .mlplab and .csv files in the workspace folder (browser transport). */
  'lab:listWorkspace': z.object({}).strict(),
  /** Replaces the project's spec (validated with parseSpec; the data is regenerated if it changed). */
  'lab:updateSpec': z.object({ spec: z.unknown() }).strict(),
  /** Stores a piece of UI state in the project. */
  'lab:setUiState': z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict(),
  /** The built-in datasets. */
  'lab:listBuiltins': z.object({}).strict(),
  /** The PRML gallery: example labs reproducing figures of chapter 5, with notes (shared/gallery.ts). */
  'lab:listExamples': z.object({}).strict(),
  /** Opens a gallery example as a new, unsaved project. */
  'lab:openExample': z.object({ id: z.string().min(1).max(100) }).strict(),
  /**
   * The project's data after the split, for plots and metrics (large parts sampled:
   * DatasetPayload); with `runId`, the data that run trained on (its own seed's split).
   */
  'lab:getDataset': z.object({ runId: z.string().min(1).max(100).optional() }).strict(),
  /** Parses the first rows of a CSV file with the given (or detected) options. */
  'lab:previewCsv': z.object({ file: fileSource, options: csvOptions.optional() }).strict(),
  /** Imports a CSV file into the project as its data; the spec's data section is replaced. */
  'lab:importCsv': z
    .object({
      file: fileSource,
      options: csvOptions.optional(),
      inputs: z.array(z.string().min(1)).min(1),
      targets: z.array(z.string().min(1)).min(1),
      normalize: z.boolean().optional(),
      /** issue 16: Xavier (tanh, sigmoid) / He (ReLU) initialisation for every layer; default true, false keeps the lab's. */
      scaledInit: z.boolean().optional(),
      split: z.object({ validation: z.number().min(0).max(0.9), test: z.number().min(0).max(0.9) }).strict().optional(),
    })
    .strict(),
  /** Writes a run's weights: to a path, {} to ask (Electron), or download (browser: returned). */
  'lab:exportWeights': z.union([
    runId.extend({ path: z.string().min(1).max(4096) }).strict(),
    runId.extend({ download: z.literal(true) }).strict(),
    runId.strict(),
  ]),
  /**
   * issue 20: a run as an ONNX model (docs/onnx.md), or the current setup as a PyTorch training
   * folder in a .zip (docs/pytorch.md): {} asks where with a dialog (Electron), download: true
   * returns the bytes (browser).
   */
  'lab:exportModel': z.union([
    runId.extend({ format: z.literal('onnx'), dtype: z.enum(['float32', 'float64']).optional(), download: z.literal(true).optional() }).strict(),
    z.object({ format: z.literal('pytorch'), download: z.literal(true).optional() }).strict(),
  ]),
  /** Reads a weights file as the next run's initial weights (shapes must match the network). */
  'lab:importWeights': z.union([fileSource, z.object({}).strict()]),
  /**
   * Starts a run of the project's spec: paused if asked, with a speed limit from its first step
   * (steps per second), after stopping the run it `replaces` (the one the window was showing).
   */
  'lab:startRun': startOptions.strict(),
  'lab:pauseRun': runId.strict(),
  'lab:resumeRun': runId.strict(),
  /** One step, `steps` steps, or one epoch, then paused. */
  'lab:stepRun': runId.extend({ steps: z.number().int().min(1).max(1_000_000).optional(), epoch: z.boolean().optional() }).strict(),
  'lab:stopRun': runId.strict(),
  /** Back to the run's initial weights, paused at step 0. */
  'lab:resetRun': runId.strict(),
  /** Live settings: the learning rate from the next step, and a speed limit (steps per second, 0 = none). */
  'lab:setRunSettings': runId.extend({ learningRate: z.number().positive().finite().optional(), speed: z.number().min(0).max(1e6).optional() }).strict(),
  /** A run with its whole curve and snapshots. */
  'lab:getRun': runId.strict(),
  /** Removes an ended run from the project. */
  'lab:deleteRun': runId.strict(),
  /** Gradient check of the project's network (at a run's current weights, or fresh initial weights). */
  'lab:checkGradient': z.object({ runId: z.string().optional(), samples: z.number().int().min(1).max(1000).optional(), tolerance: z.number().positive().optional() }).strict(),
  /** The Hessian's eigenvalues and the Laplace approximation (PRML §5.4, §5.7) at a run's weights, or fresh initial weights. */
  'lab:curvature': z.object({ runId: z.string().min(1).max(100).optional() }).strict(),

  // -- Data, projects and run history in the window ---------------------------------------------
  /** Cancels the CSV import under way (its lab:importCsv then fails with ImportCancelled). */
  'lab:cancelImport': z.object({}).strict(),
  /** Deletes an autosaved copy the user chose not to restore. */
  'lab:discardRecovery': z.object({ path: z.string().min(1).max(4096) }).strict(),
  /**
   * Makes a run's spec the current spec; with `weights`, its latest weights become the next run's
   * initial weights (as lab:importWeights would).
   */
  'lab:restoreRun': runId.extend({ weights: z.boolean().optional() }).strict(),
  /** Forgets imported or restored weights waiting for the next run (it starts from the seed again). */
  'lab:clearInitialWeights': z.object({}).strict(),
  /**
   * Starts one run per override set, side by side on the worker pool: each maps spec paths
   * ("seed", "training.learningRate", "network.hidden.0.units") to numbers, applied to the current
   * spec and validated like lab:updateSpec. For N seeds or a small grid of one hyperparameter.
   */
  'lab:startRuns': startOptions
    .extend({
      overrides: z
        .array(z.record(z.string().regex(/^[A-Za-z]\w*(\.\w+)*$/).max(100), z.number().finite()))
        .min(1)
        .max(16),
    })
    .strict(),
} as const;

/** The name of a call. */
export type CallName = keyof typeof CALLS;
/** The names of all calls, in contract order. */
export const CALL_NAMES = Object.keys(CALLS) as CallName[];
/** What a call sends. */
export type CallRequest<C extends CallName> = z.input<(typeof CALLS)[C]>;
/** What a call's handler receives: the request as validated, defaults applied. */
export type CallPayload<C extends CallName> = z.output<(typeof CALLS)[C]>;

/** An exported model (issue 20): where it was written (Electron), or its bytes (download), and its file name. */
export interface ExportedModel {
  name: string;
  path?: string;
  bytes?: Uint8Array;
}

/** What each call answers. */
export interface CallResponses {
  'lab:getAppInfo': AppInfo;
  'lab:getProject': ProjectSummary;
  'lab:newProject': ProjectSummary;
  'lab:openProject': ProjectSummary;
  'lab:saveProject': ProjectSummary;
  'lab:saveProjectAs': { project: ProjectSummary; bytes?: Uint8Array };
  'lab:listRecentProjects': RecentProject[];
  'lab:listRecovery': RecoveryInfo[];
  'lab:openRecovery': ProjectSummary;
  'lab:listWorkspace': WorkspaceFile[];
  'lab:updateSpec': ProjectSummary;
  'lab:setUiState': null;
  'lab:listBuiltins': BuiltinInfo<BuiltinName>[];
  'lab:listExamples': GalleryEntry[];
  'lab:openExample': ProjectSummary;
  'lab:getDataset': DatasetPayload;
  'lab:previewCsv': CsvPreviewPayload;
  'lab:importCsv': ProjectSummary;
  'lab:exportWeights': { path?: string; weights: WeightsFile };
  'lab:exportModel': ExportedModel;
  'lab:importWeights': ProjectSummary;
  'lab:startRun': RunSummary;
  'lab:pauseRun': null;
  'lab:resumeRun': null;
  'lab:stepRun': null;
  'lab:stopRun': RunSummary;
  'lab:resetRun': null;
  'lab:setRunSettings': null;
  'lab:getRun': RunDetail;
  'lab:deleteRun': ProjectSummary;
  'lab:checkGradient': GradcheckResult;
  'lab:curvature': CurvatureReport;
  'lab:cancelImport': null;
  'lab:discardRecovery': null;
  'lab:restoreRun': ProjectSummary;
  'lab:clearInitialWeights': ProjectSummary;
  'lab:startRuns': RunSummary[];
}
/** What a call answers. */
export type CallResponse<C extends CallName> = CallResponses[C];

// ---------------------------------------------------------------------------------------------
// 3. Events (main -> renderer)
// ---------------------------------------------------------------------------------------------

/** Every event main sends. Run events come from the training service (shared/run.ts); the rest from the app. */
export type LabEvent =
  | RunEvent
  | { type: 'project-changed'; project: ProjectSummary }
  /** A menu item the renderer carries out (it knows the selection): export weights, start, ... */
  | { type: 'menu-command'; command: MenuCommand }
  /** How far the CSV import under way has read (at most ~10 a second, and once at the end). */
  | { type: 'import-progress'; file: string; bytesRead: number; totalBytes: number; rows: number };

/** Menu items whose action needs the renderer. */
export type MenuCommand = 'new-project' | 'export-weights' | 'import-csv' | 'train' | 'step' | 'reset' | 'check-gradient' | 'toggle-theme';

/** The Electron IPC channel events travel on. */
export const EVENT_CHANNEL = 'lab:event';

// ---------------------------------------------------------------------------------------------
// 4. Errors
// ---------------------------------------------------------------------------------------------

/** A call's outcome as it crosses a transport. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** The error a client throws for a failed call: `name` says what kind, `message` what to do. */
export class LabError extends Error {
  /** Where in a file the problem is, when the error says (CsvError). */
  readonly line?: number;
  readonly column?: string;

  constructor(name: string, message: string, where: { line?: number; column?: string } = {}) {
    super(message);
    this.name = name;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }
}

/** The API the renderer uses, whatever the transport. */
export interface LabApi {
  call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>>;
  /** Listens to main's events; returns the function that stops listening. */
  onEvent(listener: (event: LabEvent) => void): () => void;
}

/** Validates a request against the contract; returns it or an error naming the first problem. */
export function validateRequest(name: string, payload: unknown): { ok: true; value: unknown } | { ok: false; error: WireError } {
  if (!Object.hasOwn(CALLS, name)) return { ok: false, error: { name: 'BadRequest', message: `unknown call "${name}"` } };
  const parsed = CALLS[name as CallName].safeParse(payload ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: { name: 'BadRequest', message: `${name}: malformed request${where}: ${issue?.message ?? 'invalid'}` } };
}

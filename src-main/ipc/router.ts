/**
 * The router between a transport and the services: every request is checked against the
 * contract (shared/ipc.ts) before a service sees it; a malformed one is refused and logged, never
 * thrown into a service. Service errors cross as { name, message }: errors a user can cause keep
 * their name (SpecError, CsvError, ...); anything else is reported as an internal error without a
 * stack trace.
 */
import { type CallName, type CallResult, type LabEvent, validateRequest, type WireError } from '../../shared/ipc';

/** A handler per call, given the validated request. */
export type Handlers = { [C in CallName]: (request: never) => Promise<unknown> | unknown };

/** Where refused requests and internal errors are logged. */
export interface RouterLog {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Names of errors that carry a message meant for the user. */
const USER_ERRORS = new Set([
  'SpecError', 'DataError', 'CsvError', 'WeightsError', 'ProjectFileError', 'InputError', 'RangeError',
  'BadRequest', 'ImportCancelled', 'WorkerCrash', 'NotAvailable', 'Cancelled', 'NativeModuleError',
]);

/** The error a handler throws when the user cancelled a dialog: the renderer shows nothing. */
export class Cancelled extends Error {
  override name = 'Cancelled';
  constructor() {
    super('cancelled');
  }
}

/** Turns anything thrown into what crosses the transport. */
export function toWireError(e: unknown, log?: RouterLog): WireError {
  if (e instanceof Error && USER_ERRORS.has(e.name)) {
    // A CsvError also says where (line, column), so the import wizard can point at the cell.
    const { line, column } = e as { line?: unknown; column?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof line === 'number' ? { line } : {}),
      ...(typeof column === 'string' ? { column } : {}),
    };
  }
  log?.error('internal error while handling a request', e);
  const message = e instanceof Error ? e.message : String(e);
  return { name: 'InternalError', message: `MLP Lab hit an internal error: ${message}. Your project is unchanged; please report this.` };
}

/** Validates and dispatches calls; fans events out to transports. */
export class Router {
  private readonly listeners = new Set<(e: LabEvent) => void>();

  constructor(private readonly handlers: Handlers, private readonly log: RouterLog = console) {}

  /** Handles one call from a transport. Never throws. */
  async call(name: string, payload: unknown): Promise<CallResult<unknown>> {
    const checked = validateRequest(name, payload);
    if (!checked.ok) {
      this.log.warn(`refused a malformed request: ${checked.error.message}`);
      return { ok: false, error: checked.error };
    }
    try {
      const handler = this.handlers[name as CallName] as (r: unknown) => Promise<unknown> | unknown;
      const value = await handler(checked.value);
      return { ok: true, value: value ?? null };
    } catch (e) {
      return { ok: false, error: toWireError(e, this.log) };
    }
  }

  /** Sends an event to every transport. */
  emit(event: LabEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.error('an event listener failed', e);
      }
    }
  }

  /** Listens to events; returns the function that stops listening. */
  subscribe(listener: (e: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

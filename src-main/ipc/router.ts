/**
 * The router between a transport and the services: every request is checked against the
 * contract (shared/ipc.ts) before a service sees it; a malformed one is refused and logged, never
 * thrown into a service. Service errors cross as { name, message }: user errors (shared/errors.ts)
 * keep their name (SpecError, CsvError, ...); anything else is reported as an internal error
 * without a stack trace.
 */
import { toWireError, UserError, type WireError } from '../../shared/errors';
import { type CallName, type CallPayload, type CallResponse, type CallResult, type LabEvent, validateRequest } from '../../shared/ipc';

/**
 * One handler per call of the contract: it receives the request as validated (defaults applied)
 * and answers with that call's response type, so a handler with the wrong payload or response
 * does not compile.
 */
export type Handlers = { [C in CallName]: (request: CallPayload<C>) => CallResponse<C> | Promise<CallResponse<C>> };

/** Where refused requests and internal errors are logged. */
export interface RouterLog {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The error a handler throws when the user cancelled a dialog: the renderer shows nothing. */
export class Cancelled extends UserError {
  override name = 'Cancelled';
  constructor() {
    super('cancelled');
  }
}

/**
 * What crosses for anything a handler threw: user errors as they are; anything else logged (with
 * its stack, here in main) and reported as an internal error, without a stack trace.
 */
export function wireErrorOf(e: unknown, log?: RouterLog): WireError {
  const w = toWireError(e);
  if (w.name !== 'InternalError') return w;
  log?.error('internal error while handling a request', e);
  return { name: 'InternalError', message: `MLP Lab hit an internal error: ${w.message}. Your project is unchanged; please report this.` };
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
      // validateRequest checked the payload against this call's schema.
      const handler = this.handlers[name as CallName] as (r: unknown) => unknown;
      const value = await handler(checked.value);
      return { ok: true, value: value ?? null };
    } catch (e) {
      return { ok: false, error: wireErrorOf(e, this.log) };
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

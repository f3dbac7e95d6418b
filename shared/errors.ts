/**
 * Errors a user can cause, and how any error crosses a boundary (IPC, a worker thread).
 *
 * A `UserError` carries a message meant for the user: what happened, where, what to do
 * (a SpecError naming the field, a CsvError naming the line, a WeightsError naming the layer).
 * Everything else thrown (a TypeError, a RangeError from the engine's own checks) is a bug in
 * MLP Lab: it crosses as an `InternalError` and is logged, never shown as if the user caused it.
 */

/** An error the user caused and can act on; `name` says which kind (SpecError, CsvError, ...). */
export class UserError extends Error {
  override name = 'UserError';
}

/**
 * A request that cannot be carried out now, with the reason and what to do instead ("this run
 * has ended: start a new run").
 */
export class NotAvailable extends UserError {
  override name = 'NotAvailable';
}

/** An error as it crosses a boundary: its kind and a message for the user. */
export interface WireError {
  /** SpecError, CsvError, ... for user errors; InternalError for anything else. */
  name: string;
  message: string;
  /** Where in a file the problem is (CsvError): the 1-based line and the column's name. */
  line?: number;
  column?: string;
}

/** True for errors meant for the user (any UserError). */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * What crosses for `e`: a user error keeps its name, message and place in a file; anything else
 * becomes an InternalError with the bare message (the router, which shows it, says the rest).
 */
export function toWireError(e: unknown): WireError {
  if (isUserError(e)) {
    const { line, column } = e as { line?: unknown; column?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof line === 'number' ? { line } : {}),
      ...(typeof column === 'string' ? { column } : {}),
    };
  }
  return { name: 'InternalError', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The error to throw on this side for a WireError from the other: a UserError of the same name
 * (so it crosses on as a user error), or a plain Error for an internal one.
 */
export function fromWireError(w: WireError): Error {
  const e = w.name === 'InternalError' ? new Error(w.message) : new UserError(w.message);
  e.name = w.name;
  if (w.line !== undefined) Object.assign(e, { line: w.line });
  if (w.column !== undefined) Object.assign(e, { column: w.column });
  return e;
}

/**
 * `e` with `context` and ": " before its message, of the same kind: a user error stays one
 * (same name), anything else stays internal. For saying which of several things failed.
 */
export function withContext(e: unknown, context: string): Error {
  const message = `${context}: ${e instanceof Error ? e.message : String(e)}`;
  const out = isUserError(e) ? new UserError(message) : new Error(message);
  if (e instanceof Error) out.name = e.name;
  return out;
}

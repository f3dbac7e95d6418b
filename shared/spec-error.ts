/**
 * The error of a lab spec that cannot be used (shared/spec.ts, shared/spec-keys.ts), apart so
 * that both can throw it.
 */
import { UserError } from './errors';

/** A spec that cannot be used; `path` names the field ("training.learningRate"). */
export class SpecError extends UserError {
  override name = 'SpecError';
  /** `unknownField`: the spec has a field this MLP Lab does not know (a typo, or a newer MLP Lab's field). */
  constructor(readonly path: string, message: string, readonly unknownField = false) {
    super(path ? `${path} ${message}` : message);
  }
}

/**
 * How the contract's calls are named on `window.mlpLab` in Electron: "lab:startRun" becomes
 * `mlpLab.startRun(request)`. The preload exposes exactly these functions plus `onEvent`.
 */
import type { CallName, CallRequest, CallResult, LabEvent } from './ipc';

/** The bridge function name of a call ("lab:startRun" -> "startRun"). */
export function bridgeName(call: CallName): string {
  return call.slice('lab:'.length);
}

/** What the preload exposes on `window.mlpLab`. */
export interface MlpLabBridge {
  readonly version: string;
  readonly platform: string;
  /** Listens to main's events; returns the function that stops listening. */
  onEvent(listener: (event: LabEvent) => void): () => void;
  /** One function per call, named by `bridgeName`, answering a CallResult. */
  readonly [call: string]: unknown;
}

/** The signature of each call function on the bridge. */
export type BridgeCall<C extends CallName> = (request: CallRequest<C>) => Promise<CallResult<unknown>>;

/**
 * The object the preload exposes as `window.mlpLab`: `version`, `platform`, `onEvent`, and one
 * function per call of the contract (named by `bridgeName`: "lab:startRun" -> `startRun`), each
 * sending the call name and the request over `invoke` and answering main's CallResult. Nothing
 * else: no channel name can be chosen by the page, and `ipcRenderer` itself never crosses.
 *
 * Kept free of 'electron' so it is tested in plain Node; src-main/preload.ts passes the real
 * `ipcRenderer` functions in.
 */
import { bridgeName, type MlpLabBridge } from '../../shared/bridge';
import { CALL_NAMES, type CallName, type CallResult, EVENT_CHANNEL, type LabEvent } from '../../shared/ipc';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** Builds the `window.mlpLab` object for a renderer. */
export function createBridge(ipc: RendererIpc, info: { version: string; platform: string }): MlpLabBridge {
  const bridge: Record<string, unknown> = {
    version: info.version,
    platform: info.platform,
    onEvent(listener: (event: LabEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      // Only the event crosses: Electron's IpcRendererEvent (with `sender`) stays here.
      const forward = (_event: unknown, labEvent: unknown): void => listener(labEvent as LabEvent);
      ipc.on(EVENT_CHANNEL, forward);
      let listening = true;
      return () => {
        if (!listening) return;
        listening = false;
        ipc.removeListener(EVENT_CHANNEL, forward);
      };
    },
  };
  for (const call of CALL_NAMES) {
    const name: CallName = call;
    // Exactly one argument crosses; anything the page adds is dropped.
    bridge[bridgeName(name)] = (request?: unknown): Promise<CallResult<unknown>> =>
      ipc.invoke(name, request ?? {}) as Promise<CallResult<unknown>>;
  }
  return Object.freeze(bridge) as MlpLabBridge;
}

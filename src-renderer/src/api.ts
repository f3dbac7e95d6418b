/**
 * The renderer's side of the contract (shared/ipc.ts): one `LabApi` whatever carries it.
 * Inside Electron the preload's `window.mlpLab` functions; in a plain browser a WebSocket to the
 * server that served this page, authenticated by the token in the page's URL.
 */
import { bridgeName } from '@shared/bridge';
import {
  type CallName,
  type CallRequest,
  type CallResponse,
  type CallResult,
  type LabApi,
  LabError,
  type LabEvent,
} from '@shared/ipc';
import { decodeMessage, encodeMessage } from '@shared/wire';

type Listener = (event: LabEvent) => void;

/** Electron: calls go through the preload's named functions. */
class BridgeApi implements LabApi {
  constructor(private readonly bridge: NonNullable<Window['mlpLab']>) {}

  async call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>> {
    const fn = this.bridge[bridgeName(name)] as ((r: unknown) => Promise<CallResult<unknown>>) | undefined;
    if (typeof fn !== 'function') throw new LabError('BadRequest', `the app does not offer ${name}`);
    const result = await fn(request);
    if (!result.ok) throw new LabError(result.error.name, result.error.message, result.error);
    return result.value as CallResponse<C>;
  }

  onEvent(listener: Listener): () => void {
    return this.bridge.onEvent(listener);
  }
}

/** Browser: one WebSocket, requests matched to answers by id, events pushed by the server. */
class SocketApi implements LabApi {
  private ws: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<Listener>();

  constructor(private readonly url: string) {}

  private open(): Promise<WebSocket> {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) return Promise.resolve(this.ws);
    if (this.opening) return this.opening;
    this.opening = new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        this.ws = ws;
        this.opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        this.opening = null;
        reject(new LabError('ConnectionError', 'cannot reach the MLP Lab server: is it still running, and was the page opened with its link (token)?'));
      };
      ws.onclose = () => {
        this.ws = null;
        for (const p of this.pending.values()) p.reject(new LabError('ConnectionError', 'the connection to the MLP Lab server was lost'));
        this.pending.clear();
      };
      ws.onmessage = (m) => this.receive(new Uint8Array(m.data as ArrayBuffer));
    });
    return this.opening;
  }

  private receive(frame: Uint8Array): void {
    const msg = decodeMessage(frame) as { id?: number; result?: CallResult<unknown>; events?: LabEvent[] };
    if (msg.events) {
      for (const e of msg.events) for (const l of this.listeners) l(e);
      return;
    }
    if (typeof msg.id === 'number' && msg.result) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.result.ok) p.resolve(msg.result.value);
      else p.reject(new LabError(msg.result.error.name, msg.result.error.message, msg.result.error));
    }
  }

  async call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResponse<C>> {
    const ws = await this.open();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(encodeMessage({ id, call: name, payload: request }));
    });
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    void this.open().catch(() => {});
    return () => this.listeners.delete(listener);
  }
}

/** The token the browser server put in this page's URL (kept for reloads in sessionStorage). */
function pageToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('mlp-lab-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('mlp-lab-token') ?? '';
}

/** The API for this page: Electron's bridge when present, else the browser transport. */
export function createApi(): LabApi {
  if (window.mlpLab) return new BridgeApi(window.mlpLab);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new SocketApi(`${scheme}://${location.host}/ws?token=${encodeURIComponent(pageToken())}`);
}

/** The one API instance of the renderer. */
export const api: LabApi = createApi();

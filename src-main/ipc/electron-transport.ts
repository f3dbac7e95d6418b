/**
 * The contract over Electron IPC. Calls: one `ipcMain.handle` per call name, answering the
 * router's CallResult (the router never throws, so `invoke` never rejects). Only the lab window's
 * main frame showing our renderer page is heard (src-main/ipc/trusted-sender.ts); anything else
 * gets a BadRequest result and a log line. Events: the router's events pass through an
 * EventCoalescer (cost points joined, snapshots latest-wins, at most 30 batches a second) and are
 * sent to the window one by one on EVENT_CHANNEL; Electron's structured clone keeps typed arrays,
 * but not shared memory, so arrays the workers handed over in SharedArrayBuffers are copied
 * first (own-memory.ts).
 *
 * Thin by design: what can be decided without Electron is decided in tested modules.
 */
import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { CALL_NAMES, type CallResult, EVENT_CHANNEL, type LabEvent } from '../../shared/ipc';
import { EventCoalescer } from '../training/event-coalescer';
import { withoutSharedMemory } from './own-memory';
import type { Router, RouterLog } from './router';
import { type FrameInfo, senderProblem } from './trusted-sender';

/** Options of the transport. */
export interface ElectronTransportOptions {
  /** The renderer page's URL (the built file, or the dev server). */
  rendererUrl: string;
  /**
   * Asked before a call reaches the router; a result answers the call instead (used to ask about
   * unsaved changes before a renderer replaces the project).
   */
  beforeCall?: (name: string) => Promise<CallResult<unknown> | null>;
  log?: RouterLog;
}

function frameInfo(frame: WebFrameMain | null | undefined): FrameInfo | null {
  if (!frame || frame.isDestroyed()) return null;
  return { url: frame.url, processId: frame.processId, routingId: frame.routingId, top: frame.parent === null };
}

/** The Electron transport: handlers registered once, one window attached at a time. */
export class ElectronTransport {
  private window: BrowserWindow | null = null;
  private coalescer: EventCoalescer | null = null;
  private readonly unsubscribe: () => void;
  private readonly log: RouterLog;

  constructor(private readonly router: Router, private readonly options: ElectronTransportOptions) {
    this.log = options.log ?? console;
    for (const name of CALL_NAMES) {
      ipcMain.handle(name, (event, payload: unknown) => this.handle(name, event, payload));
    }
    this.unsubscribe = router.subscribe((e) => this.coalescer?.push(e));
  }

  private async handle(name: string, event: IpcMainInvokeEvent, payload: unknown): Promise<CallResult<unknown>> {
    const win = this.window;
    const main = win && !win.isDestroyed() ? win.webContents.mainFrame : null;
    const problem = senderProblem(frameInfo(event.senderFrame), frameInfo(main), this.options.rendererUrl);
    if (problem) {
      this.log.warn(`refused ${name} over IPC: ${problem}`);
      return { ok: false, error: { name: 'BadRequest', message: 'request refused: it did not come from the MLP Lab window' } };
    }
    const answer = await this.options.beforeCall?.(name);
    if (answer) return answer;
    return withoutSharedMemory(await this.router.call(name, payload));
  }

  /** Makes `win` the window calls are accepted from and events go to. */
  attach(win: BrowserWindow): void {
    this.coalescer?.close();
    this.window = win;
    const coalescer = new EventCoalescer((events: LabEvent[]) => {
      if (win.isDestroyed()) return;
      for (const e of events) win.webContents.send(EVENT_CHANNEL, withoutSharedMemory(e));
    });
    this.coalescer = coalescer;
    win.on('closed', () => {
      coalescer.close();
      if (this.window === win) {
        this.window = null;
        this.coalescer = null;
      }
    });
  }

  /** Stops handling calls and sending events. */
  dispose(): void {
    for (const name of CALL_NAMES) ipcMain.removeHandler(name);
    this.unsubscribe();
    this.coalescer?.close();
    this.window = null;
  }
}

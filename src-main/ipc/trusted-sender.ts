/**
 * Who may talk to main over Electron IPC: only the lab window's own top-level frame while it
 * shows our renderer page. An iframe, a page the window was somehow navigated to, or a frame
 * that has gone away is refused. Pure (no 'electron' import) so it is tested in plain Node;
 * src-main/ipc/electron-transport.ts feeds it from `event.senderFrame`.
 */

/** What the check needs to know about a frame (Electron's WebFrameMain, reduced). */
export interface FrameInfo {
  /** The frame's current URL. */
  url: string;
  /** The renderer process the frame lives in. */
  processId: number;
  /** The frame's id within that process. */
  routingId: number;
  /** True for a top-level frame (no parent). */
  top: boolean;
}

/** A URL reduced to what identifies a page: origin and path (query and hash do not). */
function pageOf(url: string): string | null {
  try {
    const u = new URL(url);
    // file: URLs have the opaque origin "null": compare protocol + host + path instead.
    return `${u.protocol}//${u.host}${decodeURIComponent(u.pathname)}`;
  } catch {
    return null;
  }
}

/**
 * True when `url` is the renderer page itself: the same origin and path as `rendererUrl`. A
 * query or hash change is the same page; another file beside it, another port or another host
 * is not.
 */
export function isRendererPage(url: string, rendererUrl: string): boolean {
  const a = pageOf(url);
  return a !== null && a === pageOf(rendererUrl);
}

/**
 * Why a message from `sender` must be refused, or null when it comes from the window's main
 * frame (`mainFrame`) showing `rendererUrl`.
 */
export function senderProblem(sender: FrameInfo | null, mainFrame: FrameInfo | null, rendererUrl: string): string | null {
  if (!sender) return 'the sending frame is gone (navigated away or destroyed)';
  if (!mainFrame) return 'the lab window is not open';
  if (!sender.top) return `it came from a subframe (${sender.url})`;
  if (sender.processId !== mainFrame.processId || sender.routingId !== mainFrame.routingId) {
    return `it came from a frame that is not the lab window's (${sender.url})`;
  }
  if (!isRendererPage(sender.url, rendererUrl)) return `it came from a page that is not MLP Lab's (${sender.url})`;
  return null;
}

/**
 * The browser transport: serves the built renderer over HTTP and carries the contract over a
 * WebSocket, so the same UI runs in a plain browser (and the end-to-end tests drive it).
 *
 * Security: it listens on 127.0.0.1 unless told otherwise (with a warning), and a random token
 * printed with the URL is required: the page is only served to a request carrying it, and the
 * WebSocket upgrade is refused without it or from another origin. Static assets (the built
 * JavaScript and CSS, which hold no secrets) are served to anyone who can reach the port.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LabEvent } from '../../shared/ipc';
import { decodeMessage, encodeMessage } from '../../shared/wire';
import { EventCoalescer } from '../training/event-coalescer';
import type { Router } from './router';

/** How to serve. */
export interface ServerOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Fixed token (tests); default: 32 random bytes, hex. */
  token?: string;
  /** Called with a warning when listening beyond loopback. */
  warn?: (message: string) => void;
}

/** A running server. */
export interface BrowserServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A request from the page: call `call` with `payload`, answer with the same `id`. */
interface ClientMessage {
  id: number;
  call: string;
  payload: unknown;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

// 'wasm-unsafe-eval': the engine's WebAssembly kernels compile in the page (issue 17); no JS eval.
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** True for loopback interface names and addresses. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the server for `router`. */
export async function startBrowserServer(router: Router, options: ServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    (options.warn ?? console.warn)(
      `MLP Lab is listening on ${host}: anyone who can reach this address and has the link can use the lab and its workspace folder.`,
    );
  }
  const token = options.token ?? randomBytes(32).toString('hex');
  const root = resolve(options.rendererDir);

  const server = createServer((req, res) => {
    void serveHttp(req, res, root, token).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const hostHeader = req.headers.host ?? '';
    const originOk = !origin || origin === `http://${hostHeader}`;
    if (url.pathname !== '/ws' || !sameToken(url.searchParams.get('token'), token) || !originOk) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, router));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections?.();
      }),
  };
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, root: string, token: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let path = decodeURIComponent(url.pathname);
  if (path === '/' || path === '/index.html') {
    if (!sameToken(url.searchParams.get('token'), token)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('This MLP Lab server needs the link with its token: use the URL printed where it was started.\n');
      return;
    }
    path = '/index.html';
  }
  const file = normalize(join(root, path));
  if (!(file === root || file.startsWith(root + sep))) {
    res.writeHead(404).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': path === '/index.html' ? 'no-store' : 'max-age=300',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serves one page's socket: its calls, and the app's events through a coalescer. */
function connect(ws: WebSocket, router: Router): void {
  const send = (value: unknown) =>
    new Promise<void>((done) => {
      if (ws.readyState !== ws.OPEN) return done();
      ws.send(encodeMessage(value), () => done());
    });
  const coalescer = new EventCoalescer(async (events: LabEvent[]) => {
    await send({ events });
  });
  const unsubscribe = router.subscribe((e) => coalescer.push(e));

  ws.on('message', (data, isBinary) => {
    let msg: ClientMessage;
    try {
      if (!isBinary) throw new Error('text frames are not part of the protocol');
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      msg = decodeMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) as ClientMessage;
      if (typeof msg?.id !== 'number' || typeof msg.call !== 'string') throw new Error('missing id or call');
    } catch (e) {
      console.warn(`MLP Lab: refused a malformed message on the browser transport: ${(e as Error).message}`);
      return;
    }
    void router.call(msg.call, msg.payload).then((result) => send({ id: msg.id, result }));
  });
  ws.on('close', () => {
    unsubscribe();
    coalescer.close();
  });
  ws.on('error', () => ws.terminate());
}

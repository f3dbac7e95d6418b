/**
 * The browser transport against the real app (worker pool, services): token, Host and origin
 * checks, calls and their validation, and events whose typed arrays arrive intact.
 */
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LabEvent } from '../../shared/ipc';
import { decodeMessage, encodeMessage } from '../../shared/wire';
import { BROWSER_CSP } from '../../src-main/app/content-security-policy';
import { createLabApp, type LabApp } from '../../src-main/app/lab-app';
import { workspaceFiles } from '../../src-main/app/file-access';
import { type BrowserServer, isLoopback, startBrowserServer, staticRoute } from '../../src-main/ipc/browser-server';
import { isAllowedHost } from '../../src-main/ipc/host-header';
import { workerUrl } from '../support/worker';

const root = fileURLToPath(new URL('../..', import.meta.url));
let app: LabApp;
let server: BrowserServer;

beforeAll(async () => {
  const data = mkdtempSync(join(tmpdir(), 'mlp-serve-'));
  app = createLabApp({
    transport: 'browser', version: 'test', files: workspaceFiles(data), appDataDir: data,
    workerUrl, threads: 2, store: null, csv: null,
    log: { warn: () => {}, error: () => {} },
  });
  server = await startBrowserServer(app.router, { rendererDir: join(root, 'out/renderer'), contentSecurityPolicy: BROWSER_CSP });
});

afterAll(async () => {
  await server.close();
  await app.close();
});

/** A GET of `path` as sent (not normalised by a URL parser) with the given Host header. */
function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(token = server.token, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { headers });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

class Client {
  private id = 1;
  private pending = new Map<number, (r: { ok: boolean; value?: unknown; error?: { name: string; message: string } }) => void>();
  readonly events: LabEvent[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as { id?: number; result?: never; events?: LabEvent[] };
      if (m.events) this.events.push(...m.events);
      else if (m.id !== undefined) this.pending.get(m.id)?.(m.result!);
    });
  }
  call(call: string, payload: unknown): Promise<{ ok: boolean; value?: any; error?: { name: string; message: string } }> {
    const id = this.id++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(encodeMessage({ id, call, payload }));
    });
  }
}

describe('browser transport', () => {
  it('listens on loopback and prints a URL carrying the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.5')).toBe(false);
  });

  it('serves the page only with the token, with a CSP', async () => {
    const bad = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(bad.status).toBe(403);
    const wrong = await fetch(`http://127.0.0.1:${server.port}/?token=${'0'.repeat(64)}`);
    expect(wrong.status).toBe(403);
    const good = await fetch(server.url);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-security-policy')).toBe(BROWSER_CSP);
    expect(BROWSER_CSP).toContain("style-src 'self';");
    expect(await good.text()).toContain('<div id="app">');
    const escape = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fpackage.json`);
    expect(escape.status).toBe(404);
  });

  it('checks the token on the decoded, normalised path: no spelling of the page escapes it', async () => {
    const page = '<div id="app">';
    for (const path of ['/%2Findex.html', '//index.html', '/./index.html', '/assets/../index.html', '/assets/%2E%2E/index.html', '/%2e/index.html', '/index%2Ehtml']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain(page);
      expect((await get(`${path}?token=${server.token}`)).body, path).toContain(page);
    }
    for (const path of ['/package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%5C..%5Cpackage.json', '/%E0%A4%A', '/INDEX.HTML']) {
      expect((await get(path)).status, path).toBe(404);
    }
    const html = await fetch(server.url);
    const css = /href="\.?(\/assets\/[^"]+\.css)"/.exec(await html.text())?.[1];
    expect(css).toBeTruthy();
    expect((await get(css!)).status).toBe(200);
    expect(staticRoute('/%2Findex.html')).toBe('page');
    expect(staticRoute('/assets/x.js')).toBe('/assets/x.js');
    expect(staticRoute('/assets/%2e%2e%2f%2e%2e%2fpackage.json')).toBeNull();
  });

  it('answers only requests whose Host header names this server (DNS rebinding)', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      expect((await get(`/?token=${server.token}`, host)).status, host).toBe(200);
    }
    for (const host of [`evil.example:${server.port}`, 'localhost', `localhost:${server.port + 1}`, `127.0.0.1.evil.example:${server.port}`, `localhost.:${server.port}`, `192.168.1.5:${server.port}`]) {
      const r = await get(`/?token=${server.token}`, host);
      expect(r.status, host).toBe(421);
      expect(r.body).toMatch(/answers only to http:\/\/127\.0\.0\.1:/);
      expect((await get('/assets/x.js', host)).status, host).toBe(421);
    }
    await expect(connect(server.token, { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` })).rejects.toThrow(/403/);
    // Listening on every interface: IP literals with our port, never other names.
    expect(isAllowedHost('10.0.0.7:80', '0.0.0.0', 80)).toBe(true);
    expect(isAllowedHost('[fe80::1]:80', '::', 80)).toBe(true);
    expect(isAllowedHost('rebind.example:80', '0.0.0.0', 80)).toBe(false);
    expect(isAllowedHost('10.0.0.7:80', '10.0.0.7', 80)).toBe(true);
    expect(isAllowedHost('10.0.0.8:80', '10.0.0.7', 80)).toBe(false);
    expect(isAllowedHost(undefined, '127.0.0.1', 80)).toBe(false);
  });

  it('refuses sockets without the token or from another origin', async () => {
    await expect(connect('nope')).rejects.toThrow(/403/);
    await expect(connect(server.token, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ok = await connect(server.token, { Origin: `http://127.0.0.1:${server.port}` });
    ok.close();
  });

  it('answers calls, refuses malformed payloads with a message, and never passes them on', async () => {
    const c = new Client(await connect());
    const info = await c.call('lab:getAppInfo', {});
    expect(info.ok).toBe(true);
    expect(info.value).toMatchObject({ transport: 'browser', threads: 2 });
    const bad = await c.call('lab:stepRun', { runId: 'x', steps: -3 });
    expect(bad).toMatchObject({ ok: false, error: { name: 'BadRequest' } });
    expect(bad.error!.message).toMatch(/lab:stepRun: malformed request at steps/);
    const unknown = await c.call('lab:rmRf', {});
    expect(unknown.error!.message).toMatch(/unknown call "lab:rmRf"/);
    const badSpec = await c.call('lab:updateSpec', { spec: { format: 'mlp-lab-spec', version: 1, data: { builtin: 'xor-quadrants' }, network: { hidden: [{ units: 0 }], output: { cost: 'sigmoid-cross-entropy' } } } });
    expect(badSpec.error).toMatchObject({ name: 'SpecError' });
    expect(badSpec.error!.message).toMatch(/network\.hidden\[0\]\.units/);
    c.ws.close();
  });

  it('trains a run and streams its events; typed arrays arrive as Float64Arrays', async () => {
    const c = new Client(await connect());
    const spec = (await c.call('lab:getProject', {})).value.spec;
    await c.call('lab:updateSpec', { spec: { ...spec, training: { ...spec.training, steps: 500, learningRate: 0.01 } } });
    const started = await c.call('lab:startRun', {});
    expect(started.ok).toBe(true);
    const runId = started.value.id as string;
    const deadline = Date.now() + 20000;
    while (!c.events.some((e) => e.type === 'run-state' && e.runId === runId && e.status === 'finished')) {
      if (Date.now() > deadline) throw new Error('no finished event');
      await new Promise((r) => setTimeout(r, 20));
    }
    const progress = c.events.filter((e): e is Extract<LabEvent, { type: 'run-progress' }> => e.type === 'run-progress' && e.runId === runId);
    expect(progress[0].points.train).toBeInstanceOf(Float64Array);
    expect(progress.flatMap((p) => Array.from(p.points.steps))).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const snap = c.events.find((e) => e.type === 'run-snapshot');
    expect(snap && 'weights' in snap && snap.weights).toBeInstanceOf(Float64Array);
    const detail = await c.call('lab:getRun', { runId });
    expect(detail.value.weights).toBeInstanceOf(Float64Array);
    expect(Array.from(detail.value.weights as Float64Array)).toEqual(Array.from(app.training.weights(runId)));
    c.ws.close();
  });
});

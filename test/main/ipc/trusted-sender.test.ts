import { describe, expect, it } from 'vitest';
import { type FrameInfo, isRendererPage, senderProblem } from '../../../src-main/ipc/trusted-sender';

const built = 'file:///opt/MLP%20Lab/resources/app.asar/out/renderer/index.html';
const dev = 'http://localhost:5173/';
const main: FrameInfo = { url: built, processId: 7, routingId: 1, top: true };

describe('isRendererPage', () => {
  it('accepts the renderer page itself, with or without a query or hash', () => {
    expect(isRendererPage(built, built)).toBe(true);
    expect(isRendererPage(`${built}#/runs`, built)).toBe(true);
    expect(isRendererPage(`${built}?x=1`, built)).toBe(true);
    expect(isRendererPage('http://localhost:5173/?token=1', dev)).toBe(true);
  });

  it('refuses another file, another port, another host, another scheme, and garbage', () => {
    expect(isRendererPage('file:///opt/MLP%20Lab/resources/app.asar/out/renderer/other.html', built)).toBe(false);
    expect(isRendererPage('file:///tmp/index.html', built)).toBe(false);
    expect(isRendererPage('http://localhost:5174/', dev)).toBe(false);
    expect(isRendererPage('http://evil.example/', dev)).toBe(false);
    expect(isRendererPage('https://localhost:5173/', dev)).toBe(false);
    expect(isRendererPage('not a url', built)).toBe(false);
    expect(isRendererPage('', built)).toBe(false);
  });

  it('treats a percent-encoded path and its decoded form as the same page', () => {
    expect(isRendererPage('file:///opt/MLP Lab/resources/app.asar/out/renderer/index.html', built)).toBe(true);
  });
});

describe('senderProblem', () => {
  it('accepts the main frame of the lab window showing the renderer page', () => {
    expect(senderProblem({ ...main, url: `${built}#x` }, main, built)).toBeNull();
  });

  it('refuses a frame that is gone, or when there is no window', () => {
    expect(senderProblem(null, main, built)).toMatch(/gone/);
    expect(senderProblem(main, null, built)).toMatch(/not open/);
  });

  it('refuses a subframe, even one showing our page in our process', () => {
    expect(senderProblem({ ...main, routingId: 2, top: false }, main, built)).toMatch(/subframe/);
  });

  it('refuses a top-level frame of another window or process', () => {
    expect(senderProblem({ ...main, processId: 8 }, main, built)).toMatch(/not the lab window/);
    expect(senderProblem({ ...main, routingId: 5 }, main, built)).toMatch(/not the lab window/);
  });

  it('refuses the right frame when it shows another page', () => {
    const nav = { ...main, url: 'https://example.com/' };
    expect(senderProblem(nav, nav, built)).toMatch(/not MLP Lab's/);
  });
});

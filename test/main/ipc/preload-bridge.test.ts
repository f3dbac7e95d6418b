import { describe, expect, it } from 'vitest';
import { bridgeName } from '../../../shared/bridge';
import { CALL_NAMES, EVENT_CHANNEL, type LabEvent } from '../../../shared/ipc';
import { createBridge, type RendererIpc } from '../../../src-main/ipc/preload-bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** An in-memory ipcRenderer: records invokes, lets the test emit events. */
function fakeIpc() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: RendererIpc = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args });
      return { ok: true, value: { echo: channel } };
    },
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'the ipc event, which must not leak' }, payload);
  };
  return { ipc, invoked, listeners, emit };
}

describe('preload bridge', () => {
  it('exposes version, platform, onEvent and exactly one function per contract call', () => {
    const bridge = createBridge(fakeIpc().ipc, { version: '1.2.3', platform: 'linux' });
    const expected = ['version', 'platform', 'onEvent', ...CALL_NAMES.map(bridgeName)].sort();
    expect(Object.keys(bridge).sort()).toEqual(expected);
    expect(bridge.version).toBe('1.2.3');
    expect(bridge.platform).toBe('linux');
    for (const call of CALL_NAMES) expect(typeof bridge[bridgeName(call)]).toBe('function');
    expect(Object.keys(bridge)).not.toContain('invoke');
    expect(Object.keys(bridge)).not.toContain('ipcRenderer');
  });

  it('is frozen, so the page cannot swap a function for another channel', () => {
    const bridge = createBridge(fakeIpc().ipc, { version: '1', platform: 'linux' }) as Record<string, unknown>;
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(() => {
      bridge['startRun'] = () => 0;
    }).toThrow();
  });

  it('sends a call as (call name, request) and answers what main answers', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc, { version: '1', platform: 'linux' });
    const startRun = bridge['startRun'] as (r: unknown, ...extra: unknown[]) => Promise<unknown>;
    await expect(startRun({ paused: true }, 'extra', 'args')).resolves.toEqual({ ok: true, value: { echo: 'lab:startRun' } });
    expect(invoked).toEqual([{ channel: 'lab:startRun', args: [{ paused: true }] }]);
  });

  it('sends {} when a call is made without a request', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc, { version: '1', platform: 'linux' });
    await (bridge['getProject'] as () => Promise<unknown>)();
    expect(invoked[0]).toEqual({ channel: 'lab:getProject', args: [{}] });
  });

  it('passes typed arrays through untouched', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc, { version: '1', platform: 'linux' });
    const bytes = Uint8Array.of(1, 2, 3);
    await (bridge['openProject'] as (r: unknown) => Promise<unknown>)({ bytes, name: 'a.mlplab' });
    expect((invoked[0].args[0] as { bytes: Uint8Array }).bytes).toBe(bytes);
  });

  it('delivers only the lab event to listeners, and stops after unsubscribing', () => {
    const { ipc, listeners, emit } = fakeIpc();
    const bridge = createBridge(ipc, { version: '1', platform: 'linux' });
    const got: unknown[][] = [];
    const stop = bridge.onEvent((...args) => got.push(args));
    const event: LabEvent = { type: 'menu-command', command: 'train' };
    emit(EVENT_CHANNEL, event);
    expect(got).toEqual([[event]]);
    stop();
    stop(); // twice is harmless
    emit(EVENT_CHANNEL, event);
    expect(got).toHaveLength(1);
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    const bridge = createBridge(fakeIpc().ipc, { version: '1', platform: 'linux' });
    expect(() => bridge.onEvent('x' as unknown as () => void)).toThrow(TypeError);
  });
});

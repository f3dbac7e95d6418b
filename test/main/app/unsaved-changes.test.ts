import { describe, expect, it } from 'vitest';
import { confirmReplace, type UnsavedGuardDeps, unsavedPrompt, type UnsavedPrompt } from '../../../src-main/app/unsaved-changes';

/** A guard whose user presses the button labelled `press`, and whose save answers `saved`. */
function deps(dirty: boolean, press: string | null, saved = true, platform = 'linux') {
  const log: string[] = [];
  const d: UnsavedGuardDeps = {
    platform,
    project: () => ({ dirty, name: 'xor' }),
    ask: async (prompt: UnsavedPrompt) => {
      log.push(`ask: ${prompt.message}`);
      return press === null ? -1 : prompt.buttons.indexOf(press);
    },
    save: async () => {
      log.push('save');
      return saved;
    },
  };
  return { d, log };
}

describe('unsavedPrompt', () => {
  it('names the project and what is about to happen', () => {
    const p = unsavedPrompt('xor quadrants', 'open', 'win32');
    expect(p.message).toContain('"xor quadrants"');
    expect(p.detail).toContain('opening another project');
    expect(unsavedPrompt('a', 'close', 'linux').detail).toContain('closing');
    expect(unsavedPrompt('a', 'quit', 'linux').detail).toContain('quitting');
    expect(unsavedPrompt('a', 'new', 'linux').detail).toContain('new project');
  });

  it('offers Save / Don\'t Save / Cancel on Windows and Linux, Save the default, Escape = Cancel', () => {
    for (const platform of ['win32', 'linux']) {
      const p = unsavedPrompt('a', 'close', platform);
      expect(p.buttons).toEqual(['Save', "Don't Save", 'Cancel']);
      expect(p.buttons[p.defaultId]).toBe('Save');
      expect(p.buttons[p.cancelId]).toBe('Cancel');
    }
  });

  it('orders the buttons the macOS way (first is rightmost)', () => {
    const p = unsavedPrompt('a', 'close', 'darwin');
    expect(p.buttons).toEqual(['Save', 'Cancel', "Don't Save"]);
    expect(p.buttons[p.defaultId]).toBe('Save');
    expect(p.buttons[p.cancelId]).toBe('Cancel');
  });

  it('keeps buttons and choices parallel', () => {
    const p = unsavedPrompt('a', 'close', 'darwin');
    expect(p.choices).toHaveLength(p.buttons.length);
    expect(p.choices[p.buttons.indexOf("Don't Save")]).toBe('discard');
  });
});

describe('confirmReplace', () => {
  it('goes ahead without asking when nothing is unsaved', async () => {
    const { d, log } = deps(false, 'Cancel');
    await expect(confirmReplace('close', d)).resolves.toBe(true);
    expect(log).toEqual([]);
  });

  it('Cancel keeps the project open', async () => {
    const { d, log } = deps(true, 'Cancel');
    await expect(confirmReplace('close', d)).resolves.toBe(false);
    expect(log).toHaveLength(1);
  });

  it("Don't Save goes ahead without saving", async () => {
    const { d, log } = deps(true, "Don't Save");
    await expect(confirmReplace('new', d)).resolves.toBe(true);
    expect(log).not.toContain('save');
  });

  it('Save saves, then goes ahead', async () => {
    const { d, log } = deps(true, 'Save');
    await expect(confirmReplace('open', d)).resolves.toBe(true);
    expect(log.at(-1)).toBe('save');
  });

  it('Save whose save dialog is cancelled (or whose save fails) keeps the project open', async () => {
    const { d } = deps(true, 'Save', false);
    await expect(confirmReplace('quit', d)).resolves.toBe(false);
  });

  it('the same answers mean the same on macOS, whatever the button order', async () => {
    expect(await confirmReplace('close', deps(true, "Don't Save", true, 'darwin').d)).toBe(true);
    expect(await confirmReplace('close', deps(true, 'Cancel', true, 'darwin').d)).toBe(false);
    const { d, log } = deps(true, 'Save', true, 'darwin');
    expect(await confirmReplace('close', d)).toBe(true);
    expect(log.at(-1)).toBe('save');
  });

  it('an unknown answer (the box closed some other way) counts as Cancel', async () => {
    const { d, log } = deps(true, null);
    await expect(confirmReplace('close', d)).resolves.toBe(false);
    expect(log).not.toContain('save');
  });
});

import { describe, expect, it } from 'vitest';
import type { CallResult } from '../../../shared/ipc';
import { EXTERNAL_LINKS, isAllowedExternalUrl } from '../../../src-main/app/menu-template';
import { createProjectCommands, type ProjectCommandDeps } from '../../../src-main/app/project-commands';

interface Options {
  dirty?: boolean;
  /** The button the user presses in the unsaved-changes box. */
  press?: 'Save' | "Don't Save" | 'Cancel';
  /** What each call answers (default ok). */
  answers?: Partial<Record<string, CallResult<unknown>>>;
  openTrustedFails?: boolean;
}

/** Commands over fakes that record what happened, in order. */
function setup(o: Options = {}) {
  const log: string[] = [];
  const deps: ProjectCommandDeps = {
    platform: 'linux',
    call: async (name, request) => {
      log.push(`call ${name} ${JSON.stringify(request)}`);
      return o.answers?.[name] ?? { ok: true, value: null };
    },
    project: () => ({ dirty: o.dirty ?? false, name: 'xor' }),
    openTrusted: async (path) => {
      log.push(`openTrusted ${path}`);
      if (o.openTrustedFails) throw new Error('not an MLP Lab project file');
    },
    ask: async (prompt) => {
      log.push('ask');
      return prompt.buttons.indexOf(o.press ?? 'Cancel');
    },
    showError: (title, message) => log.push(`error ${title}: ${message}`),
    sendToRenderer: (command) => log.push(`renderer ${command}`),
    closeWindow: () => log.push('close'),
    openExternal: (url) => log.push(`external ${url}`),
    refreshMenu: () => log.push('menu'),
    isAllowedUrl: isAllowedExternalUrl,
    log: { warn: (m) => log.push(`warn ${m}`) },
  };
  return { commands: createProjectCommands(deps), log };
}

/** Commands over the default fakes with some replaced, logging into `log`. */
function setupWith(log: string[], over: Partial<ProjectCommandDeps>) {
  const deps: ProjectCommandDeps = {
    platform: 'linux',
    call: async () => ({ ok: true, value: null }),
    project: () => ({ dirty: false, name: 'xor' }),
    openTrusted: async () => {},
    ask: async () => 0,
    showError: (title, message) => log.push(`error ${title}: ${message}`),
    sendToRenderer: () => {},
    closeWindow: () => {},
    openExternal: () => {},
    refreshMenu: () => log.push('menu'),
    isAllowedUrl: isAllowedExternalUrl,
    log: { warn: () => {} },
    ...over,
  };
  return { commands: createProjectCommands(deps) };
}

const cancelled: CallResult<unknown> = { ok: false, error: { name: 'Cancelled', message: 'cancelled' } };

describe('project commands', () => {
  it('New on a saved project creates one without asking', async () => {
    const { commands, log } = setup();
    await commands.run({ kind: 'new-project' });
    expect(log).toEqual(['call lab:newProject {}']);
  });

  it('New with unsaved changes asks; Cancel leaves the project alone', async () => {
    const { commands, log } = setup({ dirty: true, press: 'Cancel' });
    await commands.run({ kind: 'new-project' });
    expect(log).toEqual(['ask']);
  });

  it("New with unsaved changes: Don't Save replaces without saving", async () => {
    const { commands, log } = setup({ dirty: true, press: "Don't Save" });
    await commands.run({ kind: 'new-project' });
    expect(log).toEqual(['ask', 'call lab:newProject {}']);
  });

  it('Open with unsaved changes: Save saves first, then shows the open dialog', async () => {
    const { commands, log } = setup({ dirty: true, press: 'Save' });
    await commands.run({ kind: 'open-project' });
    expect(log).toEqual(['ask', 'call lab:saveProject {}', 'menu', 'call lab:openProject {}', 'menu']);
  });

  it('Open: Save whose save dialog is cancelled opens nothing and shows no error', async () => {
    const { commands, log } = setup({ dirty: true, press: 'Save', answers: { 'lab:saveProject': cancelled } });
    await commands.run({ kind: 'open-project' });
    expect(log).toEqual(['ask', 'call lab:saveProject {}', 'menu']);
  });

  it('a failed save is shown and stops the replace', async () => {
    const { commands, log } = setup({
      dirty: true, press: 'Save',
      answers: { 'lab:saveProject': { ok: false, error: { name: 'ProjectFileError', message: 'disk full' } } },
    });
    await commands.run({ kind: 'new-project' });
    expect(log).toContain('error The project could not be saved: disk full');
    expect(log.some((l) => l.startsWith('call lab:newProject'))).toBe(false);
  });

  it('a cancelled open dialog shows nothing; a failed open shows its message', async () => {
    const quiet = setup({ answers: { 'lab:openProject': cancelled } });
    await quiet.commands.run({ kind: 'open-project' });
    expect(quiet.log.some((l) => l.startsWith('error'))).toBe(false);
    const loud = setup({ answers: { 'lab:openProject': { ok: false, error: { name: 'ProjectFileError', message: 'x.mlplab is not a project' } } } });
    await loud.commands.run({ kind: 'open-project' });
    expect(loud.log).toContain('error The project could not be opened: x.mlplab is not a project');
  });

  it('Open Recent and a double-clicked file ask first, then open the path main was handed', async () => {
    const { commands, log } = setup({ dirty: true, press: "Don't Save" });
    await commands.run({ kind: 'open-recent', path: '/p/a.mlplab' });
    expect(log).toEqual(['ask', 'openTrusted /p/a.mlplab', 'menu']);
    const refused = setup({ dirty: true, press: 'Cancel' });
    await refused.commands.openPath('/p/a.mlplab');
    expect(refused.log).toEqual(['ask']);
  });

  it('a file that cannot be opened is reported with its path', async () => {
    const { commands, log } = setup({ openTrustedFails: true });
    await commands.openPath('/p/broken.mlplab');
    expect(log).toContain('error The project could not be opened: /p/broken.mlplab: not an MLP Lab project file');
  });

  it('Save and Save As call the router and refresh the recent list', async () => {
    const { commands, log } = setup();
    await commands.run({ kind: 'save-project' });
    await commands.run({ kind: 'save-project-as' });
    expect(log).toEqual(['call lab:saveProject {}', 'menu', 'call lab:saveProjectAs {}', 'menu']);
  });

  it('Save into a file whose setup another program changed asks whose to keep, then saves with that choice', async () => {
    for (const [press, choice] of [['Save My Setup Over It', 'mine'], ['Use the File’s Setup', 'theirs']] as const) {
      const log: string[] = [];
      let first = true;
      const { commands } = setupWith(log, {
        call: async (name, request) => {
          log.push(`call ${name} ${JSON.stringify(request)}`);
          if (name === 'lab:saveProject' && first) {
            first = false;
            return { ok: false, error: { name: 'SpecConflict', message: 'lab.mlplab was changed by another program since you opened it' } };
          }
          return { ok: true, value: null };
        },
        ask: async (prompt) => {
          log.push(`ask ${prompt.message}`);
          return prompt.buttons.indexOf(press);
        },
      });
      await commands.run({ kind: 'save-project' });
      expect(log).toEqual(['call lab:saveProject {}', 'ask The project file was changed elsewhere', `call lab:saveProject {"specConflict":"${choice}"}`, 'menu']);
    }
    const log: string[] = [];
    const { commands } = setupWith(log, {
      call: async (name) => (log.push(`call ${name}`), { ok: false, error: { name: 'SpecConflict', message: 'changed' } }),
      ask: async (prompt) => (log.push('ask'), prompt.buttons.indexOf('Cancel')),
    });
    await commands.run({ kind: 'save-project' });
    expect(log).toEqual(['call lab:saveProject', 'ask']);
  });

  it('Close closes the window (whose close handler asks)', async () => {
    const { commands, log } = setup({ dirty: true });
    await commands.run({ kind: 'close-window' });
    expect(log).toEqual(['close']);
  });

  it('renderer commands become menu-command events', async () => {
    const { commands, log } = setup();
    await commands.run({ kind: 'renderer', command: 'export-weights' });
    await commands.run({ kind: 'renderer', command: 'import-csv' });
    expect(log).toEqual(['renderer export-weights', 'renderer import-csv']);
  });

  it('opens only the listed https links in the system browser', async () => {
    const { commands, log } = setup();
    await commands.run({ kind: 'open-link', url: EXTERNAL_LINKS.prml });
    await commands.run({ kind: 'open-link', url: 'https://evil.example/' });
    await commands.run({ kind: 'open-link', url: 'file:///etc/passwd' });
    expect(log[0]).toBe(`external ${EXTERNAL_LINKS.prml}`);
    expect(log.filter((l) => l.startsWith('external'))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  });

  describe('beforeCall (renderer requests through the Electron transport)', () => {
    it('lets every call through when nothing is unsaved', async () => {
      const { commands, log } = setup();
      expect(await commands.beforeCall('lab:newProject')).toBeNull();
      expect(await commands.beforeCall('lab:openProject')).toBeNull();
      expect(log).toEqual([]);
    });

    it('asks before new and open with unsaved changes, and answers Cancelled on Cancel', async () => {
      const { commands, log } = setup({ dirty: true, press: 'Cancel' });
      expect(await commands.beforeCall('lab:openProject')).toEqual(cancelled);
      expect(await commands.beforeCall('lab:newProject')).toEqual(cancelled);
      expect(log).toEqual(['ask', 'ask']);
    });

    it("lets the call through after Don't Save", async () => {
      const { commands } = setup({ dirty: true, press: "Don't Save" });
      expect(await commands.beforeCall('lab:openProject')).toBeNull();
    });

    it('never asks for calls that do not replace the project', async () => {
      const { commands, log } = setup({ dirty: true, press: 'Cancel' });
      for (const name of ['lab:saveProject', 'lab:updateSpec', 'lab:startRun', 'lab:getProject']) expect(await commands.beforeCall(name)).toBeNull();
      expect(log).toEqual([]);
    });
  });
});

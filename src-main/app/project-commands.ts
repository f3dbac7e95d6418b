/**
 * What the desktop app does when the menu, the system (a double-clicked .mlplab) or the
 * renderer replaces or saves the open project: ask about unsaved changes first, carry the action
 * out through the router (the same calls the renderer makes), and show failures in a message box.
 * Everything Electron does is passed in, so each path is tested in plain Node.
 */
import type { CallName, CallRequest, CallResult, MenuCommand, WireError } from '../../shared/ipc';
import type { MenuAction } from './menu-template';
import { confirmReplace, type MessagePrompt, type ReplaceAction } from './unsaved-changes';

/** What the commands need from the app and from Electron. */
export interface ProjectCommandDeps {
  platform: string;
  /** The router's call (validated like a renderer request). */
  call<C extends CallName>(name: C, request: CallRequest<C>): Promise<CallResult<unknown>>;
  /** The open project: unsaved changes, and its name. */
  project(): { dirty: boolean; name: string };
  /** Opens a project file main was handed (command line, Finder, recent list). */
  openTrusted(path: string): Promise<void>;
  /** Shows the unsaved-changes box; resolves with the button index. */
  ask(prompt: MessagePrompt): Promise<number>;
  /** Shows an error message box. */
  showError(title: string, message: string): void;
  /** Sends a menu-command event to the renderer. */
  sendToRenderer(command: MenuCommand): void;
  /** Closes the window (its close handler asks about unsaved changes). */
  closeWindow(): void;
  /** Opens a URL in the system browser; only ever given an allowed https URL. */
  openExternal(url: string): void;
  /** Rebuilds the menu (the recent list changed). */
  refreshMenu(): void;
  /** True for a URL the app may open in the system browser. */
  isAllowedUrl(url: string): boolean;
  log: { warn(message: string): void };
}

/** The calls that replace the open project, and what the question calls them. */
const REPLACING: Partial<Record<string, ReplaceAction>> = { 'lab:newProject': 'new', 'lab:openProject': 'open' };

/** The error a refused replace answers with: the renderer shows nothing for Cancelled. */
const CANCELLED: WireError = { name: 'Cancelled', message: 'cancelled' };

/** The project commands of one window. */
export interface ProjectCommands {
  /** Saves (asking for a path if there is none); false when cancelled or failed (the failure is shown). */
  save(): Promise<boolean>;
  /** Asks about unsaved changes before `action`; true when it may go ahead. */
  confirm(action: ReplaceAction): Promise<boolean>;
  /** Carries out a menu item's action. Never throws: failures are shown. */
  run(action: MenuAction): Promise<void>;
  /** Opens a project file main was handed, asking about unsaved changes first. */
  openPath(path: string): Promise<void>;
  /**
   * The Electron transport's check before a renderer call: for a call that replaces the project
   * (new, open) asks about unsaved changes, and answers Cancelled when the user says no; null
   * lets the call through.
   */
  beforeCall(name: string): Promise<CallResult<unknown> | null>;
}

/** Builds the commands over `deps`. */
export function createProjectCommands(deps: ProjectCommandDeps): ProjectCommands {
  const failed = (title: string, result: CallResult<unknown>): boolean => {
    if (result.ok) return false;
    if (result.error.name !== 'Cancelled') deps.showError(title, result.error.message);
    return true;
  };

  const save = async (): Promise<boolean> => {
    let result = await deps.call('lab:saveProject', {});
    if (!result.ok && result.error.name === 'SpecConflict') {
      // Another program changed the file's setup since it was opened: ask whose to keep.
      const choice = await deps.ask({
        type: 'warning',
        message: 'The project file was changed elsewhere',
        detail: `${result.error.message}.`,
        buttons: ['Save My Setup Over It', 'Use the File’s Setup', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        noLink: true,
      });
      if (choice === 2) return false;
      result = await deps.call('lab:saveProject', { specConflict: choice === 0 ? 'mine' : 'theirs' });
    }
    deps.refreshMenu();
    return !failed('The project could not be saved', result);
  };

  const confirm = (action: ReplaceAction): Promise<boolean> =>
    confirmReplace(action, { platform: deps.platform, project: deps.project, ask: deps.ask, save });

  const openPath = async (path: string): Promise<void> => {
    if (!(await confirm('open'))) return;
    try {
      await deps.openTrusted(path);
    } catch (e) {
      deps.showError('The project could not be opened', `${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    deps.refreshMenu();
  };

  const run = async (action: MenuAction): Promise<void> => {
    switch (action.kind) {
      case 'new-project':
        if (await confirm('new')) failed('A new project could not be created', await deps.call('lab:newProject', {}));
        return;
      case 'open-project':
        if (!(await confirm('open'))) return;
        failed('The project could not be opened', await deps.call('lab:openProject', {}));
        deps.refreshMenu();
        return;
      case 'open-recent':
        return openPath(action.path);
      case 'save-project':
        await save();
        return;
      case 'save-project-as':
        failed('The project could not be saved', await deps.call('lab:saveProjectAs', {}));
        deps.refreshMenu();
        return;
      case 'close-window':
        deps.closeWindow();
        return;
      case 'open-link':
        if (deps.isAllowedUrl(action.url)) deps.openExternal(action.url);
        else deps.log.warn(`refused to open ${action.url}: not one of the app's links`);
        return;
      case 'renderer':
        deps.sendToRenderer(action.command);
        return;
    }
  };

  const beforeCall = async (name: string): Promise<CallResult<unknown> | null> => {
    const action = REPLACING[name];
    if (!action) return null;
    return (await confirm(action)) ? null : { ok: false, error: CANCELLED };
  };

  return {
    save,
    confirm,
    openPath,
    beforeCall,
    async run(action) {
      try {
        await run(action);
      } catch (e) {
        deps.showError('MLP Lab', e instanceof Error ? e.message : String(e));
      }
    },
  };
}

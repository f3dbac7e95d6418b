/**
 * "Do you want to save the changes?" before closing, opening or creating a project: the
 * question as a native message box shows it, and the decision it leads to. Pure: the box itself
 * and the save are passed in, so every path (save, save cancelled, don't save, cancel) is tested
 * without Electron.
 */

/** What the user is about to do to the open project. */
export type ReplaceAction = 'close' | 'quit' | 'open' | 'new';

/** The three answers. */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** A message box as Electron's dialog.showMessageBox takes it, plus what each button means. */
export interface UnsavedPrompt extends MessagePrompt {
  /** The answer of each button, by index. */
  choices: UnsavedChoice[];
}

/** A question in a native message box: its text and buttons (Electron's MessageBoxOptions, in part). */
export interface MessagePrompt {
  type: 'warning';
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: true;
}

const VERB: Record<ReplaceAction, string> = {
  close: 'closing',
  quit: 'quitting',
  open: 'opening another project',
  new: 'starting a new project',
};

/**
 * The question for `projectName`. Buttons follow the platform: Windows and Linux read
 * Save / Don't Save / Cancel left to right; macOS lays the first button out rightmost, so
 * Save, Cancel, Don't Save there gives its usual [Don't Save] ... [Cancel] [Save].
 */
export function unsavedPrompt(projectName: string, action: ReplaceAction, platform: string): UnsavedPrompt {
  const choices: UnsavedChoice[] = platform === 'darwin' ? ['save', 'cancel', 'discard'] : ['save', 'discard', 'cancel'];
  const label: Record<UnsavedChoice, string> = { save: 'Save', discard: "Don't Save", cancel: 'Cancel' };
  return {
    type: 'warning',
    message: `Do you want to save the changes you made to "${projectName}"?`,
    detail: `Your changes will be lost if you don't save them before ${VERB[action]}.`,
    buttons: choices.map((c) => label[c]),
    choices,
    defaultId: choices.indexOf('save'),
    cancelId: choices.indexOf('cancel'),
    noLink: true,
  };
}

/** What the guard needs from the app. */
export interface UnsavedGuardDeps {
  /** Whether the project has unsaved changes, and its name. */
  project(): { dirty: boolean; name: string };
  /** Shows the prompt; resolves with the index of the button pressed. */
  ask(prompt: UnsavedPrompt): Promise<number>;
  /** Saves the project (asking for a path if it has none); resolves false if that was cancelled or failed. */
  save(): Promise<boolean>;
  platform: string;
}

/**
 * Resolves true when `action` may go ahead: nothing unsaved, the user chose Don't Save, or chose
 * Save and the save succeeded. False when the user cancelled, or the save was cancelled or failed
 * (the project stays open with its changes).
 */
export async function confirmReplace(action: ReplaceAction, deps: UnsavedGuardDeps): Promise<boolean> {
  const { dirty, name } = deps.project();
  if (!dirty) return true;
  const prompt = unsavedPrompt(name, action, deps.platform);
  const index = await deps.ask(prompt);
  const choice = prompt.choices[index] ?? 'cancel';
  if (choice === 'cancel') return false;
  if (choice === 'discard') return true;
  return deps.save();
}

/**
 * The window title for the open project: "name — MLP Lab", with the unsaved-changes marker the
 * platform uses. Windows and Linux put "•" before the name; macOS shows the dot in the close
 * button instead (BrowserWindow.setDocumentEdited) and the file's icon in the title bar
 * (setRepresentedFilename), so its title carries no marker.
 */

/** The app's name as the title bar shows it. */
export const APP_TITLE = 'MLP Lab';

/** What the title bar shows for a project. */
export interface WindowTitle {
  title: string;
  /** macOS: the close button's unsaved dot. */
  documentEdited: boolean;
  /** macOS: the file shown in the title bar ('' for none). */
  representedFilename: string;
}

/** The title for a project `{ name, dirty, path }` on `platform`. */
export function windowTitle(project: { name: string; dirty: boolean; path: string | null }, platform: string): WindowTitle {
  const base = `${project.name} — ${APP_TITLE}`;
  if (platform === 'darwin') return { title: base, documentEdited: project.dirty, representedFilename: project.path ?? '' };
  return { title: project.dirty ? `• ${base}` : base, documentEdited: project.dirty, representedFilename: project.path ?? '' };
}

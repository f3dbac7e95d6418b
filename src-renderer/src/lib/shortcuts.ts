/**
 * The page's own keyboard shortcuts for projects and files: Ctrl (⌘ on macOS) + N new, O open,
 * S save, Shift+S save as, I import CSV, E export weights. In the desktop app the native menu
 * owns these accelerators (src-main/app/menu-template.ts) and the page never sees them; in a
 * browser the page handles them itself.
 */

/** What a shortcut does. */
export type FileCommand = 'new' | 'open' | 'save' | 'save-as' | 'import-csv' | 'export-weights';

/** The parts of a KeyboardEvent a shortcut reads. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** True on Apple platforms, where ⌘ plays Ctrl's part. */
export function isMac(platform: string): boolean {
  return /^(darwin|mac)/i.test(platform);
}

/** The command of a key press, or null when it is not one of the file shortcuts. */
export function fileCommand(e: KeyPress, mac: boolean): FileCommand | null {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!primary || e.altKey) return null;
  switch (e.key.toLowerCase()) {
    case 'n': return e.shiftKey ? null : 'new';
    case 'o': return e.shiftKey ? null : 'open';
    case 's': return e.shiftKey ? 'save-as' : 'save';
    case 'i': return e.shiftKey ? null : 'import-csv';
    case 'e': return e.shiftKey ? null : 'export-weights';
    default: return null;
  }
}

/** How a shortcut is written for this platform: "Ctrl+Shift+S" or "⇧⌘S". */
export function shortcutLabel(command: FileCommand, mac: boolean): string {
  const key = { new: 'N', open: 'O', save: 'S', 'save-as': 'S', 'import-csv': 'I', 'export-weights': 'E' }[command];
  const shift = command === 'save-as';
  return mac ? `${shift ? '⇧' : ''}⌘${key}` : `Ctrl+${shift ? 'Shift+' : ''}${key}`;
}

/** The aria-keyshortcuts value of a command ("Control+Shift+S", "Meta+S"). */
export function ariaShortcut(command: FileCommand, mac: boolean): string {
  const key = { new: 'N', open: 'O', save: 'S', 'save-as': 'S', 'import-csv': 'I', 'export-weights': 'E' }[command];
  return `${mac ? 'Meta' : 'Control'}+${command === 'save-as' ? 'Shift+' : ''}${key}`;
}

/** An entry of a menu button's menu (components/MenuButton.vue). */
export interface MenuItem {
  label: string;
  /** Shown right-aligned: a shortcut, a file's time. */
  hint?: string;
  disabled?: boolean;
  action: () => void;
}

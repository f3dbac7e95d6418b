import { describe, expect, it } from 'vitest';
import { windowTitle } from '../../../src-main/app/window-title';

describe('windowTitle', () => {
  it('shows "name — MLP Lab" for a saved project', () => {
    expect(windowTitle({ name: 'xor', dirty: false, path: '/p/xor.mlplab' }, 'linux').title).toBe('xor — MLP Lab');
    expect(windowTitle({ name: 'Untitled', dirty: false, path: null }, 'win32').title).toBe('Untitled — MLP Lab');
  });

  it('puts "•" before the name on Windows and Linux when there are unsaved changes', () => {
    expect(windowTitle({ name: 'xor', dirty: true, path: null }, 'win32').title).toBe('• xor — MLP Lab');
    expect(windowTitle({ name: 'xor', dirty: true, path: null }, 'linux').title).toBe('• xor — MLP Lab');
  });

  it('uses the close button dot and the represented file on macOS, not a title marker', () => {
    const t = windowTitle({ name: 'xor', dirty: true, path: '/p/xor.mlplab' }, 'darwin');
    expect(t).toEqual({ title: 'xor — MLP Lab', documentEdited: true, representedFilename: '/p/xor.mlplab' });
    expect(windowTitle({ name: 'Untitled', dirty: false, path: null }, 'darwin')).toEqual({
      title: 'Untitled — MLP Lab', documentEdited: false, representedFilename: '',
    });
  });
});

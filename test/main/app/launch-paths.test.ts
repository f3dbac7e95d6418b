import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectFileFromArgv, unpackedAsarPath } from '../../../src-main/app/launch-paths';

const cwd = resolve('/home/ada/work');

describe('projectFileFromArgv', () => {
  it('finds a project file passed by a packaged app\'s launcher', () => {
    expect(projectFileFromArgv(['/opt/MLP Lab/mlp-lab', '/home/ada/xor.mlplab'], cwd)).toBe(resolve('/home/ada/xor.mlplab'));
  });

  it('finds it after `electron .` in development, relative to the launching folder', () => {
    expect(projectFileFromArgv(['/x/electron', '.', 'projects/xor.mlplab'], cwd)).toBe(join(cwd, 'projects', 'xor.mlplab'));
  });

  it('skips Electron and Chromium switches, even ones that look like files', () => {
    const argv = ['/opt/mlp-lab', '--allow-file-access-from-files', '--user-data-dir=/tmp/a.mlplab', 'b.MLPLAB', '--original-process-start-time=1'];
    expect(projectFileFromArgv(argv, cwd)).toBe(join(cwd, 'b.MLPLAB'));
  });

  it('accepts a file:// URL, as Linux desktop entries pass it', () => {
    const file = resolve('/home/ada/my lab.mlplab');
    expect(projectFileFromArgv(['/opt/mlp-lab', pathToFileURL(file).href], cwd)).toBe(file);
  });

  it('answers null when no project file is named', () => {
    expect(projectFileFromArgv(['/opt/mlp-lab'], cwd)).toBeNull();
    expect(projectFileFromArgv(['/opt/mlp-lab', 'data.csv', 'notes.mlplab.txt'], cwd)).toBeNull();
    expect(projectFileFromArgv([], cwd)).toBeNull();
  });

  it('takes the last project file when several are named', () => {
    expect(projectFileFromArgv(['app', 'a.mlplab', 'b.mlplab'], cwd)).toBe(join(cwd, 'b.mlplab'));
  });
});

describe('unpackedAsarPath', () => {
  it('points a file inside app.asar at app.asar.unpacked', () => {
    const packed = ['', 'opt', 'MLP Lab', 'resources', 'app.asar', 'out', 'main', 'trainer-worker.js'].join(sep);
    expect(unpackedAsarPath(packed)).toBe(['', 'opt', 'MLP Lab', 'resources', 'app.asar.unpacked', 'out', 'main', 'trainer-worker.js'].join(sep));
  });

  it('leaves paths outside an archive, and already unpacked ones, alone', () => {
    const dev = ['', 'src', 'mlp-lab', 'out', 'main', 'trainer-worker.js'].join(sep);
    expect(unpackedAsarPath(dev)).toBe(dev);
    const unpacked = ['', 'r', 'app.asar.unpacked', 'out', 'main', 'x.js'].join(sep);
    expect(unpackedAsarPath(unpacked)).toBe(unpacked);
  });
});

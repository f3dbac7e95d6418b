/**
 * The pure parts behind the run history, the import wizard and the shortcuts: spec differences,
 * CSV cell states and error context, and the file shortcuts per platform.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../shared/spec';
import { byteSize, cellState, headOf, isNumber, linesAround, splitCells } from '../../src-renderer/src/lib/csv-view';
import { ariaShortcut, fileCommand, shortcutLabel } from '../../src-renderer/src/lib/shortcuts';
import { fieldValue, layersText, specDiff, varyingFields } from '../../src-renderer/src/lib/spec-diff';

const spec = (training: object = {}, extra: object = {}) => parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 1,
  data: { builtin: 'xor-quadrants', n: 200 },
  network: { hidden: [{ units: 4, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } },
  training: { optimizer: 'adam', learningRate: 0.01, steps: 100, ...training },
  ...extra,
});

describe('spec differences', () => {
  it('lists only the fields that differ, with the run\'s value and the current one', () => {
    expect(specDiff(spec(), spec())).toEqual([]);
    expect(specDiff(spec({ learningRate: 0.1 }), spec())).toEqual([{ field: 'η', a: '0.1', b: '0.01' }]);
    const wider = spec({}, { network: { hidden: [{ units: 8, activation: 'relu' }, { units: 2, activation: 'tanh' }], output: { cost: 'sigmoid-cross-entropy' } }, seed: 3 });
    const fields = specDiff(wider, spec()).map((c) => c.field);
    expect(fields).toEqual(['seed', 'hidden', 'init 2']);
    expect(layersText(wider)).toBe('8 relu → 2 tanh');
  });

  it('ignores the thread count, which does not change the model', () => {
    expect(specDiff(spec({ threads: 1 }), spec())).toEqual([]);
  });

  it('names the fields on which a set of runs varies, for the comparison table', () => {
    const runs = [0.001, 0.01, 0.1].map((lr) => spec({ learningRate: lr }));
    expect(varyingFields(runs)).toEqual(['η']);
    expect(runs.map((s) => fieldValue(s, 'η'))).toEqual(['0.001', '0.01', '0.1']);
    expect(varyingFields([spec({}, { seed: 1 }), spec({}, { seed: 2 })])).toEqual(['seed']);
    expect(varyingFields([spec()])).toEqual([]);
  });
});

describe('CSV cells in the wizard', () => {
  it('marks missing cells and text in numeric columns, with either decimal mark', () => {
    expect(cellState('', 'numeric', '.')).toBe('missing');
    expect(cellState(' NA ', 'numeric', ',')).toBe('missing');
    expect(cellState('2.450,50', 'numeric', ',')).toBe('ok');
    expect(cellState('2,5', 'numeric', ',')).toBe('ok');
    expect(cellState('2,5', 'numeric', '.')).toBe('invalid');
    expect(cellState('abc', 'numeric', '.')).toBe('invalid');
    expect(cellState('abc', 'categorical', '.')).toBe('ok');
    expect(isNumber('-1.5e-3', '.')).toBe(true);
    expect(isNumber('.5', '.')).toBe(true);
    expect(isNumber('1.234.567,89', ',')).toBe(true);
    expect(isNumber('0x1F', '.')).toBe(false);
  });

  it('finds the lines around an error line (LF, CRLF, BOM) and splits them with quotes', () => {
    const bytes = new TextEncoder().encode('\ufeffa;b\r\n1;"x;y"\r\n2;3\r\n4;5\r\n');
    expect(linesAround(bytes, 2, 1)).toEqual([{ line: 1, text: 'a;b' }, { line: 2, text: '1;"x;y"' }, { line: 3, text: '2;3' }]);
    expect(linesAround(bytes, 4, 2).map((l) => l.line)).toEqual([2, 3, 4]);
    expect(splitCells('1;"x;y";"say ""hi"""', ';')).toEqual(['1', 'x;y', 'say "hi"']);
    const latin1 = Uint8Array.from([0x4b, 0xfc, 0x68, 0x6c, 0x0a]);
    expect(linesAround(latin1, 1, 0)).toEqual([{ line: 1, text: 'Kühl' }]);
  });

  it('cuts a large file for a preview after its last whole line', () => {
    const bytes = new TextEncoder().encode('a,b\n1,2\n3,4\n');
    expect(headOf(bytes, 100)).toEqual({ bytes, partial: false });
    const head = headOf(bytes, 10);
    expect(new TextDecoder().decode(head.bytes)).toBe('a,b\n1,2\n');
    expect(head.partial).toBe(true);
    expect(byteSize(812)).toBe('812 B');
    expect(byteSize(3 * 1024 * 1024 + 100_000)).toBe('3.1 MB');
  });
});

describe('file shortcuts', () => {
  const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) =>
    ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

  it('Ctrl on Windows and Linux, ⌘ on macOS; Shift+S is Save As', () => {
    expect(fileCommand(press('s', { ctrlKey: true }), false)).toBe('save');
    expect(fileCommand(press('S', { ctrlKey: true, shiftKey: true }), false)).toBe('save-as');
    expect(fileCommand(press('n', { ctrlKey: true }), false)).toBe('new');
    expect(fileCommand(press('o', { metaKey: true }), true)).toBe('open');
    expect(fileCommand(press('o', { ctrlKey: true }), true)).toBeNull();
    expect(fileCommand(press('s', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(fileCommand(press('x', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutLabel('save-as', false)).toBe('Ctrl+Shift+S');
    expect(shortcutLabel('save-as', true)).toBe('⇧⌘S');
    expect(ariaShortcut('open', false)).toBe('Control+O');
  });
});

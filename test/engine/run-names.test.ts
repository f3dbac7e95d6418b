/**
 * Runs as people name them (issue 16): "3", "run 3", "Run 3", "#3" or the id find the run the
 * window calls run 3, by its own number when it has one, else by its position.
 */
import { describe, expect, it } from 'vitest';
import { findRun, runNumbers } from '../../shared/run-names';

describe('run names', () => {
  const byPosition = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  it('numbers runs without a number of their own by position, oldest first', () => {
    expect(runNumbers(byPosition)).toEqual([{ number: 1, name: 'run 1' }, { number: 2, name: 'run 2' }, { number: 3, name: 'run 3' }]);
    for (const key of ['2', 'run 2', 'Run 2', ' run  2 ', '#2', 'b']) expect(findRun(byPosition, key)?.id, key).toBe('b');
    for (const key of ['4', 'run 0', 'run two', '2.0', '']) expect(findRun(byPosition, key), key).toBeNull();
  });

  it('keeps a run\'s own number (run 1 deleted: the others are still runs 2 and 3)', () => {
    const numbered = [{ id: 'b', number: 2 }, { id: 'c', number: 3 }];
    expect(runNumbers(numbered).map((n) => n.name)).toEqual(['run 2', 'run 3']);
    expect(findRun(numbered, 'run 3')?.id).toBe('c');
    expect(findRun(numbered, '1')).toBeNull();
  });
});

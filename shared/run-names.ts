/**
 * How a person names a run: "run 3", number 3, as the window shows it (issue 16). For now a
 * run's number is its position in the project's history, oldest first (1-based), which is what
 * the window's run list counts; when runs get stable numbers (kept when another run is deleted),
 * `runNumbers` is the one place to change.
 */

/** A run as people name it. */
export interface RunName {
  /** 1, 2, 3, ... */
  number: number;
  /** "run 3" */
  name: string;
}

/** The numbers and names of `runs` (oldest first), one per run in the same order. */
export function runNumbers(runs: readonly { id: string }[]): RunName[] {
  return runs.map((_, i) => ({ number: i + 1, name: `run ${i + 1}` }));
}

/**
 * The run `key` names: its number ("3"), its name ("run 3", "Run 3", "#3"), or its id; null
 * when none does.
 */
export function findRun<T extends { id: string }>(runs: readonly T[], key: string): T | null {
  const byId = runs.find((r) => r.id === key);
  if (byId) return byId;
  const m = /^\s*(?:run\s*|#\s*)?(\d+)\s*$/i.exec(key);
  if (!m) return null;
  const names = runNumbers(runs);
  const i = names.findIndex((n) => n.number === Number(m[1]));
  return i >= 0 ? runs[i] : null;
}

/**
 * How a person names a run: "run 3", number 3, as the window shows it (issue 16). A run that
 * carries its own number (kept when another run is deleted) is named by it; one without is
 * numbered by its position in the project's history, oldest first (1-based), which is what the
 * window's run list counted before runs had numbers. `runNumbers` is the one place that decides.
 */

/** A run as people name it. */
export interface RunName {
  /** 1, 2, 3, ... */
  number: number;
  /** "run 3" */
  name: string;
}

/** The numbers and names of `runs` (oldest first), one per run in the same order. */
export function runNumbers(runs: readonly { id: string; number?: number }[]): RunName[] {
  return runs.map((r, i) => {
    const number = r.number !== undefined && r.number > 0 ? r.number : i + 1;
    return { number, name: `run ${number}` };
  });
}

/**
 * The run `key` names: its number ("3"), its name ("run 3", "Run 3", "#3"), or its id; null
 * when none does.
 */
export function findRun<T extends { id: string; number?: number }>(runs: readonly T[], key: string): T | null {
  const byId = runs.find((r) => r.id === key);
  if (byId) return byId;
  const m = /^\s*(?:run\s*|#\s*)?(\d+)\s*$/i.exec(key);
  if (!m) return null;
  const names = runNumbers(runs);
  const i = names.findIndex((n) => n.number === Number(m[1]));
  return i >= 0 ? runs[i] : null;
}

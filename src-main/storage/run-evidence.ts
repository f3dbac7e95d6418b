/**
 * The evidence history of runs trained with the evidence procedure (PRML §5.7.2): alpha, beta,
 * gamma and the log evidence at each re-estimation, in an optional table of the project file
 * (docs/project-file.md), one blob per run:
 *
 *     run_evidence (run_id TEXT PRIMARY KEY REFERENCES run (id), data BLOB)
 *
 * `data` holds the five series one after another, each m float64: steps, alpha, beta, gamma,
 * ln evidence. The table belongs to schema 1 as an optional extra: a file without it (written
 * before it, or with no evidence run) reads as runs without such a history, and an older MLP Lab
 * opens a file with it and ignores it (losing the history when it saves).
 */
import { EVIDENCE_FIELDS, type EvidenceTrace } from '../../shared/evidence-training';
import { float64FromBlob, toBlob } from './blobs';
import type { SqliteDatabase } from './sqlite';

const DDL = `CREATE TABLE IF NOT EXISTS run_evidence (
  run_id TEXT PRIMARY KEY REFERENCES run (id) ON DELETE CASCADE,
  data   BLOB NOT NULL  -- float64: steps, alpha, beta, gamma, log evidence; m of each
)`;

/** Writes the evidence history of every run that has one (in the caller's transaction). */
export function writeRunEvidence(db: SqliteDatabase, runs: readonly { id: string; curve: { evidence?: EvidenceTrace } }[]): void {
  const withHistory = runs.filter((r) => r.curve.evidence && r.curve.evidence.steps.length > 0);
  if (!withHistory.length) return;
  db.exec(DDL);
  const insert = db.prepare('INSERT OR REPLACE INTO run_evidence (run_id, data) VALUES (?, ?)');
  for (const r of withHistory) {
    const ev = r.curve.evidence!;
    const m = ev.steps.length;
    const data = new Float64Array(5 * m);
    EVIDENCE_FIELDS.forEach((f, i) => data.set(ev[f], i * m));
    insert.run(r.id, toBlob(data));
  }
}

/** Removes a run's evidence history, if the file has the table. */
export function deleteRunEvidence(db: SqliteDatabase, runId: string): void {
  if (hasTable(db)) db.prepare('DELETE FROM run_evidence WHERE run_id = ?').run(runId);
}

function hasTable(db: SqliteDatabase): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_evidence'").get() !== undefined;
}

/** The evidence histories stored in the file, by run id (none when the table is absent). */
export function readRunEvidence(db: SqliteDatabase): Map<string, EvidenceTrace> {
  const out = new Map<string, EvidenceTrace>();
  if (!hasTable(db)) return out;
  for (const row of db.prepare('SELECT run_id, data FROM run_evidence').all() as { run_id: string; data: Buffer }[]) {
    const all = float64FromBlob(row.data, `the evidence history of run ${row.run_id}`);
    if (all.length % 5 !== 0) throw new Error(`the evidence history of run ${row.run_id} has ${all.length} values, not 5 series of equal length`);
    const m = all.length / 5;
    const series = (i: number) => all.slice(i * m, (i + 1) * m);
    out.set(row.run_id, { steps: series(0), alpha: series(1), beta: series(2), gamma: series(3), logEvidence: series(4) });
  }
  return out;
}

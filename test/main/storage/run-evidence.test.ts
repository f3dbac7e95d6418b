/**
 * The evidence history of a run (PRML §5.7.2) in the project file: the optional run_evidence
 * table (src-main/storage/run-evidence.ts) round-trips exactly, is absent when no run has a
 * history, and a file without it reads as runs without one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec';
import { newProject, type ProjectRun, withRun } from '../../../src-main/storage/project';
import { readProjectFile } from '../../../src-main/storage/project-file';
import { writeProjectFile } from '../../../src-main/storage/project-save';
import { openSqlite } from '../../../src-main/storage/sqlite';

const spec = parseSpec({
  format: 'mlp-lab-spec', version: 1, seed: 1,
  data: { builtin: 'sine-curve', n: 10 },
  network: { hidden: [{ units: 2 }], output: { cost: 'sum-of-squares' } },
  training: { optimizer: 'scg', steps: 40, evidence: { every: 20 } },
});

function run(id: string, withEvidence: boolean): ProjectRun {
  const w = Float64Array.from({ length: 7 }, (_, i) => i / 7);
  return {
    id, number: 1, createdAt: '2025-01-01T00:00:00.000Z', spec, status: 'finished', metrics: null,
    curve: {
      steps: Float64Array.of(0, 1), train: Float64Array.of(1, 0.5), validationSteps: new Float64Array(0), validation: new Float64Array(0),
      ...(withEvidence ? { evidence: { steps: Float64Array.of(0, 20, 40), alpha: Float64Array.of(0.01, 0.3, 1 / 3), beta: Float64Array.of(50, 21.5, 22.25), gamma: Float64Array.of(1.5, 4.25, 4.5), logEvidence: Float64Array.of(-30, -12.5, -12.125) } } : {}),
    },
    initialWeights: w, finalWeights: w, snapshots: [], weightsMeta: null,
  };
}

describe('evidence histories in the project file', () => {
  it('round-trip bit for bit; runs without one read back without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-evidence-'));
    const path = join(dir, 'p.mlplab');
    await writeProjectFile(path, withRun(withRun(newProject(spec), run('a', true)), run('b', false)));
    const { project } = readProjectFile(path);
    const a = project.runs.find((r) => r.id === 'a')!;
    const ev = a.curve.evidence!;
    expect(Array.from(ev.steps)).toEqual([0, 20, 40]);
    expect(Array.from(ev.alpha)).toEqual([0.01, 0.3, 1 / 3]);
    expect(Array.from(ev.beta)).toEqual([50, 21.5, 22.25]);
    expect(Array.from(ev.gamma)).toEqual([1.5, 4.25, 4.5]);
    expect(Array.from(ev.logEvidence)).toEqual([-30, -12.5, -12.125]);
    expect(project.runs.find((r) => r.id === 'b')!.curve.evidence).toBeUndefined();
  });

  it('the table is only written when some run has a history, and its absence reads fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlp-evidence-'));
    const path = join(dir, 'plain.mlplab');
    await writeProjectFile(path, withRun(newProject(spec), run('b', false)));
    const db = openSqlite(path, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'run_evidence'").get()).toBeUndefined();
    } finally {
      db.close();
    }
    expect(readProjectFile(path).project.runs[0].curve.evidence).toBeUndefined();
  });
});

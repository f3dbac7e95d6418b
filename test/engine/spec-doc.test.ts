/**
 * docs/spec-format.md documents every field of the lab spec (issue 16, item 17): the fields are
 * read off the parser itself (test/support/spec-fields.ts records what `parseSpec` looks at on
 * specs that take each of its branches), and each must have a row in the document's tables,
 * whose default column says "required" exactly when the parser needs the field, and whose
 * limits column holds every upper limit the parser enforces on it. Negative controls: a field
 * the parser would read but the document lacks, and a row without its limit, are caught.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../shared/spec';
import { branchSpecs, isOptional, recording, specFields, upperLimit } from '../support/spec-fields';

const doc = readFileSync(new URL('../../docs/spec-format.md', import.meta.url), 'utf8');

/** The document's field rows: each field named in backticks in a row's first cell -> that row's cells. */
function fieldRows(markdown: string): Map<string, { fallback: string; limits: string }> {
  const rows = new Map<string, { fallback: string; limits: string }>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (cells.length < 4) continue;
    for (const m of cells[0].matchAll(/`([^`]+)`/g)) rows.set(m[1], { fallback: cells[1], limits: cells[2] });
  }
  return rows;
}

/** The parser's fields that have no row in `markdown`. */
function undocumented(fields: Iterable<string>, markdown: string): string[] {
  const rows = fieldRows(markdown);
  return [...fields].filter((f) => !rows.has(f));
}

/** Fields whose row lacks the upper limit the parser enforces. */
function missingLimits(fields: Iterable<string>, markdown: string): string[] {
  const rows = fieldRows(markdown);
  return [...fields].filter((f) => {
    const limit = upperLimit(f);
    return limit !== null && !rows.get(f)?.limits.includes(limit);
  });
}

const fields = [...specFields().keys()];

describe('docs/spec-format.md', () => {
  it('reads the parser\'s fields (the recorder sees the parser, not a list: the fields of every section are there)', () => {
    expect(fields).toEqual(expect.arrayContaining(['seed', 'data.split.validation', 'data.csv', 'network.hidden[].init.scheme', 'network.output.components', 'training.batchSize', 'training.earlyStopping.patience', 'training.threads', 'training.memory', 'training.evidence.every']));
    expect(fields.length).toBeGreaterThan(50);
    // A field a parser starts to read is seen without anyone listing it (a parser reading `training.clipNorm`).
    const seen = new Set<string>();
    const spec = branchSpecs()[0] as Record<string, unknown>;
    const reading = recording(spec as never, (p) => seen.add(p)) as { training: { clipNorm?: unknown } };
    parseSpec(reading);
    expect(seen.has('training.clipNorm')).toBe(false);
    void reading.training.clipNorm;
    expect(seen.has('training.clipNorm')).toBe(true);
  });

  it('has a row for every field the parser reads', () => {
    expect(undocumented(fields, doc)).toEqual([]);
  });

  it('catches a field the parser reads that the document lacks (negative control)', () => {
    expect(undocumented([...fields, 'training.clipNorm'], doc)).toEqual(['training.clipNorm']);
    const withoutPatience = doc.replace('| `training.earlyStopping.patience` |', '| patience |');
    expect(undocumented(fields, withoutPatience)).toEqual(['training.earlyStopping.patience']);
  });

  it('says "required" for exactly the fields the parser cannot do without, and gives the others a default', () => {
    const rows = fieldRows(doc);
    const wrong = fields.filter((f) => {
      const said = rows.get(f)!.fallback;
      return isOptional(f) ? said === '' || /^required/.test(said) : !/^required/.test(said);
    });
    expect(wrong).toEqual([]);
  });

  it('gives every upper limit the parser enforces in the field\'s row', () => {
    expect(upperLimit('network.hidden[].units')).toBe('65,536');
    expect(upperLimit('training.steps')).toBe('1e12');
    expect(upperLimit('network.hidden')).toBe('32');
    expect(upperLimit('training.learningRate')).toBeNull();
    expect(missingLimits(fields, doc)).toEqual([]);
  });

  it('catches a row without its limit (negative control)', () => {
    const without = doc.replace('| 1 to 65,536 |', '| at least 1 |');
    expect(missingLimits(['network.hidden[].units'], without)).toEqual(['network.hidden[].units']);
  });
});

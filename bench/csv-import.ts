/**
 * CSV import benchmark (never part of `npm test`): writes a realistic CSV of `--rows` rows x
 * `--cols` columns (default 1,000,000 x 20: numbers with six decimals, one categorical column,
 * a class label), then times the streaming import (`importCsv`, as the app runs it), the
 * in-memory import (`importCsvSync`, as the CLI runs it) and the encoding into a dataset.
 *
 *     node --import tsx bench/csv-import.ts [--rows 1000000] [--cols 20] [--repeat 1] [--keep]
 *
 * The file goes to the system temp folder and is deleted afterwards unless --keep.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsv, importCsvSync } from '../src-main/storage/csv-import';
import { encodeTable } from '../src-main/storage/dataset-encode';

interface Options {
  rows: number;
  cols: number;
  repeat: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { rows: 1_000_000, cols: 20, repeat: 1, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') o.keep = true;
    else if (a === '--rows' || a === '--cols' || a === '--repeat') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a whole number >= 1`);
      o[a.slice(2) as 'rows' | 'cols' | 'repeat'] = v;
    } else throw new Error(`unknown option ${a} (options: --rows N --cols N --repeat N --keep)`);
  }
  if (o.cols < 3) throw new Error('--cols must be at least 3 (numbers, a category, a label)');
  return o;
}

/** A small fast PRNG (mulberry32) so the file is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the benchmark file: x1..x(cols-2) numbers, "colour" (5 categories), "label" (0/1/2). */
async function writeFile(path: string, rows: number, cols: number): Promise<void> {
  const numeric = cols - 2;
  const colours = ['red', 'green', 'blue', 'amber', 'violet'];
  const random = rng(42);
  const out = createWriteStream(path);
  const header = [...Array.from({ length: numeric }, (_, j) => `x${j + 1}`), 'colour', 'label'].join(',');
  out.write(`${header}\n`);
  let buf: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let j = 0; j < numeric; j++) cells.push(((random() - 0.5) * 200).toFixed(6));
    cells.push(colours[Math.floor(random() * colours.length)], String(Math.floor(random() * 3)));
    buf.push(cells.join(','));
    if (buf.length === 10_000) {
      if (!out.write(`${buf.join('\n')}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = [];
    }
  }
  if (buf.length) out.write(`${buf.join('\n')}\n`);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const path = join(tmpdir(), `mlp-lab-bench-${o.rows}x${o.cols}.csv`);
  let t = performance.now();
  await writeFile(path, o.rows, o.cols);
  const mb = statSync(path).size / 1e6;
  console.log(`wrote ${path}: ${o.rows.toLocaleString('en-US')} rows x ${o.cols} columns, ${mb.toFixed(1)} MB, in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  console.log(`node ${process.version}, ${process.platform}-${process.arch}`);
  console.log('');
  console.log('import                         seconds      rows/s       MB/s');
  const line = (what: string, s: number) =>
    console.log(`${what.padEnd(28)} ${s.toFixed(3).padStart(9)} ${Math.round(o.rows / s).toLocaleString('en-US').padStart(11)} ${(mb / s).toFixed(1).padStart(10)}`);
  try {
    for (let k = 0; k < o.repeat; k++) {
      t = performance.now();
      let reports = 0;
      const table = await importCsv(path, {}, { onProgress: () => reports++ });
      line('importCsv (streaming)', (performance.now() - t) / 1000);
      if (table.rows !== o.rows) throw new Error(`read ${table.rows} rows, wrote ${o.rows}`);

      t = performance.now();
      const sync = importCsvSync(path);
      line('importCsvSync (one read)', (performance.now() - t) / 1000);
      if (sync.rows !== o.rows) throw new Error(`read ${sync.rows} rows, wrote ${o.rows}`);

      t = performance.now();
      const inputs = table.columns.slice(0, -1).map((c) => c.name);
      const { data } = encodeTable(table, { inputs, targets: ['label'], missing: 'drop', cost: 'softmax-cross-entropy' });
      line('encodeTable (one-hot)', (performance.now() - t) / 1000);
      if (k === 0) {
        console.log('');
        console.log(`kinds: ${table.columns.map((c) => c.kind).join(' ')}`);
        console.log(`dataset: ${data.n} x ${data.inputNames.length} inputs, ${data.targetNames.length} targets; ${reports} progress reports`);
      }
    }
  } finally {
    if (!o.keep) rmSync(path, { force: true });
  }
}

await main();

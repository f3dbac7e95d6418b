/**
 * Two image-classification CSV files of real sizes, drawn from a seeded generator (neither
 * scikit-learn's digits nor MNIST can be installed here, and no npm package ships them):
 *
 * - digits-like: 1797 rows x 64 pixels (8 x 8, whole numbers 0-16) and a `label` 0-9, the shape
 *   of scikit-learn's `load_digits`;
 * - MNIST-sized: 60,000 rows x 784 pixels (28 x 28, whole numbers 0-255) and a `label` 0-9,
 *   about 100 MB of CSV, the shape of the MNIST training set as CSV.
 *
 * Each image is a 5 x 7 glyph of its digit, placed with a random shift and scale, a random
 * stroke strength, smoothed and with noise, so the classes are learnable but not trivially
 * separable. Used by the UI benchmark, the end-to-end tests and the screenshots; never committed.
 */
import { createWriteStream } from 'node:fs';
import { Rng } from '../../shared/engine/rng';

/** 5 x 7 glyphs of the digits 0-9, one string per row. */
const GLYPHS: readonly string[][] = [
  ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  ['####.', '....#', '....#', '.###.', '....#', '....#', '####.'],
  ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
];

/** One image of `digit` on a side x side grid, values in [0, 1]. */
function drawDigit(rng: Rng, digit: number, side: number): Float64Array {
  const img = new Float64Array(side * side);
  const glyph = GLYPHS[digit];
  // The glyph's 5 x 7 cells scaled to most of the grid, shifted and slightly stretched at random.
  const scale = (side / 8.5) * (0.85 + 0.25 * rng.uniform());
  const w = 5 * scale;
  const h = 7 * scale;
  const x0 = (side - w) / 2 + (rng.uniform() - 0.5) * side * 0.12;
  const y0 = (side - h) / 2 + (rng.uniform() - 0.5) * side * 0.1;
  const slant = (rng.uniform() - 0.5) * 0.35;
  const strength = 0.65 + 0.35 * rng.uniform();
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      // Sample the glyph at this pixel's centre (four sub-samples: anti-aliased strokes).
      let on = 0;
      for (const [dy, dx] of [[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75]]) {
        const y = (r + dy - y0) / scale;
        const x = (c + dx - x0) / scale + slant * (y - 3.5);
        const gr = Math.floor(y);
        const gc = Math.floor(x);
        if (gr >= 0 && gr < 7 && gc >= 0 && gc < 5 && glyph[gr][gc] === '#') on++;
      }
      img[r * side + c] = (on / 4) * strength;
    }
  }
  // A light blur (strokes are not pixel-sharp) and noise.
  const out = new Float64Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      let s = 0;
      let wsum = 0;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || rr >= side || cc < 0 || cc >= side) continue;
        const wt = dr === 0 && dc === 0 ? 4 : dr === 0 || dc === 0 ? 1 : 0.5;
        s += wt * img[rr * side + cc];
        wsum += wt;
      }
      out[r * side + c] = Math.min(1, Math.max(0, s / wsum * 1.3 + 0.06 * rng.normal()));
    }
  }
  return out;
}

/** How the two sets are drawn. */
interface ImageSet {
  rows: number;
  side: number;
  /** Largest pixel value (16 or 255). */
  levels: number;
  seed: number;
}

/** The digits-like set (1797 x 64, values 0-16). */
export const DIGITS_LIKE: ImageSet = { rows: 1797, side: 8, levels: 16, seed: 1797 };
/** The MNIST-sized set (60,000 x 784, values 0-255). */
export const MNIST_SIZED: ImageSet = { rows: 60_000, side: 28, levels: 255, seed: 60_000 };

/** The CSV's header line: p0 ... p(side^2 - 1), label. */
function header(side: number): string {
  return `${Array.from({ length: side * side }, (_, i) => `p${i}`).join(',')},label`;
}

/** One CSV line of a drawn image. */
function line(rng: Rng, set: ImageSet, digit: number): string {
  const img = drawDigit(rng, digit, set.side);
  let s = '';
  for (let i = 0; i < img.length; i++) s += `${Math.round(img[i] * set.levels)},`;
  return `${s}${digit}`;
}

/** The whole CSV as a string (the digits-like set: about 200 KB). */
export function imageCsv(set: ImageSet): string {
  const rng = new Rng(set.seed);
  const lines = [header(set.side)];
  for (let i = 0; i < set.rows; i++) lines.push(line(rng, set, i % 10));
  return `${lines.join('\n')}\n`;
}

/** Writes the CSV to `path` in chunks (the MNIST-sized set: about 100 MB); resolves with its size in bytes. */
export async function writeImageCsv(set: ImageSet, path: string): Promise<number> {
  const rng = new Rng(set.seed);
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      bytes += Buffer.byteLength(s);
      out.write(s, (e) => (e ? reject(e) : resolve()));
    });
  await write(`${header(set.side)}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < set.rows; i++) {
    chunk.push(line(rng, set, i % 10));
    if (chunk.length === 500) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length) await write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return bytes;
}

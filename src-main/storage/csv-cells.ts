/**
 * Reading one cell: is it missing, is it a number (with "." or "," as the decimal mark), and
 * what text is it. Hot code: a million-row import calls `parseNumber` tens of millions of times,
 * so the common case (a plain decimal number) takes one branch and one `+s`.
 */
import type { DecimalMark } from '../../shared/data/csv-options';
import { MISSING_MARKERS } from './csv-types';

const MISSING = new Set(MISSING_MARKERS);

/** True for an empty cell or a missing-value marker (NA, N/A, NaN, null, ?, ...). */
export function isMissing(s: string): boolean {
  if (s.length === 0) return true;
  const t = s.trim();
  return t.length === 0 || (t.length <= 4 && MISSING.has(t.toLowerCase()));
}

/** German-style thousands grouping in a decimal-comma file: 1.234.567,89 */
const GROUPED_COMMA = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/;

/**
 * Thousands grouped as French, Swiss, Scandinavian and SI spreadsheets write them: a non-breaking
 * space (U+00A0), a narrow no-break space (U+202F) or a thin space (U+2009) between groups of
 * three digits: "1 234 567,89" or "1 234.5". An ordinary space between digits ("1 000") is not
 * read as grouping: it is as likely two values run together.
 */
const SPACE_GROUPED = { ',': /^[+-]?\d{1,3}([\u00a0\u202f\u2009]\d{3})+(,\d*)?$/, '.': /^[+-]?\d{1,3}([\u00a0\u202f\u2009]\d{3})+(\.\d*)?$/ };
/** The grouping spaces, to remove. */
const GROUP_SPACES = /[\u00a0\u202f\u2009]/g;
/** Any space a cell may be padded or grouped with. */
const HAS_SPACE = /[ \u00a0\u202f\u2009]/;

/** True for the spaces a cell may be padded with: ASCII, tab, and the no-break and thin spaces. */
function isPadding(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

/** 10^k for k = 0..22: every one of them is exactly a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The cell as a finite number, or NaN when it is not one. Accepts what spreadsheets write:
 * `-1.5`, `+2`, `.5`, `1e-3`, surrounding spaces (non-breaking ones too); with decimal ",":
 * `1,5`, `-0,25`, `1.234,5`; thousands grouped by no-break spaces: `1 234,5` (SPACE_GROUPED).
 * Refuses what JavaScript's Number() would otherwise let through: hex (`0x1F`), `Infinity`,
 * and blank text (which Number() reads as 0).
 */
export function parseNumber(s: string, decimal: DecimalMark): number {
  const fast = plainDecimal(s, decimal === ',' ? 44 : 46);
  if (fast === fast) return fast;
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 44) {
    if (c === 48 && s.length > 1) {
      const c1 = s.charCodeAt(1) | 32;
      if (c1 === 120 || c1 === 98 || c1 === 111) return NaN; // 0x, 0b, 0o
    }
    if (HAS_SPACE.test(s)) {
      const t = s.trim();
      if (SPACE_GROUPED[decimal].test(t)) return parseNumber(t.replace(GROUP_SPACES, ''), decimal);
      if (t !== s) return parseNumber(t, decimal);
    }
    if (decimal === ',') return parseDecimalComma(s);
    const v = +s;
    return v - v === 0 ? v : NaN;
  }
  if (isPadding(c)) {
    const t = s.trim();
    return t.length === 0 ? NaN : parseNumber(t, decimal);
  }
  return NaN;
}

/**
 * The common case without allocating: [sign] digits [mark digits], at most 15 digits in all.
 * The digits form an integer m < 2^53 and 10^k is exact, so m / 10^k, one correctly rounded
 * division, is the correctly rounded value of the decimal (Clinger's fast path): the same
 * double Number() gives. Anything else returns NaN, meaning "ask the general parser".
 */
function plainDecimal(s: string, mark: number): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const neg = c === 45;
  if (neg || c === 43) i = 1;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === mark && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}

function parseDecimalComma(s: string): number {
  let t = s;
  if (t.indexOf('.') >= 0 && GROUPED_COMMA.test(t.trim())) t = t.replace(/\./g, '');
  const comma = t.indexOf(',');
  if (comma >= 0) {
    if (t.indexOf(',', comma + 1) >= 0) return NaN;
    t = t.slice(0, comma) + '.' + t.slice(comma + 1);
  }
  const v = +t;
  return v - v === 0 ? v : NaN;
}

/** Counts newline characters in a field (a quoted field may span lines); `nl` is '\n' or '\r'. */
export function countLineBreaks(s: string, nl: string): number {
  let i = s.indexOf(nl);
  if (i < 0) return 0;
  let n = 0;
  while (i >= 0) {
    n++;
    i = s.indexOf(nl, i + 1);
  }
  return n;
}

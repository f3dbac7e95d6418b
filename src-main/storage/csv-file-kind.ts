/**
 * What a file that is not CSV text is, from its first bytes, so the importer can say so instead
 * of reading it as text ("line 1: row has 3 fields..."): a compressed file, an archive (an Excel
 * .xlsx workbook is a ZIP archive), an old Excel workbook, a PDF, an SQLite database (an MLP Lab
 * project), or binary data in general (NUL bytes or many control characters).
 *
 * Also the other half of encoding detection: text in UTF-16 without a byte order mark, which
 * shows as a NUL byte beside every ASCII character.
 */

/** A kind of file recognised by its first bytes, and what to do with it. */
interface Magic {
  bytes: readonly number[];
  what: string;
  todo: string;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

const MAGICS: readonly Magic[] = [
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed', todo: 'decompress it first (gunzip, 7-Zip) and import the CSV file inside' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook is one)', todo: 'unpack it, or save the sheet from Excel as "CSV UTF-8", and import that' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Excel (.xls) or Office file', todo: 'save the sheet as "CSV UTF-8" and import that' },
  { bytes: ascii('%PDF-'), what: 'a PDF document', todo: 'export the table as CSV and import that' },
  { bytes: ascii('SQLite format 3\0'), what: 'an SQLite database (an MLP Lab project file is one)', todo: 'open a project with Open…, or import a CSV file' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', todo: 'decompress it first (bunzip2, 7-Zip) and import the CSV file inside' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', todo: 'decompress it first (unxz, 7-Zip) and import the CSV file inside' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', todo: 'decompress it first (unzstd) and import the CSV file inside' },
];

/** Which byte positions hold NULs in a sample: evidence of UTF-16 (or of binary data). */
function nulShares(bytes: Uint8Array): { even: number; odd: number; any: boolean } {
  const n = bytes.length - (bytes.length % 2);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = Math.max(1, n / 2);
  return { even: even / pairs, odd: odd / pairs, any: bytes.indexOf(0) >= 0 };
}

/**
 * 'utf-16le' or 'utf-16be' for text in UTF-16 without a byte order mark: mostly ASCII characters,
 * so a NUL byte beside most characters and on the same side every time; else null.
 */
export function detectUtf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 4) return null;
  const { even, odd } = nulShares(bytes);
  if (odd >= 0.5 && even <= 0.05) return 'utf-16le';
  if (even >= 0.5 && odd <= 0.05) return 'utf-16be';
  return null;
}

/**
 * Why a file starting with `head` cannot be CSV text ("gzip-compressed: decompress it first ..."),
 * or null when it may be. `utf16`: the text is known to be UTF-16 (NUL bytes are expected then).
 */
export function notTextReason(head: Uint8Array, utf16: boolean): string | null {
  for (const m of MAGICS) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) return `${m.what}, not a CSV text file: ${m.todo}`;
  }
  if (utf16) return null;
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0) {
      return 'binary data (it holds NUL bytes), not a CSV text file: export your table as CSV and import that (if it is UTF-16 text without a byte order mark: save it as "CSV UTF-8", or give a spec data.encoding "utf-16le" or "utf-16be")';
    }
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  if (sample.length > 0 && control / sample.length > 0.05) {
    return 'binary data (it holds control characters), not a CSV text file: export your table as CSV and import that';
  }
  return null;
}

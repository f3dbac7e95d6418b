/**
 * CSV import with papaparse, in the main process:
 *
 *  - `previewCsv`  the first rows as parsed and the inferred column types, for the import wizard;
 *  - `importCsv`   the whole file, streamed (a Node ReadStream through papaparse, chunk by chunk)
 *                  with progress and cancellation through an AbortSignal;
 *  - `importCsvSync` the same from one in-memory read, for the command line.
 *
 * All three detect what they are not told (encoding, delimiter, decimal mark, header; see
 * csv-sniff.ts) and feed the same TableBuilder, so they agree on every file. Errors are CsvErrors
 * naming the file, the line and what to do. An import only returns a new table: a failed or
 * cancelled one has nothing to undo.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import Papa from 'papaparse';
import { countLineBreaks } from './csv-cells';
import { notTextReason } from './csv-file-kind';
import { detectEncoding, detectFormat, SNIFF_BYTES, wholeLines } from './csv-sniff';
import { textDecoder, type TextDecoding } from './text-decode';
import { TableBuilder } from './csv-table-builder';
import type { TextEncoding } from '../../shared/data/csv-options';
import { type ColumnInfo, type CsvFormat, CsvError, type CsvReadOptions, type CsvTable, ImportCancelled } from './csv-types';

/** How far an import has got. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  /** Data rows read so far. */
  rows: number;
}

/** Progress reporting and cancellation for `importCsv`. */
export interface ImportControl {
  /** Called at most every `progressIntervalMs` (default 100) while reading, and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  progressIntervalMs?: number;
  /** Aborting rejects the import with ImportCancelled. */
  signal?: AbortSignal;
}

/** What the import wizard shows before importing. */
export interface CsvPreview {
  file: string;
  /** The format used: detected, or as given in the options. */
  format: CsvFormat;
  /** Column names (from the header, or col1, col2, ...). */
  names: string[];
  /** The first data rows as parsed (cell texts). */
  rows: string[][];
  /** Column kinds and statistics inferred from the sampled rows. */
  columns: ColumnInfo[];
  /** Data rows the inference looked at. */
  sampledRows: number;
  /** True when the sample was the whole file (the inference saw every row). */
  wholeFile: boolean;
  /** Data rows in the whole file: exact when `wholeFile`, else estimated from the sample. */
  totalRowsEstimate: number;
  notes: string[];
}

/** Bytes read for a preview: enough for a few thousand typical rows. */
const PREVIEW_BYTES = 256 * 1024;

function fileError(path: string, e: unknown): CsvError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CsvError(`cannot find the CSV file ${path}`, path);
  if (code === 'EISDIR') return new CsvError(`${path} is a folder, not a CSV file`, path);
  return new CsvError(`cannot read ${path}: ${(e as Error).message}`, path);
}

/**
 * A decoder for the file's encoding (text-decode.ts). UTF-8 and UTF-16 are strict: a stray
 * Windows-1252 byte later in the file is reported, not turned into U+FFFD.
 */
function decoderFor(encoding: TextEncoding): TextDecoding {
  return textDecoder(encoding);
}

function encodingError(path: string, afterLine: number, encoding: TextEncoding): CsvError {
  if (encoding !== 'utf-8') {
    return new CsvError(`${basename(path)} is not valid ${encoding.toUpperCase()} after line ${afterLine}; import it with another encoding, or save it as "CSV UTF-8"`, path, afterLine);
  }
  return new CsvError(
    `${basename(path)} is not valid UTF-8 after line ${afterLine}: it looks like a Windows (ANSI, Windows-1252) file; import it with encoding "windows-1252", or save it as "CSV UTF-8"`,
    path,
    afterLine,
  );
}

/** Reads up to `bytes` from the start of the file. */
async function readHead(path: string, bytes: number): Promise<{ head: Uint8Array; size: number }> {
  let handle;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    handle = await open(path, 'r');
    const buf = new Uint8Array(Math.min(bytes, info.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), size: info.size };
  } catch (e) {
    throw fileError(path, e);
  } finally {
    await handle?.close();
  }
}

/** The format of `head` (the first bytes of a file of `size` bytes), honouring `options`. */
function formatOf(path: string, head: Uint8Array, size: number, options: CsvReadOptions): CsvFormat {
  const encoding = !options.encoding || options.encoding === 'auto' ? detectEncoding(head) : options.encoding;
  const notText = notTextReason(head, encoding.startsWith('utf-16'));
  if (notText) throw new CsvError(`${basename(path)} is ${notText}`, path);
  let text: string;
  try {
    text = decoderFor(encoding).decode(head, { stream: head.length < size });
  } catch {
    throw encodingError(path, 1, encoding);
  }
  if (text.trim() === '') throw new CsvError(`${basename(path)} is empty: it needs a header row and at least one data row`, path);
  return detectFormat(wholeLines(text, head.length >= size), encoding, options);
}

/** A guess at the number of rows from the line length at the start of the file (sizes buffers only). */
function estimateRows(head: Uint8Array, size: number): number {
  let lines = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 10) lines++;
  if (lines === 0) return 1024;
  return Math.min(Math.ceil((size / head.length) * lines * 1.05) + 16, 50_000_000);
}

/** Papaparse settings plus the chunk callbacks this file uses. */
interface ChunkConfig extends Omit<Papa.ParseConfig<string[]>, 'complete' | 'step'> {
  chunkSize?: number;
  chunk?(results: Papa.ParseResult<string[]>, parser: Papa.Parser): void;
  complete?(): void;
  error?(e: Error): void;
}

/**
 * papaparse's parse as this file calls it: on a Node stream (asynchronous), or on a string with
 * chunk callbacks (synchronous). Its type definitions lack the second overload, which papaparse
 * itself supports.
 */
const parseChunks = Papa.parse as unknown as (input: string | NodeJS.ReadableStream, config: ChunkConfig) => void;

/** Papaparse settings for a resolved format: arrays of cell texts, no typing (we do that). */
function papaConfig(format: CsvFormat): ChunkConfig {
  return { delimiter: format.delimiter, newline: format.newline, quoteChar: '"', escapeChar: '"', header: false, dynamicTyping: false, skipEmptyLines: false };
}

/**
 * Feeds one parsed chunk to the builder, turning papaparse's quote errors into CsvErrors at the
 * line where the bad row starts.
 */
function feed(builder: TableBuilder, path: string, results: Papa.ParseResult<string[]>): void {
  const quoteError = results.errors.find((e) => e.type === 'Quotes');
  if (!quoteError) {
    builder.add(results.data);
    return;
  }
  const row = quoteError.row ?? 0;
  builder.add(results.data.slice(0, row));
  const line = builder.nextLine;
  const name = basename(path);
  if (quoteError.code === 'MissingQuotes') {
    throw new CsvError(`${name} line ${line}: a quoted field is never closed (a missing "); close it, or remove the stray "`, path, line);
  }
  throw new CsvError(`${name} line ${line}: text follows the closing quote of a quoted field; inside quotes write a quote as "" (two quotes)`, path, line);
}

/** Previews a CSV file: detected format, the first `rows` rows, and column kinds from a sample. */
export async function previewCsv(path: string, options: CsvReadOptions = {}, rows = 20): Promise<CsvPreview> {
  const { head, size } = await readHead(path, PREVIEW_BYTES);
  const format = formatOf(path, head, size, options);
  const wholeFile = head.length >= size;
  let text: string;
  try {
    text = wholeLines(decoderFor(format.encoding).decode(head, { stream: !wholeFile }), wholeFile);
  } catch {
    throw encodingError(path, 1, format.encoding);
  }
  const builder = new TableBuilder(path, format, options.categorical ?? []);
  const parsed = Papa.parse<string[]>(text, papaConfig(format));
  feed(builder, path, parsed);
  const table = builder.finish();
  const shown: string[][] = [];
  let skipHeader = format.header;
  for (const r of parsed.data) {
    if (shown.length >= rows) break;
    if (r.every((c) => c.trim() === '')) continue;
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    shown.push(r.slice(0, table.columns.length));
  }
  const totalRowsEstimate = wholeFile ? table.rows : Math.round((table.rows * size) / Math.max(1, head.length));
  return { file: path, format, names: table.columns.map((c) => c.name), rows: shown, columns: table.columns, sampledRows: table.rows, wholeFile, totalRowsEstimate, notes: table.notes };
}

/**
 * Imports a whole CSV file, streaming: memory holds the typed columns, never the text. Rejects
 * with CsvError (bad file) or ImportCancelled (signal aborted).
 */
export async function importCsv(path: string, options: CsvReadOptions = {}, control: ImportControl = {}): Promise<CsvTable> {
  if (control.signal?.aborted) throw new ImportCancelled(path);
  const { head, size } = await readHead(path, SNIFF_BYTES);
  const format = formatOf(path, head, size, options);
  const builder = new TableBuilder(path, format, options.categorical ?? [], estimateRows(head, size));
  builder.quotesSeen = false;
  const decoder = decoderFor(format.encoding);
  const interval = control.progressIntervalMs ?? 100;
  let bytesRead = 0;
  let lastReport = 0;

  return new Promise<CsvTable>((resolve, reject) => {
    let settled = false;
    let parser: Papa.Parser | null = null;
    let source: ReadStream | null = null;
    const finish = (error: Error | null, table?: CsvTable): void => {
      if (settled) return;
      settled = true;
      control.signal?.removeEventListener('abort', onAbort);
      if (error) {
        parser?.abort();
        source?.destroy();
        reject(error);
      } else resolve(table as CsvTable);
    };
    const onAbort = (): void => finish(new ImportCancelled(path));
    control.signal?.addEventListener('abort', onAbort, { once: true });

    const decode = new Transform({
      readableObjectMode: true, // strings pass through whole: papaparse must not re-decode Buffers
      transform(chunk: Buffer, _enc, done) {
        bytesRead += chunk.length;
        try {
          const text = decoder.decode(chunk, { stream: true });
          if (!builder.quotesSeen && text.indexOf('"') >= 0) builder.quotesSeen = true;
          done(null, text);
        } catch {
          done(encodingError(path, builder.nextLine, format.encoding));
        }
      },
      flush(done) {
        try {
          done(null, decoder.decode());
        } catch {
          done(encodingError(path, builder.nextLine, format.encoding));
        }
      },
    });
    source = createReadStream(path, { highWaterMark: 1 << 16 });
    source.on('error', (e) => finish(fileError(path, e)));
    decode.on('error', (e) => finish(e));
    source.pipe(decode);

    parseChunks(decode, {
      ...papaConfig(format),
      chunk(results, p) {
        parser = p;
        if (settled) return p.abort();
        try {
          feed(builder, path, results);
        } catch (e) {
          return finish(e as Error);
        }
        const now = Date.now();
        if (control.onProgress && now - lastReport >= interval) {
          lastReport = now;
          control.onProgress({ bytesRead, totalBytes: size, rows: builder.rowCount });
        }
      },
      complete() {
        if (settled) return;
        try {
          const table = builder.finish();
          control.onProgress?.({ bytesRead: size, totalBytes: size, rows: table.rows });
          finish(null, table);
        } catch (e) {
          finish(e as Error);
        }
      },
      error(e) {
        finish(e instanceof CsvError ? e : new CsvError(`cannot read ${path}: ${e.message}`, path));
      },
    });
  });
}

/**
 * Imports a whole CSV file from one in-memory read (synchronous): the command line's import.
 * A file without double quotes cannot have a row spanning lines, so it is decoded and parsed
 * piece by piece, cut at line breaks (no giant string, far less garbage); a file with quotes is
 * parsed as one text, which papaparse cuts safely itself.
 */
export function importCsvSync(path: string, options: CsvReadOptions = {}): CsvTable {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    bytes = readFileSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
  const format = formatOf(path, bytes.subarray(0, SNIFF_BYTES), bytes.length, options);
  const builder = new TableBuilder(path, format, options.categorical ?? [], estimateRows(bytes.subarray(0, SNIFF_BYTES), bytes.length));
  builder.quotesSeen = bytes.indexOf(0x22) >= 0; // '"' is this byte in UTF-8 and Windows-1252 alike
  if (builder.quotesSeen) parseWhole(builder, path, decodeAll(path, bytes, format.encoding));
  else parseInPieces(builder, path, bytes);
  return builder.finish();
}

function parseWhole(builder: TableBuilder, path: string, text: string): void {
  let failure: Error | null = null;
  parseChunks(text, {
    ...papaConfig(builder.format),
    chunkSize: 1 << 16,
    chunk(results, p) {
      try {
        feed(builder, path, results);
      } catch (e) {
        failure = e as Error;
        p.abort();
      }
    },
  });
  if (failure) throw failure;
}

/** Decodes and parses a quote-free file in ~64 KB pieces, each ending just before a line break. */
function parseInPieces(builder: TableBuilder, path: string, bytes: Uint8Array): void {
  const { newline } = builder.format;
  const last = newline[newline.length - 1];
  const decoder = decoderFor(builder.format.encoding);
  const config = papaConfig(builder.format);
  const step = 1 << 16;
  const parsePiece = (piece: string): void => {
    if (piece === '') builder.add([['']]); // papaparse yields no record for "", but it is one (blank) line
    else feed(builder, path, Papa.parse<string[]>(piece, config));
  };
  let carry = '';
  for (let at = 0; at < bytes.length; at += step) {
    const end = at + step >= bytes.length;
    let text: string;
    try {
      text = carry + decoder.decode(bytes.subarray(at, at + step), { stream: !end });
    } catch {
      throw encodingError(path, builder.nextLine, builder.format.encoding);
    }
    const cut = end ? -1 : text.lastIndexOf(last);
    if (cut < 0) {
      carry = text;
      continue;
    }
    parsePiece(text.slice(0, cut + 1 - newline.length));
    carry = text.slice(cut + 1);
  }
  if (carry !== '') parsePiece(carry);
}

/** The whole file as text; a UTF-8 error names the line it follows. */
function decodeAll(path: string, bytes: Uint8Array, encoding: TextEncoding): string {
  const decoder = decoderFor(encoding);
  const step = 1 << 20;
  const parts: string[] = [];
  let lines = 1;
  for (let at = 0; at < bytes.length; at += step) {
    try {
      parts.push(decoder.decode(bytes.subarray(at, at + step), { stream: at + step < bytes.length }));
    } catch {
      throw encodingError(path, lines, encoding);
    }
    lines += countLineBreaks(parts[parts.length - 1], '\n');
  }
  return parts.join('');
}

/**
 * Bytes to text for the CSV importer, in every encoding it reads (TEXT_ENCODINGS), with one
 * streaming interface: `decode(bytes, { stream: true })` for each piece, then a last call
 * without `stream` (the decoder is then ready for a new text).
 *
 * UTF-8 and UTF-16 go through the WHATWG TextDecoder, strict (a malformed sequence throws, so the
 * importer can name the line). Windows-1252 goes through iconv-lite, not TextDecoder: Node 20's
 * TextDecoder (with small-icu builds and some full-icu ones) maps 0x80-0x9F to the C1 control
 * characters of Latin-1 instead of € ‚ „ “ ” – — ™ and the rest, which spreadsheets write there.
 * The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
 */
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import type { TextEncoding } from '../../shared/data/csv-options';

/** A streaming decoder for one text. */
export interface TextDecoding {
  /**
   * The text of `bytes`; with `stream`, an incomplete character at the end waits for the next
   * piece. Without bytes: the end of the text (what an incomplete last character decodes to).
   */
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

/** iconv-lite's decoder behind TextDecoder's interface (a fresh one after each final call). */
class LegacyDecoder implements TextDecoding {
  private decoder: iconv.DecoderStream | null = null;

  constructor(private readonly encoding: 'windows-1252') {}

  decode(bytes: Uint8Array = new Uint8Array(0), options: { stream?: boolean } = {}): string {
    const decoder = (this.decoder ??= iconv.getDecoder(this.encoding, { stripBOM: false }));
    const text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (options.stream) return text;
    this.decoder = null;
    return text + (decoder.end() ?? '');
  }
}

/** A decoder for `encoding`; UTF-8 and UTF-16 throw a TypeError on malformed input. */
export function textDecoder(encoding: TextEncoding): TextDecoding {
  if (encoding === 'windows-1252') return new LegacyDecoder(encoding);
  return new TextDecoder(encoding, { fatal: true });
}

/** The whole of `bytes` as text in `encoding` (throws like `textDecoder`). */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  return textDecoder(encoding).decode(bytes);
}

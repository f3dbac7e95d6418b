/**
 * The choices of how a CSV file is read, in one place: the spec's data section, the import
 * wizard's requests and the importer all take their values from these lists.
 */

/** The field delimiters the importer reads and detects. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
/** One of `DELIMITERS`. */
export type Delimiter = (typeof DELIMITERS)[number];

/** The characters between a number's whole and fractional part: "1.5" or "1,5". */
export const DECIMAL_MARKS = ['.', ','] as const;
/** One of `DECIMAL_MARKS`. */
export type DecimalMark = (typeof DECIMAL_MARKS)[number];

/**
 * Text encodings read: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"; little- or
 * big-endian), or Windows-1252 (older Excel exports).
 */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
/** One of `TEXT_ENCODINGS`. */
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/**
 * What happens to a row missing a value in a used column: leave it out ("drop"), fill an
 * input with its column's mean ("mean"), or stop the import with an error ("error").
 */
export const MISSING_POLICIES = ['drop', 'mean', 'error'] as const;
/** One of `MISSING_POLICIES`. */
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** A choice, or "auto" to detect it from the file. */
export type OrAuto<T> = T | 'auto';

/** `values` with "auto" appended: what a spec or a request may say. */
export function withAuto<const T extends readonly unknown[]>(values: T): readonly [...T, 'auto'] {
  return [...values, 'auto'] as const;
}

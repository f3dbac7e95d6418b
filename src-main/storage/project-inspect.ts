/**
 * Deciding whether a file is an MLP Lab project this build can read from its 100-byte SQLite
 * header (https://www.sqlite.org/fileformat.html §1.3): the magic
 * string, the page size and page count (a file shorter than they say was cut off), the
 * application id (ours, or someone else's database), and the user version (our schema version).
 */
import { basename } from 'node:path';
import { TextDecoder } from 'node:util';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema';
import { UserError } from '../../shared/errors';

/** Why a file cannot be opened: lets the UI choose what to offer (a recovery copy, an update). */
export type ProjectFileProblem = 'missing' | 'unreadable' | 'not-sqlite' | 'foreign' | 'truncated' | 'corrupt' | 'newer' | 'unsaved';

/** A project file that cannot be opened or saved; the message says what happened and what to do. */
export class ProjectFileError extends UserError {
  override name = 'ProjectFileError';
  constructor(readonly problem: ProjectFileProblem, readonly path: string, message: string) {
    super(message);
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** What the header says. */
export interface HeaderFacts {
  pageSize: number;
  /** Pages the header says the database has (0 when the header's count is not valid). */
  pageCount: number;
  applicationId: number;
  userVersion: number;
}

/** Recognises some common files people open by mistake, for a friendlier message. */
function whatIsIt(bytes: Uint8Array): string {
  const ascii = (n: number) => String.fromCharCode(...bytes.subarray(0, n));
  if (bytes.length === 0) return 'it is empty';
  if (bytes[0] === 0x89 && ascii(4).slice(1) === 'PNG') return 'it is a PNG image';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'it is a JPEG image';
  if (ascii(5) === '%PDF-') return 'it is a PDF document';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'it is a ZIP archive (or an Office document)';
  const text = new TextDecoder().decode(bytes.subarray(0, 200)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') && text.includes('"mlp-lab-spec"')) return 'it is an MLP Lab spec (JSON); create a project from it with `mlp-lab init SPEC -o PROJECT.mlplab` or File > New from Spec';
  if (text.startsWith('{') && text.includes('"mlp-lab-weights"')) return 'it is an MLP Lab weights file (JSON); import it into a run instead';
  if (text.startsWith('{') || text.startsWith('[')) return 'it looks like a JSON file';
  if (/^[^\0]*[,;\t][^\0]*\n/.test(text)) return 'it looks like a CSV or text file; import it as data instead';
  return 'it is not a SQLite database';
}

/**
 * Checks that a file of `size` bytes whose first bytes are `head` is a SQLite database at all;
 * throws ProjectFileError (not-sqlite, truncated) saying what it looks like instead.
 */
export function checkMagic(head: Uint8Array, size: number, path: string): void {
  const name = basename(path);
  const magic = String.fromCharCode(...head.subarray(0, 16));
  if (magic !== SQLITE_MAGIC) {
    if (size < 16 && SQLITE_MAGIC.startsWith(magic) && magic.length > 0) {
      throw new ProjectFileError('truncated', path, `${name} is incomplete: only ${size} bytes of a project file are there; it was cut off while copying or downloading. Copy it again, or open its recovery copy`);
    }
    throw new ProjectFileError('not-sqlite', path, `${name} is not an MLP Lab project: ${whatIsIt(head)}`);
  }
}

/**
 * Checks the header (`head`: at least the first 100 bytes) of a file of `size` bytes; throws
 * ProjectFileError (not-sqlite, truncated, foreign, newer) or returns what the header says.
 */
export function inspectHeader(head: Uint8Array, size: number, path: string): HeaderFacts {
  const name = basename(path);
  checkMagic(head, size, path);
  if (size < 100 || head.length < 100) {
    throw new ProjectFileError('truncated', path, `${name} is incomplete: ${size} bytes, not even a whole database header; it was cut off while copying or downloading. Copy it again, or open its recovery copy`);
  }
  const view = new DataView(head.buffer, head.byteOffset, 100);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const changeCounter = view.getUint32(24);
  const validFor = view.getUint32(92);
  const pageCount = changeCounter === validFor ? view.getUint32(28) : 0;
  const facts: HeaderFacts = { pageSize, pageCount, applicationId: view.getInt32(68) >>> 0, userVersion: view.getInt32(60) };
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new ProjectFileError('corrupt', path, `${name} is damaged: its header gives an impossible page size (${pageSize}); restore it from a backup or open its recovery copy`);
  }
  const expected = pageSize * pageCount;
  if (size < expected || size % pageSize !== 0) {
    throw new ProjectFileError('truncated', path, `${name} is incomplete: the file has ${size} bytes but its header says ${expected || `a multiple of ${pageSize}`}; it was cut off while copying or downloading. Copy it again, or open its recovery copy`);
  }
  if (facts.applicationId !== APPLICATION_ID) {
    throw new ProjectFileError('foreign', path, `${name} is a SQLite database, but not an MLP Lab project (its application id is ${facts.applicationId === 0 ? 'not set' : `0x${facts.applicationId.toString(16)}`}); open it with the program that made it`);
  }
  if (facts.userVersion > SCHEMA_VERSION) {
    throw new ProjectFileError('newer', path, `${name} was written by MLP Lab schema ${facts.userVersion}; this app reads up to schema ${SCHEMA_VERSION}: update MLP Lab to open it`);
  }
  return facts;
}

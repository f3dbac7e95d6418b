/**
 * Reading the CLI's input files: specs and weights as JSON, with errors that name the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Dataset } from '../../shared/data/dataset';
import { createLab, type Lab } from '../../shared/lab';
import { parseSpec, type LabSpec } from '../../shared/spec';
import { isProjectFile, loadProject } from '../storage/load-data';
import { readWeightsFile } from '../storage/weights-io';
import { UserError } from '../../shared/errors';

/** A file the CLI cannot use; the message names it and says why. */
export class InputError extends UserError {
  override name = 'InputError';
}

/** Parsed JSON from `path`; a missing file or a syntax error becomes an InputError. */
export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `cannot find the ${what} ${path}` : `cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputError(`${path} is not valid JSON (${(e as Error).message}); is it a ${what}?`);
  }
}

/** The spec at `path` (a spec JSON file, or a project file's spec), validated; errors are prefixed with the file name. */
export function readSpec(path: string): LabSpec {
  if (isProjectFile(path)) return loadProject(path).spec;
  const json = readJson(path, 'spec file');
  try {
    return parseSpec(json);
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
}

/** Writes `text` to `path`, naming the file if that fails. */
export function writeText(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** The lab for a spec and its data, starting from the weights file at `initPath` if given. */
export function createLabWithInit(spec: LabSpec, data: Dataset, initPath?: string): Lab {
  if (!initPath) return createLab(spec, data);
  const file = readWeightsFile(initPath);
  try {
    return createLab(spec, data, file);
  } catch (e) {
    throw new InputError(`${initPath} does not fit the spec's network: ${(e as Error).message}`);
  }
}

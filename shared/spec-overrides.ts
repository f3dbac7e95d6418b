/**
 * Spec overrides: numbers set at dotted paths of a spec ("seed", "training.learningRate",
 * "network.hidden.0.units"), for running several variants of one lab side by side (N seeds, a
 * few learning rates). Only fields the spec already has can be set.
 */
import { type LabSpec, parseSpec, SpecError } from './spec';

/** Spec path -> value. */
export type SpecOverrides = Record<string, number>;

/**
 * `spec` with every override applied, validated like any spec (SpecError naming the field).
 * `extra` is applied after the overrides (fields the caller sets for every variant).
 */
export function applyOverrides(spec: LabSpec, overrides: SpecOverrides, extra: SpecOverrides = {}): LabSpec {
  const json = structuredClone(spec) as unknown as Record<string, unknown>;
  for (const [path, value] of [...Object.entries(overrides), ...Object.entries(extra)]) setPath(json, path, value);
  return parseSpec(json);
}

/** A few words naming the overrides ("seed = 2, training.learningRate = 0.1"). */
export function describeOverrides(overrides: SpecOverrides): string {
  return Object.entries(overrides).map(([k, v]) => `${k} = ${v}`).join(', ') || 'the current spec';
}

/** Sets `value` at a dotted path of plain JSON; refuses paths that do not exist. */
function setPath(json: Record<string, unknown>, path: string, value: number): void {
  const keys = path.split('.');
  let at: unknown = json;
  for (const k of keys.slice(0, -1)) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, k)) throw new SpecError(path, 'is not a field of the spec');
    at = (at as Record<string, unknown>)[k];
  }
  const last = keys[keys.length - 1];
  const known = typeof at === 'object' && at !== null && Object.hasOwn(at, last);
  if (!known || ['__proto__', 'constructor', 'prototype'].includes(last)) throw new SpecError(path, 'is not a field of the spec');
  (at as Record<string, unknown>)[last] = value;
}

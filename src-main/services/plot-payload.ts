/**
 * The project's prepared data as the window receives it (lab:getDataset): each part whole or, when
 * large, an even sample of it, and each input's range and mean over every row
 * (shared/data/plot-sample.ts says why). The statistics are computed in slices between main's
 * other work and kept per prepared parts, so asking again costs nothing. A failure is not kept.
 */
import { type ColumnStats, columnStatsSliced, samplePart } from '../../shared/data/plot-sample';
import type { DatasetPayload } from '../../shared/ipc';
import type { SharedParts } from '../../shared/worker-protocol';
import { runSliced } from '../training/parts-cache';

const statsOf = new WeakMap<SharedParts, Promise<{ inputs: ColumnStats; targets: ColumnStats }>>();

/** The window's view of prepared parts. */
export async function plotPayload(parts: SharedParts): Promise<DatasetPayload> {
  let stats = statsOf.get(parts);
  if (!stats) {
    const all = [parts.train, parts.validation, parts.test];
    stats = (async () => ({ inputs: await runSliced(columnStatsSliced(all, 'inputs')), targets: await runSliced(columnStatsSliced(all, 'targets')) }))();
    statsOf.set(parts, stats);
    stats.catch(() => statsOf.delete(parts));
  }
  return {
    inputNames: parts.train.inputNames,
    targetNames: parts.train.targetNames,
    ...(parts.train.classLabels ? { classLabels: parts.train.classLabels } : {}),
    normalization: parts.normalization,
    train: samplePart(parts.train),
    validation: samplePart(parts.validation),
    test: samplePart(parts.test),
    inputStats: (await stats).inputs,
    targetStats: (await stats).targets,
  };
}

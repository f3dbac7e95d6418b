import { readFileSync } from 'node:fs';

/** What every numpy fixture records of its problem: the network, the data and the descent run on it. */
export interface FixtureProblem {
  inputs: number;
  layers: { units: number; activation: string }[];
  costName: string;
  n: number;
  x: number[];
  t: number[];
  lr: number;
  steps: number;
}

/** One of the seed's runs in test/fixtures/seed-runs.json (numpy's NeuralNetwork.fit, recorded). */
export interface SeedRun extends FixtureProblem {
  params0: number[];
  checkpoints: { step: number; E: number }[];
  paramsFinal: number[];
}

/** The seed's two runs, keyed 'xor' (the blog post's XOR quadrants) and 'sine'. */
export function seedRuns(): Record<'xor' | 'sine', SeedRun> {
  return JSON.parse(readFileSync(new URL('../fixtures/seed-runs.json', import.meta.url), 'utf8')) as Record<'xor' | 'sine', SeedRun>;
}

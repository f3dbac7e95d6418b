// A trainer worker whose data-parallel helper duty fails on purpose, for
// test/main/data-parallel.test.ts: the real worker (MLP_LAB_FAULTY_TARGET, the URL of the built
// or the source worker) is loaded after a message listener that sees each request first. A
// `helper` request of a run whose spec has seed 666 ends the thread (process.exit: a crash);
// seed 667 makes the helper fail with an error while the thread lives on (its request loses its
// data, so the worker's own handler throws and replies ok: false).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  if (msg?.type !== 'helper' || msg.index !== 1) return;
  if (msg.spec.seed === 666) process.exit(7);
  if (msg.spec.seed === 667) msg.parts = null;
});

await import(process.env.MLP_LAB_FAULTY_TARGET);

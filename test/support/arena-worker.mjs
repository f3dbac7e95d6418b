// A thread that allocates blocks on a shared kernel memory, for
// test/engine/shared-kernel-memory.test.ts: an instance of the kernels on workerData.memory says
// 'ready', spins until workerData.go[0] is 1 (spinning, not sleeping in Atomics.wait: a woken
// thread starts a scheduler round trip later, and the other may be done by then), hands out
// blocks of workerData.sizes and posts their addresses back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { kernelInstanceOn } = await import('../../shared/engine/wasm/runtime.ts');
const k = kernelInstanceOn(workerData.memory);
parentPort.postMessage('ready');
// (Not forever: a test that failed before the start would leave this thread spinning.)
const giveUp = Date.now() + 30_000;
while (Atomics.load(workerData.go, 0) === 0) if (Date.now() > giveUp) process.exit(1);
parentPort.postMessage(workerData.sizes.map((size) => k.arena.alloc(size)));

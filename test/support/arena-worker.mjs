// A thread that allocates blocks on a shared kernel memory, for
// test/engine/shared-kernel-memory.test.ts: an instance of the kernels on workerData.memory says
// 'ready', waits until workerData.go[0] is 1 (so two such threads allocate at the same moment),
// hands out blocks of workerData.sizes and posts their addresses back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { kernelInstanceOn } = await import('../../shared/engine/wasm/runtime.ts');
const k = kernelInstanceOn(workerData.memory);
parentPort.postMessage('ready');
Atomics.wait(workerData.go, 0, 0);
parentPort.postMessage(workerData.sizes.map((size) => k.arena.alloc(size)));

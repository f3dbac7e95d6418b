import { kernelInstance, Scratch } from '../shared/engine/wasm/runtime';
const inst = kernelInstance()!;
const x = inst.exports;
function t(m: number, n: number, k: number, aRow: number, aP: number, bP: number, bCol: number) {
  const s = new Scratch(inst); s.reset();
  const pA = s.take(m*k*8), pB = s.take(k*n*8), pC = s.take(m*n*8), pW = s.take(x.gemm_work_f64(m,n,k)); s.ensure();
  const v = new Float64Array(inst.memory.buffer);
  for (let i = pA/8; i < (pA/8 + m*k); i++) v[i] = Math.random();
  for (let i = pB/8; i < (pB/8 + n*k); i++) v[i] = Math.random();
  let best = 1e9;
  for (let r = 0; r < 40; r++) { const t0 = performance.now(); x.gemm_f64(m,n,k,pA,aRow,aP,pB,bP,bCol,pC,0,0,pW); best = Math.min(best, performance.now()-t0); }
  console.log(m,n,k, best.toFixed(3), 'ms', (2*m*n*k/best/1e6).toFixed(2), 'GF');
}
t(128,256,784, 784,1, 256,1);
t(784,256,128, 1,784, 256,1);
t(128,784,256, 256,1, 1,256);
t(512,512,512, 512,1,512,1);

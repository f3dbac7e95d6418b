import { mnistProblem } from './workloads';
import { Network } from '../shared/engine/network';
import { cost } from '../shared/engine/costs';
import { LocalGradient } from '../shared/trainer';
const p = mnistProblem(1, 60000);
const net = new Network(p.inputs, p.layers, cost(p.costName));
net.params.set(p.params0);
const lg = new LocalGradient(net);
const xb = new Float64Array(p.batch * p.inputs), tb = new Float64Array(p.batch * p.outputs);
const scratch = new Float64Array(net.size), keep = new Float64Array(net.size);
const t0 = performance.now();
for (let b = 0; b < 469; b++) {
  const start = b * p.batch; const rows = Math.min(p.batch, p.n - start);
  for (let r = 0; r < rows; r++) { const s = p.order[start + r]; xb.set(p.x.subarray(s * p.inputs, (s + 1) * p.inputs), r * p.inputs); tb.set(p.t.subarray(s * p.outputs, (s + 1) * p.outputs), r * p.outputs); }
  lg.gradient(net.params, xb, tb, rows, scratch, p.lr, keep);
}
console.log('epoch', (performance.now() - t0) / 1000);

import { mnistProblem, timeEpoch } from './workloads';
const p = mnistProblem(1, 60000);
const r = timeEpoch(p, 1);
console.log(r);

"""Times the seed's numpy code (test/fixtures/seed_port.py, its NeuralNetwork.fit) on the
benchmark workloads, for `npm run bench` (bench/run.ts), which starts this script and reads one
JSON line from its stdout.

    python3 bench/numpy_seed.py JOB.json

JOB.json: {"w1": {...}, "w2": {...}, "w3": {...}, "gemm": [...]}, any subset. W1/W2 name a run of
test/fixtures/seed-runs.json and a step count; W3 names raw little-endian float64 files for the
inputs (n x inputs) and one-hot targets (n x outputs), the initial parameters, the batch order
and how many batches to time; "gemm" lists product shapes ({m, n, k, layout}) whose GFLOP/s to
measure. Thread counts are whatever the environment sets (bench/run.ts
sets OPENBLAS_NUM_THREADS etc.).
"""

import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'test', 'fixtures'))
import seed_port as sp  # noqa: E402

LAYERS = {'tanh': sp.TanhLayer, 'linear': sp.LinearLayer, 'sigmoid': sp.SigmoidLayer, 'relu': sp.ReLULayer}
COSTS = {'sum-of-squares': sp.SumSquaresError, 'sigmoid-cross-entropy': sp.SigmoidCrossEntropy,
         'softmax-cross-entropy': sp.SoftmaxCrossEntropy}


def build(inputs, layers, cost_name, params):
    built, fan_in = [], inputs
    for l in layers:
        built.append(LAYERS[l['activation']](fan_in, l['units'], random_state=0))
        fan_in = l['units']
    net = sp.NeuralNetwork(built, COSTS[cost_name]())
    net.set_params(params)
    return net


def full_batch(run, steps, warmup, repeat, chunks):
    """Seconds per fit() step of full-batch GD from the fixture's params0: the fastest of
    `chunks` equal chunks of the steps, over `repeat` runs (as bench/workloads.ts times ours)."""
    x = np.array(run['x'], dtype=float).reshape(run['n'], run['inputs'])
    t = np.array(run['t'], dtype=float).reshape(run['n'], -1)
    net = build(run['inputs'], run['layers'], run['costName'], run['params0'])
    for _ in range(warmup):
        net.fit(x, t, run['lr'])
    chunk = max(1, steps // chunks)
    best = float('inf')
    for _ in range(repeat):
        net.set_params(run['params0'])
        for done in range(0, steps, chunk):
            m = min(chunk, steps - done)
            start = time.perf_counter()
            for _ in range(m):
                net.fit(x, t, run['lr'])
            best = min(best, (time.perf_counter() - start) / m)
    # E after the timed steps: lets the caller compare with its own run of the same length.
    return {'secondsPerStep': best, 'steps': steps, 'E': float(net.cost(x, t))}


def mini_batch(job):
    """Seconds for `batches` mini-batch fit() steps in the given order (gathering included)."""
    n, d, k = job['n'], job['inputs'], job['outputs']
    x = np.fromfile(job['xFile'], dtype='<f8').reshape(n, d)
    t = np.fromfile(job['tFile'], dtype='<f8').reshape(n, k)
    order = np.fromfile(job['orderFile'], dtype='<i4')
    net = build(d, job['layers'], job['costName'], np.fromfile(job['paramsFile'], dtype='<f8'))
    b, lr = job['batch'], job['lr']
    starts = list(range(0, n, b))[: job['batches']]

    def step(s):
        idx = order[s:s + b]
        net.fit(x[idx], t[idx], lr)

    for s in starts[:3]:
        step(s)  # warm-up (BLAS buffers, page faults)
    net.set_params(np.fromfile(job['paramsFile'], dtype='<f8'))
    # Time a few batches first; when the whole epoch would exceed the budget, time only as many
    # batches as fit in half of it (the caller scales by rows).
    budget = job.get('budgetSeconds', 120)
    start = time.perf_counter()
    for s in starts[:10]:
        step(s)
    probe = time.perf_counter() - start
    if probe / min(10, len(starts)) * len(starts) > budget:
        starts = starts[:max(10, int(0.5 * budget / (probe / 10)))]
    # The rest in `chunks` chunks; the fastest chunk's pace per row counts (as bench/workloads.ts).
    rest = starts[10:] or starts
    per_chunk = max(1, -(-len(rest) // job.get('chunks', 1)))
    best = float('inf')
    for c in range(0, len(rest), per_chunk):
        t0 = time.perf_counter()
        for s in rest[c:c + per_chunk]:
            step(s)
        best = min(best, (time.perf_counter() - t0) / sum(min(b, n - s) for s in rest[c:c + per_chunk]))
    elapsed = time.perf_counter() - start
    rows = sum(min(b, n - s) for s in starts)
    return {'secondsPerRow': best, 'seconds': elapsed, 'batches': len(starts), 'rows': rows}


def gemm(shapes, dtype='float64', repeat=30):
    """GFLOP/s of numpy's matrix product (its BLAS) on each shape in `dtype`, as our kernel is
    timed (bench/kernels.ts): the fastest of `repeat` products after a warm-up."""
    rng = np.random.default_rng(0)
    rates = []
    for s in shapes:
        m, n, k, layout = s['m'], s['n'], s['k'], s['layout']
        a = rng.standard_normal((k, m) if layout == 'TN' else (m, k)).astype(dtype)
        b = rng.standard_normal((n, k) if layout == 'NT' else (k, n)).astype(dtype)
        prod = {'NN': lambda: a @ b, 'TN': lambda: a.T @ b, 'NT': lambda: a @ b.T}[layout]
        for _ in range(5):
            prod()
        best = float('inf')
        for _ in range(repeat):
            t0 = time.perf_counter()
            prod()
            best = min(best, time.perf_counter() - t0)
        rates.append(2 * m * n * k / best / 1e9)
    return rates


def main():
    job = json.load(open(sys.argv[1]))
    out = {'numpy': np.__version__}
    if 'gemm' in job:
        out['gemm'] = gemm(job['gemm'])
        out['gemm32'] = gemm(job['gemm'], 'float32')
    if 'w1' in job or 'w2' in job:
        runs = json.load(open(os.path.join(HERE, '..', 'test', 'fixtures', 'seed-runs.json')))
    for key in ('w1', 'w2'):
        if key in job:
            w = job[key]
            out[key] = full_batch(runs[w['run']], w['steps'], w['warmup'], w.get('repeat', 1), w.get('chunks', 1))
    if 'w3' in job:
        out['w3'] = mini_batch(job['w3'])
    print(json.dumps(out))


if __name__ == '__main__':
    main()

"""Train an MLP Lab network with PyTorch, on one process or many (torchrun).

Written by `mlp-lab export --format pytorch`. This folder holds everything the run needs:

    config.json            the network, the cost, the optimiser and its settings (and the lab spec)
    initial-weights.json   the weights training starts from (an mlp-lab-weights file)
    train-x.npy, train-t.npy              training inputs (normalised) and targets (one-hot for classes)
    validation-x.npy, validation-t.npy    the validation split, when the spec has one

It builds the same network in float64, with the same error function summed over samples (E as
PRML (5.11) defines it, not a mean), the same optimiser and the same mini-batch order as MLP Lab,
so on one machine it ends where `mlp-lab train` ends, to rounding. It writes the result as an
mlp-lab-weights file and a training log; `mlp-lab import-weights PROJECT weights.json` adds it to
the project as a run, with its cost curve.

    python3 train.py                                       one process (CPU, or a GPU if there is one)
    torchrun --nproc_per_node 4 train.py                   four processes on this machine
    torchrun --nnodes 2 --nproc_per_node 8 ... train.py    a cluster (see docs/pytorch.md)

Distributed, every process holds a shard of every batch and DistributedDataParallel adds up the
shards' gradients, so each step uses the gradient of the whole batch, as on one process. Rank 0
writes the files. Needs torch and numpy, nothing else.
"""
import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

HERE = Path(__file__).resolve().parent
torch.set_default_dtype(torch.float64)


# --- The network: z = h(x W + b) layer by layer, PRML (5.2)-(5.3) ---------------------------------

ACTIVATIONS = {"linear": lambda a: a, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}


class Network(torch.nn.Module):
    """A multilayer perceptron whose layers hold W (inputs x units) and b, as the weights file does.

    The last layer is linear: it returns the logits a, and the error function applies the output
    function (identity, sigmoid, softmax, or the mixture's), as in PRML section 5.2.
    """

    def __init__(self, weights_file):
        super().__init__()
        self.activations = [layer["activation"] for layer in weights_file["layers"]]
        # float64 even where JSON wrote whole numbers (a bias of 0 reads back as an int).
        tensor = lambda values: torch.nn.Parameter(torch.tensor(values, dtype=torch.float64))
        self.W = torch.nn.ParameterList([tensor(l["weights"]) for l in weights_file["layers"]])
        self.b = torch.nn.ParameterList([tensor(l["bias"]) for l in weights_file["layers"]])

    def forward(self, x):
        for W, b, activation in zip(self.W, self.b, self.activations):
            x = ACTIVATIONS[activation](x @ W + b)
        return x

    def flat(self):
        """Every weight and bias in MLP Lab's order: per layer W row by row, then b."""
        return torch.cat([t.detach().reshape(-1) for W, b in zip(self.W, self.b) for t in (W, b)]).tolist()


# --- The error functions, summed over samples (PRML section 5.2) ---------------------------------

def sum_of_squares(a, t):
    """E = 1/2 sum (y - t)^2 with y = a, PRML (5.11)."""
    return 0.5 * ((a - t) ** 2).sum()


def sigmoid_cross_entropy(a, t):
    """E = -sum [t ln y + (1 - t) ln(1 - y)] with y = sigmoid(a), PRML (5.21), from the logits."""
    return F.binary_cross_entropy_with_logits(a, t, reduction="sum")


def softmax_cross_entropy(a, t):
    """E = -sum_n sum_k t_nk ln y_nk with y = softmax(a), PRML (5.24)-(5.25)."""
    return -(t * torch.log_softmax(a, dim=1)).sum()


def mixture_density(components):
    """E = -sum_n ln sum_k pi_k N(t_n | mu_k, sigma_k^2 I), PRML (5.153): K mixing logits, K*D means, K log sigmas."""
    def error(a, t):
        K, D = components, t.shape[1]
        log_pi = torch.log_softmax(a[:, :K], dim=1)                      # PRML (5.150)
        mu = a[:, K:K + K * D].reshape(-1, K, D)                         # PRML (5.152)
        log_sigma = a[:, K + K * D:]                                      # sigma = exp(.), PRML (5.151)
        d2 = ((t[:, None, :] - mu) ** 2).sum(2)
        log_n = -D * (log_sigma + 0.5 * math.log(2 * math.pi)) - 0.5 * d2 * torch.exp(-2 * log_sigma)
        return -torch.logsumexp(log_pi + log_n, dim=1).sum()
    return error


def error_function(config):
    cost = config["cost"]
    if cost == "mixture-density":
        return mixture_density(config["components"])
    return {"sum-of-squares": sum_of_squares, "sigmoid-cross-entropy": sigmoid_cross_entropy,
            "softmax-cross-entropy": softmax_cross_entropy}[cost]


# --- The optimisers, written out as MLP Lab applies them (shared/engine/optimizers/) ----------------

class Optimizer:
    """gd and sgd: w <- w - eta dE/dw, PRML (5.41) and (5.43); momentum: v <- mu v - eta dE/dw,
    w <- w + v; adam: Kingma and Ba's bias-corrected moments."""

    def __init__(self, params, training):
        self.params, self.t = list(params), 0
        self.kind, self.eta = training["optimizer"], training["learningRate"]
        self.mu, self.beta1, self.beta2, self.epsilon = training["momentum"], training["beta1"], training["beta2"], training["epsilon"]
        self.v = [torch.zeros_like(p) for p in self.params]  # momentum's velocity, or Adam's second moment
        self.m = [torch.zeros_like(p) for p in self.params]  # Adam's first moment

    @torch.no_grad()
    def step(self):
        self.t += 1
        c1, c2 = 1 / (1 - self.beta1 ** self.t), 1 / (1 - self.beta2 ** self.t)
        for p, v, m in zip(self.params, self.v, self.m):
            g = p.grad
            if self.kind in ("gd", "sgd"):
                p.sub_(self.eta * g)
            elif self.kind == "momentum":
                v.mul_(self.mu).sub_(self.eta * g)
                p.add_(v)
            elif self.kind == "adam":
                m.mul_(self.beta1).add_((1 - self.beta1) * g)
                v.mul_(self.beta2).add_((1 - self.beta2) * g * g)
                p.sub_(self.eta * (m * c1) / (torch.sqrt(v * c2) + self.epsilon))
            else:
                raise SystemExit(f"train.py: unknown optimizer {self.kind}")


# --- The mini-batch order: MLP Lab's seeded generator, so batches are the lab's -------------------

MASK = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK


class Rng:
    """xoshiro128** seeded through splitmix32, as shared/engine/rng.ts: the same draws from the same seed."""

    def __init__(self, seed):
        x = (int(seed) & MASK) ^ (int(seed / 2 ** 32) & MASK)
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & MASK
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & MASK
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK
            state.append(z ^ (z >> 16))
        self.s = state if any(state) else [1, 0, 0, 0]

    @staticmethod
    def derive(seed, purpose):
        """The generator of one purpose ("batches") of a seed: Rng.derive in rng.ts."""
        h = 0x811C9DC5 ^ (int(seed) & MASK)
        for c in purpose:
            h = ((h ^ ord(c)) * 0x01000193) & MASK
        return Rng(h * 0x100000 + (int(seed / 2 ** 32) & 0xFFFFF))

    def next_uint32(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 9) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def below(self, n):
        """A uniform integer on [0, n) without modulo bias."""
        limit = 2 ** 32 - (2 ** 32 % n)
        while True:
            r = self.next_uint32()
            if r < limit:
                return r % n

    def shuffle(self, a):
        """Fisher-Yates, from the end, in place."""
        for i in range(len(a) - 1, 0, -1):
            j = self.below(i + 1)
            a[i], a[j] = a[j], a[i]


class Batches:
    """The rows of each step: the whole training set (gd), or the next `size` rows of a shuffled order,
    reshuffled at the start of every epoch (sgd, momentum, adam), as MLP Lab's trainer draws them."""

    def __init__(self, n, size, seed):
        self.n, self.size = n, size
        self.rng, self.order, self.cursor = Rng.derive(seed, "batches"), list(range(n)), n

    def next(self):
        if self.size is None:
            return range(self.n)
        rows = []
        for _ in range(min(self.size, self.n)):
            if self.cursor >= self.n:
                self.rng.shuffle(self.order)
                self.cursor = 0
            rows.append(self.order[self.cursor])
            self.cursor += 1
        return rows


# --- Training ------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description="Train this MLP Lab network with PyTorch (see the top of this file).")
    parser.add_argument("--steps", type=int, help="parameter updates (default: the spec's)")
    parser.add_argument("--out", default=str(HERE / "weights.json"), help="the weights file to write (default: weights.json here)")
    parser.add_argument("--log", default=str(HERE / "training-log.json"), help="the training log to write (default: training-log.json here)")
    parser.add_argument("--device", help="cpu, cuda, cuda:1, ... (default: this process's GPU under torchrun, if any, else the CPU)")
    args = parser.parse_args()

    config = json.loads((HERE / "config.json").read_text())
    training = dict(config["training"])
    if args.steps is not None:
        training["steps"] = args.steps

    # torchrun sets WORLD_SIZE, RANK and LOCAL_RANK; plain `python3 train.py` is one process.
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(args.device or (f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu"))
    backend = "nccl" if device.type == "cuda" else "gloo"
    if world > 1:
        dist.init_process_group(backend=backend)

    def load(name):
        return torch.from_numpy(np.load(HERE / name)).to(device)

    x, t = load(config["data"]["train"]["x"]), load(config["data"]["train"]["t"])
    validation = config["data"].get("validation")
    vx, vt = (load(validation["x"]), load(validation["t"])) if validation else (None, None)

    initial = json.loads((HERE / config["initialWeights"]).read_text())
    net = Network(initial).to(device)
    model = DistributedDataParallel(net) if world > 1 else net
    error = error_function(config)
    optimizer = Optimizer(net.parameters(), training)
    batches = Batches(len(x), training["batchSize"], config["seed"])
    decay = training["weightDecay"]
    patience = (training["earlyStopping"] or {}).get("patience")

    curve = {"steps": [], "train": [], "validationSteps": [], "validation": []}
    status, message, step = "finished", None, 0
    best = (math.inf, None, None)  # validation E/N, its step, its weights
    since_best = 0
    previous = [p.detach().clone() for p in net.parameters()]  # the weights before the last step
    started = time.perf_counter()
    while step < training["steps"]:
        rows = batches.next()
        shard = rows[rank * len(rows) // world:(rank + 1) * len(rows) // world]
        # A range (the whole set) is a view; a list of rows gathers a copy.
        index = slice(shard.start, shard.stop) if isinstance(shard, range) else shard
        e = error(model(x[index]), t[index])
        # DistributedDataParallel averages the processes' gradients; scaling each shard's E by the
        # number of processes makes that average the gradient of the sum, E over the whole batch.
        loss = e * world
        if decay > 0:
            # E~ = E + lambda/2 w^T w over the weights, not the biases, PRML (5.112).
            loss = loss + 0.5 * decay * sum((W * W).sum() for W in net.W)
        optimizer_zero(net)
        loss.backward()
        batch_e = e.detach().clone()
        if world > 1:
            dist.all_reduce(batch_e)  # E of the whole batch: the sum of the shards'
        batch_e = batch_e.item() + (0.5 * decay * sum((W * W).sum().item() for W in net.W) if decay > 0 else 0)
        if not math.isfinite(batch_e):
            with torch.no_grad():
                for p, q in zip(net.parameters(), previous):
                    p.copy_(q)
            status = "diverged"
            message = f"diverged at step {step + 1}: E became {batch_e} with learning rate {training['learningRate']}; lower the learning rate (the last finite weights are kept)"
            break
        for p, q in zip(net.parameters(), previous):
            q.copy_(p.detach())
        optimizer.step()
        curve["steps"].append(step)
        curve["train"].append(batch_e / len(rows))
        step += 1
        if vx is not None and (step % training["validateEvery"] == 0 or step >= training["steps"]):
            with torch.no_grad():
                v = error(net(vx), vt).item() / len(vx)
            curve["validationSteps"].append(step)
            curve["validation"].append(v)
            if patience:
                if v < best[0]:
                    best, since_best = (v, step, [p.detach().clone() for p in net.parameters()]), 0
                else:
                    since_best += 1
                    if since_best >= patience:
                        message = f"early stopping at step {step}: validation E/N had not improved for {patience} checks; restored the weights of step {best[1]}"
                        break
    if patience and best[2] is not None and best[1] < step:
        with torch.no_grad():
            for p, q in zip(net.parameters(), best[2]):
                p.copy_(q)
        message = message or f"finished {step} steps; restored the weights of step {best[1]}, the best on validation"
    seconds = time.perf_counter() - started

    if rank == 0:
        result = {key: initial[key] for key in ("format", "version", "inputs", "outputs", "normalization", "cost", "components", "classLabels") if key in initial}
        result["layers"] = [{"activation": a, "weights": W.detach().cpu().tolist(), "bias": b.detach().cpu().tolist()}
                            for a, W, b in zip(net.activations, net.W, net.b)]
        Path(args.out).write_text(json.dumps(result) + "\n")
        spec = dict(config["spec"], training=dict(config["spec"]["training"], steps=training["steps"]))
        log = {"format": "mlp-lab-training-log", "version": 1,
               "trainedWith": f"PyTorch {torch.__version__}, {world} process{'es' if world > 1 else ''} ({backend if world > 1 else device.type})",
               "spec": spec, "status": status, "steps": step, "seconds": seconds, "curve": curve,
               "initialWeights": Network(initial).flat(), **({"message": message} if message else {}),
               **({"bestStep": best[1]} if patience and best[1] is not None else {})}
        Path(args.log).write_text(json.dumps(log) + "\n")
        print(f"{status}: {step} steps in {seconds:.2f} s on {world} process{'es' if world > 1 else ''}; "
              f"E/N {curve['train'][-1] if curve['train'] else float('nan'):.6g} before the last update; wrote {args.out} and {args.log}")
        if message:
            print(message)
    if world > 1:
        # Every process is done: leave without tearing the process group down. Gloo's group in
        # PyTorch 1.13 can deadlock in its destructor at exit (its worker thread waits for the
        # interpreter lock the main thread holds while joining it), so skip the teardown.
        dist.barrier()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def optimizer_zero(net):
    for p in net.parameters():
        p.grad = None


if __name__ == "__main__":
    main()

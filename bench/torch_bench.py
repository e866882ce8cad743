"""PyTorch CPU peer for `deno task bench` (run by bench/torch_peer.ts with /usr/bin/python3).

Prints one JSON line per bench:
  {"bench": "<name>", "impl": "pytorch-cpu", "value": <number>, "unit": "<unit>"}

Workload parameters mirror bench/_workloads.ts; timing mirrors bench/_harness.ts `measure`
(warm-up runs, then repeat until a minimum time, report the median).

Usage: /usr/bin/python3 bench/torch_bench.py [--filter SUBSTRING] [--quick]
"""

import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(0)

# --- mirrored from bench/_workloads.ts -------------------------------------------------------
ELEMENTWISE_N = 4 * 1024 * 1024
ELEMENTWISE_BATCH = 20
DISPATCH_N = 64
DISPATCH_OPS = 500
TRAIN_BATCH = 64
TRAIN_LR = 0.01
TRAIN_MOMENTUM = 0.9
NUM_CLASSES = 10
# 20 steps per timed run (tempo and tfjs run 100, see _workloads.ts): PyTorch's step time on a shared
# 2-core VM jumps between ~0.7 and ~3 ms, and longer runs catch more of the slow stretches.
STEPS = {"train_simplenet": 20, "train_mlp784": 20, "train_shallowconv": 3}


def matmul_batch(m, k, n):
    return min(50, max(10, round(2e9 / (2 * m * k * n))))


# --- timing (mirrors _harness.ts measure) ----------------------------------------------------
QUICK = False


def measure(run, warmup=2, min_time_ms=1000.0, min_repeats=3, max_repeats=50):
    """Median wall time of one call of `run`, in ms."""
    if QUICK:
        warmup = min(warmup, 1)
        min_time_ms = min(min_time_ms, 150.0)
        min_repeats = min(min_repeats, 1)
        max_repeats = min(max_repeats, 5)
    for _ in range(warmup):
        run()
    times = []
    spent = 0.0
    while len(times) < max(1, max_repeats) and (len(times) < min_repeats or spent < min_time_ms):
        t0 = time.perf_counter()
        run()
        dt = (time.perf_counter() - t0) * 1000.0
        times.append(dt)
        spent += dt
    return statistics.median(times)


# --- benches ---------------------------------------------------------------------------------
def matmul_gflops(m, k, n):
    a = torch.rand(m, k) * 2 - 1
    b = torch.rand(k, n) * 2 - 1
    out = torch.empty(m, n)
    batch = matmul_batch(m, k, n)

    def run():
        for _ in range(batch):
            torch.mm(a, b, out=out)

    ms = measure(run)
    return 2 * m * k * n * batch / (ms * 1e6)


def elementwise_gbps(n):
    a = torch.rand(n)
    b = torch.rand(n)
    out = torch.empty(n)  # like tfjs' buffer pool: no fresh pages per op

    def run():
        for _ in range(ELEMENTWISE_BATCH):
            torch.add(a, b, out=out)

    ms = measure(run)
    return 3 * 4 * n * ELEMENTWISE_BATCH / (ms * 1e6)


def dispatch_us():
    a = torch.rand(DISPATCH_N)
    b = torch.rand(DISPATCH_N)

    def run():
        x = a
        for _ in range(DISPATCH_OPS):
            x = torch.add(x, b)
        float(x[0])

    ms = measure(run)
    return ms * 1000 / DISPATCH_OPS


def simplenet():
    return nn.Sequential(nn.Flatten(), nn.Linear(3072, 40), nn.ReLU(), nn.Linear(40, NUM_CLASSES))


def mlp784():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, NUM_CLASSES))


def shallowconv():
    def block(cin, cout):
        return [
            nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(),
        ]

    return nn.Sequential(
        *block(3, 64),
        *block(64, 128),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(128, NUM_CLASSES),
    )


def train_samples_per_sec(model, input_shape, steps, **measure_opts):
    model.train()
    x = torch.randn(TRAIN_BATCH, *input_shape)
    y = torch.randint(0, NUM_CLASSES, (TRAIN_BATCH,))
    opt = torch.optim.SGD(model.parameters(), lr=TRAIN_LR, momentum=TRAIN_MOMENTUM)
    loss_fn = nn.CrossEntropyLoss()

    def run(n=steps):
        loss = None
        for _ in range(n):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return loss.item()

    run(1)
    ms = measure(run, **measure_opts)
    return steps * TRAIN_BATCH / (ms / 1000)


BENCHES = [
    ("matmul_256", "GFLOP/s", lambda: matmul_gflops(256, 256, 256)),
    ("matmul_512", "GFLOP/s", lambda: matmul_gflops(512, 512, 512)),
    ("matmul_1024", "GFLOP/s", lambda: matmul_gflops(1024, 1024, 1024)),
    ("matmul_mlp_64x3072x40", "GFLOP/s", lambda: matmul_gflops(64, 3072, 40)),
    ("matmul_mlp_64x40x10", "GFLOP/s", lambda: matmul_gflops(64, 40, 10)),
    ("elementwise_add_4M", "GB/s", lambda: elementwise_gbps(ELEMENTWISE_N)),
    ("dispatch_small", "us", dispatch_us),
    (
        "train_simplenet",
        "samples/s",
        lambda: train_samples_per_sec(simplenet(), (32, 32, 3), STEPS["train_simplenet"]),
    ),
    (
        "train_mlp784",
        "samples/s",
        lambda: train_samples_per_sec(mlp784(), (784,), STEPS["train_mlp784"]),
    ),
    (
        "train_shallowconv",
        "samples/s",
        lambda: train_samples_per_sec(
            shallowconv(), (3, 32, 32), STEPS["train_shallowconv"], warmup=1
        ),
    ),
]


def runtime_blas_is_optimized():
    """Debian's torch is built against the generic libblas.so.3, but the alternatives system may point
    that at OpenBLAS (libopenblas0-pthread) at run time: look at what is actually mapped."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
    except OSError:
        return False
    return "openblas" in maps or "libmkl" in maps or "blis" in maps


def main():
    global QUICK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filter", default="", help="only benches whose name contains this")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    QUICK = args.quick
    if "BLAS_INFO=generic" in torch.__config__.show() and not runtime_blas_is_optimized():
        print(
            "torch_bench: this PyTorch build uses the generic (reference) BLAS, so its matmul "
            "and MLP numbers are far below an MKL/OpenBLAS build; convolutions use oneDNN",
            file=sys.stderr,
        )
    for name, unit, fn in BENCHES:
        if args.filter not in name:
            continue
        try:
            value = fn()
        except Exception as e:  # one failing bench must not hide the others
            print(f"torch_bench: {name} failed: {e}", file=sys.stderr)
            continue
        print(json.dumps({"bench": name, "impl": "pytorch-cpu", "value": value, "unit": unit}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Training speed on the digits: one epoch, time to 95 % test accuracy, a range test.

Run: ``python benchmarks/bench_train.py`` (``--repeat N`` for more repetitions; the
PyTorch rows appear when torch is installed).

(1) one epoch of the digits MLP [64, 128, 10] (ReLU) with Adam, batch 32: through
    ``gdcourse.train.train`` (which also evaluates the training accuracy at the end of
    the epoch) and as the bare loop (mini-batches, ``loss_and_grads``, ``step``);
(2) epochs and seconds until that MLP reaches 95 % test accuracy, wall clock,
    including the evaluation after every epoch (target: under 3 s on one core);
(3) a range test of 100 steps (``lr_range_test`` with its defaults);
(4) with torch installed, the same epoch in PyTorch on the CPU (float64 like ours,
    and float32, its default), with one thread and with torch's default.

NumPy's matrix products go through BLAS, which may start a thread per core. Every
NumPy row is measured twice: with BLAS limited to one thread (threadpoolctl) and with
its default.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import numpy as np

from gdcourse.data import load_digits, minibatches
from gdcourse.lr_finder import lr_range_test
from gdcourse.models import MLP
from gdcourse.optim import Adam
from gdcourse.train import train

try:
    import torch
except ImportError:  # the torch rows are optional
    torch = None

LAYERS = [64, 128, 10]
BATCH = 32
TARGET = 0.95


def blas_threads(n: int | None):
    """A context limiting BLAS to ``n`` threads (None: leave the default)."""
    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n, user_api="blas")


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float], unit: float = 1e3, suffix: str = "ms") -> str:
    return (f"best {min(times) * unit:7.1f} {suffix}   median "
            f"{statistics.median(times) * unit:7.1f} {suffix}")


def epoch_with_train(data, seed: int = 0):
    model = MLP(LAYERS, rng=np.random.default_rng(seed))
    opt = Adam(model.params, lr=1e-3)
    rng = np.random.default_rng(seed)
    return lambda: train(model, opt, data.X_train, data.y_train, epochs=1,
                         batch_size=BATCH, rng=rng, progress=False)


def epoch_bare(data, seed: int = 0):
    model = MLP(LAYERS, rng=np.random.default_rng(seed))
    opt = Adam(model.params, lr=1e-3)
    rng = np.random.default_rng(seed)

    def run():
        for X_batch, y_batch in minibatches(data.X_train, data.y_train, BATCH, rng=rng):
            _, grads = model.loss_and_grads(X_batch, y_batch)
            opt.step(grads)
    return run


def time_to_target(data, seed: int, max_epochs: int = 50) -> tuple[int, float]:
    """Epochs and wall-clock seconds (training + evaluation) until test accuracy >= TARGET."""
    model = MLP(LAYERS, rng=np.random.default_rng(seed))
    opt = Adam(model.params, lr=1e-3)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(1, max_epochs + 1):
        train(model, opt, data.X_train, data.y_train, epochs=1, batch_size=BATCH, rng=rng,
              progress=False)
        if model.score(data.X_test, data.y_test) >= TARGET:
            return epoch, time.perf_counter() - start
    return -1, time.perf_counter() - start


def range_test(data, seed: int = 0):
    def run():
        model = MLP(LAYERS, rng=np.random.default_rng(seed))
        return lr_range_test(model, Adam(model.params), data.X_train, data.y_train,
                             num_steps=100, rng=np.random.default_rng(seed))
    return run


def torch_epoch(data, dtype, seed: int = 0):
    torch.manual_seed(seed)
    X = torch.tensor(data.X_train, dtype=dtype)
    y = torch.tensor(data.y_train)
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(),
                              torch.nn.Linear(128, 10)).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run():
        order = torch.randperm(len(X))
        for start in range(0, len(X), BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad()
            loss_fn(net(X[idx]), y[idx]).backward()
            opt.step()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions")
    parser.add_argument("--seeds", type=int, default=5, help="seeds for (2)")
    args = parser.parse_args()

    data = load_digits(rng=np.random.default_rng(0))
    versions = f"numpy {np.__version__}"
    if torch is not None:
        versions += f", torch {torch.__version__} (default {torch.get_num_threads()} threads)"
    print(versions)
    print(data.summary())
    steps = -(-len(data.y_train) // BATCH)
    print(f"MLP {LAYERS}, Adam lr=1e-3, batch {BATCH}: {steps} steps per epoch\n")

    for threads, label in ((1, "BLAS 1 thread"), (None, "BLAS default threads")):
        with blas_threads(threads):
            print(f"--- gdcourse, {label}")
            with_train = timed(epoch_with_train(data), args.repeat)
            print(f"(1) epoch with train()        {describe(with_train)}")
            print(f"    epoch, bare loop          {describe(timed(epoch_bare(data), args.repeat))}")
            results = [time_to_target(data, seed) for seed in range(args.seeds)]
            epochs = [e for e, _ in results]
            seconds = [s for _, s in results]
            print(f"(2) to {TARGET:.0%} test accuracy    epochs {epochs}, seconds "
                  f"{[round(s, 2) for s in seconds]} (max {max(seconds):.2f} s)")
            result = range_test(data)()
            times = timed(range_test(data), args.repeat)
            print(f"(3) range test ({len(result.lrs)} steps)   {describe(times)}")
            print()

    if torch is not None:
        default_threads = torch.get_num_threads()
        for threads in (1, default_threads):
            torch.set_num_threads(threads)
            print(f"--- torch, {threads} thread{'s' if threads != 1 else ''}")
            for dtype in (torch.float64, torch.float32):
                name = str(dtype).replace("torch.", "")
                print(f"(4) epoch, {name:8s}           "
                      f"{describe(timed(torch_epoch(data, dtype), args.repeat))}")
            print()
        torch.set_num_threads(default_threads)


if __name__ == "__main__":
    main()

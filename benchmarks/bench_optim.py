"""Time per ``step()`` of every gdcourse optimizer, beside PyTorch and the memory floor.

Run: ``python benchmarks/bench_optim.py`` (PyTorch columns appear when it is installed).

(a) a 2-element parameter: per-step overhead, what a 2-D landscape widget pays;
(b) one array of 1,000,000 float64: the large-model hot loop, bounded by memory bandwidth.

Two floors for (b), both measured here:

* ``stream``: a NumPy pass over the same arrays, ``x += g`` for the parameter and each
  state array: it reads the parameter, the gradient and the state and writes the
  parameter and the state, the bytes any implementation of the update must move;
* ``model``: those bytes divided by the bandwidth of a NumPy copy of 8 MB.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gdcourse import optim

try:
    import torch
except ImportError:  # the torch columns are optional
    torch = None

# (name, class name, kwargs, number of state arrays the update reads and writes)
CASES = [
    ("SGD", "SGD", dict(lr=1e-3), 0),
    ("SGD momentum", "SGD", dict(lr=1e-3, momentum=0.9), 1),
    ("Adagrad", "Adagrad", dict(), 1),
    ("RMSprop", "RMSprop", dict(), 1),
    ("Adam", "Adam", dict(), 2),
    ("Adam amsgrad", "Adam", dict(amsgrad=True), 3),
    ("AdamW", "AdamW", dict(), 2),
    ("NAdam", "NAdam", dict(), 2),
    ("Adadelta", "Adadelta", dict(), 2),
]


def best_time(fn, repeat: int, number: int) -> float:
    """Best of `repeat` averages over `number` calls, in seconds per call."""
    fn()  # warm-up: state allocation, first-touch page faults
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def time_ours(cls_name, kwargs, size, repeat, number):
    rng = np.random.default_rng(0)
    param = rng.standard_normal(size)
    grad = [rng.standard_normal(size) * 1e-3]
    opt = getattr(optim, cls_name)([param], **kwargs)
    return best_time(lambda: opt.step(grad), repeat, number)


def time_torch(cls_name, kwargs, size, foreach, repeat, number):
    param = torch.randn(size, dtype=torch.float64, requires_grad=True)
    param.grad = torch.randn(size, dtype=torch.float64) * 1e-3
    opt = getattr(torch.optim, cls_name)([param], foreach=foreach, **kwargs)
    return best_time(opt.step, repeat, number)


def streaming_floor(size: int, n_state: int, repeat: int, number: int) -> float:
    """Seconds for ``x += g`` over the parameter and each of its state arrays."""
    grad = np.ones(size)
    written = [np.ones(size) for _ in range(1 + n_state)]

    def stream():
        for x in written:
            np.add(x, grad, out=x)

    return best_time(stream, repeat, number)


def copy_bandwidth(size: int) -> float:
    """Bytes per second moved by a NumPy copy (one read plus one write per element)."""
    src, dst = np.ones(size), np.empty(size)
    seconds = best_time(lambda: np.copyto(dst, src), 7, 10)
    return 2 * src.nbytes / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch.set_num_threads (default: torch's own choice); NumPy's "
                             "elementwise operations always run on one thread")
    args = parser.parse_args()
    if torch and args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    repeat = 3 if args.quick else 5
    small_number, large_number = (1000, 5) if args.quick else (4000, 10)
    large = 1_000_000
    bandwidth = copy_bandwidth(large)

    print(f"numpy {np.__version__}" + (f", torch {torch.__version__} "
          f"({torch.get_num_threads()} threads)" if torch else ", torch not installed"))
    print(f"copy bandwidth {bandwidth / 1e9:.1f} GB/s\n")
    header = (f"{'optimizer':14s} | {'(a) 2 elements, us/step':^32s} | "
              f"{'(b) 1e6 float64, ms/step':^62s}")
    sub = (f"{'':14s} | {'ours':>8s} {'torch':>8s} {'foreach':>8s} {'x':>5s} | "
           f"{'ours':>7s} {'torch':>7s} {'foreach':>7s} {'stream':>7s} {'model':>7s} "
           f"{'/strm':>6s} {'/model':>6s} {'/fe':>5s}")
    print(header)
    print(sub)
    print("-" * len(sub))
    for label, cls_name, kwargs, n_state in CASES:
        a_ours = time_ours(cls_name, kwargs, 2, repeat, small_number) * 1e6
        b_ours = time_ours(cls_name, kwargs, large, repeat, large_number) * 1e3
        stream = streaming_floor(large, n_state, repeat, large_number) * 1e3
        # read param, grad, state; write param, state
        model = (3 + 2 * n_state) * large * 8 / bandwidth * 1e3
        if torch:
            a_t = time_torch(cls_name, kwargs, 2, False, repeat, small_number) * 1e6
            a_fe = time_torch(cls_name, kwargs, 2, True, repeat, small_number) * 1e6
            b_t = time_torch(cls_name, kwargs, large, False, repeat, large_number) * 1e3
            b_fe = time_torch(cls_name, kwargs, large, True, repeat, large_number) * 1e3
            speedup = min(a_t, a_fe) / a_ours
            print(f"{label:14s} | {a_ours:8.1f} {a_t:8.1f} {a_fe:8.1f} {speedup:5.1f} | "
                  f"{b_ours:7.2f} {b_t:7.2f} {b_fe:7.2f} {stream:7.2f} {model:7.2f} "
                  f"{b_ours / stream:6.1f} {b_ours / model:6.1f} {b_ours / b_fe:5.2f}")
        else:
            print(f"{label:14s} | {a_ours:8.1f} {'-':>8s} {'-':>8s} {'-':>5s} | "
                  f"{b_ours:7.2f} {'-':>7s} {'-':>7s} {stream:7.2f} {model:7.2f} "
                  f"{b_ours / stream:6.1f} {b_ours / model:6.1f} {'-':>5s}")
    print("\nx: torch's faster mode / ours, on (a). /strm and /model: ours / each floor,"
          " on (b). /fe: ours / torch foreach, on (b).")


if __name__ == "__main__":
    main()

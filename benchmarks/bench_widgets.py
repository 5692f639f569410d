"""Update time of the course's explorers: fast ones against the 50 ms median target.

Run: ``MPLBACKEND=Agg .venv/bin/python benchmarks/bench_widgets.py`` (``--changes N``
for more or fewer control changes per explorer, ``--runs N`` for more or fewer presses
of Run per heavy explorer, ``--one-blas-thread`` to limit BLAS to one thread).

For each explorer in :data:`CASES`: construct it, warm up (one pass over every value,
so that caches such as per-landscape contours are filled the way a learner's first
moves fill them), then set the listed control values one by one, cycling through
them, for about 30 changes, and report the median, 90th percentile and maximum.

What one change costs, and how it is measured
---------------------------------------------
The explorer renders its figure to PNG inside ``update`` (the base class blits: only
the artists registered with ``Explorer.animate`` are drawn over a kept raster of the
static part), so ``Explorer.last_update_seconds`` is what a learner waits for:
computation, drawing, render and PNG encoding. The target applies to its median. The
``full`` column is, for reference, one full ``canvas.draw()`` of the same figure (what
every change would cost without blitting), measured once after the sweep.

To add an explorer, append one line to :data:`CASES`::

    (TrainingExplorer, {}, [("lr", [1e-3, 1e-2]), ("batch_size", [16, 64])]),

Heavy explorers (:data:`HEAVY_CASES`) compute only when Run is pressed: the table gives
the median time of a press of Run (computation, a full redraw and the PNG), and of a
change of a live control (redrawn from the stored result, no computation).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from gdcourse.widgets.batch_size import BatchSizeExplorer  # noqa: E402
from gdcourse.widgets.clipping import ClippingExplorer  # noqa: E402
from gdcourse.widgets.descent import StepByStepExplorer  # noqa: E402
from gdcourse.widgets.initialisation import InitialisationExplorer  # noqa: E402
from gdcourse.widgets.quadratic import QuadraticExplorer  # noqa: E402
from gdcourse.widgets.race import OptimizerRaceExplorer  # noqa: E402
from gdcourse.widgets.range_test import RangeTestExplorer  # noqa: E402
from gdcourse.widgets.schedules import PlateauExplorer, ScheduleExplorer  # noqa: E402

TARGET_SECONDS = 0.050

# (explorer class, constructor arguments, [(control name, values to cycle through),
# ...]); controls are changed in turn, one value at a time. Mostly the learning-rate
# slider, dragged to nearby values, as a learner does.
CASES = [
    (StepByStepExplorer, {"steps": 20},
     [("lr", [0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6]), ("steps", [21, 22, 23])]),
    (QuadraticExplorer, {},
     [("lr", [0.02, 0.05, 0.1, 0.15, 0.18, 0.25]), ("momentum", [0.0, 0.3, 0.6, 0.9])]),
    (OptimizerRaceExplorer, {},
     [("lr_Adam", [0.05, 0.1, 0.15, 0.2, 0.3, 0.4]), ("lr_SGD", [0.001, 0.002, 0.003])]),
    (ClippingExplorer, {},
     [("threshold", [0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0])]),
    (ScheduleExplorer, {},
     [("lr", [0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1])]),
    (PlateauExplorer, {},
     [("patience", [2, 3, 4, 5, 6, 8, 10]), ("factor", [0.3, 0.4, 0.5, 0.6, 0.7])]),
]


# (explorer class, constructor arguments, (live control, values to cycle through) or
# None). Each is run with its defaults, as a notebook cell would show it.
HEAVY_CASES = [
    (BatchSizeExplorer, {}, None),
    (BatchSizeExplorer, {"compare": True, "epochs": 1}, None),
    (InitialisationExplorer, {}, ("histograms", ["gradient", "activation"])),
    (RangeTestExplorer, {}, ("smoothing", [0.9, 0.95, 0.98, 0.5, 0.0])),
]


def _changes(controls: list[tuple[str, list]]) -> itertools.cycle:
    """(name, value) pairs, alternating between the controls."""
    pairs = [[(name, value) for value in values] for name, values in controls]
    interleaved = [pair for group in itertools.zip_longest(*pairs) for pair in group
                   if pair is not None]
    return itertools.cycle(interleaved)


def measure(explorer_cls, kwargs, controls, changes: int = 30) -> dict[str, list[float]]:
    """Seconds per change (``update``) and of one full render for reference (``full``)."""
    explorer = explorer_cls(**kwargs)
    warm_up = sum(len(values) for _, values in controls)
    times: dict[str, list[float]] = {"update": [], "full": []}
    for i, (name, value) in enumerate(_changes(controls)):
        if i >= warm_up + changes:
            break
        control = explorer.controls[name]
        if control.value == value:  # no change, no update: move on
            continue
        control.value = value
        if explorer.error is not None:
            raise RuntimeError(f"{explorer_cls.__name__}: {name}={value!r} gave an "
                               f"error: {explorer.error}")
        if i >= warm_up:
            times["update"].append(explorer.last_update_seconds)
    for _ in range(3):
        start = time.perf_counter()
        explorer.fig.canvas.draw()
        times["full"].append(time.perf_counter() - start)
    return times


def measure_heavy(explorer_cls, kwargs, live, runs: int = 3) -> dict[str, list[float]]:
    """Seconds per press of Run and per change of a live control."""
    explorer = explorer_cls(**kwargs)
    times: dict[str, list[float]] = {"run": [], "live": []}
    for _ in range(runs):
        explorer.run_button.click()
        times["run"].append(explorer.last_update_seconds)
    if live is not None:
        name, values = live
        for value in values * 2:
            if explorer.controls[name].value != value:
                explorer.controls[name].value = value
                times["live"].append(explorer.last_update_seconds)
    if explorer.error is not None:
        raise RuntimeError(f"{explorer_cls.__name__}: {explorer.error}")
    return times


def _ms(values: list[float], q: float) -> float:
    """The ``q`` quantile in milliseconds (nearest rank; the true median for 0.5)."""
    if q == 0.5:
        return 1e3 * statistics.median(values)
    ordered = sorted(values)
    return 1e3 * ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30,
                        help="control changes per explorer (default 30)")
    parser.add_argument("--runs", type=int, default=3,
                        help="presses of Run per heavy explorer (default 3)")
    parser.add_argument("--one-blas-thread", action="store_true",
                        help="limit BLAS to one thread (threadpoolctl)")
    args = parser.parse_args()
    if args.one_blas_thread:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    print(f"target: median update under {TARGET_SECONDS * 1e3:.0f} ms per change "
          "(computation + drawing + render + PNG); times in ms; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    header = (f"{'explorer':<22}{'n':>4} | {'median':>7} {'p90':>6} {'max':>6} | "
              f"{'full render':>11} | target")
    print(header)
    print("-" * len(header))
    for explorer_cls, kwargs, controls in CASES:
        times = measure(explorer_cls, kwargs, controls, args.changes)
        median = statistics.median(times["update"])
        met = "met" if median < TARGET_SECONDS else "NOT met"
        print(f"{explorer_cls.__name__:<22}{len(times['update']):>4} | "
              f"{median * 1e3:>7.1f} {_ms(times['update'], 0.9):>6.1f} "
              f"{_ms(times['update'], 1.0):>6.1f} | {_ms(times['full'], 0.5):>11.1f} | "
              f"{met}")
    print(f"\nheavy explorers: median ms per press of Run ({args.runs} presses) and per "
          "change of a live control")
    header = f"{'explorer':<44} | {'Run':>7} | {'live change':>11}"
    print(header)
    print("-" * len(header))
    for explorer_cls, kwargs, live in HEAVY_CASES:
        times = measure_heavy(explorer_cls, kwargs, live, args.runs)
        name = explorer_cls.__name__ + "".join(f", {k}={v!r}" for k, v in kwargs.items())
        live_text = (f"{_ms(times['live'], 0.5):>11.1f}" if times["live"]
                     else f"{'-':>11}")
        print(f"{name:<44} | {_ms(times['run'], 0.5):>7.0f} | {live_text}")


if __name__ == "__main__":
    main()

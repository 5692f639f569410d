"""Run time of the course's notebooks, as CPU time of the kernel on one BLAS thread.

Run: ``.venv/bin/python benchmarks/bench_notebooks.py [notebooks ...]`` (default: every
chapter of ``notebooks/``, ``notebooks/solutions/`` and ``notebooks/zh_CN/``).

Why CPU time: the targets (each notebook under 20 s on one core, the student course
under 2 minutes) are about one core, and this machine is shared. Wall-clock time on a
busy machine measures the other jobs too; the CPU time the kernel itself spends (user +
system, read from ``/proc`` just before the kernel shuts down, its child processes
included) is what the same notebook costs on one free core, within a few percent. The
kernel runs with ``OPENBLAS_NUM_THREADS=1`` (and the other BLAS variables), so that a
BLAS call cannot spread one notebook over two cores. Wall time and the load average are
printed beside it, to see how far they are apart.

For each notebook the table gives the kernel's CPU time from start to the end of the
last cell (kernel start-up, about 1 s of CPU, included) and the wall time of the same
run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                      "MKL_NUM_THREADS")}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and of its live and waited-for children."""
    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def run(path: Path) -> tuple[float, float]:
    """(kernel CPU seconds, wall seconds) of executing ``path`` top to bottom."""
    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, **ONE_THREAD, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel(env=env, cwd=str(path.parent)):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        pid = client.km.provisioner.process.pid  # the local kernel's process
        cpu = cpu_seconds(pid)
        wall = time.perf_counter() - start
    return cpu, wall


def default_notebooks() -> list[Path]:
    folders = [ROOT / "notebooks", ROOT / "notebooks" / "solutions",
               ROOT / "notebooks" / "zh_CN", ROOT / "notebooks" / "zh_CN" / "solutions"]
    return [p for folder in folders for p in sorted(folder.glob("0*.ipynb"))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or default_notebooks()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| notebook | kernel CPU (s) | wall (s) |\n|:--|--:|--:|")
    totals: dict[str, list[float]] = {}
    for path in paths:
        cpu, wall = run(path)
        edition = str(path.parent.relative_to(ROOT))
        totals.setdefault(edition, [0.0, 0.0])
        totals[edition][0] += cpu
        totals[edition][1] += wall
        print(f"| {path.relative_to(ROOT)} | {cpu:.1f} | {wall:.1f} |", flush=True)
    for edition, (cpu, wall) in totals.items():
        print(f"| **{edition}** (all) | **{cpu:.1f}** | {wall:.1f} |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What `import gdcourse` adds to `import numpy`, in fresh processes (the issue's bound: 100 ms).

    .venv/bin/python benchmarks/bench_import.py [--runs 20]

Two ways, both in fresh interpreters of this environment:

* wall time of a whole process, ``python -c "import numpy"`` against
  ``python -c "import numpy; import gdcourse"``, the two interleaved ``--runs`` times
  each; the overhead is the difference of the medians (and the median of the paired
  differences);
* ``python -X importtime``: the cumulative time of gdcourse's own import line (after
  numpy is imported), median over the runs.

Also, for information, ``from gdcourse.optim import SGD`` (what a chapter's first cells
use) the same way. Prints a Markdown table with the date, the commit and the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "import numpy"
CASES = {
    "import gdcourse": "import numpy; import gdcourse",
    "from gdcourse.optim import SGD": "import numpy; from gdcourse.optim import SGD",
}


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return 1000 * (time.perf_counter() - start)


def importtime(code: str, module: str) -> float:
    """Cumulative microseconds of the top-level import of ``module``, in ms."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], check=True,
                         cwd=ROOT, capture_output=True, text=True).stderr
    total = 0.0
    for line in out.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if name == module:  # top level: no indentation in the name column
            total += int(cumulative) / 1000
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    wall(BASE)  # warm the file cache
    rows = []
    for label, code in CASES.items():
        wall(code)
        base, case = [], []
        for _ in range(args.runs):
            base.append(wall(BASE))
            case.append(wall(code))
        module = "gdcourse.optim" if "optim" in label else "gdcourse"
        own = [importtime(code, module) for _ in range(args.runs)]
        paired = [c - b for b, c in zip(base, case)]
        rows.append((label, statistics.median(base), statistics.median(case),
                     statistics.median(case) - statistics.median(base),
                     statistics.median(paired), statistics.median(own)))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M')} at commit {commit}"
          f"{' (uncommitted changes)' if dirty else ''}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {load and [round(x, 2) for x in load]}, "
          f"{args.runs} fresh processes each (interleaved). Medians in ms.\n")
    print("| after `import numpy` | process, numpy only | process, with it | difference "
          "| paired difference | -X importtime (own line) | bound 100 ms |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, base, case, diff, paired, own in rows:
        verdict = "met" if max(paired, own) <= 100 else "not met"
        print(f"| `{label}` | {base:.0f} | {case:.0f} | {diff:.1f} | {paired:.1f} | {own:.1f} "
              f"| {verdict if label == 'import gdcourse' else '(information)'} |")


if __name__ == "__main__":
    main()

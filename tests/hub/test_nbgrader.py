"""`python3 tasks.py nbgrader` writes assignments that nbgrader releases and grades.

Chapter 05 (its exercises and checks share cells, so the writer splits them): nbgrader's
``generate_assignment`` takes the solutions out, and ``autograde`` gives a correct
submission every point and a submission with one right, one wrong and one unattempted
exercise exactly one point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hubkit

CHAPTER = "05_momentum_adaptive"
WRONG_RMSPROP = '''\
def rmsprop_step(theta, v, grad, lr, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / np.sqrt(v + eps), v     # eps inside the root: a known mistake
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if importlib_missing("nbgrader"):
        pytest.skip("nbgrader is not installed (pip install -e .[grade])")
    out = tmp_path_factory.mktemp("nbgrader")
    subprocess.run([sys.executable, hubkit.ROOT / "tasks.py", "nbgrader", "--out", out, CHAPTER],
                   check=True, capture_output=True)
    return out


def importlib_missing(name):
    import importlib.util
    return importlib.util.find_spec(name) is None


def nbgrader(course, *args, timeout=600):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out


def code_cells(path):
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"])
            for c in json.loads(Path(path).read_text())["cells"] if c["cell_type"] == "code"}


def test_generate_assignment_takes_the_solutions_out(course):
    nbgrader(course, "generate_assignment", CHAPTER, "--force")
    release = course / "release" / CHAPTER / f"{CHAPTER}.ipynb"
    student = hubkit.ROOT / "notebooks" / f"{CHAPTER}.ipynb"
    released = json.loads(release.read_text())
    text = json.dumps(released)
    assert "BEGIN SOLUTION" not in text and "buf = momentum * buf + grad" not in text
    graded = [c for c in released["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [c["metadata"]["nbgrader"]["grade_id"] for c in graded] == [
        "check_momentum_step", "check_rmsprop_step", "check_adam_step"]
    for cell in graded:
        source = "".join(cell["source"])
        assert "from gdcourse.exercises import check_" in source and "assert result.passed" in source
        assert cell["metadata"]["nbgrader"]["points"] == 1 and cell["metadata"]["nbgrader"]["locked"]
    # Apart from the graded cells, the released notebook is the course's student version.
    def ungraded(nb):  # each cell without a trailing check call (the graded cells have it)
        return ["".join(c["source"]).split("\ncheck_")[0].rstrip() for c in nb["cells"]
                if not c["metadata"].get("nbgrader", {}).get("grade")]

    assert ungraded(released) == ungraded(json.loads(student.read_text()))


def test_autograde_gives_the_points_a_submission_earned(course):
    if not (course / "release" / CHAPTER).exists():
        nbgrader(course, "generate_assignment", CHAPTER, "--force")
    source = course / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    release = course / "release" / CHAPTER / f"{CHAPTER}.ipynb"
    good = course / "submitted" / "good" / CHAPTER / f"{CHAPTER}.ipynb"
    good.parent.mkdir(parents=True)
    shutil.copy(source, good)  # the solutions, as a learner who got everything right
    mixed = json.loads(release.read_text())
    solutions = {c["metadata"].get("nbgrader", {}).get("grade_id"): c
                 for c in json.loads(source.read_text())["cells"]}
    for cell in mixed["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            text = "".join(solutions[gid]["source"])
            if text.startswith("def momentum_step"):
                cell["source"] = "\n".join(line for line in text.splitlines() if line.strip()
                                            not in ("# BEGIN SOLUTION", "# END SOLUTION"))
            elif text.startswith("def rmsprop_step"):
                cell["source"] = WRONG_RMSPROP
            # adam_step stays as released: not attempted
    bad = course / "submitted" / "mixed" / CHAPTER / f"{CHAPTER}.ipynb"
    bad.parent.mkdir(parents=True)
    bad.write_text(json.dumps(mixed))
    nbgrader(course, "autograde", CHAPTER, "--create", "--force")

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(CHAPTER, s).score for s in ("good", "mixed")}
        max_score = gradebook.find_assignment(CHAPTER).max_score
    assert max_score == 3
    assert scores == {"good": 3, "mixed": 1}

"""Checks on how the course is packaged, set up and run (not on the maths).

* pyproject.toml is the one source of truth for dependencies; environment.yml (conda,
  Binder) must list the same runtime + `lab` dependencies with the same lower bounds.
* `import gdcourse` stays light: numpy only, never matplotlib, ipywidgets or torch.
* Notebooks are stored without outputs.
* The commands the README gives are the ones CI runs.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = [ROOT / "notebooks", ROOT / "notebooks" / "solutions"]

# PyPI name -> conda-forge name, where environment.yml deliberately uses another package.
CONDA_NAME = {"matplotlib": "matplotlib-base"}
# conda entries that are not Python dependencies of the package.
CONDA_ONLY = {"python", "pip"}


# --------------------------------------------------------------------------- helpers
def normalise(name):
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(spec):
    """'numpy>=1.24' or 'numpy >=1.24' -> ('numpy', '1.24'); floor None if there is none."""
    spec = spec.split(";")[0].strip()
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$", spec)
    assert m, f"cannot parse requirement {spec!r}"
    name, constraints = m.group(1), m.group(2)
    floor = None
    for part in constraints.split(","):
        part = part.strip()
        if part.startswith(">="):
            floor = part[2:].strip()
    return normalise(name), floor


def load_pyproject():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            pytest.skip("reading pyproject.toml needs tomllib (Python 3.11+) or tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def parse_environment_yml(text):
    """A tiny parser for the subset of YAML that environment.yml uses.

    Returns a dict: {'name': str, 'channels': [...], 'dependencies': [...], 'pip': [...]}.
    """
    result = {"name": None, "channels": [], "dependencies": [], "pip": []}
    section = None
    in_pip = False
    pip_indent = None
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if indent == 0:
            key, _, value = stripped.partition(":")
            section = key.strip()
            in_pip = False
            if section == "name":
                result["name"] = value.strip().strip("'\"")
            continue
        if not stripped.startswith("- "):
            raise AssertionError(f"environment.yml: unexpected line {raw!r}")
        item = stripped[2:].strip().strip("'\"")
        if in_pip and indent > pip_indent:
            result["pip"].append(item)
            continue
        in_pip = False
        if section == "dependencies" and item == "pip:":
            in_pip, pip_indent = True, indent
        elif section in ("channels", "dependencies"):
            result[section].append(item)
    return result


def environment():
    return parse_environment_yml((ROOT / "environment.yml").read_text(encoding="utf-8"))


def notebooks():
    found = []
    for folder in NOTEBOOK_DIRS:
        if folder.is_dir():
            found += sorted(folder.glob("*.ipynb"))
    return found


def command_lines(path):
    """Non-empty, non-comment lines of a shell script."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


# --------------------------------------------------------------------------- dependencies
def test_parsers_understand_the_formats():
    assert parse_requirement("numpy>=1.24") == ("numpy", "1.24")
    assert parse_requirement("matplotlib-base >=3.7") == ("matplotlib-base", "3.7")
    assert parse_requirement("Jupyter_Lab[dev] >=4, <5") == ("jupyter-lab", "4")
    env = parse_environment_yml(
        "name: x  # comment\nchannels:\n  - conda-forge\ndependencies:\n"
        "  - python>=3.10\n  - pip\n  - pip:\n      - -e .\n  - numpy>=1.24\n"
    )
    assert env == {
        "name": "x",
        "channels": ["conda-forge"],
        "dependencies": ["python>=3.10", "pip", "numpy>=1.24"],
        "pip": ["-e ."],
    }


def test_environment_yml_agrees_with_pyproject():
    project = load_pyproject()["project"]
    wanted = dict(
        parse_requirement(r)
        for r in project["dependencies"] + project["optional-dependencies"]["lab"]
    )
    wanted = {CONDA_NAME.get(name, name): floor for name, floor in wanted.items()}
    conda = dict(parse_requirement(r) for r in environment()["dependencies"])
    conda = {name: floor for name, floor in conda.items() if name not in CONDA_ONLY}

    missing = sorted(set(wanted) - set(conda))
    extra = sorted(set(conda) - set(wanted))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    assert not extra, f"in environment.yml but not in pyproject.toml: {extra}"
    differ = {n: (wanted[n], conda[n]) for n in wanted if wanted[n] != conda[n]}
    assert not differ, f"lower bounds differ (pyproject, environment.yml): {differ}"
    assert all(floor for floor in wanted.values()), "every dependency needs a lower bound"


def test_environment_yml_python_channel_and_editable_install():
    env = environment()
    assert env["name"] == "gdcourse"
    assert env["channels"] == ["conda-forge"]
    conda = dict(parse_requirement(r) for r in env["dependencies"])
    requires_python = load_pyproject()["project"]["requires-python"]
    assert requires_python == f">={conda['python']}"
    assert "pip" in conda
    # repo2docker/conda do not install the package by themselves (see TOOLING.md).
    assert any(re.fullmatch(r"-e \.(\[[\w,]+\])?", item) for item in env["pip"]), env["pip"]


def test_dependency_lists():
    project = load_pyproject()["project"]
    extras = project["optional-dependencies"]
    runtime = {parse_requirement(r)[0] for r in project["dependencies"]}
    # scikit-learn: the real data sets ship inside it, so nothing is downloaded.
    # anywidget: the explorers' front-end guard (gdcourse/widgets/_guard.py).
    assert runtime == {"numpy", "matplotlib", "ipywidgets", "anywidget", "scikit-learn"}
    assert "jupyterlab" in {parse_requirement(r)[0] for r in extras["lab"]}
    assert {parse_requirement(r)[0] for r in extras["test"]} >= {
        "pytest", "nbval", "nbstripout", "hypothesis"
    }
    everything = project["dependencies"] + [r for group in extras.values() for r in group]
    assert "torch" not in {parse_requirement(r)[0] for r in everything}, (
        "PyTorch is never a dependency; CI installs it by itself for the parity tests"
    )


# --------------------------------------------------------------------------- the package
def test_import_gdcourse_is_light():
    heavy = ["matplotlib", "ipywidgets", "anywidget", "sklearn", "torch"]
    code = (
        "import sys, gdcourse; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    loaded = out.stdout.strip()
    assert not loaded, f"`import gdcourse` imported {loaded}; import them lazily where needed"


# --------------------------------------------------------------------------- notebooks
@pytest.mark.parametrize(
    "path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)).replace("\\", "/")
)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        hint = f"cell {i} has outputs; run: python3 tasks.py strip"
        assert cell.get("outputs") == [], hint
        assert cell.get("execution_count") is None, hint


def test_there_is_a_welcome_notebook():
    assert (ROOT / "notebooks" / "00_welcome.ipynb").is_file()


# --------------------------------------------------------------------------- commands
def test_readme_commands_are_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 tasks.py lab" in readme
    assert "python3 tasks.py test" in readme
    ci = command_lines(ROOT / ".ci" / "run")
    assert "set -euo pipefail" in ci
    assert "python3 tasks.py setup" in ci
    assert "python3 tasks.py test" in ci, "CI must run the README's test command"
    # The browser suite (issue 6) runs after the unit and notebook tests, and last.
    assert ci[-1] == "python3 tasks.py browser"
    assert ci.index("python3 tasks.py test") < ci.index("python3 tasks.py browser")


def load_tasks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gdcourse_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tasks_py_test_runs_units_and_notebooks():
    tasks = load_tasks()
    assert set(tasks.COMMANDS) >= {"lab", "test", "setup", "strip", "clean"}
    args = tasks.PYTEST_ARGS
    assert args[:2] == ["tests", "notebooks"]
    assert {"--nbval-lax", "--nbval-current-env"} <= set(args)
    assert tasks.EXTRAS == "lab,test"


def test_tasks_py_is_stdlib_only():
    tree = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_makefile_targets_call_tasks_py():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ["lab", "test", "setup", "strip", "clean"]:
        m = re.search(rf"^{target}:.*\n\t(.+)$", text, flags=re.MULTILINE)
        assert m, f"Makefile has no target {target!r}"
        assert m.group(1).strip() == f"$(PYTHON) tasks.py {target}"


def test_readme_lists_every_notebook_and_binder_target_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in notebooks():
        assert path.stem in readme, f"README's chapter list does not mention {path.name}"
    for target in re.findall(r"urlpath=lab/tree/([^)\s\"]+)", readme):
        assert (ROOT / target).is_file(), f"Binder link points at a missing file: {target}"


def test_licences_are_present():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    cc = (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert "Attribution 4.0 International Public License" in cc


def test_readme_example_runs():
    """The README's package example must stay true."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The `gdcourse` package", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)
    assert len(example.strip().splitlines()) <= 6
    out = subprocess.run(
        [sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr


def test_binder_build_warms_the_font_cache():
    """repo2docker runs postBuild after environment.yml; it must build matplotlib's cache."""
    post_build = ROOT / "postBuild"
    assert post_build.is_file() and os.access(post_build, os.X_OK)
    mode = subprocess.run(["git", "ls-files", "-s", "postBuild"], cwd=ROOT, capture_output=True,
                          text=True).stdout.split()
    assert not mode or mode[0] == "100755", "postBuild must be executable in git"
    assert "matplotlib.font_manager" in post_build.read_text(encoding="utf-8")


def test_setup_warms_the_font_cache_after_installing():
    import inspect
    tasks = load_tasks()
    assert "warm_caches(py)" in inspect.getsource(tasks.setup)
    assert "matplotlib.font_manager" in inspect.getsource(tasks.warm_caches)


def test_version_has_one_source():
    project = load_pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    import gdcourse
    out = subprocess.run([sys.executable, "-c", "import importlib.metadata as m; "
                          "print(m.version('gdcourse'))"], capture_output=True, text=True)
    assert out.stdout.strip() == gdcourse.__version__, "reinstall: python3 tasks.py setup"

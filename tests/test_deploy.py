"""deploy/ without a cluster or a Docker engine: what can be checked here, is.

* Zero to JupyterHub's config.yaml uses only keys of the chart's configuration reference
  (z2jh.jupyter.org, chart 4.x), each with a value of the documented type: the keys this
  course sets are written down below (``Z2JH_KEYS``), from that reference, so a misspelt
  or misplaced key fails here instead of being ignored by Helm.
* The Littlest JupyterHub's setup script passes ``bash -n`` and ShellCheck (when it is
  installed), and every ``tljh-config set`` it runs names a setting of TLJH's
  configuration reference (tljh.jupyter.org, "Configuring TLJH") with a value of its type.
* The Dockerfile copies what building the package needs, installs extras that exist, and
  keeps the font cache out of the home folder (which a hub mounts over).
* The nbgitpuller link: from course/course.toml, to a notebook that exists.

The image is not built here (no Docker engine); tests/hub runs the same software stack
(the `lab` and `hub` extras, a pre-built font cache in MPLCONFIGDIR) on a real hub.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def load_tasks():
    spec = importlib.util.spec_from_file_location("gdcourse_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def helm_merge(base, override):
    """Helm's merge of user values into the chart's: maps merge, everything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------- Zero to JupyterHub
QUANTITY = r"\d+(\.\d+)?([KMGT]i?)?"  # Kubernetes memory/storage quantities: 768M, 1Gi
# The keys config.yaml sets, as the chart's configuration reference documents them
# (z2jh.jupyter.org/en/stable/resources/reference.html): a nested key -> the type of its
# value, a regular expression its text must match, or a dict for a nested section.
Z2JH_KEYS = {
    "singleuser": {
        "image": {"name": str, "tag": str},
        "defaultUrl": str,
        "memory": {"guarantee": QUANTITY, "limit": QUANTITY},
        "cpu": {"guarantee": (int, float), "limit": (int, float)},
        "storage": {"capacity": QUANTITY},
        "extraEnv": dict,
    },
    "hub": {"concurrentSpawnLimit": int, "config": dict},
    "cull": {"enabled": bool, "timeout": int, "every": int, "users": bool, "maxAge": int},
    "prePuller": {"hook": {"enabled": bool}, "continuous": {"enabled": bool}},
}


def unknown_keys(config, known, path=""):
    """The keys of ``config`` that ``known`` does not list, or whose value has the wrong type."""
    problems = []
    for key, value in config.items():
        where = f"{path}{key}"
        if key not in known:
            problems.append(f"{where}: not a key of the chart's reference")
            continue
        rule = known[key]
        if isinstance(rule, dict):
            if not isinstance(value, dict):
                problems.append(f"{where}: must be a mapping")
            else:
                problems += unknown_keys(value, rule, where + ".")
        elif isinstance(rule, str):
            if not re.fullmatch(rule, str(value)):
                problems.append(f"{where}: {value!r} is not a quantity like 768M or 1Gi")
        elif not isinstance(value, rule) or (rule is int and isinstance(value, bool)):
            problems.append(f"{where}: {value!r} is not of type {rule}")
    return problems


@pytest.fixture(scope="module")
def z2jh():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((DEPLOY / "z2jh" / "config.yaml").read_text(encoding="utf-8"))


def test_z2jh_config_uses_only_documented_keys_with_their_types(z2jh):
    assert unknown_keys(z2jh, Z2JH_KEYS) == []


@pytest.mark.parametrize("wrong", [
    {"singleuser": {"memmory": {"limit": "1G"}}},
    {"cull": {"timeout": "an hour"}},
    {"singleuser": {"memory": {"limit": "a lot"}}},
    {"cul": {"enabled": True}},
])
def test_z2jh_check_would_catch_a_misspelt_key_or_a_wrong_type(z2jh, wrong):
    assert unknown_keys(helm_merge(z2jh, wrong), Z2JH_KEYS)


def test_z2jh_config_uses_the_course_image_with_culling_and_limits(z2jh):
    import gdcourse

    config = z2jh
    single = config["singleuser"]
    assert single["image"]["tag"] == gdcourse.__version__, "tag the image with the package version"
    assert single["defaultUrl"] == "/lab"
    assert single["memory"]["limit"] and single["memory"]["guarantee"]
    assert single["cpu"]["limit"] and single["cpu"]["guarantee"]
    assert config["cull"]["enabled"] is True and config["cull"]["timeout"] >= 600


# --------------------------------------------------------------------------- TLJH
SETUP = DEPLOY / "tljh" / "setup.sh"


def test_tljh_setup_script_parses():
    subprocess.run(["bash", "-n", str(SETUP)], check=True)


def test_tljh_setup_script_passes_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install -y shellcheck)")
    out = subprocess.run(["shellcheck", str(SETUP)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def tljh_value(text):
    """How `tljh-config set` reads a value (tljh/config.py, parse_value)."""
    if text.lower() == "none":
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d*", text):
        return float(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


# The settings setup.sh makes, as TLJH's reference documents them (tljh.jupyter.org,
# "Configuring TLJH" and "Culling idle servers"): a key -> the type of its value.
TLJH_KEYS = {
    "limits.memory": r"\d+(\.\d+)?[KMGT]",
    "limits.cpu": (int, float),
    "services.cull.enabled": bool,
    "services.cull.timeout": int,
    "services.cull.every": int,
    "services.cull.users": bool,
    "services.cull.max_age": int,
    "user_environment.default_app": ("jupyterlab", "classic"),
}


def tljh_problems(settings):
    problems = []
    for key, value in settings.items():
        rule = TLJH_KEYS.get(key)
        if rule is None:
            problems.append(f"{key}: not a setting of TLJH's reference")
        elif isinstance(rule, str):
            if not re.fullmatch(rule, str(value)):
                problems.append(f"{key}: {value!r} is not a size like 1G")
        elif isinstance(rule, tuple) and all(isinstance(r, str) for r in rule):
            if value not in rule:
                problems.append(f"{key}: {value!r} is not one of {rule}")
        elif not isinstance(value, rule) or (rule is int and isinstance(value, bool)):
            problems.append(f"{key}: {value!r} is not of type {rule}")
    return problems


def tljh_settings():
    script = SETUP.read_text(encoding="utf-8")
    defaults = dict(re.findall(r'^(\w+)="([^"]*)"', script, flags=re.MULTILINE))
    settings = {}
    for key, raw in re.findall(r"^tljh-config set (\S+) (\S+)$", script, flags=re.MULTILINE):
        raw = shlex.split(raw)[0]
        raw = re.sub(r"\$(\w+)", lambda m: defaults[m.group(1)], raw)
        settings[key] = tljh_value(raw)
    return settings


def test_tljh_settings_are_valid_for_tljh():
    settings = tljh_settings()
    assert len(settings) >= 5
    assert tljh_problems(settings) == []
    assert settings["services.cull.enabled"] is True
    assert settings["limits.memory"] and settings["limits.cpu"]


@pytest.mark.parametrize("wrong", [{"limits.memmory": "1G"}, {"services.cull.timeout": "1h"},
                                   {"limits.memory": "lots"}])
def test_tljh_check_would_catch_a_wrong_setting(wrong):
    assert tljh_problems({**tljh_settings(), **wrong})


def test_tljh_setup_installs_this_clone_and_prints_the_pull_link():
    script = SETUP.read_text(encoding="utf-8")
    assert re.search(r'pip install .*"\$course"', script)
    assert "tasks.py\" pull-link" in script
    assert "/etc/skel/.cache/matplotlib" in script  # the font cache for new users


# --------------------------------------------------------------------------- the image
DOCKERFILE = DEPLOY / "image" / "Dockerfile"


def dockerfile_instructions():
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip().split(None, 1) for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_dockerfile_copies_what_the_package_build_needs():
    tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None
    copied = set()
    for op, args in dockerfile_instructions():
        if op == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY of a missing file: {source}"
                copied.add(source)
    needed = {"pyproject.toml", "gdcourse"}
    if tomllib is not None:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        needed |= {project["readme"], *project["license-files"]}
    assert needed <= copied, needed - copied
    ignore = (DEPLOY / "image" / "Dockerfile.dockerignore").read_text().splitlines()
    for source in copied:
        assert f"!{source}" in ignore or f"!{source}/" in ignore, f"{source} is ignored"


def test_dockerfile_installs_existing_extras_and_warms_the_font_cache():
    tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None
    ops = dockerfile_instructions()
    run = " ".join(args for op, args in ops if op == "RUN")
    extras = re.search(r'pip install "/opt/gdcourse/src\[([\w,]+)\]"', run).group(1).split(",")
    if tomllib is not None:
        known = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
        assert set(extras) <= set(known)
    assert {"lab", "hub"} <= set(extras)
    assert "git" in run.split("--no-install-recommends", 1)[1].split("&&")[0].split()
    env = " ".join(args for op, args in ops if op == "ENV")
    mplconfig = re.search(r"MPLCONFIGDIR=(\S+)", env).group(1)
    assert not mplconfig.startswith("/home"), "a hub mounts the learner's volume over /home"
    assert "import matplotlib.font_manager" in run
    assert ops[-1] == ["CMD", '["jupyterhub-singleuser"]']
    assert ["USER", "${NB_UID}"] in ops


# --------------------------------------------------------------------------- the pull link
def test_course_config_reads_the_same_with_both_parsers():
    tasks = load_tasks()
    config = tasks.read_course_config()
    assert set(config) >= {"repository", "branch", "first_page"}
    assert (ROOT / config["first_page"]).is_file()
    real = sys.modules.pop("tomllib", None)
    sys.modules["tomllib"] = None  # as on Python 3.10: the fallback parser
    try:
        assert tasks.read_course_config() == config
    finally:
        if real is not None:
            sys.modules["tomllib"] = real
        else:
            del sys.modules["tomllib"]


def test_pull_link_opens_the_first_page_in_the_cloned_folder(capsys):
    tasks = load_tasks()
    assert tasks.main(["pull-link", "--hub", "https://hub.example.org/"]) == 0
    link = capsys.readouterr().out.strip()
    config = tasks.read_course_config()
    url = urllib.parse.urlsplit(link)
    assert (url.scheme, url.netloc, url.path) == (
        "https", "hub.example.org", "/hub/user-redirect/git-pull")
    query = dict(urllib.parse.parse_qsl(url.query))
    assert query["repo"] == config["repository"] and query["branch"] == config["branch"]
    folder = config["repository"].rstrip("/").split("/")[-1]  # where nbgitpuller clones to
    assert query["urlpath"] == f"lab/tree/{folder}/{config['first_page']}"


def test_pull_link_for_the_students_branch_and_another_chapter(capsys):
    tasks = load_tasks()
    tasks.main(["pull-link", "--hub", "http://127.0.0.1:8000", "--branch", "students",
                "--page", "notebooks/03_learning_rate.ipynb"])
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(capsys.readouterr().out.strip()).query))
    assert query["branch"] == "students"
    assert query["urlpath"].endswith("/notebooks/03_learning_rate.ipynb")


def test_hub_tooling_stays_out_of_the_course_dependencies():
    tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None
    if tomllib is None:
        pytest.skip("needs tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"] + project["optional-dependencies"]["lab"])
    for name in ("jupyterhub", "nbgitpuller", "idle-culler", "nbgrader"):
        assert name not in runtime
    assert any(r.startswith("jupyterhub") for r in project["optional-dependencies"]["hub"])


# --------------------------------------------------------------------------- nbgrader
def load_writer():
    path = DEPLOY / "nbgrader" / "make_assignments.py"
    spec = importlib.util.spec_from_file_location("gdcourse_make_assignments", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.stem)
def test_nbgrader_assignment_grades_every_checked_exercise(source):
    """One graded cell per exercise the course checks (its solution-tagged assert), each
    importing its check; solution cells exactly where the markers are; unique ids."""
    writer = load_writer()
    nb = json.loads(source.read_text(encoding="utf-8"))
    asserted = [c for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])
                and ".passed" in "".join(c["source"])]
    out, graded = writer.assignment(nb, source.stem)
    assert len(graded) == len(asserted) > 0
    meta = [c["metadata"].get("nbgrader") for c in out["cells"]]
    ids = [m["grade_id"] for m in meta if m]
    assert len(ids) == len(set(ids)), "nbgrader needs unique grade ids"
    for cell, m in zip(out["cells"], meta):
        text = "".join(cell["source"])
        assert ("BEGIN SOLUTION" in text) == bool(m and m["solution"])
        if m and m["grade"]:
            name = m["grade_id"]
            assert f"from gdcourse.exercises import {name}" in text and m["points"] == 1
            assert "assert result.passed" in text and m["locked"]
    assert not any("solution" in c["metadata"].get("tags", []) for c in out["cells"])
    assert "check_setup(" in "".join(out["cells"][1]["source"])

"""The environment doctor: each check finds the problem it is for, and says how to fix it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gdcourse import doctor

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("required, installed, ok", [
    ("0.2.0", "0.2.0", True),
    ("0.2.0", "0.2.3", True),
    ("0.2.0", "0.3.0", True),      # newer package: fine, with a note
    ("0.2.0", "0.1.9", False),
    ("0.10.0", "0.9.0", False),    # compared as numbers, not as text
    ("1.0", "0.99.1", False),
])
def test_version_check(required, installed, ok):
    finding = doctor.check_version(required, installed)
    assert finding.ok is ok
    assert bool(finding.fix) is (not ok)


def test_check_setup_raises_for_an_outdated_package_and_reports_otherwise():
    with pytest.raises(doctor.OutdatedPackageError) as info:
        doctor.check_setup("99.0.0")
    assert "99.0.0" in str(info.value)
    report = doctor.check_setup("0.0.1")
    assert isinstance(report, doctor.Report) and report.ok
    assert "\n" not in report.short()                  # one short line when all is well
    assert len(report.short()) < 100


def test_report_lists_every_problem_with_its_fix():
    report = doctor.Report([doctor.Finding("a", True, "fine"),
                            doctor.Finding("b", False, "broken", "do this"),
                            doctor.Finding("c", None, "not checked")])
    assert not report.ok and [f.name for f in report.problems] == ["b"]
    text = str(report)
    assert "do this" in text and "broken" in text and "not checked" in text
    assert "do this" in report._repr_html_()


def test_widget_packages_that_do_not_belong_together(monkeypatch):
    versions = {"ipywidgets": "8.1.9", "jupyterlab_widgets": "3.0.17"}
    monkeypatch.setattr(doctor, "_installed", versions.get)
    monkeypatch.setattr(doctor, "_pinned_requirement", lambda *_: "~=3.0.17")
    assert doctor.check_widget_packages().ok
    versions["jupyterlab_widgets"] = "1.1.11"          # the ipywidgets 7 era
    finding = doctor.check_widget_packages()
    assert finding.ok is False and "3.0.17" in finding.fix
    del versions["jupyterlab_widgets"]
    assert doctor.check_widget_packages().ok is False
    del versions["ipywidgets"]
    assert doctor.check_widget_packages().ok is False


def _prefix_with_extension(tmp_path, disabled=None, guard=True):
    ext = tmp_path / "share" / "jupyter" / "labextensions" / doctor.WIDGET_EXTENSION
    ext.mkdir(parents=True)
    (ext / "package.json").write_text(json.dumps({"version": "5.0.16"}))
    if guard:  # anywidget's extension, the explorers' keyboard guard
        ext = tmp_path / "share" / "jupyter" / "labextensions" / doctor.GUARD_EXTENSION
        ext.mkdir(parents=True)
        (ext / "package.json").write_text(json.dumps({"version": "0.11.0"}))
    if disabled is not None:
        config = tmp_path / "etc" / "jupyter" / "labconfig"
        config.mkdir(parents=True)
        (config / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    return tmp_path


@pytest.mark.parametrize("disabled, ok", [
    (None, True),
    ({doctor.WIDGET_EXTENSION: False}, True),
    ({doctor.WIDGET_EXTENSION: True}, False),
    ([doctor.WIDGET_EXTENSION], False),              # the older list form
])
def test_widget_extension_installed_and_enabled(tmp_path, disabled, ok):
    prefix = _prefix_with_extension(tmp_path, disabled)
    assert doctor.check_widget_extension(prefix).ok is ok


def test_widget_extension_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "nothing"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "nothing-either"))
    finding = doctor.check_widget_extension(tmp_path)
    assert finding.ok is False and finding.fix


def test_explorer_guard_needs_anywidget_and_its_extension(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "nothing"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "nothing-either"))
    assert doctor.check_explorer_guard(_prefix_with_extension(tmp_path / "a")).ok is True
    missing = doctor.check_explorer_guard(_prefix_with_extension(tmp_path / "b", guard=False))
    assert missing.ok is False and "pip install anywidget" in missing.fix
    assert "Raw" in missing.detail                       # says what goes wrong without it
    disabled = _prefix_with_extension(tmp_path / "c", {doctor.GUARD_EXTENSION: True})
    assert doctor.check_explorer_guard(disabled).ok is False
    versions = {"anywidget": None}
    monkeypatch.setattr(doctor, "_installed", versions.get)
    no_package = doctor.check_explorer_guard(extension=False)
    assert no_package.ok is False and "anywidget" in no_package.fix
    versions["anywidget"] = "0.11.0"
    assert doctor.check_explorer_guard(extension=False).ok is True


def test_a_user_kernelspec_pointing_elsewhere_is_found(tmp_path, monkeypatch):
    kernel = tmp_path / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # the user's folder first, as outside a venv
    finding = doctor.check_kernelspec()
    assert finding.ok is False and "/opt/other/bin/python" in finding.detail


def test_the_default_kernelspec_is_this_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))  # no user kernelspec
    assert doctor.check_kernelspec().ok is True


def test_server_environment(tmp_path):
    same = doctor.check_server_environment([sys.executable, "-m", "jupyterlab"])
    assert same.ok is True
    with_ext = _prefix_with_extension(tmp_path / "server")
    other = doctor.check_server_environment([str(with_ext / "bin" / "python"), "-m", "jupyterlab"])
    assert other.ok is True
    no_guard = _prefix_with_extension(tmp_path / "no-guard", guard=False)
    finding = doctor.check_server_environment([str(no_guard / "bin" / "python"), "-m",
                                               "jupyterlab"])
    assert finding.ok is False and "anywidget" in finding.fix
    without = doctor.check_server_environment([str(tmp_path / "bare" / "bin" / "python"),
                                               str(tmp_path / "bare" / "bin" / "jupyter-lab")])
    assert without.ok is False and without.fix
    assert doctor.check_server_environment([]).ok is None   # not started by a server


def _notebook(tmp_path, name, outputs, version="0.2.0"):
    cells = [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {},
              "outputs": outputs, "source": f'import gdcourse\ngdcourse.check_setup("{version}")'}]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


def test_trust_of_notebooks_with_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))  # a fresh signature store
    clean = _notebook(tmp_path, "clean.ipynb", [])
    assert doctor.check_notebooks_trusted([clean]).ok is True
    output = [{"output_type": "display_data", "data": {"text/html": "<b>x</b>"}, "metadata": {}}]
    dirty = _notebook(tmp_path, "dirty.ipynb", output)
    finding = doctor.check_notebooks_trusted([clean, dirty])
    assert finding.ok is False and "dirty.ipynb" in finding.fix


def test_notebook_requirement_is_read_from_its_check_setup_cell(tmp_path):
    assert doctor.notebook_requirement(_notebook(tmp_path, "a.ipynb", [], "0.3.1")) == "0.3.1"


def test_every_course_notebook_states_the_version_it_needs():
    import gdcourse
    paths = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert paths
    for path in paths:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if not any(cell["cell_type"] == "code" for cell in cells):
            continue  # a page of Markdown only (zh_CN/glossary.ipynb) runs no package code
        assert doctor.notebook_requirement(path) == gdcourse.__version__, path


def test_doctor_command_exit_status(tmp_path):
    env_ok = {"PATH": "/usr/bin:/bin", "JUPYTER_DATA_DIR": str(tmp_path / "empty")}
    good = subprocess.run([sys.executable, "-m", "gdcourse.doctor"], capture_output=True,
                          text=True, cwd=ROOT, env=env_ok, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    kernel = tmp_path / "bad" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({"argv": ["/nowhere/python"],
                                                    "display_name": "x", "language": "python"}))
    bad = subprocess.run([sys.executable, "-m", "gdcourse.doctor"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120,
                         env={**env_ok, "JUPYTER_DATA_DIR": str(tmp_path / "bad"),
                              "JUPYTER_PREFER_ENV_PATH": "0"})
    assert bad.returncode == 1
    assert "/nowhere/python" in bad.stdout

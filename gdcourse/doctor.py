"""An environment doctor: the checks that catch what breaks widget courses in practice.

Two places use it:

* ``python3 tasks.py doctor`` (that is, ``python -m gdcourse.doctor`` in the course's
  environment) checks an installation from outside: the package version the notebooks
  need, ipywidgets against jupyterlab_widgets, the widget extension, anywidget and its
  extension (the explorers' keyboard guard), the kernel the notebooks start, and trust
  of notebooks that store outputs. It prints each problem with
  its fix and exits with status 1 when there is one.
* The first code cell of every notebook calls :func:`check_setup`, which runs the
  checks that make sense *inside* a kernel (version; widget packages; the server's
  environment) and shows one short line when all is well. A package older than the
  notebook raises :class:`OutdatedPackageError` with what to do, so that "Run All" stops
  there instead of failing later in a confusing way: on a JupyterHub whose image bakes
  ``gdcourse`` while nbgitpuller pulls newer notebooks, this is the usual story.

Each check returns a :class:`Finding`; nothing here installs or changes anything.
"""

from __future__ import annotations

import html
import importlib.metadata as metadata
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Finding", "Report", "OutdatedPackageError", "check_setup", "environment_report",
    "kernel_report", "check_version", "check_widget_packages", "check_widget_extension",
    "check_kernelspec", "check_server_environment", "check_notebooks_trusted",
    "check_explorer_guard",
    "notebook_requirement", "main",
]

WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
# The explorers' front-end guard (gdcourse/widgets/_guard.py) is an anywidget: the
# Python package ships this lab extension, for JupyterLab and Notebook 7 alike.
GUARD_EXTENSION = "anywidget"
_REQUIRE_CALL = re.compile(r"""gdcourse\.check_setup\(\s*["']([0-9][0-9.]*)["']""")


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: ``ok`` or not, what was found, and the fix if not ok.

    ``ok is None`` means the check could not be made here (e.g. no Jupyter server is
    the parent of this process); it is reported but is not a problem.
    """

    name: str
    ok: bool | None
    detail: str
    fix: str = ""
    brief: str = ""  # a few words for the one-line summary; `detail` if empty

    @property
    def problem(self) -> bool:
        return self.ok is False


@dataclass
class Report:
    """Several findings; ``ok`` when none of them is a problem."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.problem for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]

    def short(self) -> str:
        """One line when all is well (what a notebook shows)."""
        if self.ok:
            return "✔ " + " · ".join(f.brief or f.detail for f in self.findings if f.ok)
        return f"✘ {len(self.problems)} problem(s) with this setup"

    def __str__(self) -> str:
        lines = []
        for f in self.findings:
            mark = {True: "✔", False: "✘", None: "·"}[f.ok]
            lines.append(f"{mark} {f.name}: {f.detail}")
            if f.problem and f.fix:
                lines.extend(f"    fix: {line}" for line in f.fix.splitlines())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self.ok:
            return f'<div style="font-size:90%">{html.escape(self.short())}</div>'
        items = "".join(
            f"<li><b>{html.escape(f.name)}</b>: {html.escape(f.detail)}"
            + (f"<br>Fix: <code>{html.escape(f.fix)}</code>" if f.fix else "") + "</li>"
            for f in self.problems)
        return (f'<div style="border-left:4px solid #D55E00;padding:4px 10px">'
                f"<b>{html.escape(self.short())}</b><ul>{items}</ul></div>")

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain-text display
        printer.text(self.short() if self.ok else str(self))


class OutdatedPackageError(RuntimeError):
    """The installed ``gdcourse`` is older than the notebook that is running."""


# ----------------------------------------------------------------------------- versions
def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _gdcourse_version() -> str:
    from . import __version__
    return __version__


def outdated_message(required: str, installed: str) -> str:
    return (
        f"This notebook needs gdcourse {required} or newer, but this kernel has gdcourse "
        f"{installed} ({Path(__file__).resolve().parent}).\n"
        "* On your own computer, in the course folder: python3 tasks.py setup  "
        "(or: pip install -U gdcourse), then Kernel → Restart Kernel.\n"
        "* On a JupyterHub: the notebooks were updated (e.g. by nbgitpuller) but the hub's "
        f"image still has the old package. Ask the administrator to rebuild the image with "
        f"gdcourse {required}.")


def check_version(required: str, installed: str | None = None) -> Finding:
    """Is the installed ``gdcourse`` at least the version the notebooks were written for?"""
    installed = installed or _gdcourse_version()
    have, need = _version_tuple(installed), _version_tuple(required)
    if have < need:
        return Finding("gdcourse version", False,
                       f"the notebooks need {required} or newer, installed is {installed}",
                       outdated_message(required, installed).split("\n", 1)[1])
    if have[:2] > need[:2]:
        return Finding("gdcourse version", True,
                       f"gdcourse {installed} (notebooks written for {required}: "
                       "get the notebooks of this version if a cell fails)",
                       brief=f"gdcourse {installed} (notebooks: {required})")
    return Finding("gdcourse version", True, f"gdcourse {installed}",
                   brief=f"gdcourse {installed}")


def check_widget_packages() -> Finding:
    """Do ipywidgets and jupyterlab_widgets belong together (ipywidgets' own pin)?"""
    widgets, lab_widgets = _installed("ipywidgets"), _installed("jupyterlab_widgets")
    if widgets is None:
        return Finding("widgets", False, "ipywidgets is not installed in this environment",
                       "pip install ipywidgets   (or: python3 tasks.py setup)")
    wanted = _pinned_requirement("ipywidgets", "jupyterlab_widgets")
    if lab_widgets is None:
        return Finding("widgets", False, f"ipywidgets {widgets}, but no jupyterlab_widgets",
                       f"pip install 'jupyterlab_widgets{wanted or ''}'")
    if wanted and not _satisfies(lab_widgets, wanted):
        return Finding("widgets", False,
                       f"ipywidgets {widgets} needs jupyterlab_widgets{wanted}, "
                       f"installed is {lab_widgets}",
                       f"pip install 'ipywidgets=={widgets}' 'jupyterlab_widgets{wanted}'")
    return Finding("widgets", True, f"ipywidgets {widgets} with jupyterlab_widgets {lab_widgets}",
                   brief=f"widgets {widgets}")


def _pinned_requirement(package: str, dependency: str) -> str | None:
    """The version specifier ``package`` declares for ``dependency`` (e.g. '~=3.0.17')."""
    for req in metadata.requires(package) or []:
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*([^;]*)", req)
        if match and _normal(match.group(1)) == _normal(dependency) and ";" not in req:
            return match.group(2).strip() or None
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _satisfies(version: str, spec: str) -> bool:
    try:
        from packaging.specifiers import SpecifierSet
        return version in SpecifierSet(spec)
    except ImportError:  # packaging comes with Jupyter; without it, compare major.minor
        return _version_tuple(version)[:2] == _version_tuple(spec)[:2]


# ---------------------------------------------------------------------- the extension
def _jupyter_paths(kind: str, prefix: Path) -> list[Path]:
    """Where Jupyter looks for ``kind`` ('labextensions' or 'config') for a server in ``prefix``.

    Jupyter's own search path, with this kernel's environment replaced by ``prefix``:
    the user's and the system's folders are shared, the environment's are not.
    """
    own = [prefix / "share" / "jupyter" / kind] if kind != "config" else [prefix / "etc" / "jupyter"]
    try:
        from jupyter_core import paths
        found = paths.jupyter_config_path() if kind == "config" else paths.jupyter_path(kind)
    except ImportError:
        return own
    here = Path(sys.prefix).resolve()
    shared = [Path(p) for p in found if not Path(p).resolve().is_relative_to(here)]
    return own + [p for p in shared if p not in own]


def check_widget_extension(prefix: str | os.PathLike | None = None, *,
                           extension: str = WIDGET_EXTENSION,
                           package: str = "jupyterlab_widgets",
                           without: str = "sliders would show as text") -> Finding:
    """Is a front-end extension (by default the widget manager) installed and enabled?

    For JupyterLab and Notebook 7 alike; ``package`` is the Python package that ships
    it, ``without`` what goes wrong when it is missing.
    """
    prefix = Path(prefix or sys.prefix)
    places = _jupyter_paths("labextensions", prefix)
    found = next((p / extension for p in places
                  if (p / extension / "package.json").is_file()), None)
    if found is None:
        return Finding("widget extension", False,
                       f"{extension} is not installed ({without})",
                       f"pip install {package}   (then restart JupyterLab)")
    version = json.loads((found / "package.json").read_text(encoding="utf-8")).get("version")
    for config in _jupyter_paths("config", prefix):
        page_config = Path(config) / "labconfig" / "page_config.json"
        try:
            disabled = json.loads(page_config.read_text(encoding="utf-8")).get(
                "disabledExtensions", {})
        except (OSError, ValueError):
            continue
        if (disabled.get(extension) if isinstance(disabled, dict)
                else extension in disabled):
            return Finding("widget extension", False,
                           f"{extension} {version} is disabled in {page_config}",
                           f"jupyter labextension enable {extension}")
    return Finding("widget extension", True, f"{extension} {version} enabled")


_GUARD_MISSING = ("typing a letter in an explorer's drop-down can run a notebook shortcut "
                  "(R turns the cell into a Raw cell and the explorer disappears)")


def check_explorer_guard(prefix: str | os.PathLike | None = None, *,
                         extension: bool = True) -> Finding:
    """Is anywidget there, whose front end keeps the explorers' keys away from the
    notebook's shortcuts and names their sliders for screen readers?

    ``extension=False`` checks the Python package only (inside a kernel, where the
    server may run from another environment: :func:`check_server_environment` checks
    the front end there).
    """
    version = _installed("anywidget")
    if version is None:
        return Finding("explorer keys", False,
                       f"anywidget is not installed: {_GUARD_MISSING}",
                       "pip install anywidget   (or: python3 tasks.py setup), then restart "
                       "the kernel")
    if extension:
        front = check_widget_extension(prefix, extension=GUARD_EXTENSION, package="anywidget",
                                       without=_GUARD_MISSING)
        if not front.ok:
            return Finding("explorer keys", False, front.detail, front.fix)
    return Finding("explorer keys", True,
                   f"anywidget {version}: keys typed in an explorer stay in it",
                   brief=f"anywidget {version}")


# ------------------------------------------------------------------ kernel and server
def check_kernelspec(python: str | None = None) -> Finding:
    """Does the kernel the notebooks name ('python3') start this environment's Python?

    A user-level 'python3' kernelspec (``~/.local/share/jupyter/kernels/python3``) that
    points at another Python silently runs the notebooks without gdcourse.
    """
    python = python or sys.executable
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return Finding("kernel", None, "jupyter_client is not installed here; not checked")
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return Finding("kernel", False, "there is no 'python3' kernel",
                       f"{python} -m ipykernel install --sys-prefix")
    command = spec.argv[0] if spec.argv else ""
    if command in ("python", "python3", "{python}") or _same_python(command, python):
        return Finding("kernel", True, "the notebooks' 'python3' kernel is this environment's")
    return Finding("kernel", False,
                   f"the 'python3' kernel starts {command} ({spec.resource_dir}), not {python}",
                   f"{python} -m ipykernel install --sys-prefix   and remove the other "
                   f"kernelspec: jupyter kernelspec remove python3 (the one in "
                   f"{spec.resource_dir})")


def _same_python(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b) and Path(a).parent.parent == Path(b).parent.parent
    except OSError:
        return False


def _server_command() -> list[str] | None:
    """The command line of this kernel's parent process, if it is a Jupyter server."""
    parent = os.getppid()
    try:
        raw = Path(f"/proc/{parent}/cmdline").read_bytes()
        command = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    except OSError:
        try:
            import psutil
            command = psutil.Process(parent).cmdline()
        except Exception:  # no /proc and no psutil (e.g. Windows without psutil)
            return None
    text = " ".join(command)
    if re.search(r"jupyter|jupyterlab|notebook|jupyterhub|voila", text):
        return command
    return None


def _prefix_of(executable: str) -> Path:
    path = Path(executable)
    return path.parent.parent if path.parent.name in ("bin", "Scripts") else path.parent


def check_server_environment(command: list[str] | None = None) -> Finding:
    """Does the Jupyter server that started this kernel serve a matching widget manager?

    The kernel's ipywidgets and the front end's widget manager (jupyterlab_widgets, in
    the *server's* environment) must belong together; widgets fail to render otherwise.
    """
    command = command if command is not None else _server_command()
    if not command:
        return Finding("server", None, "not started by a Jupyter server; not checked")
    python = command[0]
    if not re.search(r"python", Path(python).name) and len(command) > 1:
        python = command[1]  # e.g. jupyter-lab's own script: its interpreter comes first
    server_prefix = _prefix_of(python)
    if server_prefix.resolve() == Path(sys.prefix).resolve():
        return Finding("server", True, "Jupyter runs from this kernel's environment",
                       brief="server and kernel in one environment")
    extension = check_widget_extension(server_prefix)
    guard = check_widget_extension(server_prefix, extension=GUARD_EXTENSION,
                                   package="anywidget", without=_GUARD_MISSING)
    if extension.ok and guard.ok:
        return Finding("server", True, f"Jupyter runs from {server_prefix}, "
                       "which has the widget manager", brief="server has the widget manager")
    if extension.ok:
        return Finding("server", False,
                       f"Jupyter runs from another environment ({server_prefix}) without "
                       f"anywidget's front end: {_GUARD_MISSING}",
                       "install anywidget in the server's environment and restart it (on a "
                       "JupyterHub: ask the administrator); or start JupyterLab from this "
                       "environment (python3 tasks.py lab)")
    return Finding("server", False,
                   f"Jupyter runs from another environment ({server_prefix}) without the "
                   "widget manager, so explorers will not render",
                   "start JupyterLab from this environment (python3 tasks.py lab), or install "
                   "jupyterlab_widgets in the server's environment (on a JupyterHub: ask the "
                   "administrator)")


# --------------------------------------------------------------------- notebooks
def notebook_requirement(path: str | os.PathLike) -> str | None:
    """The gdcourse version a notebook asks for in its ``gdcourse.check_setup(...)`` cell."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        match = _REQUIRE_CALL.search("".join(source) if isinstance(source, list) else source)
        if cell.get("cell_type") == "code" and match:
            return match.group(1)
    return None


def check_notebooks_trusted(paths: list[Path]) -> Finding:
    """Notebooks that store outputs must be trusted, or their widgets and HTML stay inert."""
    with_outputs = []
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        if any(cell.get("outputs") for cell in nb.get("cells", [])):
            with_outputs.append((Path(path), nb))
    if not with_outputs:
        return Finding("trust", True, "no notebook stores outputs (nothing to trust)")
    try:
        import nbformat
        from nbformat.sign import NotebookNotary
    except ImportError:
        return Finding("trust", None, "nbformat is not installed here; not checked")
    notary = NotebookNotary()
    untrusted = [p for p, nb in with_outputs
                 if not notary.check_signature(nbformat.from_dict(nb))]
    if not untrusted:
        return Finding("trust", True, f"{len(with_outputs)} notebook(s) with outputs, all trusted")
    names = " ".join(str(p) for p in untrusted[:5])
    return Finding("trust", False, f"{len(untrusted)} notebook(s) with outputs are not trusted",
                   f"jupyter trust {names}   (or in JupyterLab: command palette → Trust Notebook)")


# ------------------------------------------------------------------------- reports
def kernel_report(required: str) -> Report:
    """The checks that make sense inside a running kernel."""
    return Report([check_version(required), check_widget_packages(),
                   check_explorer_guard(extension=False), check_server_environment()])


def environment_report(notebooks: list[Path] = ()) -> Report:
    """The checks of ``python3 tasks.py doctor``, made from the course's environment."""
    notebooks = [Path(p) for p in notebooks]
    required = sorted({v for v in map(notebook_requirement, notebooks) if v},
                      key=_version_tuple)
    findings = []
    if required:
        findings.append(check_version(required[-1]))
    else:
        findings.append(Finding("gdcourse version", True, f"gdcourse {_gdcourse_version()}"))
    findings += [check_widget_packages(), check_widget_extension(), check_explorer_guard(),
                 check_kernelspec()]
    if notebooks:
        findings.append(check_notebooks_trusted(notebooks))
    return Report(findings)


def check_setup(required: str) -> Report:
    """Check this kernel for a notebook written for gdcourse ``required``.

    Raises :class:`OutdatedPackageError` (with what to do) when the installed package is
    older than ``required``; otherwise returns a :class:`Report` that shows one short line
    when all is well, and each problem with its fix when not.
    """
    installed = _gdcourse_version()
    if _version_tuple(installed) < _version_tuple(required):
        raise OutdatedPackageError(outdated_message(required, installed))
    return kernel_report(required)


def main(argv: list[str] | None = None) -> int:
    """``python -m gdcourse.doctor [NOTEBOOK_DIR ...]``: print the report; 1 on a problem."""
    argv = sys.argv[1:] if argv is None else argv
    notebooks = sorted(p for folder in argv for p in Path(folder).rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    report = environment_report(notebooks)
    print(report)
    if report.ok:
        print("No problems found.")
        return 0
    print(f"\n{len(report.problems)} problem(s); the fix is under each.")
    return 1


if __name__ == "__main__":
    sys.exit(main())

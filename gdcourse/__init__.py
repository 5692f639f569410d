"""gdcourse: the NumPy package behind the gradient-descent course.

Its API mirrors PyTorch's, so what a learner writes here is the same line of code in
PyTorch: :mod:`gdcourse.optim` mirrors ``torch.optim``,
:mod:`gdcourse.optim.lr_scheduler` mirrors ``torch.optim.lr_scheduler`` and
:mod:`gdcourse.init` mirrors ``torch.nn.init``.

The experiment engine: :mod:`~gdcourse.landscapes` (2-D losses),
:mod:`~gdcourse.trajectories` (``trace``, ``race``), :mod:`~gdcourse.convergence` (closed-form
rates on quadratics), :mod:`~gdcourse.geometry` (paths leaving the box, clipping angles),
:mod:`~gdcourse.data`, :mod:`~gdcourse.models`, :mod:`~gdcourse.gradcheck`,
:mod:`~gdcourse.train`, :mod:`~gdcourse.lr_finder`, :mod:`~gdcourse.plateau`,
:mod:`~gdcourse.divergence`; figures in :mod:`~gdcourse.plots`; the course's interactive
explorers in :mod:`~gdcourse.widgets`; the checks of its exercises in
:mod:`~gdcourse.exercises`.

``import gdcourse`` is nearly free: every submodule is imported on first access
(``gdcourse.optim``, ``from gdcourse.optim import SGD``), so a notebook pays only for
what it uses; :mod:`gdcourse.plots` brings matplotlib, :mod:`gdcourse.widgets` ipywidgets,
and the data loaders import scikit-learn when called. :func:`check_setup` (the first cell
of every notebook) checks the kernel: see :mod:`gdcourse.doctor`.
:func:`set_language` (``"zh_CN"`` in the Chinese edition's first cell, or the environment
variable ``GDCOURSE_LANG``) chooses the language: see :mod:`gdcourse.i18n`.
"""

import importlib
from typing import Any

__version__ = "0.2.0"

# Imported when first accessed (PEP 562), so that `import gdcourse` costs almost nothing
# beyond Python itself and works without a display stack.
_SUBMODULES = (
    "convergence", "data", "divergence", "doctor", "exercises", "fonts", "geometry",
    "gradcheck", "i18n", "init", "landscapes", "lr_finder", "models", "optim", "plateau",
    "plots", "progress", "train", "trajectories", "widgets",
)

__all__ = [*_SUBMODULES, "check_setup", "set_language", "get_language", "__version__"]


def check_setup(required: str) -> Any:
    """Check this kernel for a notebook written for gdcourse ``required`` (see doctor)."""
    from .doctor import check_setup as _check_setup
    return _check_setup(required)


def set_language(language: str) -> str:
    """Use ``language`` ('en', the default, or 'zh_CN') from now on (see gdcourse.i18n)."""
    from .i18n import set_language as _set_language
    return _set_language(language)


def get_language() -> str:
    """The language in use: 'en' or 'zh_CN'."""
    from .i18n import get_language as _get_language
    return _get_language()


def __getattr__(name: str) -> Any:
    # PEP 562: `gdcourse.plots` works after a plain `import gdcourse`.
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})

"""gdcourse: the NumPy package behind the gradient-descent course.

Its API mirrors PyTorch's, so what a learner writes here is the same line of code in
PyTorch: :mod:`gdcourse.optim` mirrors ``torch.optim``,
:mod:`gdcourse.optim.lr_scheduler` mirrors ``torch.optim.lr_scheduler`` and
:mod:`gdcourse.init` mirrors ``torch.nn.init``.

The experiment engine: :mod:`~gdcourse.functions` (2-D landscapes and ``trace``),
:mod:`~gdcourse.data`, :mod:`~gdcourse.models`, :mod:`~gdcourse.gradcheck`,
:mod:`~gdcourse.train`, :mod:`~gdcourse.lr_finder`, :mod:`~gdcourse.plateau`,
:mod:`~gdcourse.divergence`; figures in :mod:`~gdcourse.plots`; the course's interactive
explorers in :mod:`~gdcourse.widgets`; the checks of its exercises in
:mod:`~gdcourse.exercises`.

Importing gdcourse loads only NumPy: :mod:`gdcourse.plots` (matplotlib) is imported on
first use, and the data loaders import scikit-learn when called.
"""

import importlib
from typing import Any

from . import (data, divergence, exercises, functions, gradcheck, init, lr_finder, models,
               optim, plateau, train)

__version__ = "0.1.0"

# Modules that need matplotlib or ipywidgets: imported when first accessed,
# so `import gdcourse` stays fast and works without a display stack.
_LAZY_MODULES = ("plots", "progress", "widgets")

__all__ = [
    "data", "divergence", "exercises", "functions", "gradcheck", "init", "lr_finder", "models",
    "optim", "plateau", "train", *_LAZY_MODULES, "__version__",
]


def __getattr__(name: str) -> Any:
    # PEP 562: `gdcourse.plots` works after a plain `import gdcourse`.
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

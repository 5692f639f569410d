"""gdcourse: the NumPy package behind the gradient-descent course.

Its API mirrors PyTorch's, so what a learner writes here is the same line of code in
PyTorch: :mod:`gdcourse.optim` mirrors ``torch.optim``,
:mod:`gdcourse.optim.lr_scheduler` mirrors ``torch.optim.lr_scheduler`` and
:mod:`gdcourse.init` mirrors ``torch.nn.init``.

Importing gdcourse loads only NumPy; plotting and widgets load matplotlib and
ipywidgets when they are used.
"""

from . import init, optim

__version__ = "0.1.0"

__all__ = ["init", "optim", "__version__"]

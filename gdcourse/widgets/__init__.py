"""Interactive explorers of the course, on ipywidgets and matplotlib.

Each explorer is one call from a notebook, e.g. ``QuadraticExplorer(condition_number=50)``
as the last line of a cell. Its numbers come from the tested engine
(:mod:`gdcourse.landscapes`, :mod:`gdcourse.trajectories`, :mod:`gdcourse.train`, :mod:`gdcourse.lr_finder`,
:mod:`gdcourse.plateau`, ...) and its drawing from :mod:`gdcourse.plots`; the widget
layer only arranges controls and figures. :class:`Explorer` is the shared base.

Fast explorers redraw on every control change; heavy ones (batch size,
initialisation, range test) compute when their Run button is pressed, and redraw their
stored result at once for the controls that need no new computation (the histogram
kind, the range test's smoothing, threshold and chosen rate).
"""

from ._base import Explorer
from .batch_size import BatchSizeExplorer
from .clipping import ClippingExplorer
from .descent import StepByStepExplorer
from .initialisation import InitialisationExplorer
from .quadratic import QuadraticExplorer
from .race import OptimizerRaceExplorer
from .range_test import RangeTestExplorer
from .schedules import PlateauExplorer, ScheduleExplorer

__all__ = [
    "Explorer",
    "StepByStepExplorer",      # 1. gradient descent step by step, 1-D and 2-D
    "QuadraticExplorer",       # 2. the learning rate (and momentum) on a quadratic
    "OptimizerRaceExplorer",   # 3. optimizers racing on one landscape
    "BatchSizeExplorer",       # 4. batch size on real data, per epoch and per second
    "ScheduleExplorer",        # 5. warm-up + schedule, lr(t) and a run with it
    "PlateauExplorer",         # 6. ReduceLROnPlateau on a noisy validation curve
    "ClippingExplorer",        # 7. no clipping vs by value vs by norm on a cliff
    "InitialisationExplorer",  # 8. per-layer statistics by initialisation scheme
    "RangeTestExplorer",       # 9. the learning-rate range test, live
]

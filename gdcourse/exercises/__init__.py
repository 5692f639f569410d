"""Auto-checked exercises of the course.

Each ``check_*`` function takes the learner's function (or class) and returns a
:class:`CheckResult` that shows itself in the notebook: *passed*, *not yet* with a
message that separates type, shape and value and a hint aimed at the usual mistake, or
*not attempted yet* while the code still raises ``NotImplementedError``::

    from gdcourse.exercises import check_numerical_gradient
    check_numerical_gradient(numerical_gradient)

Every exercise is an :class:`Exercise` (reference, cases, known mistakes); they are
listed in :data:`EXERCISES` so the tests can prove that each check passes its reference
and answers each known mistake with that mistake's hint.
"""

from . import gradients, initialisation, learning_rate, minibatch, optimizers, schedules, diagnostics
from ._checking import (ANSWER_KINDS, Call, Case, CheckResult, Exercise, HintHistory, Mistake,
                        Requirement, compare, inputs_unchanged, integer_output, list_output,
                        same_shape)
from ._running import TimeLimitExceeded
from .diagnostics import *  # noqa: F401,F403
from .gradients import *  # noqa: F401,F403
from .initialisation import *  # noqa: F401,F403
from .learning_rate import *  # noqa: F401,F403
from .minibatch import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403

_TOPICS = (gradients, minibatch, learning_rate, schedules, optimizers, initialisation, diagnostics)

#: Every exercise of the course, by topic module, e.g. ``EXERCISES["numerical_gradient"]``.
EXERCISES: dict[str, Exercise] = {
    name: exercise for topic in _TOPICS for name, exercise in topic.EXERCISES.items()
}

__all__ = [
    "Case", "CheckResult", "Exercise", "Mistake", "compare", "EXERCISES",
    "ANSWER_KINDS", "Call", "HintHistory", "Requirement", "TimeLimitExceeded",
    "inputs_unchanged", "integer_output", "list_output", "same_shape",
    *(name for topic in _TOPICS for name in topic.__all__),
]

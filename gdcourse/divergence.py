"""Detecting a run that diverged, and saying so in plain words.

Every loop that steps an optimizer (on a 2-D landscape, in training, in the range test)
checks each loss with :func:`check_divergence` and stops at the first
:class:`Divergence`, instead of filling arrays with ``nan`` and the notebook with
overflow warnings. ``str(divergence)`` is the sentence shown to the learner::

    diverged at step 37: loss is inf — try a smaller learning rate
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ._messages import F_, N_, _, _f

__all__ = ["Divergence", "check_divergence", "DEFAULT_BLOWUP"]

# A loss this many times its starting value counts as diverged: by then the iterates
# grow geometrically and the next few steps overflow anyway.
DEFAULT_BLOWUP = 1e8


@dataclass(frozen=True)
class Divergence:
    """Where and how a run diverged.

    Attributes
    ----------
    step : int
        The optimizer step after which the problem was seen (1 = after the first
        update; 0 = at the starting point).
    reason : str
        What was seen, e.g. ``"loss is inf"``.
    advice : str
        What to try.
    """

    step: int
    reason: str
    advice: str = N_("try a smaller learning rate")

    def __str__(self) -> str:
        return _f("diverged at step {step}: {reason} — {advice}", step=self.step,
                  reason=_(self.reason), advice=_(self.advice))


def check_divergence(step: int, loss: float, initial_loss: float | None = None,
                     params: Iterable[np.ndarray] | None = None,
                     blowup: float = DEFAULT_BLOWUP) -> Divergence | None:
    """Return a :class:`Divergence` if this loss (or these parameters) show divergence.

    Parameters
    ----------
    step : int
        The step the loss belongs to.
    loss : float
        The loss after that step.
    initial_loss : float, optional
        The loss at the start; with it, a loss above ``blowup * max(|initial_loss|, 1)``
        also counts as diverged.
    params : iterable of numpy.ndarray, optional
        Parameters to check for NaN/inf (a finite loss can hide an overflowed weight
        that a ReLU or a clipped output never reads).
    blowup : float
        Growth factor of the loss that counts as divergence.

    Returns
    -------
    Divergence or None
    """
    loss = float(loss)
    if math.isnan(loss):
        return Divergence(step, N_("loss is nan"))
    if math.isinf(loss):
        return Divergence(step, N_("loss is inf") if loss > 0 else N_("loss is -inf"))
    if initial_loss is not None and math.isfinite(initial_loss):
        limit = blowup * max(abs(initial_loss), 1.0)
        if loss > limit:
            return Divergence(
                step, F_("loss grew from {initial:.3g} to {loss:.3g}", initial=initial_loss,
                         loss=loss))
    if params is not None:
        for index, param in enumerate(params):
            if not np.all(np.isfinite(param)):
                return Divergence(step, F_("parameter {index} is not finite", index=index))
    return None

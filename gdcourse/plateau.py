r"""ReduceLROnPlateau on a validation curve, epoch by epoch: where and why the rate drops.

:func:`run_plateau` feeds one validation loss per epoch to
:class:`~gdcourse.optim.lr_scheduler.ReduceLROnPlateau` and records what the scheduler
saw and did (:class:`PlateauRecord`): the rate of every epoch, its best metric so far,
the epochs spent in cooldown and the epochs after which it cut the rate.
:func:`noisy_validation_curve` makes a curve to feed it: one that falls, flattens and
jitters like a real validation loss, without training anything::

    metrics = noisy_validation_curve(100, 0.03, np.random.default_rng(0))
    record = run_plateau(metrics, lr=0.1, patience=5, factor=0.5)
    record.drops, record.final_lr

The curve does not react to the rate, so this shows the scheduler's rule alone, not its
effect on training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import require_generator
from .optim import SGD
from .optim.lr_scheduler import ReduceLROnPlateau

__all__ = ["noisy_validation_curve", "PlateauRecord", "run_plateau"]


def noisy_validation_curve(epochs: int, noise: float, rng: np.random.Generator, *,
                           start: float = 1.0, floor: float = 0.2,
                           decay_epochs: float = 15.0) -> np.ndarray:
    r"""A synthetic validation loss: falls, then flattens, with multiplicative noise.

    .. math:: m_e = \left(f + (s - f)\, e^{-e/\tau}\right) \exp(\sigma z_e), \qquad
        z_e \sim N(0, 1), \quad e = 1, \dots, E

    It stands for what :class:`~gdcourse.optim.lr_scheduler.ReduceLROnPlateau` sees;
    it does not react to the rate.

    Parameters
    ----------
    epochs : int
        :math:`E \ge 1`.
    noise : float
        :math:`\sigma \ge 0`, the relative size of the noise; 0 gives the clean curve.
    rng : numpy.random.Generator
    start, floor : float
        :math:`s > f > 0`: the curve starts near ``start`` and flattens at ``floor``.
    decay_epochs : float
        :math:`\tau > 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(epochs,)``, positive; entry ``k`` is epoch ``k + 1``.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    if not 0 < floor < start:
        raise ValueError(f"need 0 < floor < start, got floor={floor!r}, start={start!r}")
    if not decay_epochs > 0:
        raise ValueError(f"decay_epochs must be > 0, got {decay_epochs!r}")
    require_generator(rng)
    e = np.arange(1, epochs + 1, dtype=float)
    clean = floor + (start - floor) * np.exp(-e / decay_epochs)
    return clean * np.exp(noise * rng.standard_normal(epochs))


@dataclass(frozen=True)
class PlateauRecord:
    """What :class:`ReduceLROnPlateau` did, epoch by epoch (entry ``k`` = epoch ``k+1``).

    Attributes
    ----------
    lrs : numpy.ndarray
        The rate in use during each epoch (set by the steps of the epochs before).
    best : numpy.ndarray
        The scheduler's best metric after each epoch (it moves only on improvements
        beyond the threshold).
    in_cooldown : numpy.ndarray of bool
        Epochs whose step came during a cooldown: their bad epochs were not counted.
    drops : tuple of int
        The epochs (1-based) after whose metric the rate was reduced.
    final_lr : float
        The rate after the last epoch's step.
    """

    lrs: np.ndarray
    best: np.ndarray
    in_cooldown: np.ndarray
    drops: tuple[int, ...]
    final_lr: float

    def cooldown_spans(self) -> list[tuple[int, int]]:
        """``(first, last)`` epochs (1-based, inclusive) of each run of cooldown epochs."""
        padded = np.concatenate([[False], np.asarray(self.in_cooldown, dtype=bool),
                                 [False]])
        edges = np.flatnonzero(np.diff(padded.astype(int)))
        # A run starts at a rise and ends before the next fall: indices k are epoch k+1.
        return [(int(rise) + 1, int(fall)) for rise, fall in zip(edges[::2], edges[1::2])]


def run_plateau(metrics: Any, lr: float = 0.1, **kwargs: Any) -> PlateauRecord:
    """Feed ``metrics`` (one per epoch) to ``ReduceLROnPlateau(SGD(lr), **kwargs)``.

    Parameters
    ----------
    metrics : array_like, 1-D
        The validation metric of each epoch, in order.
    lr : float, default 0.1
        The starting rate.
    **kwargs
        Those of :class:`~gdcourse.optim.lr_scheduler.ReduceLROnPlateau`
        (``patience``, ``factor``, ``threshold``, ``threshold_mode``, ``cooldown``,
        ``min_lr``, ...).

    Returns
    -------
    PlateauRecord
    """
    metrics = np.asarray(metrics, dtype=float)
    if metrics.ndim != 1:
        raise ValueError(f"metrics must be 1-D, got shape {metrics.shape}")
    optimizer = SGD([np.zeros(1)], lr=lr)
    scheduler = ReduceLROnPlateau(optimizer, **kwargs)
    n = len(metrics)
    lrs, best = np.empty(n), np.empty(n)
    in_cooldown = np.zeros(n, dtype=bool)
    drops = []
    for k, metric in enumerate(metrics):
        lrs[k] = optimizer.param_groups[0]["lr"]
        in_cooldown[k] = scheduler.in_cooldown
        scheduler.step(float(metric))
        best[k] = scheduler.best
        if optimizer.param_groups[0]["lr"] < lrs[k]:
            drops.append(k + 1)
    return PlateauRecord(lrs=lrs, best=best, in_cooldown=in_cooldown, drops=tuple(drops),
                         final_lr=float(optimizer.param_groups[0]["lr"]))

r"""The learning-rate range test (Smith 2015/2017), to pick a starting learning rate.

Train for one short run while the learning rate grows from tiny to huge, one
mini-batch per rate, and watch the loss: at first nothing happens (the rate is too
small to move), then the loss falls, then it blows up (the rate is too large). A
good rate sits in the falling part. :func:`lr_range_test` runs this experiment on a
model and optimizer and then puts both back exactly as they were.

The raw mini-batch losses are noisy, so the curve is smoothed with a bias-corrected
exponential moving average, the convention of the fastai implementation (the same
bias correction as Adam's moment estimates):

.. math::
    m_0 = 0,\qquad m_i = \beta\, m_{i-1} + (1 - \beta)\, \ell_i,\qquad
    \hat\ell_i = \frac{m_i}{1 - \beta^i}\quad (i = 1, 2, \ldots),

with :math:`\beta` = ``smoothing`` = 0.98 by default. The run stops early once
:math:`\hat\ell_i` exceeds ``diverge_factor`` (4) times its smallest value so far.

The stop rule only decides where the curve ends: the loss of a step does not depend on
it. So one test recorded with the rule switched off (``diverge_factor=math.inf``) can
be cut afterwards for any ``smoothing`` and ``diverge_factor``
(:func:`replay_range_test`), exactly as a new test with those settings would have
recorded it.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", IEEE WACV 2017
(arXiv:1506.01186, 2015), section 3.3, "How can one estimate reasonable minimum and
maximum boundary values?".

L. N. Smith, "A disciplined approach to neural network hyper-parameters: Part 1 --
learning rate, batch size, momentum, and weight decay", arXiv:1803.09820, 2018.

J. Howard, S. Gugger et al., fastai, ``LRFinder`` callback and ``lr_find`` (the
exponential schedule, the smoothing with :math:`\beta = 0.98`, the stop at four times
the best loss, and the "steep" and "minimum" suggestions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import require_generator

from .data import minibatches
from .divergence import check_divergence
from .optim import Optimizer

__all__ = [
    "RangeTestResult", "lr_range_test", "range_test_lrs", "smooth_losses", "suggest_lrs",
    "replay_stop_rule", "replay_range_test"]

_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

# Points left out at each end when looking for the steepest slope, as fastai does
# (num_steps // 10 at the start, 5 at the end): the first slopes reflect the
# bias-corrected average settling down, the last ones the blow-up.
SKIP_START = 10
SKIP_END = 5
# The slope at point i is the central difference between points i - 2 and i + 2.
# fastai uses neighbouring points; with noisy mini-batch losses one lucky batch in the
# flat start can then look like the steepest descent of the whole curve (it did, for
# 4 seeds out of 20 in the linear-regression test). Twice the span halves that noise.
SLOPE_HALF_WIDTH = 2


@dataclass
class RangeTestResult:
    """The curve recorded by :func:`lr_range_test` and the rates it suggests.

    Attributes
    ----------
    lrs : numpy.ndarray
        The learning rate of each step.
    losses : numpy.ndarray
        The raw mini-batch loss of each step, computed before the update with that
        step's rate (so it shows the effect of the rates before it).
    smoothed_losses : numpy.ndarray
        The bias-corrected moving average of ``losses`` (see :func:`smooth_losses`).
    stopped_early : bool
        Whether the test stopped before ``num_steps`` because the loss blew up.
    stop_reason : str or None
        Why it stopped early, in words; None if it ran to ``end_lr``.
    suggestions : dict of str to float
        ``"steepest"``: the rate where the smoothed loss falls fastest against
        log(lr), leaving out the first and last few points; ``"min/10"``: a tenth of
        the rate at the smallest smoothed loss (see :func:`suggest_lrs` for the
        details). "steepest" is missing when fewer than five points were recorded.

        These are **heuristics**: a starting point for a few short trial runs, not
        an answer. The best rate also depends on the schedule, the batch size and
        how long you train.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    stopped_early: bool
    stop_reason: str | None
    suggestions: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines of plain text: the range covered, why it stopped, the suggestions."""
        lines = [f"range test: {len(self.lrs)} steps, lr from {self.lrs[0]:.2g} to "
                 f"{self.lrs[-1]:.2g}"]
        if self.stopped_early:
            lines[0] += f"; stopped early: {self.stop_reason}"
        rates = ", ".join(f"{name} {lr:.2g}" for name, lr in self.suggestions.items())
        lines.append(f"suggested starting rates (heuristics, try a few): {rates}")
        return "\n".join(lines)


def range_test_lrs(start_lr: float, end_lr: float, num_steps: int,
                   mode: str = "exp") -> np.ndarray:
    r"""The ``num_steps`` learning rates of a range test, from ``start_lr`` to ``end_lr``.

    ``mode="exp"``: a geometric sequence, :math:`\eta_i = \eta_0 (\eta_1/\eta_0)^{i/(N-1)}`
    (every step multiplies the rate by the same factor, so each decade gets the same
    number of steps); ``mode="linear"``: evenly spaced rates (Smith's original
    version, which spends almost all steps in the top decade).
    """
    positions = np.arange(num_steps) / (num_steps - 1)
    if mode == "exp":
        return start_lr * (end_lr / start_lr) ** positions
    return start_lr + (end_lr - start_lr) * positions


def smooth_losses(losses: Any, smoothing: float = 0.98) -> np.ndarray:
    r"""The bias-corrected exponential moving average of a sequence of losses.

    :math:`m_i = \beta m_{i-1} + (1-\beta)\ell_i` from :math:`m_0 = 0`, divided by
    :math:`1 - \beta^i` so that early values are not pulled towards 0 (fastai's
    convention, with :math:`\beta` = ``smoothing``). ``smoothing=0`` returns the
    losses unchanged.
    """
    losses = np.asarray(losses, dtype=float)
    smoothed = np.empty_like(losses)
    average = 0.0
    with np.errstate(**_QUIET):
        for i, loss in enumerate(losses, start=1):
            average = smoothing * average + (1.0 - smoothing) * loss
            smoothed[i - 1] = average / (1.0 - smoothing**i)
    return smoothed


def lr_range_test(model: Any, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, *,
                  start_lr: float = 1e-7, end_lr: float = 10.0, num_steps: int = 100,
                  mode: str = "exp", batch_size: int | None = 64,
                  smoothing: float = 0.98, diverge_factor: float = 4.0,
                  rng: np.random.Generator) -> RangeTestResult:
    """Run Smith's learning-rate range test, then restore the model and optimizer.

    The rate rises from ``start_lr`` to ``end_lr`` over ``num_steps`` optimizer steps,
    one mini-batch each, cycling through the data (reshuffled by ``rng`` on every
    pass). Every parameter group gets the same rate. The test stops early once the
    smoothed loss exceeds ``diverge_factor`` times its minimum so far, or the loss
    or the parameters stop being finite.

    Parameters
    ----------
    model : gdcourse.models model
        Needs ``params``, ``loss_and_grads``, ``copy_params`` and ``set_params``.
    optimizer : gdcourse.optim.Optimizer
        Holding the model's parameters, configured as for training (momentum,
        betas, weight decay): the test is about this optimizer. It starts from the
        optimizer's current state.
    X, y : numpy.ndarray
        Training data.
    start_lr, end_lr : float, default 1e-7 and 10
        The first and the last rate, ``0 < start_lr < end_lr``.
    num_steps : int, default 100
        Steps (rates) in the sweep, >= 2.
    mode : {"exp", "linear"}, default "exp"
        Geometric or evenly spaced rates (see :func:`range_test_lrs`).
    batch_size : int or None, default 64
        Mini-batch size; None for the full batch. Incomplete last batches are
        dropped, so that every loss is an average over the same number of samples.
    smoothing : float, default 0.98
        The :math:`\\beta` of the moving average (see :func:`smooth_losses`), in [0, 1).
    diverge_factor : float, default 4.0
        Stop when the smoothed loss exceeds this multiple of its minimum so far (> 1).
    rng : numpy.random.Generator
        Shuffles the data.

    Returns
    -------
    RangeTestResult
        The curve (plot ``losses`` and ``smoothed_losses`` against ``lrs`` on a log
        axis) and ``suggestions``. The suggestions are heuristics: use them as a
        starting point for a few short trial runs, not as the answer.

    Notes
    -----
    The model's parameters and the optimizer's state (``state_dict``, including the
    learning rates of its groups) are restored exactly afterwards, even if an
    exception interrupts the test: the test only looks, it does not train.

    Losses of a model whose parameters overflow are caught by
    :func:`~gdcourse.divergence.check_divergence`; NumPy's overflow warnings are
    silenced during the test.

    References
    ----------
    L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017;
    L. N. Smith, "A disciplined approach to neural network hyper-parameters", 2018;
    fastai's ``lr_find``.
    """
    _check_arguments(optimizer, start_lr, end_lr, num_steps, mode, batch_size, smoothing,
                     diverge_factor, rng)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X must be 2-D with as many rows as y, got shapes {X.shape} and {y.shape}")
    if batch_size is not None and batch_size >= len(X):
        batch_size = None
    lrs = range_test_lrs(start_lr, end_lr, num_steps, mode)

    saved_params = model.copy_params()
    saved_state = optimizer.state_dict()
    try:
        losses, stop_reason = _sweep(model, optimizer, X, y, lrs, batch_size, smoothing,
                                     diverge_factor, rng)
    finally:
        model.set_params(saved_params)
        optimizer.load_state_dict(saved_state)

    losses = np.asarray(losses)
    lrs = lrs[:len(losses)]
    smoothed = smooth_losses(losses, smoothing)
    return RangeTestResult(lrs=lrs, losses=losses, smoothed_losses=smoothed,
                           stopped_early=stop_reason is not None, stop_reason=stop_reason,
                           suggestions=suggest_lrs(lrs, smoothed))


def _sweep(model: Any, optimizer: Optimizer, X: np.ndarray, y: np.ndarray,
           lrs: np.ndarray, batch_size: int | None, smoothing: float,
           diverge_factor: float, rng: np.random.Generator) -> tuple[list[float], str | None]:
    """Take one step per rate; return the raw losses and why it stopped early (or None)."""
    losses: list[float] = []
    average = 0.0
    best = math.inf
    batches = _endless_batches(X, y, batch_size, rng)
    with np.errstate(**_QUIET):
        for i, lr in enumerate(lrs):
            X_batch, y_batch = next(batches)
            loss, grads = model.loss_and_grads(X_batch, y_batch)
            loss = float(loss)
            losses.append(loss)
            divergence = check_divergence(i, loss, losses[0], model.params)
            if divergence is not None:
                return losses, f"{divergence.reason} at lr {lr:.2g}"
            average = smoothing * average + (1.0 - smoothing) * loss
            smoothed = average / (1.0 - smoothing ** (i + 1))
            best = min(best, smoothed)
            if smoothed > diverge_factor * best:
                return losses, _stop_rule_reason(diverge_factor, lr)
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
            optimizer.step(grads)
    return losses, None


def _stop_rule_reason(diverge_factor: float, lr: float) -> str:
    return f"smoothed loss above {diverge_factor:g} x its minimum at lr {lr:.2g}"


def replay_stop_rule(losses: Any, smoothing: float,
                     diverge_factor: float) -> tuple[int, bool]:
    """Where :func:`lr_range_test`'s stop rule would have ended a sequence of losses.

    The range test stops at the first step whose smoothed loss exceeds
    ``diverge_factor`` times the smallest smoothed loss so far, and keeps that step.

    Parameters
    ----------
    losses : array_like
        Raw mini-batch losses of a range test run with the stop rule switched off
        (``diverge_factor=math.inf``).
    smoothing : float
        The :math:`\\beta` of :func:`smooth_losses`, in [0, 1).
    diverge_factor : float
        Greater than 1.

    Returns
    -------
    n_kept : int
        How many steps the test would have recorded.
    stopped : bool
        Whether the rule fired (False: ``losses`` ran out first).
    """
    losses = np.asarray(losses, dtype=float)
    smoothed = smooth_losses(losses, smoothing)
    with np.errstate(**_QUIET):
        best_so_far = np.minimum.accumulate(smoothed)
        above = smoothed > diverge_factor * best_so_far
    if above.any():
        return int(np.argmax(above)) + 1, True
    return len(losses), False


def replay_range_test(recorded: RangeTestResult, smoothing: float = 0.98,
                      diverge_factor: float = 4.0) -> RangeTestResult:
    """What :func:`lr_range_test` with these settings returns, from a longer recording.

    The raw loss of a step does not depend on ``smoothing`` or ``diverge_factor``
    (they only decide when the test stops), so cutting a test recorded with the stop
    rule switched off where the rule fires (:func:`replay_stop_rule`), smoothing the
    kept losses and suggesting rates on them gives exactly the result of a new test
    from the same model, optimizer and data, at no cost. That is what lets a slider
    move these two settings live.

    Parameters
    ----------
    recorded : RangeTestResult
        From ``lr_range_test(..., diverge_factor=math.inf)``: the test ran to
        ``end_lr`` or until the loss or the parameters stopped being finite (its
        ``stop_reason`` then says so).
    smoothing : float, default 0.98
        In [0, 1).
    diverge_factor : float, default 4.0
        Greater than 1.

    Returns
    -------
    RangeTestResult
        The first ``len(result.lrs)`` steps of ``recorded``, with the smoothed losses,
        stop reason and suggestions of a test run with these settings.
    """
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
    if not diverge_factor > 1.0:
        raise ValueError(f"diverge_factor must be > 1, got {diverge_factor!r}")
    lrs, losses = np.asarray(recorded.lrs), np.asarray(recorded.losses)
    kept, stopped = replay_stop_rule(losses, smoothing, diverge_factor)
    if kept == len(losses) and recorded.stop_reason is not None:
        # The recording ended with a divergence, which the test checks before its
        # stop rule: on that last step the divergence is the reason either way.
        reason = recorded.stop_reason
    elif stopped:
        reason = _stop_rule_reason(diverge_factor, float(lrs[kept - 1]))
    else:
        reason = None
    smoothed = smooth_losses(losses[:kept], smoothing)
    return RangeTestResult(lrs=lrs[:kept], losses=losses[:kept], smoothed_losses=smoothed,
                           stopped_early=reason is not None, stop_reason=reason,
                           suggestions=suggest_lrs(lrs[:kept], smoothed))


def _endless_batches(X: np.ndarray, y: np.ndarray, batch_size: int | None,
                     rng: np.random.Generator):
    """Mini-batches for ever: pass after pass over the data, each reshuffled."""
    while True:
        yield from minibatches(X, y, batch_size, shuffle=batch_size is not None, rng=rng,
                               drop_last=batch_size is not None)


def suggest_lrs(lrs: np.ndarray, smoothed: np.ndarray) -> dict[str, float]:
    """The heuristic suggestions of :class:`RangeTestResult` from a recorded curve.

    ``"steepest"``: the rate at the most negative slope of ``smoothed`` against
    ``log(lr)``, each slope a central difference over ``SLOPE_HALF_WIDTH`` points on
    either side, leaving out the first ``min(10, n // 10)`` and last ``min(5, n // 20)``
    points; it needs at least five points. ``"min/10"``: a tenth of the rate at the
    smallest smoothed loss. Non-finite points (a blow-up at the very end) are left out.
    """
    lrs = np.asarray(lrs, dtype=float)
    smoothed = np.asarray(smoothed, dtype=float)
    finite = np.isfinite(smoothed)
    lrs, smoothed = lrs[finite], smoothed[finite]
    n = len(lrs)
    suggestions: dict[str, float] = {}
    k = SLOPE_HALF_WIDTH
    first = max(min(SKIP_START, n // 10), k)
    last = n - 1 - max(min(SKIP_END, n // 20), k)
    if last >= first:
        i = np.arange(first, last + 1)
        log_lr = np.log(lrs)
        slopes = (smoothed[i + k] - smoothed[i - k]) / (log_lr[i + k] - log_lr[i - k])
        suggestions["steepest"] = float(lrs[i[np.argmin(slopes)]])
    if n:
        suggestions["min/10"] = float(lrs[np.argmin(smoothed)] / 10.0)
    return suggestions


def _check_arguments(optimizer: Any, start_lr: Any, end_lr: Any, num_steps: Any, mode: Any,
                     batch_size: Any, smoothing: Any, diverge_factor: Any, rng: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a gdcourse.optim optimizer, got {type(optimizer).__name__}")
    for name, value in (("start_lr", start_lr), ("end_lr", end_lr),
                        ("smoothing", smoothing), ("diverge_factor", diverge_factor)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number, got {value!r}")
    if not 0 < start_lr < end_lr < math.inf:
        raise ValueError(
            f"need 0 < start_lr < end_lr < inf, got start_lr={start_lr}, end_lr={end_lr}")
    for name, value, least in (("num_steps", num_steps, 2), ("batch_size", batch_size, 1)):
        if name == "batch_size" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < least:
            raise ValueError(f"{name} must be at least {least}, got {value}")
    if mode not in ("exp", "linear"):
        raise ValueError(f'mode must be "exp" or "linear", got {mode!r}')
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    if not diverge_factor > 1:
        raise ValueError(f"diverge_factor must be greater than 1, got {diverge_factor}")
    require_generator(rng)

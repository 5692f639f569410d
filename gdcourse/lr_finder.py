r"""The learning-rate range test, to pick a starting learning rate.

Train for one short run while the learning rate grows from tiny to huge, one
mini-batch per rate, and watch the loss: at first nothing happens (the rate is too
small to move), then the loss falls, then it blows up (the rate is too large). A
good rate sits in the falling part. :func:`lr_range_test` runs this experiment on a
model and optimizer and then puts both back exactly as they were.

Who does what. Smith (2015/2017, section 3.3) introduced the "LR range test": train
for several epochs while the rate rises *linearly* between two bounds and read the
*accuracy* curve, to choose the bounds of a cyclical schedule. The version here, and
in most libraries, is the one of fastai's ``lr_find`` (Howard & Gugger 2020): about
a hundred mini-batches with an *exponentially* growing rate, the loss smoothed with a
bias-corrected exponential moving average (EMA) with :math:`\beta = 0.98` of the
mini-batch losses :math:`L_i`,

.. math::
    s_0 = 0,\qquad s_i = \beta\, s_{i-1} + (1 - \beta)\, L_i,\qquad
    \hat L_i = \frac{s_i}{1 - \beta^i}\quad (i = 1, 2, \ldots),

a stop once :math:`\hat L_i` exceeds four times its smallest value so far, and
suggestions read on :math:`\hat L`: "steepest" (fastai's ``steep``) and "min/10"
(``minimum``), and in recent versions ``valley`` (the default) and ``slide``.
(fastai's rate at step :math:`i = 0, \ldots, N-1` is
:math:`\eta_{\text{start}} (\eta_{\text{end}}/\eta_{\text{start}})^{i/N}`, so its last
rate stops just short of ``end_lr``; here the exponent is :math:`i/(N-1)`, ending at
``end_lr``.)

The EMA lags. It averages about :math:`1/(1-\beta)` = 50 steps, and on a trend it
trails by :math:`\beta/(1-\beta)` = 49 steps; with the bias correction, step
:math:`i` is on average :func:`smoothing_lag` steps old, which for a 100-step test
over six decades is about two decades of the rate at the end of the test. Read off
the EMA, the minimum and the steepest point therefore sit at rates larger than the
ones where the raw losses have them, by an amount that depends on :math:`\beta`, on
the number of steps and on the range of rates, not on the model.

So :mod:`gdcourse` keeps the EMA for the stop rule (as fastai does; there a late,
noise-proof signal is what is wanted) but reads its **suggestions** from a
*centred* smoothing of the raw losses (:func:`centred_losses`): at each rate, the
geometric mean of the raw losses with Gaussian weights in :math:`\log_{10}\eta`, of
width (one standard deviation) ``centred_width`` = 0.2 decade on *both* sides. It does
not lag (except within three widths of either end of the test, where the window is
cut short). On that curve (:func:`suggest_lrs`):

* ``"steepest"``: where it falls fastest against :math:`\log\eta` (fastai's rule);
* ``"min/10"``: a tenth of the rate at its minimum (fastai's rule);
* ``"min/3"``: a third of the rate at its minimum, :mod:`gdcourse`'s own rule (neither
  fastai's nor Smith's). The minimum of the centred curve is roughly the largest
  rate that still trains; Smith (section 3.3) quotes the rule of thumb that the best
  rate is usually within a factor of two of the largest one that converges (as does
  Bengio 2012) and sets the lower bound of a cycle to 1/3 or 1/4 of the upper one.
  The factor 3 itself was chosen by the measurements below.

How the rule was chosen (measured on the course's digits: an MLP 64-32-10 trained for
three epochs at the suggested rate, six seeds, validation accuracy; the best rate of a
15-point grid reached 0.964-0.966 on average): at ``"min/3"`` SGD with momentum 0.9
reached 0.961, plain SGD 0.952 and Adam 0.962; ``"min/10"`` 0.949, 0.920 and 0.952;
``"steepest"`` 0.899, 0.916 and 0.944. Where the loss falls fastest *during a sweep*
depends on how fast the sweep raises the rate (with 300 steps instead of 100 it moved
2.6 times lower), so ``"steepest"`` marks the lower end of the useful range rather
than a rate to train with; ``"min/3"`` stayed at 0.958-0.961 for 50, 100 and 300
steps and for :math:`\beta` = 0.9 or 0.98. Read off the EMA, fastai's two rules
happen to work for 100 steps (0.955 and 0.960 with momentum) because the lag moves
them up, by an amount that changes with the settings (300 steps: "steepest" fell to
0.909). Reading the EMA at the rate its average is centred on (shifting it back by
:func:`smoothing_lag`) failed (accuracy 0.17-0.50): its window spans a third to a half
of the test, so its minimum, moved back, lands at the start of the fall. All three
suggestions are **heuristics**: confirm with a few short runs.

The stop rule only decides where the curve ends: the loss of a step does not depend on
it. So one test recorded with the rule switched off (``diverge_factor=math.inf``) can
be cut afterwards for any ``smoothing`` and ``diverge_factor``
(:func:`replay_range_test`), exactly as a new test with those settings would have
recorded it.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", IEEE WACV 2017
(arXiv:1506.01186, 2015), section 3.3, "How can one estimate reasonable minimum and
maximum boundary values?" (the range test: linear rates over several epochs, read on
the accuracy; the factor-of-two rule of thumb).

Y. Bengio, "Practical recommendations for gradient-based training of deep
architectures", 2012 (arXiv:1206.5533): the best rate is usually within a factor of two
of the largest one that does not diverge.

L. N. Smith, "A disciplined approach to neural network hyper-parameters: Part 1 --
learning rate, batch size, momentum, and weight decay", arXiv:1803.09820, 2018.

J. Howard and S. Gugger, "Fastai: a layered API for deep learning", *Information*
11(2), 108, 2020; and fastai's source, ``fastai/callback/schedule.py`` (``LRFinder``:
the exponential schedule, the stop at four times the best smoothed loss; ``steep``,
``minimum``) and ``fastai/learner.py`` (``AvgSmoothLoss``: the EMA with
:math:`\beta = 0.98` and its bias correction, which ``Recorder`` records as the
losses the suggestions are read from).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import check_model_and_optimizer, require_generator

from .data import minibatches
from ._messages import F_, Text, _, _f
from .divergence import check_divergence
from .optim import Optimizer

__all__ = [
    "RangeTestResult", "lr_range_test", "range_test_lrs", "smooth_losses", "smoothing_lag",
    "centred_losses", "suggest_lrs", "replay_stop_rule", "replay_range_test",
    "CENTRED_WIDTH"]

_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

# Points left out at each end when looking for the steepest slope, as fastai does
# (num_steps // 10 at the start, 5 at the end): the first slopes are those of the flat
# start, where one lucky batch can look like a steep fall, the last ones the blow-up.
SKIP_START = 10
SKIP_END = 5
# The width (one standard deviation, in decades of the learning rate) of the centred
# smoothing the suggestions are read from. Narrower, and one lucky mini-batch moves the
# minimum; wider, and the blow-up pulls the minimum to smaller rates. 0.2 decade is 3
# to 5 steps of a 100-step test over 5 to 8 decades.
CENTRED_WIDTH = 0.2


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
        The bias-corrected moving average of ``losses`` (see :func:`smooth_losses`),
        on which the stop rule acts. It lags the raw losses (see
        :func:`smoothing_lag`).
    stopped_early : bool
        Whether the test stopped before ``num_steps`` because the loss blew up.
    stop_reason : str or None
        Why it stopped early, in words; None if it ran to ``end_lr``.
    suggestions : dict of str to float
        Read from ``centred_losses`` (see :func:`suggest_lrs`): ``"steepest"``, the
        rate where it falls fastest against log(lr), leaving out the first and last
        few points; ``"min/10"`` and ``"min/3"``, a tenth and a third of the rate at
        its minimum. "steepest" is missing when fewer than five points were recorded.

        These are **heuristics**: a starting point for a few short trial runs, not
        an answer. The best rate also depends on the schedule, the batch size and
        how long you train.
    centred_losses : numpy.ndarray or None
        The centred (lag-free) smoothing of ``losses`` the suggestions are read from
        (see :func:`centred_losses`); None in a result built by hand without it.
    smoothing, centred_width : float or None
        The :math:`\beta` of ``smoothed_losses`` and the width (decades) of
        ``centred_losses``; None in a result built by hand without them.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    stopped_early: bool
    stop_reason: str | None
    suggestions: dict[str, float] = field(default_factory=dict)
    centred_losses: np.ndarray | None = None
    smoothing: float | None = None
    centred_width: float | None = None

    def summary(self) -> str:
        """A few lines of plain text: the range covered, why it stopped, the suggestions."""
        fields = dict(steps=len(self.lrs), start=self.lrs[0], end=self.lrs[-1])
        if self.stopped_early:
            lines = [_f("range test: {steps} steps, lr from {start:.2g} to {end:.2g}; "
                        "stopped early: {reason}", reason=_(self.stop_reason), **fields)]
        else:
            lines = [_f("range test: {steps} steps, lr from {start:.2g} to {end:.2g}",
                        **fields)]
        rates = ", ".join(f"{name} {lr:.2g}" for name, lr in self.suggestions.items())
        lines.append(_f("suggested starting rates (heuristics, try a few): {rates}",
                        rates=rates))
        return "\n".join(lines)


def range_test_lrs(start_lr: float, end_lr: float, num_steps: int,
                   mode: str = "exp") -> np.ndarray:
    r"""The ``num_steps`` learning rates of a range test, from ``start_lr`` to ``end_lr``.

    ``mode="exp"``: a geometric sequence,
    :math:`\eta_i = \eta_{\text{start}} (\eta_{\text{end}}/\eta_{\text{start}})^{i/(N-1)}`
    (every step multiplies the rate by the same factor, so each decade gets the same
    number of steps); ``mode="linear"``: evenly spaced rates (Smith's original
    version, which spends almost all steps in the top decade).

    Raises ``ValueError`` unless ``0 < start_lr < end_lr < inf`` and ``num_steps >= 2``
    (a geometric sweep from 0 is undefined, and one step has no range).
    """
    _check_rate_range(start_lr, end_lr, num_steps, mode)
    positions = np.arange(num_steps) / (num_steps - 1)
    if mode == "exp":
        return start_lr * (end_lr / start_lr) ** positions
    return start_lr + (end_lr - start_lr) * positions


def smooth_losses(losses: Any, smoothing: float = 0.98) -> np.ndarray:
    r"""The bias-corrected exponential moving average of a sequence of losses.

    :math:`s_i = \beta s_{i-1} + (1-\beta)L_i` from :math:`s_0 = 0`, divided by
    :math:`1 - \beta^i` so that early values are not pulled towards 0 (fastai's
    convention, with :math:`\beta` = ``smoothing``). ``smoothing=0`` returns the
    losses unchanged; ``smoothing`` must be in ``[0, 1)`` (at 1 nothing is ever
    averaged in, and the bias correction divides 0 by 0).
    """
    _check_smoothing(smoothing)
    losses = np.asarray(losses, dtype=float)
    smoothed = np.empty_like(losses)
    average = 0.0
    with np.errstate(**_QUIET):
        for i, loss in enumerate(losses, start=1):
            average = smoothing * average + (1.0 - smoothing) * loss
            smoothed[i - 1] = average / (1.0 - smoothing**i)
    return smoothed



def smoothing_lag(num_steps: int, smoothing: float = 0.98) -> np.ndarray:
    r"""How many steps old, on average, the loss in :func:`smooth_losses` is at each step.

    The bias-corrected average at step :math:`i` weights the loss of :math:`k` steps
    ago with :math:`\beta^k` (:math:`k = 0, \ldots, i-1`, normalised), so its mean age
    is

    .. math::
        a_i = \frac{\sum_{k<i} k\,\beta^k}{\sum_{k<i} \beta^k}
            = \frac{\beta}{1-\beta} - \frac{i\,\beta^i}{1-\beta^i},

    which grows from 0 at the first step towards :math:`\beta/(1-\beta)` (49 steps
    for :math:`\beta = 0.98`) once :math:`i \gg 1/(1-\beta)`. On a loss that changes
    steadily, the average trails the current loss by :math:`a_i` steps; with rates
    growing by a factor :math:`q` per step that is :math:`a_i \log_{10} q` decades of
    the rate.

    Returns
    -------
    numpy.ndarray
        The ages :math:`a_1, \ldots, a_N` for ``num_steps`` = N (zeros when
        ``smoothing=0``).
    """
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing!r}")
    i = np.arange(1, int(num_steps) + 1, dtype=float)
    if smoothing == 0.0:
        return np.zeros_like(i)
    beta = float(smoothing)
    return beta / (1.0 - beta) - i * beta**i / (1.0 - beta**i)


def centred_losses(lrs: Any, losses: Any, width: float = CENTRED_WIDTH) -> np.ndarray:
    r"""A centred (zero-phase) smoothing of the raw losses: the curve suggestions read.

    At each rate :math:`\eta_i`, the weighted geometric mean of the raw losses of the
    steps whose rates lie within three ``width`` of it, with Gaussian weights in
    :math:`\log_{10}\eta`:

    .. math::
        \tilde L_i = \exp\frac{\sum_j w_{ij}\ln L_j}{\sum_j w_{ij}},\qquad
        w_{ij} = \exp\!\Big(-\tfrac12\big(\tfrac{\log_{10}\eta_i - \log_{10}\eta_j}
        {\text{width}}\big)^2\Big).

    The weights are symmetric, so the curve does not lag: a fall or a blow-up stays
    at the rate where the raw losses show it. (An exponential moving average only
    looks back, and trails by :func:`smoothing_lag` steps.) Averaging the logarithms
    keeps the huge losses of the blow-up from dragging the minimum to smaller rates.
    Near the two ends the window is one-sided. The width is in decades of the rate,
    so it means the same for any number of steps.

    Parameters
    ----------
    lrs : array_like
        Positive rates (increasing, as a range test records them).
    losses : array_like
        The raw loss at each rate. Losses that are not finite or not positive are left
        out of every average.
    width : float, default :data:`CENTRED_WIDTH` (0.2)
        One standard deviation of the weights, in decades, >= 0; 0 returns the losses
        unchanged.

    Returns
    -------
    numpy.ndarray
        One value per rate; nan where no usable loss lies within the window.
    """
    lrs = np.asarray(lrs, dtype=float)
    losses = np.asarray(losses, dtype=float)
    if lrs.shape != losses.shape or lrs.ndim != 1:
        raise ValueError(f"lrs and losses must be 1-D of the same length, got shapes "
                         f"{lrs.shape} and {losses.shape}")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width >= 0:
        raise ValueError(f"width must be a number >= 0, got {width!r}")
    if width == 0:
        return losses.copy()
    usable = np.isfinite(losses) & (losses > 0)
    x = np.log10(lrs)
    with np.errstate(**_QUIET):
        log_losses = np.where(usable, np.log(np.where(usable, losses, 1.0)), 0.0)
        distance = (x[:, None] - x[None, :]) / width
        weights = np.where((np.abs(distance) <= 3.0) & usable[None, :],
                           np.exp(-0.5 * distance**2), 0.0)
        total = weights.sum(axis=1)
        mean = (weights @ log_losses) / total
    return np.where(total > 0, np.exp(mean), np.nan)

def lr_range_test(model: Any, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, *,
                  start_lr: float = 1e-7, end_lr: float = 10.0, num_steps: int = 100,
                  mode: str = "exp", batch_size: int | None = 64,
                  smoothing: float = 0.98, diverge_factor: float = 4.0,
                  centred_width: float = CENTRED_WIDTH,
                  rng: np.random.Generator) -> RangeTestResult:
    """Run the learning-rate range test (fastai's form), then restore model and optimizer.

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
    centred_width : float, default 0.2
        Width in decades of the centred smoothing the suggestions are read from
        (see :func:`centred_losses`), >= 0.
    rng : numpy.random.Generator
        Shuffles the data.

    Returns
    -------
    RangeTestResult
        The curve (plot ``losses``, ``smoothed_losses`` and ``centred_losses``
        against ``lrs`` on a log axis, or use
        :func:`gdcourse.plots.plot_lr_finder`) and ``suggestions``, read from
        ``centred_losses`` so that they do not depend on the lag of the moving
        average. The suggestions are heuristics: use them as a starting point for a
        few short trial runs, not as the answer.

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
    L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017,
    section 3.3 (the range test); J. Howard and S. Gugger, fastai's ``lr_find``,
    2020 (this exponential, loss-based form, its smoothing and stop rule). See the
    module's documentation for the suggestions and how they were chosen.
    """
    _check_arguments(optimizer, start_lr, end_lr, num_steps, mode, batch_size, smoothing,
                     diverge_factor, rng)
    check_model_and_optimizer(model, optimizer)
    _check_width(centred_width)
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
    return _result(lrs, losses, smoothing, centred_width, stop_reason)


def _result(lrs: np.ndarray, losses: np.ndarray, smoothing: float, centred_width: float,
            stop_reason: str | None) -> RangeTestResult:
    smoothed = smooth_losses(losses, smoothing)
    centred = centred_losses(lrs, losses, centred_width)
    return RangeTestResult(lrs=lrs, losses=losses, smoothed_losses=smoothed,
                           stopped_early=stop_reason is not None, stop_reason=stop_reason,
                           suggestions=suggest_lrs(lrs, centred), centred_losses=centred,
                           smoothing=float(smoothing), centred_width=float(centred_width))


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
                return losses, F_("{reason} at lr {lr:.2g}", reason=_lazy(divergence.reason),
                                  lr=lr)
            average = smoothing * average + (1.0 - smoothing) * loss
            smoothed = average / (1.0 - smoothing ** (i + 1))
            best = min(best, smoothed)
            if smoothed > diverge_factor * best:
                return losses, _stop_rule_reason(diverge_factor, lr)
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
            optimizer.step(grads)
    return losses, None


def _lazy(text: str) -> str:
    """``text`` as a :class:`Text`, so that it is translated with the reason it is part of."""
    return text if isinstance(text, Text) else Text(text)


def _stop_rule_reason(diverge_factor: float, lr: float) -> str:
    return F_("smoothed loss above {factor:g} x its minimum at lr {lr:.2g}",
              factor=diverge_factor, lr=lr)


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
                      diverge_factor: float = 4.0,
                      centred_width: float = CENTRED_WIDTH) -> RangeTestResult:
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
    centred_width : float, default 0.2
        As in :func:`lr_range_test`.

    Returns
    -------
    RangeTestResult
        The first ``len(result.lrs)`` steps of ``recorded``, with the smoothed and
        centred losses, stop reason and suggestions of a test run with these settings.
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
    _check_width(centred_width)
    return _result(lrs[:kept], losses[:kept], smoothing, centred_width, reason)


def _endless_batches(X: np.ndarray, y: np.ndarray, batch_size: int | None,
                     rng: np.random.Generator):
    """Mini-batches for ever: pass after pass over the data, each reshuffled."""
    while True:
        yield from minibatches(X, y, batch_size, shuffle=batch_size is not None, rng=rng,
                               drop_last=batch_size is not None)


def suggest_lrs(lrs: np.ndarray, curve: np.ndarray) -> dict[str, float]:
    """The heuristic suggestions of :class:`RangeTestResult`, read from a loss curve.

    :func:`lr_range_test` passes its ``centred_losses`` (see :func:`centred_losses`):
    read from the lagging moving average instead, every suggestion moves to larger
    rates by an amount set by the smoothing, not by the model.

    ``"steepest"``: the rate at the most negative slope of ``curve`` against
    ``log(lr)`` (``numpy.gradient``: central differences), leaving out the first
    ``min(10, n // 10)`` and last ``min(5, n // 20)`` points (at least one each, as
    fastai leaves out ``num_it // 10`` and 5); it needs at least five points.
    ``"min/10"`` and ``"min/3"``: a tenth and a third of the rate at the smallest
    value of ``curve``. Non-finite points (a blow-up at the very end) are left out.
    """
    lrs = np.asarray(lrs, dtype=float)
    curve = np.asarray(curve, dtype=float)
    # Rates are read on a log scale: a rate of 0 (a linear sweep's start) has no place.
    usable = np.isfinite(curve) & np.isfinite(lrs) & (lrs > 0)
    lrs, curve = lrs[usable], curve[usable]
    n = len(lrs)
    suggestions: dict[str, float] = {}
    first = max(min(SKIP_START, n // 10), 1)
    last = n - 1 - max(min(SKIP_END, n // 20), 1)
    if n >= 5 and last >= first:
        slopes = np.gradient(curve, np.log(lrs))
        i = np.arange(first, last + 1)
        suggestions["steepest"] = float(lrs[i[np.argmin(slopes[i])]])
    if n:
        at_minimum = float(lrs[np.argmin(curve)])
        suggestions["min/10"] = at_minimum / 10.0
        suggestions["min/3"] = at_minimum / 3.0
    return suggestions


def _check_width(width: Any) -> None:
    if isinstance(width, bool) or not isinstance(width, (int, float)):
        raise TypeError(f"centred_width must be a number, got {width!r}")
    if not 0 <= width < math.inf:
        raise ValueError(f"centred_width must be >= 0 and finite, got {width}")


def _check_int_at_least(name: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < least:
        raise ValueError(f"{name} must be at least {least}, got {value}")


def _check_rate_range(start_lr: Any, end_lr: Any, num_steps: Any, mode: Any) -> None:
    for name, value in (("start_lr", start_lr), ("end_lr", end_lr)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
            raise TypeError(f"{name} must be a number, got {value!r}")
    if not 0 < start_lr < end_lr < math.inf:
        raise ValueError(
            f"need 0 < start_lr < end_lr < inf, got start_lr={start_lr}, end_lr={end_lr}")
    _check_int_at_least("num_steps", num_steps, 2)
    if mode not in ("exp", "linear"):
        raise ValueError(f'mode must be "exp" or "linear", got {mode!r}')


def _check_smoothing(smoothing: Any) -> None:
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float, np.floating)):
        raise TypeError(f"smoothing must be a number, got {smoothing!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")


def _check_arguments(optimizer: Any, start_lr: Any, end_lr: Any, num_steps: Any, mode: Any,
                     batch_size: Any, smoothing: Any, diverge_factor: Any, rng: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a gdcourse.optim optimizer, got {type(optimizer).__name__}")
    for name, value in (("start_lr", start_lr), ("end_lr", end_lr),
                        ("smoothing", smoothing), ("diverge_factor", diverge_factor)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number, got {value!r}")
    _check_rate_range(start_lr, end_lr, num_steps, mode)
    if batch_size is not None:
        _check_int_at_least("batch_size", batch_size, 1)
    _check_smoothing(smoothing)
    if not diverge_factor > 1:
        raise ValueError(f"diverge_factor must be greater than 1, got {diverge_factor}")
    require_generator(rng)

r"""Runs of an optimizer on a landscape: :func:`trace`, :func:`race`, :class:`Trajectory`.

:func:`trace` is the training loop of the 2-D pictures: an optimizer from
:mod:`gdcourse.optim` (with an optional scheduler, clipping and seeded gradient noise)
run from a landscape's start (:mod:`gdcourse.landscapes`), with divergence reported in
plain words; it returns a :class:`Trajectory` (path, losses, rates, what happened).
:func:`race` runs several optimizers from the same start with the same noise::

    run = trace(Rosenbrock(), Adam, 500, lr=0.05)
    run.path, run.losses, run.summary()
"""

from __future__ import annotations

import copy
import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import as_point, check_noise, is_real, real_number, require_generator
from .divergence import Divergence, check_divergence
from .landscapes import Landscape, get_landscape
from .optim import Optimizer, clip_grad_norm_, clip_grad_value_
from .optim.lr_scheduler import ReduceLROnPlateau

__all__ = ["Trajectory", "trace", "race", "default_label", "ESCAPE_FACTOR"]

# An iterate this many plot-box half-widths away from the box's centre has escaped:
# on the landscapes here nothing comes back from there, and the loss of a saddle
# (unbounded below) would never trip the blow-up rule of check_divergence.
_ESCAPE_FACTOR_TEXT = "1e6"  # as written in the divergence message
ESCAPE_FACTOR = float(_ESCAPE_FACTOR_TEXT)


@dataclass(eq=False)
class Trajectory:
    """The record of one optimizer run on a landscape, made by :func:`trace`.

    Attributes
    ----------
    path : numpy.ndarray
        Shape ``(n + 1, 2)``: the start and the iterate after each of the ``n`` steps
        taken.
    losses : numpy.ndarray
        Shape ``(n + 1,)``: the loss at each point of ``path``.
    lrs : numpy.ndarray
        Shape ``(n,)``: the learning rate used by each step.
    grad_norms : numpy.ndarray
        Shape ``(n,)``: the norm of the gradient of each step, before clipping (with
        noise, if any).
    divergence : Divergence or None
        Why and when the run was stopped early, if it was.
    label : str
        A name for legends, e.g. ``"SGD(lr=0.1, momentum=0.9)"``.
    landscape_name : str
    minima : numpy.ndarray
        The landscape's known minima, shape ``(k, 2)``.
    """

    path: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    grad_norms: np.ndarray
    divergence: Divergence | None
    label: str
    landscape_name: str
    minima: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))

    @property
    def steps_taken(self) -> int:
        return len(self.lrs)

    @property
    def final_point(self) -> np.ndarray:
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    @property
    def step_lengths(self) -> np.ndarray:
        r"""The length of each step, :math:`\lVert\theta_{t+1} - \theta_t\rVert`.

        Shape ``(n,)``; inf or NaN for a step to a point that overflowed.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return np.hypot(*np.diff(self.path, axis=0).T)

    def distance_to_minimum(self) -> float:
        """Distance from the final point to the nearest known minimum (NaN if none)."""
        if len(self.minima) == 0:
            return math.nan
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.min(np.hypot(*(self.minima - self.final_point).T)))

    def summary(self) -> str:
        """One line of plain text, e.g. ``"Adam: loss 3.2e-04 after 200 steps"``."""
        if self.divergence is not None:
            return f"{self.label}: {self.divergence}"
        steps = self.steps_taken
        return (f"{self.label}: loss {self.final_loss:.1e} after {steps} "
                f"step{'' if steps == 1 else 's'}")


def _format_value(value: Any) -> str:
    if is_real(value):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_format_value(v) for v in value) + ")"
    return repr(value)


def _same(value: Any, default: Any) -> bool:
    if isinstance(value, list):
        value = tuple(value)
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # e.g. an array compared with a scalar
        return False


def default_label(optimizer_cls: type, optimizer_kwargs: dict[str, Any]) -> str:
    """A legend label: the class name, the learning rate and the non-default arguments.

    The learning rate is always shown, default or not: it is the number learners
    compare runs by.

    >>> from gdcourse.optim import SGD
    >>> default_label(SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0})
    'SGD(lr=0.1, momentum=0.9)'
    >>> default_label(SGD, {})
    'SGD(lr=0.001)'
    """
    try:
        parameters = inspect.signature(optimizer_cls).parameters
    except (TypeError, ValueError):
        parameters = {}
    shown = []
    if "lr" in optimizer_kwargs:
        shown.append(f"lr={_format_value(optimizer_kwargs['lr'])}")
    elif "lr" in parameters and parameters["lr"].default is not inspect.Parameter.empty:
        shown.append(f"lr={_format_value(parameters['lr'].default)}")
    for key, value in optimizer_kwargs.items():
        parameter = parameters.get(key)
        if key == "lr" or parameter is not None and _same(value, parameter.default):
            continue
        shown.append(f"{key}={_format_value(value)}")
    return f"{optimizer_cls.__name__}({', '.join(shown)})"


def trace(landscape: Landscape | str, optimizer_cls: type[Optimizer], steps: int, *,
          start: Any = None, scheduler: Callable[[Optimizer], Any] | None = None,
          max_norm: float | None = None, clip_value: float | None = None,
          noise_std: float = 0.0, rng: np.random.Generator | None = None,
          label: str | None = None, **optimizer_kwargs: Any) -> Trajectory:
    r"""Run an optimizer on a landscape and record its path.

    Each step: the gradient at the current point (plus Gaussian noise if
    ``noise_std > 0``), clipped if asked, then ``opt.step``, the loss at the new point,
    the divergence check, and finally ``scheduler.step()``. This is the training loop
    a learner would write, in PyTorch's order::

        theta = start.copy()
        opt = optimizer_cls([theta], **optimizer_kwargs)
        sched = scheduler(opt)
        for t in range(steps):
            g = landscape.grad(theta)
            clip_grad_norm_([g], max_norm)
            opt.step([g])
            sched.step()

    Parameters
    ----------
    landscape : Landscape or str
        The landscape, or its name in :data:`LANDSCAPES`.
    optimizer_cls : type
        An optimizer class from :mod:`gdcourse.optim`, e.g. ``Adam``.
    steps : int
        Number of optimizer steps, >= 0.
    start : array_like of shape (2,), optional
        The starting point; default ``landscape.start``. Not modified.
    scheduler : callable, optional
        ``scheduler(opt)`` returns a learning-rate scheduler for the optimizer, e.g.
        ``lambda opt: StepLR(opt, step_size=30)``. It is stepped after every optimizer
        step; :class:`~gdcourse.optim.lr_scheduler.ReduceLROnPlateau` gets the loss.
    max_norm : float, optional
        Clip the gradient to this norm (:func:`~gdcourse.optim.clip_grad_norm_`).
    clip_value : float, optional
        Clamp each gradient component to ``[-clip_value, clip_value]``
        (:func:`~gdcourse.optim.clip_grad_value_`). With both, the norm clip comes
        first and the value clamp second, as in :func:`gdcourse.train.train`; both
        bounds hold for the gradient the optimizer gets.
    noise_std : float, default 0
        Standard deviation of the Gaussian noise added to each gradient component
        (a stand-in for mini-batch noise); see :meth:`Landscape.noisy_grad`.
    rng : numpy.random.Generator, optional
        Needed when ``noise_std > 0``; ignored otherwise.
    label : str, optional
        Name of the run; default e.g. ``"SGD(lr=0.1, momentum=0.9)"``.
    **optimizer_kwargs
        Passed to ``optimizer_cls``.

    Returns
    -------
    Trajectory
        With ``steps + 1`` points, or fewer if the run diverged: it stops at the first
        step whose loss is NaN or infinite, exceeds 1e8 times the initial loss
        (:func:`~gdcourse.divergence.check_divergence`), or whose iterate is more than
        ``ESCAPE_FACTOR`` (1e6) half-widths of ``landscape.bounds`` away from the
        box's centre. No overflow warnings are emitted.
    """
    if isinstance(landscape, str):
        landscape = get_landscape(landscape)
    elif not isinstance(landscape, Landscape):
        raise TypeError(
            f"landscape must be a Landscape or the name of one, got "
            f"{type(landscape).__name__}")
    if not (isinstance(optimizer_cls, type) and issubclass(optimizer_cls, Optimizer)):
        raise TypeError(
            "optimizer_cls must be an optimizer class such as gdcourse.optim.SGD "
            f"(the class, not an instance), got {optimizer_cls!r}")
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool):
        raise TypeError(f"steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    theta = (landscape.start if start is None else as_point(start, "start")).copy()
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"start must be finite, got {theta}")
    if max_norm is not None:
        max_norm = real_number("max_norm", max_norm, at_least=0.0)
    if clip_value is not None:
        clip_value = real_number("clip_value", clip_value, at_least=0.0)
    noise_std = check_noise(noise_std, rng)
    if scheduler is not None and not callable(scheduler):
        raise TypeError(
            "scheduler must be a function of the optimizer returning a scheduler, e.g. "
            f"lambda opt: StepLR(opt, step_size=30); got {type(scheduler).__name__}")
    if label is None:
        label = default_label(optimizer_cls, optimizer_kwargs)

    opt = optimizer_cls([theta], **optimizer_kwargs)
    sched = scheduler(opt) if scheduler is not None else None
    on_plateau = isinstance(sched, ReduceLROnPlateau)
    group = opt.param_groups[0]

    path = np.empty((steps + 1, 2))
    losses = np.empty(steps + 1)
    lrs = np.empty(steps)
    grad_norms = np.empty(steps)

    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    x_mid, x_reach = (x_lo + x_hi) / 2, ESCAPE_FACTOR * (x_hi - x_lo) / 2
    y_mid, y_reach = (y_lo + y_hi) / 2, ESCAPE_FACTOR * (y_hi - y_lo) / 2
    escape_advice = ("try a smaller learning rate" if len(landscape.minima) else
                     "this landscape has no minimum, so descent never ends; run fewer "
                     "steps")
    value, gradient = landscape._value, landscape._grad

    # The loop is lean on purpose (widgets rerun it on every slider move): plain floats
    # for the landscape, preallocated arrays, and one errstate around everything
    # because a diverging run overflows.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x, y = theta.tolist()
        initial_loss = float(value(x, y))
        path[0] = theta
        losses[0] = initial_loss
        divergence = check_divergence(0, initial_loss, params=[theta])
        taken = 0
        while divergence is None and taken < steps:
            gx, gy = gradient(x, y)
            g = np.array((gx, gy), dtype=np.float64)
            if noise_std > 0:
                g += noise_std * rng.standard_normal(2)
                gx, gy = g.tolist()
            grad_norm = grad_norms[taken] = math.hypot(gx, gy)
            # The clipping functions are called only on the steps where they can change
            # the gradient (elsewhere they would multiply by 1): each call costs more
            # than an Adam step on two numbers. Written with "not <=" so that NaN
            # gradients still go through them, as in a plain loop.
            # With both, the norm clip comes first and then the value clamp, as in
            # gdcourse.train; clamping only shrinks components, so both bounds hold.
            if max_norm is not None and not grad_norm + 1e-6 <= max_norm:
                clip_grad_norm_(g, max_norm)
                gx, gy = g.tolist()
            if clip_value is not None and not (abs(gx) <= clip_value
                                               and abs(gy) <= clip_value):
                clip_grad_value_(g, clip_value)
            lrs[taken] = group["lr"]
            opt.step([g])
            taken += 1

            x, y = theta.tolist()
            loss = float(value(x, y))
            path[taken] = theta
            losses[taken] = loss
            # Checking the two floats first spares check_divergence's array scan
            # (a third of the loop's own cost) on the steps where it cannot fire.
            finite = math.isfinite(x) and math.isfinite(y)
            divergence = check_divergence(taken, loss, initial_loss,
                                          params=None if finite else [theta])
            if divergence is None and not (abs(x - x_mid) <= x_reach
                                           and abs(y - y_mid) <= y_reach):
                divergence = Divergence(
                    taken, "the iterate left the plot region by a factor of "
                    + _ESCAPE_FACTOR_TEXT, escape_advice)
            if divergence is None and sched is not None:
                if on_plateau:
                    sched.step(loss)
                else:
                    sched.step()

    return Trajectory(
        path=path[:taken + 1], losses=losses[:taken + 1], lrs=lrs[:taken],
        grad_norms=grad_norms[:taken], divergence=divergence, label=label,
        landscape_name=landscape.name, minima=landscape.minima)


def race(landscape: Landscape | str,
         contenders: Mapping[str, tuple[type[Optimizer], Mapping[str, Any]]],
         steps: int, *, noise_std: float = 0.0, rng: np.random.Generator | None = None,
         **common: Any) -> dict[str, Trajectory]:
    """Run several optimizers on one landscape from the same start, with the same noise.

    A fair comparison: every contender gets the same start, the same step budget and,
    with ``noise_std > 0``, the same sequence of gradient noise; only the method and
    its settings differ.

    Parameters
    ----------
    landscape : Landscape or str
    contenders : mapping of str to (optimizer class, mapping)
        ``name -> (optimizer_cls, kwargs)``; the kwargs go to :func:`trace` (optimizer
        arguments such as ``lr``, and ``scheduler``, ``max_norm``, ``clip_value``,
        ``label``). The name is the run's label unless the kwargs give one.
    steps : int
    noise_std : float, default 0
        Gradient noise, as in :func:`trace`.
    rng : numpy.random.Generator, optional
        Needed when ``noise_std > 0``. It is not advanced: each contender draws from
        its own copy of it, which is what gives them all the same noise.
    **common
        :func:`trace` arguments shared by every contender (e.g. ``lr``, ``start``);
        a contender's own kwargs win over these.

    Returns
    -------
    dict of str to Trajectory
        In the order of ``contenders``.
    """
    if not isinstance(contenders, Mapping):
        raise TypeError(f"contenders must be a mapping name -> (optimizer class, "
                        f"kwargs), got {type(contenders).__name__}")
    if rng is not None:
        require_generator(rng)
    runs: dict[str, Trajectory] = {}
    for name, (optimizer_cls, kwargs) in contenders.items():
        runs[name] = trace(landscape, optimizer_cls, steps, noise_std=noise_std,
                           rng=copy.deepcopy(rng), **{"label": name, **common, **kwargs})
    return runs

r"""Learning-rate schedules; mirrors ``torch.optim.lr_scheduler``.

A scheduler changes ``group["lr"]`` of an optimizer's parameter groups as training
goes on. Drive it exactly as in PyTorch, one ``step()`` after each optimizer step::

    opt = SGD([theta], lr=0.1)
    sched = StepLR(opt, step_size=30, gamma=0.1)
    for t in range(100):
        opt.step([grad(theta)])      # uses the rate of step t
        sched.step()                 # moves to step t + 1

Each schedule here is **one closed-form function** :math:`\eta(t)` of the step
:math:`t`, computed from ``base_lrs`` (the groups' ``initial_lr``): see
:meth:`LRScheduler.lr_at`. PyTorch computes most of its schedules recursively from the
optimizer's current ``group["lr"]`` so that several schedulers can be chained on one
optimizer; driven the usual way, the two agree to round-off. Two consequences of the
closed form:

* a rate set by hand in ``group["lr"]`` between steps is overwritten by the next
  ``step()`` (in PyTorch a chainable scheduler would continue from it);
* stacking two schedulers on one optimizer (PyTorch's ``ChainedScheduler``) is not
  supported. To run schedules one after another, use :class:`SequentialLR`.

:class:`MultiplicativeLR` and :class:`ReduceLROnPlateau` are recursive by nature and
are implemented recursively, as in PyTorch.

:func:`lr_curve` evaluates any scheduler for plotting, without an optimizer of your
own, and :func:`momentum_curve` the momentum that :class:`CyclicLR` and
:class:`OneCycleLR` write into the optimizer; :func:`exponential_decay` is the
Keras-style decay of the course's article.
"""

from __future__ import annotations

import math
import numbers
import types
import warnings
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np


def _decayed(base_lr: float, gamma: float, n: float) -> float:
    """``base_lr * gamma**n``, with an overflow giving ``inf`` instead of an exception.

    PyTorch multiplies the rate by ``gamma`` once per step, so a ``gamma > 1`` run long
    enough reaches ``inf``; the closed form ``gamma**n`` would raise ``OverflowError``
    there. A zero rate stays zero (PyTorch's ``0 * gamma`` each step), not ``0 * inf``.
    """
    if base_lr == 0:
        return 0.0 * base_lr
    try:
        return base_lr * float(gamma) ** n
    except OverflowError:
        return math.copysign(math.inf, base_lr)

from .optimizer import Optimizer
from .sgd import SGD

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "SequentialLR",
    "CyclicLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "lr_curve",
    "momentum_curve",
    "exponential_decay",
]

# PyTorch's words: the classic mistake is scheduler.step() before optimizer.step().
STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. "
    "In PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate schedule. "
    "See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. (Here every schedule is a closed form, so step(epoch) jumps to "
    "step `epoch`.)"
)


# ----------------------------------------------------------------- validation helpers
def _check_optimizer(optimizer: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_positive_int(name: str, value: Any) -> None:
    if not _is_int(value) or value <= 0:
        raise ValueError(f"Expected positive integer {name}, but got {value}")


def _check_nonnegative_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 0:
        raise ValueError(f"Expected non-negative integer {name}, but got {value}")


def _check_nonnegative(name: str, value: Any) -> None:
    # Written as "not >=" so that NaN is rejected too.
    if not value >= 0:
        raise ValueError(f"Expected non-negative {name}, but got {value}")


def _format_param(name: str, optimizer: Optimizer, param: Any) -> list[Any]:
    """One value per parameter group: a scalar is repeated, a list is length-checked."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. "
                f"{name} has {len(param)} values, param_groups has "
                f"{len(optimizer.param_groups)}."
            )
        return list(param)
    return [param] * len(optimizer.param_groups)


def _check_cycle_momentum(optimizer: Optimizer) -> bool:
    """Whether momentum lives in ``betas[0]`` (Adam family) rather than ``momentum``."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
        )
    return "betas" in optimizer.defaults


def _set_momentum(optimizer: Optimizer, momentums: list[float], use_beta1: bool) -> None:
    # Not strict: groups added to the optimizer after the scheduler keep their momentum.
    for group, momentum in zip(optimizer.param_groups, momentums):
        if use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum


class _MomentumCycle:
    """Mixin of CyclicLR and OneCycleLR: the momentum (or beta1) moves against the rate."""

    def _start_momentum_cycle(self, optimizer: Optimizer, base_momentum: Any,
                              max_momentum: Any, last_epoch: int) -> None:
        self.use_beta1 = _check_cycle_momentum(optimizer)
        self.base_momentums = _format_param("base_momentum", optimizer, base_momentum)
        self.max_momentums = _format_param("max_momentum", optimizer, max_momentum)
        if last_epoch == -1:
            for high, low, group in zip(self.max_momentums, self.base_momentums,
                                        optimizer.param_groups, strict=True):
                group["max_momentum"] = high
                group["base_momentum"] = low
            # The cycle starts at the highest momentum, where the rate is lowest.
            _set_momentum(optimizer, self.max_momentums, self.use_beta1)


# ----------------------------------------------------------------- the base class
class LRScheduler:
    r"""Base class of the schedulers; mirrors ``torch.optim.lr_scheduler.LRScheduler``.

    The base class keeps the books: the step counter ``last_epoch``, the
    ``base_lrs``, writing the rates into the optimizer, ``state_dict``. A subclass
    states its schedule as one method, :meth:`lr_at`; a schedule of your own is
    three lines::

        class InverseSqrtLR(LRScheduler):
            def lr_at(self, t):
                return [base_lr / math.sqrt(t + 1) for base_lr in self.base_lrs]

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``group["lr"]`` the scheduler sets.
    last_epoch : int, default -1
        The index of the last step already taken. Leave it at -1 to start a schedule.
        Any other value resumes one and needs ``"initial_lr"`` in every group (saved
        with the optimizer's state), else ``KeyError``, as in PyTorch. The constructor
        takes one step, so the scheduler then sits at ``last_epoch + 1``. Resuming
        through :meth:`state_dict` / :meth:`load_state_dict` is simpler.

    Attributes
    ----------
    base_lrs : list of float
        The rate each group starts from, ``group["initial_lr"]``: the constructor
        sets ``initial_lr`` to the group's ``lr`` unless it is already there.
    last_epoch : int
        The current step :math:`t`: 0 after construction, +1 per :meth:`step`. (PyTorch
        calls it an epoch, but it counts calls to ``step()``, whatever they stand for.)

    Notes
    -----
    The rates are a closed form in :math:`t` computed from ``base_lrs``, not updates
    of the current ``group["lr"]``: a rate changed by hand is overwritten at the next
    step, and two schedulers on one optimizer do not combine (see the module notes).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming scheduler with last_epoch >= 0.\n"
                        "This typically happens when:\n"
                        "1. You're trying to resume training from a checkpoint but "
                        "haven't properly loaded the optimizer state\n"
                        "2. You're using last_epoch >= 0 for a fresh training run (not "
                        "recommended)"
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._optimizer_steps_at_start = getattr(optimizer, "_steps_taken", 0)
        self._steps_called = 0
        self._initial_step()

    def _initial_step(self) -> None:
        # PyTorch's schedulers step once on construction: the optimizer then holds
        # the rate of step 0 (LinearLR's warm-up already starts low, for instance).
        self._go_to(self.last_epoch + 1)

    def lr_at(self, t: int) -> list[float]:
        """The learning rate of each parameter group at step ``t``, in closed form.

        Pure: neither the scheduler nor the optimizer changes. Plot a schedule with
        ``[sched.lr_at(t)[0] for t in range(n)]`` or :func:`lr_curve`.
        """
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        """The rates that :meth:`step` writes for the current step ``last_epoch``.

        To read the rates in use, call :meth:`get_last_lr` instead.
        """
        return self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The learning rates last written into the optimizer, one per group."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Move to the next step and write its learning rates into the optimizer.

        Call it after ``optimizer.step(...)``; the first call warns, as in PyTorch, if
        the optimizer has not stepped since the scheduler was made.

        Parameters
        ----------
        epoch : int, optional
            Deprecated in PyTorch (it warns, and so does this): jump to step ``epoch``
            instead of ``last_epoch + 1``.
        """
        if (self._steps_called == 0
                and getattr(self.optimizer, "_steps_taken", 0) == self._optimizer_steps_at_start):
            warnings.warn(STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._steps_called += 1
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._go_to(epoch)

    def _go_to(self, t: int) -> None:
        """Make ``t`` the current step and write its rates into the optimizer."""
        self.last_epoch = t
        # Not strict: a group added to the optimizer after the scheduler was made
        # (add_param_group) keeps its own rate, as with PyTorch's closed-form schedulers.
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state: every attribute except the optimizer.

        Save the optimizer's state too: a scheduler resumes on an optimizer whose
        groups hold ``initial_lr`` (and, for the recursive schedulers, the current lr).
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`state_dict`.

        The optimizer's rates change at the next :meth:`step`, as in PyTorch.
        """
        self.__dict__.update(state_dict)


# ----------------------------------------------------------------- user functions
class _FunctionScheduler(LRScheduler):
    """Shared by LambdaLR and MultiplicativeLR: one user function per group."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(
                    f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                    f"{len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(
                    f"lr_lambda should be a function, but got {type(fn).__name__}"
                )
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """The state, with ``None`` for each plain function or lambda.

        Functions cannot be pickled reliably, so, as PyTorch does, only callable
        objects are saved, as a copy of their ``__dict__``; the constructor supplies
        the functions again when loading.
        """
        state = super().state_dict()
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state; the functions stay those given to the constructor."""
        saved_lambdas = state_dict["lr_lambdas"]
        super().load_state_dict(
            {key: value for key, value in state_dict.items() if key != "lr_lambdas"}
        )
        for fn, saved in zip(self.lr_lambdas, saved_lambdas, strict=True):
            if saved is not None:
                fn.__dict__.update(saved)


class LambdaLR(_FunctionScheduler):
    r"""The initial rate times a function of the step; mirrors PyTorch's ``LambdaLR``.

    .. math:: \eta(t) = \text{base\_lr} \cdot \text{lr\_lambda}(t)

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callable
        ``lr_lambda(t) -> float``, one for all groups or one per group.
    last_epoch : int, default -1

    Examples
    --------
    Linear warm-up over 10 steps, then constant::

        LambdaLR(opt, lr_lambda=lambda t: min(1.0, (t + 1) / 10))
    """

    def lr_at(self, t: int) -> list[float]:
        return [
            base_lr * lmbda(t)
            for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]


class MultiplicativeLR(_FunctionScheduler):
    r"""Multiply the rate by a function of the step; mirrors PyTorch's ``MultiplicativeLR``.

    .. math:: \eta(0) = \text{base\_lr}, \qquad
        \eta(t) = \eta(t-1) \cdot \text{lr\_lambda}(t)

    The only recursive schedule besides :class:`ReduceLROnPlateau`: :meth:`step`
    multiplies the optimizer's current ``group["lr"]``, as PyTorch does.
    :meth:`lr_at` gives the unrolled product
    :math:`\text{base\_lr}\prod_{k=1}^{t}\text{lr\_lambda}(k)`, for plotting.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callable
        ``lr_lambda(t) -> float``, the factor applied at step ``t``.
    last_epoch : int, default -1
    """

    def _initial_step(self) -> None:
        # Step 0 keeps the optimizer's rate: a product of no factors.
        self.last_epoch += 1
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> list[float]:
        return [
            group["lr"] * lmbda(self.last_epoch)
            for lmbda, group in zip(self.lr_lambdas, self.optimizer.param_groups,
                                    strict=True)
        ]

    def lr_at(self, t: int) -> list[float]:
        lrs = list(self.base_lrs)
        for k in range(1, t + 1):
            lrs = [lr * lmbda(k) for lr, lmbda in zip(lrs, self.lr_lambdas, strict=True)]
        return lrs


# ----------------------------------------------------------------- step decays
class StepLR(LRScheduler):
    r"""Decay the rate by ``gamma`` every ``step_size`` steps; mirrors PyTorch's ``StepLR``.

    .. math:: \eta(t) = \text{base\_lr} \cdot
        \gamma^{\lfloor t / \text{step\_size} \rfloor}

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Steps between two decays, > 0.
    gamma : float, default 0.1
        Decay factor, >= 0.
    last_epoch : int, default -1

    Examples
    --------
    ``StepLR(opt, step_size=3, gamma=0.5)`` from lr=1 gives 1, 1, 1, 0.5, 0.5, 0.5,
    0.25, ...
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        _check_positive_int("step_size", step_size)
        _check_nonnegative("gamma", gamma)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        return [_decayed(base_lr, self.gamma, t // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    r"""Decay the rate by ``gamma`` at each milestone; mirrors PyTorch's ``MultiStepLR``.

    .. math:: \eta(t) = \text{base\_lr} \cdot \gamma^{n(t)}, \qquad
        n(t) = \#\{\text{milestones} \le t\}

    Parameters
    ----------
    optimizer : Optimizer
    milestones : iterable of int
        Steps at which to decay, >= 0. A milestone listed twice decays twice.
    gamma : float, default 0.1
        Decay factor, >= 0.
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int],
                 gamma: float = 0.1, last_epoch: int = -1) -> None:
        milestones = list(milestones)
        # PyTorch looks milestones up by equality, so 2.5 or -1 would silently never fire.
        if not all(_is_int(m) and m >= 0 for m in milestones):
            raise ValueError(
                f"Expected non-negative integer milestones, but got {milestones}"
            )
        _check_nonnegative("gamma", gamma)
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        passed = sum(count for milestone, count in self.milestones.items() if milestone <= t)
        return [_decayed(base_lr, self.gamma, passed) for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    r"""A reduced rate for the first ``total_iters`` steps; mirrors PyTorch's ``ConstantLR``.

    .. math:: \eta(t) = \begin{cases}
        \text{base\_lr} \cdot \text{factor} & t < \text{total\_iters} \\
        \text{base\_lr} & t \ge \text{total\_iters} \end{cases}

    Parameters
    ----------
    optimizer : Optimizer
    factor : float, default 1/3
        In [0, 1].
    total_iters : int, default 5
        Length of the reduced phase, > 0.
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        _check_positive_int("total_iters", total_iters)
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        factor = self.factor if t < self.total_iters else 1.0
        return [base_lr * factor for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    r"""Change the rate linearly, e.g. a warm-up; mirrors PyTorch's ``LinearLR``.

    .. math:: \eta(t) = \text{base\_lr} \left(\text{start\_factor}
        + (\text{end\_factor} - \text{start\_factor})
        \frac{\min(t, \text{total\_iters})}{\text{total\_iters}}\right)

    Starting small and ramping up keeps the first, large and noisy steps of training
    from diverging (Goyal et al. 2017 [1]_). It is usually followed by a decay, with
    :class:`SequentialLR`.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, default 1/3
        The factor at step 0, in (0, 1].
    end_factor : float, default 1.0
        The factor from step ``total_iters`` on, in [0, 1].
    total_iters : int, default 5
        Length of the ramp, > 0.
    last_epoch : int, default -1

    References
    ----------
    .. [1] P. Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1
       Hour", arXiv:1706.02677, 2017.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                "equal to 1."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        _check_positive_int("total_iters", total_iters)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        progress = min(t, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base_lr * factor for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Decay the rate by ``gamma`` every step; mirrors PyTorch's ``ExponentialLR``.

    .. math:: \eta(t) = \text{base\_lr} \cdot \gamma^{t}

    :func:`exponential_decay` writes the same curve as a decay rate per
    ``decay_steps`` steps: :math:`\gamma = \text{decay\_rate}^{1/\text{decay\_steps}}`.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        Decay factor per step, >= 0.
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_nonnegative("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        return [_decayed(base_lr, self.gamma, t) for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    r"""Decay the rate to zero along a polynomial; mirrors PyTorch's ``PolynomialLR``.

    .. math:: \eta(t) = \text{base\_lr} \left(1 -
        \frac{\min(t, \text{total\_iters})}{\text{total\_iters}}\right)^{\text{power}}

    Parameters
    ----------
    optimizer : Optimizer
    total_iters : int, default 5
        Steps to reach zero, > 0.
    power : float, default 1.0
        1 decays linearly; >= 0.
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        _check_positive_int("total_iters", total_iters)
        _check_nonnegative("power", power)
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        remaining = 1.0 - min(t, self.total_iters) / self.total_iters
        return [base_lr * remaining**self.power for base_lr in self.base_lrs]


# ----------------------------------------------------------------- cosine schedules
def _cosine(base_lr: float, eta_min: float, t: float, period: float) -> float:
    """Half a cosine from ``base_lr`` (t = 0) down to ``eta_min`` (t = period)."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / period)) / 2


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the rate along half a cosine; mirrors PyTorch's ``CosineAnnealingLR``.

    .. math:: \eta(t) = \eta_{\min} + \frac{1}{2}(\text{base\_lr} - \eta_{\min})
        \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    The cosine schedule of SGDR (Loshchilov & Hutter 2017 [1]_) without the restarts:
    :math:`\eta` falls slowly, then fast, then slowly again, reaching ``eta_min`` at
    ``T_max``. Past ``T_max`` the formula climbs back up (period ``2 * T_max``), as
    PyTorch's does: stop at ``T_max``, or use :class:`CosineAnnealingWarmRestarts`.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Steps from ``base_lr`` down to ``eta_min``, > 0.
    eta_min : float, default 0.0
        The lowest rate :math:`\eta_{\min}`.
    last_epoch : int, default -1

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm
       Restarts", ICLR 2017, arXiv:1608.03983.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        _check_positive_int("T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> list[float]:
        return [_cosine(base_lr, self.eta_min, t, self.T_max) for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts; mirrors PyTorch's ``CosineAnnealingWarmRestarts``.

    .. math:: \eta(t) = \eta_{\min} + \frac{1}{2}(\text{base\_lr} - \eta_{\min})
        \left(1 + \cos\frac{\pi T_{cur}}{T_i}\right)

    where cycle :math:`i` lasts :math:`T_i = T_0 T_{mult}^i` steps and
    :math:`T_{cur}` is the time since the last restart. This is SGDR (Loshchilov &
    Hutter 2017 [1]_): each restart jumps back to ``base_lr``, which can kick the
    parameters out of a poor basin.

    Parameters
    ----------
    optimizer : Optimizer
    T_0 : int
        Length of the first cycle, > 0.
    T_mult : int, default 1
        Growth factor of the cycle length, >= 1.
    eta_min : float, default 0.0
    last_epoch : int, default -1

    Attributes
    ----------
    T_cur, T_i : float, int
        Time since the last restart and length of the current cycle.

    Notes
    -----
    :meth:`step` also accepts a fractional epoch, to anneal within an epoch; both
    forms can be mixed, and ``step()`` then adds 1 to the last epoch given::

        for epoch in range(20):
            for i, batch in enumerate(batches):
                ...
                scheduler.step(epoch + i / len(batches))

    The restarts are found by adding up cycle lengths, exactly; PyTorch's
    ``step(epoch)`` takes a floating-point logarithm, which can miss a restart that
    falls exactly on an integer epoch (e.g. ``T_0=1, T_mult=10, epoch=111``).

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm
       Restarts", ICLR 2017, arXiv:1608.03983.
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1,
                 eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if not _is_int(T_0) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not _is_int(T_mult) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self._epoch = last_epoch  # may be fractional; last_epoch is its floor
        super().__init__(optimizer, last_epoch)

    def _cycle(self, epoch: float) -> tuple[float, int]:
        """``(T_cur, T_i)`` at ``epoch``: time since the last restart, cycle length."""
        if self.T_mult == 1:
            return epoch % self.T_0, self.T_0
        start, T_i = 0, self.T_0
        while epoch >= start + T_i:
            start += T_i
            T_i *= self.T_mult
        return epoch - start, T_i

    def lr_at(self, epoch: float) -> list[float]:
        T_cur, T_i = self._cycle(epoch)
        return [_cosine(base_lr, self.eta_min, T_cur, T_i) for base_lr in self.base_lrs]

    def get_lr(self) -> list[float]:
        return self.lr_at(self._epoch)

    def step(self, epoch: float | None = None) -> None:
        """Move to epoch ``epoch`` (may be fractional), or to the last epoch + 1."""
        if epoch is None:
            epoch = self._epoch + 1
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        self._go_to(epoch)

    def _go_to(self, epoch: float) -> None:
        self._epoch = epoch
        self.T_cur, self.T_i = self._cycle(epoch)
        super()._go_to(math.floor(epoch))


# ----------------------------------------------------------------- one after another
class SequentialLR(LRScheduler):
    r"""Run schedulers one after another; mirrors PyTorch's ``SequentialLR``.

    .. math:: \eta(t) = \text{schedulers}[i].\text{lr\_at}(t - m_{i}), \qquad
        m_0 = 0,\; m_i = \text{milestones}[i-1] \le t < m_{i+1}

    Each scheduler starts from its own step 0 at its milestone. The usual pairing is
    a linear warm-up followed by a decay::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        decay = CosineAnnealingLR(opt, T_max=95)
        sched = SequentialLR(opt, schedulers=[warmup, decay], milestones=[5])

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer all the schedulers were built on.
    schedulers : list of LRScheduler
        Not :class:`ReduceLROnPlateau`, whose ``step`` needs a metric.
    milestones : list of int
        The steps at which to switch to the next scheduler: one fewer than the
        schedulers, positive and increasing.
    last_epoch : int, default -1
    """

    def __init__(self, optimizer: Optimizer, schedulers: list[LRScheduler],
                 milestones: list[int], last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        name = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{name} expects at least one scheduler, but got no scheduler.")
        for index, scheduler in enumerate(schedulers):
            if not hasattr(scheduler, "optimizer"):
                raise TypeError(
                    f"{name} at index {index} should have `optimizer` as its attribute."
                )
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"{name} does not support `ReduceLROnPlateau` scheduler as it "
                    "requires additional kwargs to be specified when calling `step`, "
                    f"but got one at index {index} in the given schedulers sequence."
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"{name} expects all schedulers to belong to the same optimizer, but "
                    f"got scheduler {type(scheduler).__name__} at index {index} has "
                    f"{scheduler.optimizer}, which is different from "
                    f"{type(optimizer).__name__}."
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                f"than the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to "
                f"{len(milestones)}"
            )
        # PyTorch bisects the milestones without checking them: unsorted ones would
        # silently pick the wrong scheduler.
        starts = [0, *milestones]
        if not all(_is_int(m) for m in milestones) or any(
            later <= earlier for earlier, later in zip(starts, starts[1:])
        ):
            raise ValueError(
                f"Expected positive, strictly increasing integer milestones, but got "
                f"{list(milestones)}"
            )
        self.optimizer = optimizer
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        # Building the schedulers has set the rates of their own step 0: start over.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._optimizer_steps_at_start = getattr(optimizer, "_steps_taken", 0)
        self._steps_called = 0
        self._initial_step()

    def _active(self, t: int) -> tuple[LRScheduler, int]:
        """The scheduler in charge at step ``t`` and the step ``t`` is for it."""
        index = bisect_right(self._milestones, t)
        start = 0 if index == 0 else self._milestones[index - 1]
        return self._schedulers[index], t - start

    def lr_at(self, t: int) -> list[float]:
        scheduler, local_t = self._active(t)
        return scheduler.lr_at(local_t)

    def _go_to(self, t: int) -> None:
        self.last_epoch = t
        scheduler, local_t = self._active(t)
        # The scheduler itself writes, so momentum cycling and the like still happen.
        scheduler._go_to(local_t)
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state, including each scheduler's own state."""
        state = {
            key: value for key, value in self.__dict__.items()
            if key not in ("optimizer", "_schedulers")
        }
        state["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state, including each scheduler's own state."""
        self.__dict__.update(
            {key: value for key, value in state_dict.items() if key != "_schedulers"}
        )
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"],
                                    strict=True):
            scheduler.load_state_dict(saved)


# ----------------------------------------------------------------- cycles
class CyclicLR(_MomentumCycle, LRScheduler):
    r"""Cycle the rate between two bounds along triangles; mirrors PyTorch's ``CyclicLR``.

    Cyclical learning rates (Smith 2017 [1]_). With
    :math:`S = \text{step\_size\_up} + \text{step\_size\_down}` and
    :math:`r = \text{step\_size\_up} / S`, step :math:`t` lies in cycle
    :math:`c = \lfloor 1 + t/S \rfloor`, at the fraction :math:`x = 1 + t/S - c` of it;
    the triangle climbs for :math:`x \le r` and descends after:

    .. math::
        h(t) = \begin{cases} x / r & x \le r \\ (x - 1)/(r - 1) & x > r \end{cases}
        \qquad
        \eta(t) = \text{base\_lr} + (\text{max\_lr} - \text{base\_lr})\, h(t)\,
        \text{scale\_fn}(c \text{ or } t)

    With equal halves :math:`s` (``step_size_down=None``) this is Smith's triangle,
    :math:`c = \lfloor 1 + t/(2s) \rfloor`, :math:`\eta(t) = \text{base\_lr} +
    (\text{max\_lr} - \text{base\_lr}) \max(0, 1 - |t/s - 2c + 1|)`.

    ``mode`` chooses ``scale_fn``, which scales the *amplitude*
    :math:`\text{max\_lr} - \text{base\_lr}` (the rate still comes back to ``base_lr``
    at the bottom of every cycle): ``"triangular"`` 1; ``"triangular2"``
    :math:`1/2^{c-1}`, halving the amplitude each cycle; ``"exp_range"``
    :math:`\gamma^{t}`, with :math:`t` the step (iteration) count, not the cycle.

    With ``cycle_momentum=True`` (the default) the momentum cycles the other way,
    Smith's (2018) cyclical momentum [2]_:
    :math:`\mu(t) = \text{max\_momentum} - (\text{max\_momentum} -
    \text{base\_momentum})\, h(t)\, \text{scale\_fn}(c \text{ or } t)`, so
    ``max_momentum`` (0.9) where the rate is ``base_lr`` and ``base_momentum`` (0.8)
    where it peaks. The constructor writes ``max_momentum`` into every group at once:
    on a plain ``SGD(lr=...)`` (momentum 0) this **turns momentum on** (SGD's first step
    is still the plain one, its buffer starting at the first gradient; every later step
    carries momentum). An optimizer with neither ``momentum`` nor ``betas`` among its defaults
    (``Adagrad``, ``Adadelta``) raises ``ValueError`` unless ``cycle_momentum=False``.
    All of this is what PyTorch does.

    Parameters
    ----------
    optimizer : Optimizer
    base_lr, max_lr : float or list of float
        The bounds of the cycle, one value or one per group. The constructor sets
        ``group["lr"]`` to ``base_lr`` (the optimizer's own lr is not used).
    step_size_up : float, default 2000
        Steps from ``base_lr`` up to ``max_lr``, > 0.
    step_size_down : float, optional
        Steps back down, >= 0 (0 gives a saw tooth). Default: ``step_size_up``.
    mode : {"triangular", "triangular2", "exp_range"}, default "triangular"
    gamma : float, default 1.0
        :math:`\gamma` of ``"exp_range"``, >= 0.
    scale_fn : callable, optional
        Custom ``scale_fn(x)`` in [0, 1], replacing ``mode``.
    scale_mode : {"cycle", "iterations"}, default "cycle"
        Whether a custom ``scale_fn`` gets the cycle :math:`c` or the step :math:`t`.
    cycle_momentum : bool, default True
        Also cycle ``group["momentum"]`` (SGD, RMSprop) or ``group["betas"][0]``
        (Adam family), overwriting the optimizer's own value. An optimizer with
        neither raises ``ValueError``.
    base_momentum, max_momentum : float or list of float, default 0.8, 0.9
    last_epoch : int, default -1
        Counts batches: step this scheduler after every batch.

    References
    ----------
    .. [1] L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV
       2017, arXiv:1506.01186.
    .. [2] L. N. Smith, "A disciplined approach to neural network hyper-parameters:
       Part 1 -- learning rate, batch size, momentum, and weight decay", 2018,
       arXiv:1803.09820.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: float = 2000,
        step_size_down: float | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        base_lrs = _format_param("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                group["lr"] = lr
        self.max_lrs = _format_param("max_lr", optimizer, max_lr)

        if not step_size_up > 0:
            raise ValueError(f"Expected positive step_size_up, but got {step_size_up}")
        if step_size_down is None:
            step_size_down = step_size_up
        _check_nonnegative("step_size_down", step_size_down)
        self.total_size = float(step_size_up + step_size_down)
        self.step_ratio = step_size_up / self.total_size

        if mode not in ["triangular", "triangular2", "exp_range"] and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        _check_nonnegative("gamma", gamma)
        if scale_fn is None:
            # The built-in modes fix what they scale by, whatever scale_mode says.
            scale_mode = "iterations" if mode == "exp_range" else "cycle"
        elif scale_mode not in ("cycle", "iterations"):
            raise ValueError("scale_mode " + str(scale_mode) + " is unknown!")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._start_momentum_cycle(optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        # The base class read base_lrs from group["initial_lr"], which an earlier
        # scheduler may have set; the cycle's lower bound is base_lr, as in PyTorch.
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The height of cycle ``x`` (or of step ``x``), relative to the first."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            # 0.5**(x-1) is 1/2**(x-1) exactly; far into training it becomes 0 (the
            # amplitude has halved away), where PyTorch's 1/(2.0**(x-1)) overflows.
            return 0.5 ** (x - 1)
        return _decayed(1.0, self.gamma, x)  # exp_range

    def _triangle(self, t: int) -> tuple[float, float]:
        """``(h, scale)``: the triangle's height at ``t`` (0 to 1) and its scaling."""
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        if height == 0:  # the foot of a triangle: no scale needed (it may have overflowed)
            return 0.0, 1.0
        return height, self.scale_fn(cycle if self.scale_mode == "cycle" else t)

    def lr_at(self, t: int) -> list[float]:
        height, scale = self._triangle(t)
        return [
            base_lr + (max_lr - base_lr) * height * scale
            for base_lr, max_lr in zip(self.base_lrs, self.max_lrs, strict=True)
        ]

    def momentum_at(self, t: int) -> list[float]:
        """The momentum (or beta1) of each group at step ``t``: low when the rate is high."""
        height, scale = self._triangle(t)
        return [
            high - (high - low) * height * scale
            for low, high in zip(self.base_momentums, self.max_momentums, strict=True)
        ]

    def _go_to(self, t: int) -> None:
        super()._go_to(t)
        if self.cycle_momentum:
            _set_momentum(self.optimizer, self.momentum_at(t), self.use_beta1)

    def state_dict(self) -> dict[str, Any]:
        """The state; a custom ``scale_fn`` is saved only if it is a callable object."""
        state = super().state_dict()
        fn = self._scale_fn_custom
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, types.FunctionType) else fn.__dict__.copy()
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state; a custom ``scale_fn`` stays the one given to the constructor."""
        saved_fn = state_dict["_scale_fn_custom"]
        super().load_state_dict(
            {key: value for key, value in state_dict.items() if key != "_scale_fn_custom"}
        )
        if saved_fn is not None:
            self._scale_fn_custom.__dict__.update(saved_fn)


class OneCycleLR(_MomentumCycle, LRScheduler):
    r"""The 1cycle policy: up to ``max_lr`` and far down; mirrors PyTorch's ``OneCycleLR``.

    After Smith & Topin 2019 [1]_. The rate starts at
    :math:`\eta_0 = \text{max\_lr}/\text{div\_factor}` (default: ``max_lr / 25``),
    rises to ``max_lr`` at step :math:`p T - 1` (:math:`p` = ``pct_start``, default 0.3;
    :math:`T` = ``total_steps``), then anneals to
    :math:`\eta_{\min} = \eta_0/\text{final\_div\_factor}` (default: ``max_lr / 25 /
    1e4``) at step :math:`T - 1`. Within a phase from :math:`a` to :math:`b`, at
    fraction :math:`q \in [0, 1]` of it:

    .. math:: \text{cos: } b + \frac{a - b}{2}(1 + \cos \pi q) \qquad
              \text{linear: } a + (b - a) q

    These two cosine phases are the default, as in fastai. Smith's 1cycle [2]_ goes
    up and down in two straight steps of equal length and then, for the last
    iterations, far below its starting rate; ``three_phase=True`` with
    ``anneal_strategy="linear"`` has that shape: back down to :math:`\eta_0` at step
    :math:`2pT - 2`, symmetrically, and only then on to :math:`\eta_{\min}`.

    With ``cycle_momentum=True`` (the default) the momentum moves the other way:
    from ``max_momentum`` (0.95) down to ``base_momentum`` (0.85) at the peak of the
    rate and back up to 0.95 at the end (in three phases it stays at 0.95 for the
    last one). The constructor writes ``max_momentum`` into every group at once: on a
    plain ``SGD(lr=...)`` (momentum 0) this **turns momentum on**, at 0.95 (SGD's first
    step is still the plain one, its buffer starting at the first gradient; every later
    step carries momentum). An optimizer with neither ``momentum`` nor ``betas`` among its defaults
    (``Adagrad``, ``Adadelta``) raises ``ValueError`` unless ``cycle_momentum=False``.
    All of this is what PyTorch does.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        The peak rate, one value or one per group.
    total_steps : int, optional
        :math:`T`; if not given, ``epochs * steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
    pct_start : float, default 0.3
        :math:`p`, the fraction of the steps spent rising; in [0, 1], and every phase
        must last more than zero steps (so ``pct_start * total_steps > 1``).
    anneal_strategy : {"cos", "linear"}, default "cos"
    cycle_momentum : bool, default True
        Also cycle ``group["momentum"]`` (SGD, RMSprop) or ``group["betas"][0]``
        (Adam family), overwriting the optimizer's own value. An optimizer with
        neither raises ``ValueError``.
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
    div_factor : float, default 25.0
        :math:`\eta_0 = \text{max\_lr}/\text{div\_factor}`.
    final_div_factor : float, default 1e4
        :math:`\eta_{\min} = \eta_0/\text{final\_div\_factor}`.
    three_phase : bool, default False
    last_epoch : int, default -1
        Counts batches: step this scheduler after every batch.

    Notes
    -----
    The constructor sets ``initial_lr``, ``max_lr`` and ``min_lr`` in every group
    (the optimizer's own lr is not used). The schedule has ``total_steps`` rates,
    for steps 0 to ``T - 1``; the usual loop's last ``step()`` reaches step ``T``,
    which PyTorch allows and extrapolates (with ``"linear"`` it can even go below
    zero: harmless, as no optimizer step uses it). Stepping further raises
    ``ValueError``.

    References
    ----------
    .. [1] L. N. Smith and N. Topin, "Super-Convergence: Very Fast Training of Neural
       Networks Using Large Learning Rates", 2019, arXiv:1708.07120.
    .. [2] L. N. Smith, "A disciplined approach to neural network hyper-parameters:
       Part 1 -- learning rate, batch size, momentum, and weight decay", 2018,
       arXiv:1803.09820 (the 1cycle policy with cyclical momentum 0.95 to 0.85).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        if total_steps is not None:
            if not _is_int(total_steps) or total_steps <= 0:
                raise ValueError(
                    f"Expected positive integer total_steps, but got {total_steps}"
                )
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            if not _is_int(epochs) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not _is_int(steps_per_epoch) or steps_per_epoch <= 0:
                raise ValueError(
                    f"Expected positive integer steps_per_epoch, but got {steps_per_epoch}"
                )
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(
                "You must define either total_steps OR (epochs AND steps_per_epoch)"
            )
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(
                f"Expected float between 0 and 1 pct_start, but got {pct_start}"
            )
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(
                "anneal_strategy must be one of 'cos' or 'linear', instead got "
                f"{anneal_strategy}"
            )
        warmup_end = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._phase_ends = [warmup_end, 2 * warmup_end, self.total_steps - 1]
        else:
            self._phase_ends = [warmup_end, self.total_steps - 1]
        # PyTorch divides by zero for an empty phase, or silently skips the warm-up
        # when pct_start * total_steps <= 1.
        lengths = [end - start for start, end in zip([0.0, *self._phase_ends],
                                                     self._phase_ends)]
        if min(lengths) <= 0:
            raise ValueError(
                f"Expected every phase to last more than 0 steps, but pct_start="
                f"{pct_start} and total_steps={self.total_steps} give phase lengths "
                f"{lengths}"
            )
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase

        self.max_lrs = _format_param("max_lr", optimizer, max_lr)
        initial_lrs = [max_lr / div_factor for max_lr in self.max_lrs]
        self.min_lrs = [initial_lr / final_div_factor for initial_lr in initial_lrs]
        if last_epoch == -1:
            for group, initial_lr, peak, final in zip(
                optimizer.param_groups, initial_lrs, self.max_lrs, self.min_lrs, strict=True
            ):
                group["initial_lr"] = initial_lr
                group["max_lr"] = peak
                group["min_lr"] = final

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._start_momentum_cycle(optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _phase_at(self, t: int) -> tuple[int, float]:
        """``(phase, q)``: the phase holding step ``t`` and the fraction of it done."""
        if t > self.total_steps:
            raise ValueError(
                f"Tried to step {t} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        start = 0.0
        for phase, end in enumerate(self._phase_ends):
            if t <= end or phase == len(self._phase_ends) - 1:
                return phase, (t - start) / (end - start)
            start = end
        raise AssertionError("unreachable: the last phase takes every step")

    def _through(self, waypoints: list[float], t: int) -> float:
        """Anneal between the waypoints of the phase holding step ``t``."""
        phase, pct = self._phase_at(t)
        return self._anneal(waypoints[phase], waypoints[phase + 1], pct)

    def lr_at(self, t: int) -> list[float]:
        lrs = []
        for initial, peak, final in zip(self.base_lrs, self.max_lrs, self.min_lrs,
                                        strict=True):
            if self.three_phase:
                lrs.append(self._through([initial, peak, initial, final], t))
            else:
                lrs.append(self._through([initial, peak, final], t))
        return lrs

    def momentum_at(self, t: int) -> list[float]:
        """The momentum (or beta1) of each group at step ``t``: low when the rate is high."""
        momentums = []
        for low, high in zip(self.base_momentums, self.max_momentums, strict=True):
            if self.three_phase:
                momentums.append(self._through([high, low, high, high], t))
            else:
                momentums.append(self._through([high, low, high], t))
        return momentums

    def _go_to(self, t: int) -> None:
        super()._go_to(t)
        if self.cycle_momentum:
            _set_momentum(self.optimizer, self.momentum_at(t), self.use_beta1)


# ----------------------------------------------------------------- driven by a metric
class ReduceLROnPlateau(LRScheduler):
    r"""Reduce the rate when a metric stops improving; mirrors PyTorch's ``ReduceLROnPlateau``.

    After each epoch, ``step(metric)`` compares the metric (e.g. the validation loss)
    with the best so far :math:`b`. A metric :math:`m` counts as better only beyond
    a threshold:

    * ``mode="min"``: :math:`m < b(1 - \text{threshold})` (``threshold_mode="rel"``)
      or :math:`m < b - \text{threshold}` (``"abs"``);
    * ``mode="max"``: :math:`m > b(1 + \text{threshold})` (``"rel"``)
      or :math:`m > b + \text{threshold}` (``"abs"``).

    After more than ``patience`` epochs in a row without improvement, every group's
    rate becomes :math:`\max(\eta \cdot \text{factor}, \text{min\_lr})` (unless that
    changes it by less than ``eps``), and the next ``cooldown`` epochs are not counted.

    The rate depends on the metrics, so there is no closed form: :meth:`lr_at` raises
    ``NotImplementedError``; plot with :func:`lr_curve` and a metrics sequence.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {"min", "max"}, default "min"
        Whether the metric should go down (a loss) or up (an accuracy).
    factor : float, default 0.1
        In [0, 1).
    patience : int, default 10
        Epochs without improvement tolerated, >= 0.
    threshold : float, default 1e-4
        >= 0.
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
        >= 0.
    min_lr : float or list of float, default 0
        A floor for the rate, one value or one per group.
    eps : float, default 1e-8
        >= 0.

    Notes
    -----
    Unlike the other schedulers it does not set ``initial_lr`` and starts from the
    optimizer's current rates, which ``base_lrs`` records.
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0,
                 eps: float = 1e-8) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if factor < 0:
            raise ValueError("Factor should be >= 0.")
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}"
                )
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        if mode not in {"min", "max"}:
            raise ValueError("mode " + str(mode) + " is unknown!")
        if threshold_mode not in {"rel", "abs"}:
            raise ValueError("threshold mode " + str(threshold_mode) + " is unknown!")
        _check_nonnegative_int("patience", patience)
        _check_nonnegative_int("cooldown", cooldown)
        _check_nonnegative("threshold", threshold)
        _check_nonnegative("eps", eps)
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.best = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self._last_lr = list(self.base_lrs)

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def is_better(self, metric: float, best: float) -> bool:
        """Whether ``metric`` improves on ``best`` by more than the threshold."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return metric < best * (1.0 - self.threshold)
        if self.mode == "min":
            return metric < best - self.threshold
        if self.threshold_mode == "rel":
            return metric > best * (self.threshold + 1.0)
        return metric > best + self.threshold

    def lr_at(self, t: int) -> list[float]:
        raise NotImplementedError(
            "ReduceLROnPlateau has no closed form: its rate depends on the metrics. "
            "Use lr_curve(ReduceLROnPlateau, steps, metrics=...) to plot it."
        )

    def step(self, metrics: float, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record this epoch's metric and reduce the rate if it has plateaued.

        Parameters
        ----------
        metrics : float
            The monitored quantity, e.g. the validation loss.
        epoch : int, optional
            Deprecated in PyTorch (it warns, and so does this).
        """
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = epoch

        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs right after a reduction don't count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            # A group was added after construction (add_param_group).
            if self.default_min_lr is None:
                raise RuntimeError(
                    "The number of param groups in the `optimizer` "
                    f"({len(self.optimizer.param_groups)}) differs "
                    f"from when `ReduceLROnPlateau` was initialized "
                    f"({len(self.min_lrs)}), usually due to a new "
                    "param group being added to the optimizer. Please "
                    "modify the `min_lrs` field to match the length "
                    "of the `optimizer` param groups."
                )
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr


# ----------------------------------------------------------------- plain functions
def lr_curve(scheduler_cls: Callable[..., LRScheduler], steps: int, lr: float = 0.1,
             metrics: Iterable[float] | None = None, **kwargs: Any) -> np.ndarray:
    """The learning rate of a schedule at steps ``0 .. steps-1``, for plotting.

    Builds a throwaway one-parameter ``SGD(lr=lr, momentum=0.9)`` (momentum so that
    :class:`CyclicLR` and :class:`OneCycleLR` can cycle it), wraps it in
    ``scheduler_cls(optimizer, **kwargs)`` and steps the scheduler, reading
    :meth:`~LRScheduler.get_last_lr` before each step.

    Parameters
    ----------
    scheduler_cls : callable
        A scheduler class, or any ``f(optimizer, **kwargs)`` returning a scheduler:
        for :class:`SequentialLR`, whose schedulers need the optimizer, pass e.g.
        ``lambda opt: SequentialLR(opt, [LinearLR(opt, ...), ExponentialLR(opt, ...)],
        milestones=[5])``.
    steps : int
        Number of rates to return, >= 0.
    lr : float, default 0.1
        The optimizer's rate: the ``base_lrs`` of most schedules. (:class:`CyclicLR`
        and :class:`OneCycleLR` set their own.)
    metrics : sequence of float, optional
        For :class:`ReduceLROnPlateau` only, and required there: ``metrics[k]`` is
        passed to the step from ``k`` to ``k + 1``, so at least ``steps - 1`` values.
    **kwargs
        The scheduler's arguments.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps,)``.

    Examples
    --------
    >>> lr_curve(StepLR, 7, lr=1.0, step_size=3, gamma=0.5)
    array([1.  , 1.  , 1.  , 0.5 , 0.5 , 0.5 , 0.25])
    """
    optimizer, scheduler = _throwaway(scheduler_cls, steps, lr, 0.9, kwargs)
    on_plateau = isinstance(scheduler, ReduceLROnPlateau)
    if on_plateau:
        if metrics is None:
            raise ValueError("ReduceLROnPlateau needs metrics, one per step after the first")
        metrics = list(metrics)
        if len(metrics) < steps - 1:
            raise ValueError(
                f"Expected at least {steps - 1} metrics for {steps} steps, but got "
                f"{len(metrics)}"
            )
    elif metrics is not None:
        raise ValueError("metrics are only used by ReduceLROnPlateau")

    return _read_each_step(optimizer, scheduler, steps, lambda: scheduler.get_last_lr()[0],
                           metrics if on_plateau else None)


def _throwaway(scheduler_cls: Callable[..., LRScheduler], steps: Any, lr: float,
               momentum: float, kwargs: dict[str, Any]) -> tuple[SGD, LRScheduler]:
    """A one-parameter SGD and the scheduler on it, for reading a schedule off."""
    if not _is_int(steps) or steps < 0:
        raise ValueError(f"Expected non-negative integer steps, but got {steps}")
    optimizer = SGD([np.zeros(1)], lr=lr, momentum=momentum)
    return optimizer, scheduler_cls(optimizer, **kwargs)


def _read_each_step(optimizer: SGD, scheduler: LRScheduler, steps: int,
                    read: Callable[[], float], metrics: list[float] | None) -> np.ndarray:
    """``read()`` at steps 0 .. steps-1, stepping in the training loop's order."""
    values = np.empty(steps)
    for t in range(steps):
        if t > 0:
            optimizer.step([np.zeros(1)])  # optimizer first, as in training; a no-op here
            if metrics is not None:
                scheduler.step(metrics[t - 1])
            else:
                scheduler.step()
        values[t] = read()
    return values


def momentum_curve(scheduler_cls: Callable[..., LRScheduler], steps: int, lr: float = 0.1,
                   momentum: float = 0.0, **kwargs: Any) -> np.ndarray:
    """The momentum an ``SGD`` uses at steps ``0 .. steps-1`` under a schedule.

    :class:`CyclicLR` and :class:`OneCycleLR` (with ``cycle_momentum=True``, their
    default) write ``group["momentum"]`` as well as the rate, and the optimizer uses
    whatever is there at each step. This builds a throwaway one-parameter
    ``SGD(lr=lr, momentum=momentum)``, wraps it in ``scheduler_cls(optimizer,
    **kwargs)``, steps the scheduler and reads ``param_groups[0]["momentum"]`` before
    each step, as :func:`lr_curve` reads the rate. A schedule that does not cycle the
    momentum gives ``momentum`` at every step.

    Parameters
    ----------
    scheduler_cls : callable
        A scheduler class, or any ``f(optimizer, **kwargs)`` returning a scheduler
        (see :func:`lr_curve`). :class:`ReduceLROnPlateau` is not accepted (it needs
        metrics and never changes the momentum).
    steps : int
        Number of values to return, >= 0.
    lr : float, default 0.1
        The optimizer's rate.
    momentum : float, default 0
        The optimizer's own momentum, which a cycling schedule overwrites at once:
        the default, 0, is plain ``SGD(lr=...)``.
    **kwargs
        The scheduler's arguments.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps,)``.

    Examples
    --------
    >>> momentum_curve(OneCycleLR, 6, max_lr=1.0, total_steps=6, pct_start=0.5).round(3)
    array([0.95 , 0.9  , 0.85 , 0.875, 0.925, 0.95 ])
    >>> momentum_curve(StepLR, 3, momentum=0.9, step_size=1)
    array([0.9, 0.9, 0.9])
    """
    optimizer, scheduler = _throwaway(scheduler_cls, steps, lr, momentum, kwargs)
    if isinstance(scheduler, ReduceLROnPlateau):
        raise ValueError("momentum_curve does not take ReduceLROnPlateau (it needs metrics "
                         "and never changes the momentum)")
    return _read_each_step(optimizer, scheduler, steps,
                           lambda: optimizer.param_groups[0]["momentum"], None)


def exponential_decay(step: Any, initial_learning_rate: float, decay_steps: float,
                      decay_rate: float, staircase: bool = False) -> Any:
    r"""Exponential decay in the Keras form: ``decay_rate`` every ``decay_steps`` steps.

    .. math:: \eta(\text{step}) = \text{initial\_learning\_rate} \cdot
        \text{decay\_rate}^{\,\text{step} / \text{decay\_steps}}

    with the exponent rounded down when ``staircase`` is true. This is
    ``tf.keras.optimizers.schedules.ExponentialDecay``, the form the course's
    article uses. The article writes the power as ``decay_rate ^ (step /
    decay_steps)``; in Python ``^`` is bitwise XOR (and fails on floats): the power
    is ``**``.

    It is the same curve as :class:`ExponentialLR` with
    ``gamma = decay_rate ** (1 / decay_steps)``; the staircase version is
    :class:`StepLR` with ``step_size=decay_steps, gamma=decay_rate``.

    Parameters
    ----------
    step : int, float or array_like
        Step(s) at which to evaluate; vectorised.
    initial_learning_rate : float
    decay_steps : float
        > 0.
    decay_rate : float
        > 0; below 1 decays.
    staircase : bool, default False
        Decay in jumps, every ``decay_steps`` steps.

    Returns
    -------
    float or numpy.ndarray
        The rate(s), shaped like ``step``.

    Examples
    --------
    >>> exponential_decay(np.arange(4), 1.0, decay_steps=2, decay_rate=0.25)
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> exponential_decay(np.arange(4), 1.0, decay_steps=2, decay_rate=0.25,
    ...                   staircase=True)
    array([1.  , 1.  , 0.25, 0.25])
    """
    if not decay_steps > 0:
        raise ValueError(f"Expected positive decay_steps, but got {decay_steps}")
    if not decay_rate > 0:
        raise ValueError(f"Expected positive decay_rate, but got {decay_rate}")
    exponent = np.asarray(step, dtype=float) / decay_steps
    if staircase:
        exponent = np.floor(exponent)
    with np.errstate(over="ignore"):  # a decay_rate > 1 run long enough is inf, quietly
        return initial_learning_rate * decay_rate**exponent

"""Argument checks shared by several modules."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


class _Missing:
    """The default of a required ``rng=``: lets the function say which call to write."""

    def __repr__(self) -> str:
        return "<required>"


MISSING: object = _Missing()


def require_generator(rng: object, hint: str = "", *, caller: str = "") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise TypeError.

    Randomness in gdcourse always goes through an explicit Generator, so that a seeded
    notebook prints the same numbers on every run. The legacy ``np.random.RandomState``
    and integer seeds are refused here, with the fix in the message, rather than failing
    later deep inside a sampler (or, for a seed, silently repeating the same shuffle).
    """
    if rng is MISSING:
        raise TypeError(
            f"{caller}() needs a random generator: call it as "
            f"{caller}(..., rng=np.random.default_rng(0)). The seed (any integer) fixes the "
            "random choices, so every run gives the same numbers")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0)"
            f"{hint}; got {type(rng).__name__}"
        )
    return rng


def check_model_and_optimizer(model: Any, optimizer: Any) -> None:
    """The optimizer must be a gdcourse one that updates the model's own arrays.

    An optimizer made over *copies* of the parameters (``Adam([p.copy() for p in
    model.params])``) would step arrays the model never reads: the loss stays flat for
    the whole run and nothing says why. Used by ``train`` and ``lr_range_test``.
    """
    from .optim import Optimizer  # imported here: gdcourse.optim imports nothing of ours

    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a gdcourse.optim optimizer, got {type(optimizer).__name__}")
    missing = [name for name in ("params", "loss", "loss_and_grads", "score", "metric_name")
               if not hasattr(model, name)]
    if missing:
        raise TypeError(f"model {type(model).__name__} has no {', '.join(missing)}")
    optimized = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not any(id(p) in optimized for p in model.params):
        raise ValueError(
            "the optimizer does not hold any of the model's parameter arrays; create it "
            "with the model's own arrays, e.g. Adam(model.params, lr=1e-3)")


def is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def real_number(name: str, value: object, *, positive: bool = False,
          at_least: float | None = None) -> float:
    """``value`` as a finite float, or a clear TypeError/ValueError naming ``name``."""
    if not is_real(value):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if at_least is not None and not value >= at_least:
        raise ValueError(f"{name} must be >= {at_least:g}, got {value}")
    return value


def as_point(p: Any, name: str = "p") -> np.ndarray:
    point = np.asarray(p, dtype=np.float64)
    if point.shape != (2,):
        raise ValueError(
            f"{name} must be a point (x, y) of shape (2,), got shape {point.shape}")
    return point


def read_only_array(values: Any) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def check_noise(noise_std: Any, rng: Any) -> float:
    noise_std = real_number("noise_std", noise_std, at_least=0.0)
    if rng is not None:
        require_generator(rng)
    if noise_std > 0 and rng is None:
        raise ValueError(
            "gradient noise needs a random generator: pass rng=np.random.default_rng(seed)")
    return noise_std

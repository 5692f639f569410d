"""Exercises on mini-batches: a mini-batch gradient, and one epoch of shuffled batches.

Both follow what :func:`gdcourse.data.minibatches` and :func:`gdcourse.train.train` do:
the loss of a batch is the **mean** over its samples (PyTorch's ``reduction="mean"``),
and an epoch visits the samples in the order of ``rng.permutation(n)``, cut into
consecutive batches, the last one possibly smaller.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checking import Case, CheckResult, Exercise, Mistake, integer_output, list_output

__all__ = ["check_minibatch_gradient", "check_epoch_batches"]


# =============================================================================
# The gradient of the mean squared error over a mini-batch
# =============================================================================
def _minibatch_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                        batch: np.ndarray) -> np.ndarray:
    """Gradient of ``mean((X[batch] @ w - y[batch]) ** 2)`` with respect to ``w``."""
    Xb, yb = X[batch], y[batch]
    r = Xb @ w - yb
    return 2.0 / len(batch) * (Xb.T @ r)


def _mb_summed(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 2.0 * (Xb.T @ (Xb @ w - yb))


def _mb_divided_by_n(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 2.0 / len(y) * (Xb.T @ (Xb @ w - yb))


def _mb_first_rows(X, y, w, batch):
    B = len(batch)
    Xb, yb = X[:B], y[:B]
    return 2.0 / B * (Xb.T @ (Xb @ w - yb))


def _mb_full_batch(X, y, w, batch):
    return 2.0 / len(y) * (X.T @ (X @ w - y))


def _mb_sign(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 2.0 / len(batch) * (Xb.T @ (yb - Xb @ w))


def _mb_no_two(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 1.0 / len(batch) * (Xb.T @ (Xb @ w - yb))


def _mb_case(n: int, d: int, batch: list[int], seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, d))
        y = rng.normal(size=n)
        w = rng.normal(size=d)
        return impl(X, y, w, np.array(batch))
    return Case(f"X of shape ({n}, {d}), y and w drawn from default_rng({seed}), "
                f"batch = {batch}", run)


MINIBATCH_GRADIENT = Exercise(
    title="mini-batch gradient of the mean squared error",
    reference=_minibatch_gradient,
    cases=(
        _mb_case(10, 3, [7, 2, 5], 11),
        _mb_case(8, 2, [4, 6, 0, 3, 1], 12),
        _mb_case(6, 4, [5], 13),
    ),
    mistakes=(
        Mistake("sign", _mb_sign,
                "the residual is prediction minus target, X_B w − y_B; with y_B − X_B w the "
                "gradient needs a minus in front."),
        Mistake("summed", _mb_summed,
                "average over the batch, do not sum: divide by the batch size B = len(batch). "
                "A summed gradient grows with B, so every batch size would need its own "
                "learning rate."),
        Mistake("divided by n", _mb_divided_by_n,
                "divide by the number of samples in the batch, len(batch), not by the size "
                "of the whole data set."),
        Mistake("first rows", _mb_first_rows,
                "use the rows the batch names, X[batch] and y[batch], not the first B rows."),
        Mistake("full batch", _mb_full_batch,
                "this is the gradient over all n samples: select the batch's rows first, "
                "X[batch] and y[batch]."),
        Mistake("no factor 2", _mb_no_two,
                "the derivative of r² is 2r: the loss mean((ŷ − y)²) has no ½ in front, so "
                "the factor 2 stays in the gradient."),
    ),
    rtol=1e-9,
)


# =============================================================================
# One epoch of shuffled mini-batch indices
# =============================================================================
def _epoch_batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Cut ``rng.permutation(n)`` into consecutive batches; the last may be smaller."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _eb_no_shuffle(n, batch_size, rng):
    order = np.arange(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _eb_drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start:start + batch_size]
            for start in range(0, n - batch_size + 1, batch_size)]


def _eb_array_split(n, batch_size, rng):
    order = rng.permutation(n)
    return np.array_split(order, -(-n // batch_size))


def _eb_reseeded(seed):
    def epoch_batches(n, batch_size, rng):
        order = np.random.default_rng(seed).permutation(n)
        return [order[start:start + batch_size] for start in range(0, n, batch_size)]
    return epoch_batches


def _eb_case(n: int, batch_size: int, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        epochs = [impl(n, batch_size, rng) for _ in range(2)]
        return tuple(tuple(np.asarray(batch) for batch in epoch) for epoch in epochs)
    return Case(f"n = {n}, batch_size = {batch_size}, two epochs in a row with the same "
                f"rng = np.random.default_rng({seed})", run)


EPOCH_BATCHES = Exercise(
    title="one epoch of shuffled mini-batches",
    reference=_epoch_batches,
    cases=(_eb_case(10, 4, 5), _eb_case(7, 3, 6), _eb_case(6, 2, 7)),
    mistakes=(
        Mistake("no shuffling", _eb_no_shuffle,
                "the samples come out in their stored order: take the order from "
                "rng.permutation(n) and cut that into batches."),
        Mistake("last batch dropped", _eb_drop_last,
                "keep the last, smaller batch: every sample must be used once per epoch "
                "(range(0, n, batch_size) gives every start)."),
        Mistake("balanced batches", _eb_array_split,
                "np.array_split makes batches of nearly equal size; here every batch has "
                "exactly batch_size indices except the last one, which holds the rest: "
                "order[start:start + batch_size] for start in range(0, n, batch_size)."),
        Mistake("reseeded with 0", _eb_reseeded(0),
                "a generator created inside the function with a fixed seed gives the same "
                "order in every epoch: use the rng argument, which moves on by itself "
                "from one epoch to the next."),
        Mistake("reseeded with 42", _eb_reseeded(42),
                "a generator created inside the function with a fixed seed gives the same "
                "order in every epoch: use the rng argument, which moves on by itself "
                "from one epoch to the next."),
    ),
    repeatable=True,
    requirements=(list_output(), integer_output(what="the batches")),
)

EXERCISES = {"minibatch_gradient": MINIBATCH_GRADIENT, "epoch_batches": EPOCH_BATCHES}


def check_minibatch_gradient(minibatch_gradient: Callable) -> CheckResult:
    """Check ``minibatch_gradient(X, y, w, batch)`` → array of shape ``w.shape``.

    The gradient of the mean squared error over the rows ``batch`` (an integer index
    array): ``(2/B) X_Bᵀ (X_B w − y_B)`` with ``B = len(batch)``.
    """
    return MINIBATCH_GRADIENT.check(minibatch_gradient)


def check_epoch_batches(epoch_batches: Callable) -> CheckResult:
    """Check ``epoch_batches(n, batch_size, rng)`` → list of integer index arrays.

    The order is ``rng.permutation(n)`` (one call per epoch), cut into consecutive batches
    of ``batch_size``; the last batch holds what is left and may be smaller. The check
    calls the function twice with the same ``rng``, as two epochs of training would.
    """
    return EPOCH_BATCHES.check(epoch_batches)

"""Exercises on mini-batches: a mini-batch gradient, its noise, one epoch of shuffled batches.

They follow what :func:`gdcourse.data.minibatches` and :func:`gdcourse.train.train` do:
the loss of a batch is the **mean** over its samples (PyTorch's ``reduction="mean"``),
and an epoch visits the samples in the order of ``rng.permutation(n)``, cut into
consecutive batches, the last one possibly smaller. So a batch is ``B`` distinct samples
drawn at random, and the noise of its gradient is that of sampling without replacement.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._checking import Case, CheckResult, Exercise, Mistake, integer_output, list_output

__all__ = ["check_minibatch_gradient", "check_minibatch_noise", "check_epoch_batches"]


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
                "A summed gradient grows with B, and so would the size of every step."),
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
# The noise of a mini-batch gradient: E‖g − ∇L‖² for B distinct random samples
# =============================================================================
def _minibatch_noise(per_sample_grads: np.ndarray, batch_size: int) -> float:
    """``E‖g_B − ∇L‖²`` for a batch of ``batch_size`` distinct samples drawn at random.

    ``σ² / B · (n − B) / (n − 1)`` with ``σ² = (1/n) Σ_i ‖∇ℓ_i − ∇L‖²``: the variance of
    a mean of ``B`` draws without replacement (the finite-population correction).
    """
    n = len(per_sample_grads)
    full = per_sample_grads.mean(axis=0)
    sigma2 = np.mean(np.sum((per_sample_grads - full) ** 2, axis=1))
    return float(sigma2 / batch_size * (n - batch_size) / (n - 1))


def _noise_parts(G):
    n = len(G)
    full = G.mean(axis=0)
    return n, full, np.mean(np.sum((G - full) ** 2, axis=1))


def _mn_with_replacement(G, B):
    n, _, sigma2 = _noise_parts(G)
    return float(sigma2 / B)


def _mn_sqrt(G, B):
    n, _, sigma2 = _noise_parts(G)
    return float(sigma2 / np.sqrt(B) * (n - B) / (n - 1))


def _mn_not_centred(G, B):
    n = len(G)
    second_moment = np.mean(np.sum(G ** 2, axis=1))
    return float(second_moment / B * (n - B) / (n - 1))


def _mn_mean_over_coordinates(G, B):
    n, full, _ = _noise_parts(G)
    sigma2 = np.mean((G - full) ** 2)
    return float(sigma2 / B * (n - B) / (n - 1))


def _mn_correction_over_n(G, B):
    n, _, sigma2 = _noise_parts(G)
    return float(sigma2 / B * (n - B) / n)


def _mn_ddof(G, B):
    n, full, _ = _noise_parts(G)
    sigma2 = np.sum((G - full) ** 2) / (n - 1)
    return float(sigma2 / B * (n - B) / (n - 1))


def _mn_standard_deviation(G, B):
    return float(np.sqrt(_minibatch_noise(G, B)))


def _mn_case(n: int, d: int, batch_size: int, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        # Offset from 0, so that the mean gradient is not 0 (centring matters).
        G = rng.normal(loc=0.7, size=(n, d))
        return impl(G, batch_size)
    return Case(f"per_sample_grads of shape ({n}, {d}) drawn from default_rng({seed}) "
                f"around 0.7, batch_size = {batch_size}", run)


MINIBATCH_NOISE = Exercise(
    title="the noise of a mini-batch gradient",
    reference=_minibatch_noise,
    cases=(
        _mn_case(10, 3, 4, 21),
        _mn_case(12, 4, 1, 22),
        _mn_case(9, 2, 6, 23),
        _mn_case(7, 3, 7, 24),
    ),
    mistakes=(
        Mistake("with replacement", _mn_with_replacement,
                "this is σ²/B, the noise of B independent draws (with replacement). A batch "
                "holds B distinct samples, so multiply by the finite-population correction "
                "(n − B)/(n − 1): a full batch, B = n, has no noise at all."),
        Mistake("square root of B", _mn_sqrt,
                "the variance falls like 1/B; it is the standard deviation that falls like "
                "1/√B. Divide σ² by B, not by √B."),
        Mistake("not centred", _mn_not_centred,
                "σ² is the spread around the full gradient: subtract the mean row ∇L "
                "(per_sample_grads.mean(axis=0)) before squaring."),
        Mistake("mean over coordinates", _mn_mean_over_coordinates,
                "‖∇ℓ_i − ∇L‖² sums the squares over the coordinates of a row; average only "
                "over the n rows: np.mean(np.sum(... ** 2, axis=1))."),
        Mistake("correction over n", _mn_correction_over_n,
                "the finite-population correction is (n − B)/(n − 1), not (n − B)/n: with "
                "B = 1 it must be exactly 1, since one sample is one sample with or without "
                "replacement."),
        Mistake("divided by n - 1", _mn_ddof,
                "σ² here is the mean over the n samples, (1/n) Σ_i ‖∇ℓ_i − ∇L‖², not the "
                "sample variance with n − 1; the n − 1 belongs to the correction only."),
        Mistake("standard deviation", _mn_standard_deviation,
                "return the expected squared error E‖g − ∇L‖² itself, not its square root."),
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

EXERCISES = {"minibatch_gradient": MINIBATCH_GRADIENT, "minibatch_noise": MINIBATCH_NOISE,
             "epoch_batches": EPOCH_BATCHES}


def check_minibatch_gradient(minibatch_gradient: Callable) -> CheckResult:
    """Check ``minibatch_gradient(X, y, w, batch)`` → array of shape ``w.shape``.

    The gradient of the mean squared error over the rows ``batch`` (an integer index
    array): ``(2/B) X_Bᵀ (X_B w − y_B)`` with ``B = len(batch)``.
    """
    return MINIBATCH_GRADIENT.check(minibatch_gradient)


def check_minibatch_noise(minibatch_noise: Callable) -> CheckResult:
    """Check ``minibatch_noise(per_sample_grads, batch_size)`` → float.

    ``E‖g − ∇L‖²`` for the mean gradient ``g`` of ``batch_size`` distinct samples drawn
    at random from the ``n`` rows of ``per_sample_grads``:
    ``σ²/B · (n − B)/(n − 1)`` with ``σ² = (1/n) Σ_i ‖∇ℓ_i − ∇L‖²``.
    """
    return MINIBATCH_NOISE.check(minibatch_noise)


def check_epoch_batches(epoch_batches: Callable) -> CheckResult:
    """Check ``epoch_batches(n, batch_size, rng)`` → list of integer index arrays.

    The order is ``rng.permutation(n)`` (one call per epoch), cut into consecutive batches
    of ``batch_size``; the last batch holds what is left and may be smaller. The check
    calls the function twice with the same ``rng``, as two epochs of training would.
    """
    return EPOCH_BATCHES.check(epoch_batches)

"""Exercises on mini-batches: a mini-batch gradient, its noise, one epoch of shuffled batches.

They follow what :func:`gdcourse.data.minibatches` and :func:`gdcourse.train.train` do:
the loss of a batch is the **mean** over its samples (PyTorch's ``reduction="mean"``),
and an epoch visits the samples in the order of ``rng.permutation(n)``, cut into
consecutive batches, the last one possibly smaller. So a batch is ``B`` distinct samples
drawn at random, and the noise of its gradient is that of sampling without replacement.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .._messages import F_, N_
from ._checking import (Call, Case, CheckResult, Exercise, Mistake, Requirement, integer_output,
                        list_output)

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


def _mb_y_first_rows(X, y, w, batch):
    Xb, yb = X[batch], y[:len(batch)]
    return 2.0 / len(batch) * (Xb.T @ (Xb @ w - yb))


def _mb_divided_by_d(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 2.0 / X.shape[1] * (Xb.T @ (Xb @ w - yb))


def _mb_mean_of_everything(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return float(2.0 * np.mean(Xb * (Xb @ w - yb)[:, None]))


def _mb_column(X, y, w, batch):
    Xb, yb = X[batch], y[batch]
    return 2.0 / len(batch) * (Xb.T @ (Xb @ w - yb)[:, None])


def _mb_case(n: int, d: int, batch: list[int] | None, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, d))
        y = rng.normal(size=n)
        w = rng.normal(size=d)
        rows = np.array(batch) if batch is not None else rng.permutation(n)[:n // 2]
        try:
            return impl(X, y, w, rows)
        except ValueError as exc:
            if "broadcast" in str(exc) or "matmul" in str(exc):
                raise ValueError(f"{exc} (X has shape {X.shape}, y {y.shape}, w {w.shape}, "
                                 f"batch {rows.shape}: X[batch] has {len(rows)} rows, so take "
                                 "y[batch] too)") from exc
            raise
    rows = (F_("batch = {batch}", batch=batch) if batch is not None
            else F_("a batch of {count} rows", count=n // 2))
    return Case(F_("X of shape ({n}, {d}), y and w drawn from default_rng({seed}), {rows}",
                   n=n, d=d, seed=seed, rows=rows), run)


MINIBATCH_GRADIENT = Exercise(
    title="mini-batch gradient of the mean squared error",
    reference=_minibatch_gradient,
    cases=(
        _mb_case(10, 3, [7, 2, 5], 11),
        _mb_case(8, 2, [4, 6, 0, 3, 1], 12),
        _mb_case(6, 4, [5], 13),
        _mb_case(12, 3, None, 14),
    ),
    mistakes=(
        Mistake("sign", _mb_sign,
                "the residual is prediction minus target, X_B w − y_B; with y_B − X_B w the "
                "gradient needs a minus in front.",
                nudge="look at the sign: which way round is the residual?"),
        Mistake("summed", _mb_summed,
                "average over the batch, do not sum: divide by the batch size B = len(batch). "
                "A summed gradient grows with B, and so would the size of every step.",
                nudge="look at the scale: the batch's loss is a mean, not a sum."),
        Mistake("divided by n", _mb_divided_by_n,
                "divide by the number of samples in the batch, len(batch), not by the size "
                "of the whole data set.",
                nudge="look at what you divide by: the batch or the whole data set?"),
        Mistake("divided by d", _mb_divided_by_d,
                "divide by the number of samples in the batch, len(batch), not by the number "
                "of features X.shape[1].",
                nudge="look at what you divide by: samples or features?"),
        Mistake("first rows", _mb_first_rows,
                "use the rows the batch names, X[batch] and y[batch], not the first B rows.",
                nudge="look at which rows you use: the batch lists them."),
        Mistake("y of the first rows", _mb_y_first_rows,
                "X[batch] is right, but the targets must be the same rows: y[batch], not "
                "y[:B].",
                nudge="look at the targets: do they belong to the rows of X you picked?"),
        Mistake("full batch", _mb_full_batch,
                "this is the gradient over all n samples: select the batch's rows first, "
                "X[batch] and y[batch].",
                nudge="look at which rows you use: only the batch's."),
        Mistake("mean of every entry", _mb_mean_of_everything,
                "average over the batch only, one value per weight: np.mean(..., axis=0), "
                "or (2/B) X_Bᵀ r; np.mean without an axis averages over the features too and "
                "gives one number.",
                nudge="look at the shape of your answer: one entry per weight."),
        Mistake("a column", _mb_column,
                "the gradient has the shape of w, (d,): keep the residual 1-D (no [:, None]) "
                "so that X_B.T @ r is 1-D too.",
                nudge="look at the shape of your answer: that of w."),
        Mistake("no factor 2", _mb_no_two,
                "the derivative of r² is 2r: the loss mean((ŷ − y)²) has no ½ in front, so "
                "the factor 2 stays in the gradient.",
                nudge="look at the constant in front: what is the derivative of r²?"),
    ),
    formula="g = (2/B) X_Bᵀ (X_B w − y_B), with X_B = X[batch], y_B = y[batch], "
            "B = len(batch)",
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


def _mn_centred_by_scalar(G, B):
    n = len(G)
    sigma2 = np.mean(np.sum((G - G.mean()) ** 2, axis=1))
    return float(sigma2 / B * (n - B) / (n - 1))


def _mn_standard_deviation(G, B):
    return float(np.sqrt(_minibatch_noise(G, B)))


def _mn_norm_not_squared(G, B):
    n, full, _ = _noise_parts(G)
    spread = np.mean(np.linalg.norm(G - full, axis=1))
    return float(spread / B * (n - B) / (n - 1))


def _mn_var_of_all_entries(G, B):
    n = len(G)
    return float(np.var(G) / B * (n - B) / (n - 1))


def _mn_per_coordinate(G, B):
    n = len(G)
    return np.var(G, axis=0) / B * (n - B) / (n - 1)


def _mn_integer_division(G, B):
    n, _, sigma2 = _noise_parts(G)
    return float(sigma2 / B * ((n - B) // (n - 1)))


def _mn_no_B(G, B):
    n, _, sigma2 = _noise_parts(G)
    return float(sigma2 * (n - B) / (n - 1))


def _mn_n_from_columns(G, B):
    n = G.shape[1]
    full = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - full) ** 2, axis=1))
    return float(sigma2 / B * (n - B) / (n - 1))


def _mn_centred_per_row(G, B):
    n = len(G)
    sigma2 = np.mean(np.sum((G - G.mean(axis=1, keepdims=True)) ** 2, axis=1))
    return float(sigma2 / B * (n - B) / (n - 1))


def _finite_for_a_full_batch(call: Call) -> str | None:
    grads, batch_size = call.arguments.get("per_sample_grads"), call.arguments.get("batch_size")
    try:
        full = batch_size == len(grads)
        infinite = not math.isfinite(float(call.result))
    except Exception:
        return None
    if full and infinite:
        return F_("with batch_size = n = {batch_size} your result is {result}.",
                  batch_size=batch_size, result=float(call.result))
    return None


def _mn_case(n: int, d: int, batch_size: int, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        # Offset from 0, so that the mean gradient is not 0 (centring matters).
        G = rng.normal(loc=0.7, size=(n, d))
        return impl(G, batch_size)
    return Case(F_("per_sample_grads of shape ({n}, {d}) drawn from default_rng({seed}) "
                   "around 0.7, batch_size = {batch_size}", n=n, d=d, seed=seed,
                   batch_size=batch_size), run)


MINIBATCH_NOISE = Exercise(
    title="the noise of a mini-batch gradient",
    reference=_minibatch_noise,
    answer="real",
    cases=(
        _mn_case(7, 3, 7, 24),     # a full batch first: its noise must be exactly 0
        _mn_case(10, 3, 4, 21),
        _mn_case(12, 4, 1, 22),
        _mn_case(9, 2, 6, 23),
        _mn_case(30, 5, 8, 25),
    ),
    mistakes=(
        Mistake("with replacement", _mn_with_replacement,
                "this is σ²/B, the noise of B independent draws (with replacement). A batch "
                "holds B distinct samples, so multiply by the finite-population correction "
                "(n − B)/(n − 1): a full batch, B = n, has no noise at all.",
                nudge="look at the correction for distinct samples: what does your formula "
                      "give for B = n?"),
        Mistake("square root of B", _mn_sqrt,
                "the variance falls like 1/B; it is the standard deviation that falls like "
                "1/√B. Divide σ² by B, not by √B.",
                nudge="look at how the noise depends on B: variance or standard deviation?"),
        Mistake("not centred", _mn_not_centred,
                "σ² is the spread around the full gradient: subtract the mean row ∇L "
                "(per_sample_grads.mean(axis=0)) before squaring.",
                nudge="look at σ²: a spread around what?"),
        Mistake("centred by one number", _mn_centred_by_scalar,
                "subtract the mean *row*, ∇L = per_sample_grads.mean(axis=0) (one mean per "
                "coordinate), not the mean of all entries.",
                nudge="look at what you subtract before squaring: the full gradient ∇L is "
                      "a vector."),
        Mistake("centred per row", _mn_centred_per_row,
                "∇L is the mean *row* (over the samples, axis=0): each row minus it. The mean "
                "over axis 1 averages a row's own coordinates instead.",
                nudge="look at the axis of the mean you subtract."),
        Mistake("mean over coordinates", _mn_mean_over_coordinates,
                "‖∇ℓ_i − ∇L‖² sums the squares over the coordinates of a row; average only "
                "over the n rows: np.mean(np.sum(... ** 2, axis=1)).",
                nudge="look at the squared norm: summed or averaged over a row's "
                      "coordinates?"),
        Mistake("variance of all entries", _mn_var_of_all_entries,
                "np.var(per_sample_grads) flattens the array: it centres on one overall "
                "mean and averages over the coordinates too. σ² = mean over the rows of "
                "‖∇ℓ_i − ∇L‖², with the squares summed over each row's coordinates.",
                nudge="look at σ²: np.var without an axis treats the array as one list of "
                      "numbers."),
        Mistake("norm not squared", _mn_norm_not_squared,
                "σ² averages the *squared* norms ‖∇ℓ_i − ∇L‖²: np.linalg.norm gives ‖·‖, "
                "square it (or sum the squares directly).",
                nudge="look at σ²: norms or squared norms?"),
        Mistake("one value per coordinate", _mn_per_coordinate,
                "return one number, E‖g − ∇L‖²: sum the per-coordinate variances over the "
                "coordinates (the squared norm sums over them).",
                nudge="look at the shape of your answer: one number for the whole vector."),
        Mistake("integer division in the correction", _mn_integer_division,
                "`(n - B) // (n - 1)` is a whole-number division (0 for most B): write the "
                "correction with `/`, (n − B) / (n − 1).",
                nudge="look at the correction: `//` or `/`?"),
        Mistake("B left out", _mn_no_B,
                "σ² · (n − B)/(n − 1) is missing the 1/B: the mean of B samples has the "
                "variance σ²/B (times the correction).",
                nudge="look at how the noise depends on B: a mean of B samples."),
        Mistake("n taken from the columns", _mn_n_from_columns,
                "n is the number of samples, the *rows* of per_sample_grads: "
                "len(per_sample_grads) or per_sample_grads.shape[0], not shape[1].",
                nudge="look at n: rows or columns?"),
        Mistake("correction over n", _mn_correction_over_n,
                "the finite-population correction is (n − B)/(n − 1), not (n − B)/n: with "
                "B = 1 it must be exactly 1, since one sample is one sample with or without "
                "replacement.",
                nudge="look at the correction: what must it be for B = 1?"),
        Mistake("divided by n - 1", _mn_ddof,
                "σ² here is the mean over the n samples, (1/n) Σ_i ‖∇ℓ_i − ∇L‖², not the "
                "sample variance with n − 1; the n − 1 belongs to the correction only.",
                nudge="look at σ²: divided by n or by n − 1?"),
        Mistake("standard deviation", _mn_standard_deviation,
                "return the expected squared error E‖g − ∇L‖² itself, not its square root.",
                nudge="look at the last step: squared error or its root?"),
    ),
    requirements=(
        Requirement("finite for a full batch",
                    "a full batch, B = n, is the whole data set: its noise is exactly 0, and "
                    "your result is infinite. Is n − B in a denominator? The correction is "
                    "(n − B)/(n − 1), not its inverse.",
                    _finite_for_a_full_batch, explains_failures=True, aspect="Value"),
    ),
    formula="σ²/B · (n − B)/(n − 1), with σ² = (1/n) Σᵢ ‖∇ℓᵢ − ∇L‖² and ∇L the mean row",
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


def _eb_choice(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=False)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _eb_batch_size_batches(n, batch_size, rng):
    return np.array_split(rng.permutation(n), batch_size)


def _eb_floor_batches(n, batch_size, rng):
    return np.array_split(rng.permutation(n), max(n // batch_size, 1))


def _eb_slice_end(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start:batch_size] for start in range(0, n, batch_size)]


def _eb_one_short(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start:start + batch_size - 1] for start in range(0, n, batch_size)]


def _eb_empty_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(n // batch_size + 1)]


def _eb_sorted_batches(n, batch_size, rng):
    order = rng.permutation(n)
    return [np.sort(order[start:start + batch_size]) for start in range(0, n, batch_size)]


def _eb_example_hard_coded(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[:3], order[3:6], order[6:]]


def _eb_case(n: int, batch_size: int, seed: int) -> Case:
    def run(impl):
        rng = np.random.default_rng(seed)
        epochs = [impl(n, batch_size, rng) for _ in range(2)]
        return tuple(tuple(np.asarray(batch) for batch in epoch) for epoch in epochs)
    return Case(F_("n = {n}, batch_size = {batch_size}, two epochs in a row with the same "
                   "rng = np.random.default_rng({seed})", n=n, batch_size=batch_size,
                   seed=seed), run)


class _NewOrderEachEpoch:
    """Requirement test: two calls with the same ``rng`` (two epochs) must not give the
    same shuffled order, which happens when the function makes its own seeded generator."""

    def __init__(self) -> None:
        self._last: tuple = (None, None)

    def __call__(self, call: Call) -> str | None:
        rng, result = call.arguments.get("rng"), call.result
        try:
            order = np.concatenate([np.asarray(batch).ravel() for batch in result])
        except Exception:
            return None
        last_rng, last_order = self._last
        self._last = (rng, order)
        if (last_rng is not rng or last_order is None or order.size < 2
                or np.array_equal(order, np.arange(order.size))):
            return None
        if order.shape == last_order.shape and np.array_equal(order, last_order):
            return F_("two epochs in a row, with the same rng, came out in the same order "
                      "{order}.", order=_short_order(order))
        return None


def _each_sample_once(call: Call) -> str | None:
    """Requirement test: no index twice in one epoch."""
    try:
        order = np.concatenate([np.asarray(batch).ravel() for batch in call.result])
        values, counts = np.unique(order, return_counts=True)
    except Exception:
        return None
    if counts.size and counts.max() > 1:
        twice = ", ".join(str(v) for v in values[counts > 1][:5].tolist())
        return F_("one epoch holds some indices more than once ({twice}).", twice=twice)
    return None


def _short_order(order: np.ndarray) -> str:
    shown = ", ".join(str(int(i)) for i in order[:12])
    return f"[{shown}{', ...' if order.size > 12 else ''}]"


EPOCH_BATCHES = Exercise(
    title="one epoch of shuffled mini-batches",
    reference=_epoch_batches,
    cases=(_eb_case(10, 4, 5), _eb_case(7, 3, 6), _eb_case(6, 2, 7), _eb_case(3, 5, 8),
           _eb_case(25, 1, 9)),
    mistakes=(
        Mistake("no shuffling", _eb_no_shuffle,
                "the samples come out in their stored order: take the order from "
                "rng.permutation(n) and cut that into batches.",
                nudge="look at the order of the indices: is it shuffled?"),
        Mistake("last batch dropped", _eb_drop_last,
                "keep the last, smaller batch: every sample must be used once per epoch "
                "(range(0, n, batch_size) gives every start).",
                nudge="look at the end of the epoch: is every sample used?"),
        Mistake("balanced batches", _eb_array_split,
                "np.array_split makes batches of nearly equal size; here every batch has "
                "exactly batch_size indices except the last one, which holds the rest: "
                "order[start:start + batch_size] for start in range(0, n, batch_size).",
                nudge="look at the sizes of your batches: all batch_size but the last."),
        Mistake("n // batch_size batches", _eb_floor_batches,
                "np.array_split(order, n // batch_size) spreads the rest over the batches; "
                "here every batch has exactly batch_size indices except the last one, which "
                "holds the rest: order[start:start + batch_size] for start in "
                "range(0, n, batch_size).",
                nudge="look at the sizes of your batches: all batch_size but the last."),
        Mistake("slice ends at batch_size", _eb_slice_end,
                "the slice of the batch that starts at `start` is order[start:start + "
                "batch_size]; order[start:batch_size] is empty from the second batch on.",
                nudge="look at where each batch's slice ends."),
        Mistake("one index short", _eb_one_short,
                "a slice order[a:b] holds b − a indices: the batch at `start` is "
                "order[start:start + batch_size], without − 1.",
                nudge="look at where each batch's slice ends."),
        Mistake("an empty last batch", _eb_empty_last,
                "when batch_size divides n, range(n // batch_size + 1) adds an empty last "
                "batch: loop over the starts, range(0, n, batch_size).",
                nudge="look at the end of the epoch when batch_size divides n."),
        Mistake("the example's sizes hard-coded", _eb_example_hard_coded,
                "the example (n = 7, batch_size = 3: batches of 3, 3 and 1) is one case: cut "
                "with the batch_size you are given, order[start:start + batch_size] for "
                "start in range(0, n, batch_size).",
                nudge="look at the sizes of your batches: they follow batch_size."),
        Mistake("batches sorted", _eb_sorted_batches,
                "keep the shuffled order inside each batch too: the batches are slices of "
                "rng.permutation(n) as they are, not sorted.",
                nudge="look at the order inside each batch."),
        Mistake("batch_size batches", _eb_batch_size_batches,
                "np.array_split(order, k) makes k batches; here batch_size is the number "
                "of indices *in* each batch: order[start:start + batch_size] for start in "
                "range(0, n, batch_size).",
                nudge="look at the sizes of your batches: batch_size is the size of one."),
        Mistake("rng.choice instead of rng.permutation", _eb_choice,
                "use rng.permutation(n), as the exercise says: rng.choice(n, n, "
                "replace=False) is a random order too, but another one from the same seed, "
                "so your epochs differ from everyone else's (and from gdcourse's).",
                nudge="look at the call that makes the order: the exercise names it."),
    ),
    repeatable=True,
    requirements=(
        list_output(),
        integer_output(what=N_("the batches")),
        Requirement("each sample once per epoch",
                    "an epoch uses every sample exactly once: call rng.permutation(n) once "
                    "per epoch and cut that one order into batches. A new permutation for "
                    "every batch, or draws with replacement (rng.integers(0, n, n), "
                    "rng.choice(n, n)), repeat some samples and leave others out.",
                    _each_sample_once, explains_failures=True, aspect="Requirement"),
        Requirement("a new order every epoch",
                    "use the rng you are given, and nothing else: a generator made inside "
                    "your function, np.random.default_rng(seed), starts afresh at every call "
                    "and gives every epoch the same order; the rng argument moves on by "
                    "itself from one epoch to the next.",
                    _NewOrderEachEpoch(), explains_failures=True, aspect="Requirement"),
    ),
    answer="index",
    formula="order = rng.permutation(n) (one call per epoch); the batches are "
            "order[0:B], order[B:2B], …, the last one holding what is left",
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

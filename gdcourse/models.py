r"""Small models with hand-written backpropagation, in float64 NumPy.

Four models share one interface, the base class :class:`Model`:

* :class:`LinearRegression`: predicts values; mean squared error; ``score`` is R².
* :class:`LogisticRegression`: predicts class 0 or 1; binary cross-entropy; accuracy.
* :class:`SoftmaxRegression`: predicts a class ``0..k-1``; cross-entropy; accuracy.
* :class:`MLP`: hidden layers of any depth, for any of the three tasks.

A model's ``params`` are exactly the arrays an optimizer updates in place, and
``loss_and_grads`` returns the gradients in the same order, so one training step is::

    model = MLP([64, 128, 10], activation="relu", rng=np.random.default_rng(0))
    opt = Adam(model.params, lr=1e-3)
    loss, grads = model.loss_and_grads(X_batch, y_batch)   # PyTorch: loss.backward()
    opt.step(grads)                                         # PyTorch: opt.step()

Conventions
-----------
* A dense layer stores its weight with PyTorch's shape ``(out_features, in_features)``
  and computes ``X @ W.T + b`` (see :mod:`gdcourse.init`).
* Every loss is the **mean** over the batch (PyTorch's default ``reduction="mean"``),
  so its gradient does not grow with the batch size.
* Regression uses the mean squared error of ``torch.nn.MSELoss``,
  ``mean((y_hat - y) ** 2)`` over all entries (no factor 1/2).
* Binary classification uses ``torch.nn.BCEWithLogitsLoss``: the model outputs one
  logit ``z`` per sample and the labels are 0 or 1.
* Multiclass classification uses ``torch.nn.CrossEntropyLoss``: the model outputs
  ``k`` logits per sample and the labels are class indices ``0..k-1`` (not one-hot).
* There is no weight-decay term in the losses: weight decay belongs to the optimizer
  (``SGD(..., weight_decay=1e-4)``), as in PyTorch.

Numerics
--------
Sigmoid, softmax and both cross-entropies are computed so that no logit, however
large, overflows: logits of ±1000 give exact, finite losses and gradients without a
warning. When the *parameters* blow up during a diverging run, the losses become
``inf`` or ``nan`` silently (overflow warnings are switched off inside the models);
:func:`gdcourse.divergence.check_divergence` then reports the run as diverged.

References
----------
.. [1] D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning representations by
   back-propagating errors", Nature 323, 1986.
.. [2] X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
   feedforward neural networks", AISTATS 2010.
.. [3] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: Surpassing
   human-level performance on ImageNet classification", ICCV 2015.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._checks import require_generator

from . import init as initializers

__all__ = [
    "Model",
    "LinearRegression",
    "LogisticRegression",
    "SoftmaxRegression",
    "MLP",
    "LayerStats",
    "count_distinct_rows",
    "sigmoid",
    "softmax",
    "log_softmax",
    "ACTIVATIONS",
    "INIT_SCHEMES",
    "TASKS",
    "RECOMMENDED_GAIN",
]

TASKS = ("regression", "binary", "classification")
#: ``MLP(..., gain=RECOMMENDED_GAIN)``: Xavier or orthogonal scaled by
#: ``calculate_gain(activation)`` (5/3 for tanh, √2 for ReLU) instead of 1.
RECOMMENDED_GAIN = "recommended"
ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
INIT_SCHEMES = (
    "auto",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "orthogonal",
    "normal",
    "large_normal",
    "constant",
    "zeros",
)

# A diverging run drives the parameters to inf; the loss then honestly becomes inf or
# nan, and check_divergence says so in words, so NumPy's warnings would only be noise.
_QUIET = dict(over="ignore", invalid="ignore", divide="ignore", under="ignore")

# Activation values in these flat tails have a derivative below about 0.02, so almost
# no gradient passes through them (Glorot & Bengio 2010, section 3).
_SATURATION = 0.99


# ---------------------------------------------------------------------------
# Stable building blocks
# ---------------------------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, without overflow.

    Written as :math:`1/(1 + e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1 + e^{-|z|})` for :math:`z < 0`: the exponent is never positive,
    so nothing overflows, and ``sigmoid(-1000)`` is a tiny positive number rather than
    a warning.

    Parameters
    ----------
    z : array_like

    Returns
    -------
    numpy.ndarray
        Values in [0, 1], same shape as ``z``.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    r"""Row-wise :math:`\log \mathrm{softmax}(z)_j = z_j - \log \sum_i e^{z_i}`, stably.

    Subtracting the row maximum first leaves the result unchanged (softmax is
    invariant to adding a constant to every logit) and makes every exponent
    :math:`\le 0`, so :math:`\sum_i e^{z_i - \max z}` lies in :math:`[1, k]`.

    Parameters
    ----------
    logits : numpy.ndarray
        Shape ``(n, k)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, k)``; each row's exponentials sum to 1.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of ``(n, k)`` logits (stable, see :func:`log_softmax`)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


# Each loss returns (mean loss, gradient of the mean loss with respect to the scores).


def _mse_loss(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """``torch.nn.MSELoss``: the mean of the squared residuals over all entries."""
    residuals = predictions - targets
    return float(np.mean(residuals**2)), 2.0 * residuals / residuals.size


def _binary_cross_entropy_with_logits(
    logits: np.ndarray, labels: np.ndarray
) -> tuple[float, np.ndarray]:
    r"""``torch.nn.BCEWithLogitsLoss`` for ``(n, 1)`` logits and 0/1 labels.

    :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z)) = \log(1 + e^z) - yz`, and
    ``np.logaddexp(0, z)`` computes :math:`\log(1 + e^z)` without overflow. The
    gradient with respect to :math:`z` is :math:`\sigma(z) - y`.
    """
    n = logits.shape[0]
    losses = np.logaddexp(0.0, logits) - labels * logits
    return float(np.mean(losses)), (sigmoid(logits) - labels) / n


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    r"""``torch.nn.CrossEntropyLoss`` for ``(n, k)`` logits and integer labels.

    The loss of a sample is :math:`-\log \mathrm{softmax}(z)_y`; its gradient with
    respect to the logits is :math:`\mathrm{softmax}(z) - \mathrm{onehot}(y)`.
    """
    n = logits.shape[0]
    rows = np.arange(n)
    log_probs = log_softmax(logits)
    d_logits = np.exp(log_probs)
    d_logits[rows, labels] -= 1.0
    return float(-np.mean(log_probs[rows, labels])), d_logits / n


_LOSSES = {
    "regression": _mse_loss,
    "binary": _binary_cross_entropy_with_logits,
    "classification": _cross_entropy,
}


def _r2_score(targets: np.ndarray, predictions: np.ndarray) -> float:
    r"""Coefficient of determination, averaged over output columns.

    :math:`R^2 = 1 - \sum_i (y_i - \hat y_i)^2 / \sum_i (y_i - \bar y)^2` per column,
    then the plain mean over columns (scikit-learn's ``r2_score`` with
    ``multioutput="uniform_average"``). A constant column has no variance to explain:
    it scores 1 if predicted exactly and 0 otherwise, as scikit-learn does.
    """
    residual_ss = np.sum((targets - predictions) ** 2, axis=0)
    total_ss = np.sum((targets - targets.mean(axis=0)) ** 2, axis=0)
    constant = total_ss == 0
    safe_total = np.where(constant, 1.0, total_ss)
    per_column = np.where(
        constant, np.where(residual_ss == 0, 1.0, 0.0), 1.0 - residual_ss / safe_total
    )
    return float(np.mean(per_column))


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def _check_choice(value: object, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value  # type: ignore[return-value]


def _first_index(mask: np.ndarray) -> tuple[int, ...] | int:
    """Index of the first True entry of ``mask`` (an int for 1-D arrays)."""
    index = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return int(index[0]) if mask.ndim == 1 else tuple(int(i) for i in index)


def _as_real_array(values: object, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    return array


# ---------------------------------------------------------------------------
# The common interface
# ---------------------------------------------------------------------------


class Model:
    """Base class of the models: inputs, targets, loss, predictions and scores.

    A subclass sets the attributes below in its constructor and implements two methods:

    ``_forward(X) -> (scores, cache)``
        the model's output of shape ``(n, n_outputs)`` for a checked float64 batch
        ``X`` (predictions for regression, logits for classification), plus whatever
        the backward pass needs;
    ``_backward(cache, d_scores) -> list of arrays``
        given the gradient of the loss with respect to the scores, the gradients with
        respect to ``params``, in order.

    Everything else (checking the inputs, the loss and its gradient, ``predict``,
    ``score``, ``copy_params``/``set_params``) is written once here.

    Attributes
    ----------
    params : list of numpy.ndarray
        The float64 arrays an optimizer updates in place: ``Adam(model.params)``.
    param_names : list of str
        One name per parameter, e.g. ``["W1", "b1", "W2", "b2"]``.
    n_features : int
        Number of input columns.
    n_outputs : int
        Number of output scores per sample.
    task : {"regression", "binary", "classification"}
        Chooses the loss, the form of the labels and the metric.
    """

    params: list[np.ndarray]
    param_names: list[str]
    n_features: int
    n_outputs: int
    task: str

    # ----------------------------------------------------------------- to implement
    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, object]:
        raise NotImplementedError

    def _backward(self, cache: object, d_scores: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    # ----------------------------------------------------------------- properties
    @property
    def metric_name(self) -> str:
        """``"r2"`` for regression, ``"accuracy"`` for classifiers (what ``score`` returns)."""
        return "r2" if self.task == "regression" else "accuracy"

    @property
    def is_classifier(self) -> bool:
        return self.task != "regression"

    # ----------------------------------------------------------------- checks
    def _check_X(self, X: object) -> np.ndarray:
        X = _as_real_array(X, "X").astype(np.float64, copy=False)
        if X.ndim != 2:
            hint = " (for a single feature use X.reshape(-1, 1))" if X.ndim == 1 else ""
            raise ValueError(
                "X must be a 2-D array of shape (n_samples, n_features), got an array of "
                f"shape {X.shape}{hint}"
            )
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features (columns), but the model expects "
                f"n_features={self.n_features}"
            )
        if X.shape[0] == 0:
            raise ValueError("X has no rows; a batch needs at least one sample")
        bad = ~np.isfinite(X)
        if bad.any():
            raise ValueError(
                f"X contains NaN or infinity, first at (row, column) {_first_index(bad)}"
            )
        return X

    def _check_y(self, y: object, n_samples: int) -> np.ndarray:
        """Return the targets in the form the loss uses (see ``_LOSSES``)."""
        y = _as_real_array(y, "y")
        if y.ndim == 0 or y.shape[0] != n_samples:
            length = "a scalar" if y.ndim == 0 else f"{y.shape[0]} entries"
            raise ValueError(f"y has {length}, but X has {n_samples} rows")
        if self.task == "regression":
            return self._check_regression_targets(y)
        if y.ndim != 1:
            hint = ""
            if self.task == "classification":
                hint = " (for one-hot labels use y.argmax(axis=1))"
            raise ValueError(
                f"class labels must be a 1-D array of shape (n_samples,), got shape {y.shape}{hint}"
            )
        if self.task == "binary":
            bad = (y != 0) & (y != 1)
            if bad.any():
                index = _first_index(bad)
                raise ValueError(
                    f"binary labels must be 0 or 1, found {y[index].item()!r} at index {index}"
                )
            return y.astype(np.float64).reshape(-1, 1)
        return self._check_class_indices(y)

    def _check_regression_targets(self, y: np.ndarray) -> np.ndarray:
        y = y.astype(np.float64, copy=False)
        one_column = y.ndim == 1 and self.n_outputs == 1
        if not (one_column or y.ndim == 2 and y.shape[1] == self.n_outputs):
            raise ValueError(
                f"y must have shape (n_samples, {self.n_outputs})"
                + (" or (n_samples,)" if self.n_outputs == 1 else "")
                + f" for a model with {self.n_outputs} output(s), got shape {y.shape}"
            )
        bad = ~np.isfinite(y)
        if bad.any():
            raise ValueError(f"y contains NaN or infinity, first at index {_first_index(bad)}")
        return y.reshape(len(y), self.n_outputs)

    def _check_class_indices(self, y: np.ndarray) -> np.ndarray:
        # Whole-number floats (from np.loadtxt, say) are accepted as class indices.
        with np.errstate(invalid="ignore"):
            bad = (y != np.floor(y)) | (y < 0) | (y >= self.n_outputs)
        if bad.any():
            index = _first_index(bad)
            raise ValueError(
                f"class labels must be integers 0..{self.n_outputs - 1} for "
                f"{self.n_outputs} classes, found {y[index].item()!r} at index {index}"
            )
        return y.astype(np.intp)

    # ----------------------------------------------------------------- the loss
    def forward(self, X: object) -> np.ndarray:
        """The raw outputs, shape ``(n, n_outputs)``: predictions or logits.

        For classifiers these are the logits (before sigmoid or softmax), the scores
        the loss is computed from.
        """
        X = self._check_X(X)
        with np.errstate(**_QUIET):
            return self._forward(X)[0]

    def loss(self, X: object, y: object) -> float:
        """The mean loss over the batch ``(X, y)`` at the current parameters."""
        X = self._check_X(X)
        targets = self._check_y(y, X.shape[0])
        with np.errstate(**_QUIET):
            scores, _ = self._forward(X)
            return _LOSSES[self.task](scores, targets)[0]

    def loss_and_grads(self, X: object, y: object) -> tuple[float, list[np.ndarray]]:
        """The mean loss and its gradient with respect to each of ``params``.

        Returns
        -------
        loss : float
        grads : list of numpy.ndarray
            New arrays, one per parameter, in the order of ``params`` and of the same
            shapes: pass them to ``optimizer.step(grads)``.
        """
        X = self._check_X(X)
        targets = self._check_y(y, X.shape[0])
        with np.errstate(**_QUIET):
            scores, cache = self._forward(X)
            loss, d_scores = _LOSSES[self.task](scores, targets)
            return loss, self._backward(cache, d_scores)

    # ----------------------------------------------------------------- predictions
    def predict(self, X: object) -> np.ndarray:
        """Predicted values (regression) or class labels (classifiers).

        Regression returns shape ``(n,)`` for one output and ``(n, k)`` for ``k``.
        Classifiers return integer labels of shape ``(n,)``: the largest logit, or for
        binary models 1 where the logit is positive (probability above 0.5).
        """
        scores = self.forward(X)
        if self.task == "regression":
            return scores[:, 0] if self.n_outputs == 1 else scores
        if self.task == "binary":
            return (scores[:, 0] > 0).astype(np.intp)
        return np.argmax(scores, axis=1)

    def predict_proba(self, X: object) -> np.ndarray:
        """Class probabilities: ``(n,)`` P(y = 1) for binary models, ``(n, k)`` otherwise."""
        if not self.is_classifier:
            raise TypeError(
                f"predict_proba is for classifiers; this {type(self).__name__} does regression"
            )
        scores = self.forward(X)
        with np.errstate(**_QUIET):
            return sigmoid(scores[:, 0]) if self.task == "binary" else softmax(scores)

    def score(self, X: object, y: object) -> float:
        """Accuracy for classifiers, R² for regression (see ``metric_name``)."""
        X = self._check_X(X)
        targets = self._check_y(y, X.shape[0])
        if self.task == "regression":
            if X.shape[0] < 2:
                raise ValueError("R² needs at least 2 samples (it compares with the mean of y)")
            with np.errstate(**_QUIET):
                return _r2_score(targets, self.forward(X))
        labels = targets[:, 0] if self.task == "binary" else targets
        return float(np.mean(self.predict(X) == labels))

    # ----------------------------------------------------------------- parameters
    def copy_params(self) -> list[np.ndarray]:
        """Copies of the current parameters (a snapshot to restore with ``set_params``)."""
        return [param.copy() for param in self.params]

    def set_params(self, values: Sequence[object]) -> None:
        """Copy ``values`` *into* the existing parameter arrays.

        The arrays keep their identity, so an optimizer built on ``model.params`` goes
        on updating the model. All shapes are checked before anything is copied.
        """
        values = list(values)
        if len(values) != len(self.params):
            raise ValueError(
                f"set_params got {len(values)} arrays, but the model has {len(self.params)} "
                f"parameters ({', '.join(self.param_names)})"
            )
        arrays = [_as_real_array(value, f"value {i}") for i, value in enumerate(values)]
        for index, (name, param, array) in enumerate(zip(self.param_names, self.params, arrays)):
            if array.shape != param.shape:
                raise ValueError(
                    f"value {index} ({name}) has shape {array.shape}, but the parameter "
                    f"has shape {param.shape}"
                )
        for param, array in zip(self.params, arrays):
            param[...] = array

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return sum(param.size for param in self.params)


# ---------------------------------------------------------------------------
# Stacks of dense layers
# ---------------------------------------------------------------------------


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _identity(z: np.ndarray) -> np.ndarray:
    return z


# Each derivative is written in terms of the pre-activation z and/or the output a,
# whichever is cheaper: tanh' = 1 - a^2 and sigmoid' = a (1 - a) reuse the forward pass.
# ReLU's derivative at exactly 0 is taken as 0, as in PyTorch.
_ACTIVATION_FUNCTIONS = {
    "relu": (_relu, lambda z, a: (z > 0).astype(np.float64)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a**2),
    "sigmoid": (sigmoid, lambda z, a: a * (1.0 - a)),
    "identity": (_identity, lambda z, a: np.ones_like(z)),
}


def _initialise_weight(
    weight: np.ndarray, scheme: str, activation: str, gain: float | str | None,
    rng: np.random.Generator,
) -> None:
    """Fill one weight with ``scheme`` using :mod:`gdcourse.init` (see :class:`MLP`)."""
    nonlinearity = "linear" if activation == "identity" else activation
    if scheme == "auto":
        # PyTorch's recommendations: He for ReLU, Xavier with calculate_gain otherwise.
        scheme = "kaiming_normal" if activation == "relu" else "xavier_normal"
        gain = RECOMMENDED_GAIN
    # Xavier and orthogonal: gain 1 unless one is given, as in torch.nn.init and in
    # Glorot & Bengio (2010); "recommended" asks for calculate_gain(activation).
    if isinstance(gain, str) and gain == RECOMMENDED_GAIN:
        variance_gain = initializers.calculate_gain(nonlinearity)
    else:
        variance_gain = 1.0 if gain is None else gain
    if scheme == "xavier_uniform":
        initializers.xavier_uniform_(weight, gain=variance_gain, rng=rng)
    elif scheme == "xavier_normal":
        initializers.xavier_normal_(weight, gain=variance_gain, rng=rng)
    elif scheme == "kaiming_uniform":
        initializers.kaiming_uniform_(weight, nonlinearity=nonlinearity, rng=rng)
    elif scheme == "kaiming_normal":
        initializers.kaiming_normal_(weight, nonlinearity=nonlinearity, rng=rng)
    elif scheme == "orthogonal":
        initializers.orthogonal_(weight, gain=variance_gain, rng=rng)
    elif scheme == "normal":
        initializers.normal_(weight, 0.0, 0.01 if gain is None else gain, rng=rng)
    elif scheme == "large_normal":
        initializers.normal_(weight, 0.0, 1.0, rng=rng)
    elif scheme == "constant":
        initializers.constant_(weight, 0.1 if gain is None else gain)
    else:  # "zeros"
        initializers.zeros_(weight)


# Schemes whose scale is fixed by the activation or by their name: a gain would be ignored.
_SCHEMES_WITHOUT_GAIN = ("auto", "kaiming_uniform", "kaiming_normal", "large_normal", "zeros")
# Schemes whose gain multiplies a variance rule; they accept gain=RECOMMENDED_GAIN.
_SCHEMES_WITH_ACTIVATION_GAIN = ("xavier_uniform", "xavier_normal", "orthogonal")


@dataclass
class LayerStats:
    """What one dense layer did on one batch (see :meth:`MLP.layer_statistics`).

    Means and standard deviations are over all entries (samples × units), with the
    population standard deviation (``np.std``, ``ddof=0``).

    Attributes
    ----------
    layer : int
        1-based: the layer whose weight is ``W{layer}``.
    activation : str
        The function applied after this layer; ``"identity"`` for the output layer,
        whose output is the scores (logits or predictions).
    pre_activation_mean, pre_activation_std : float
        Of ``z = a_prev @ W.T + b``.
    activation_mean, activation_std : float
        Of the layer's output ``activation(z)``.
    dead_fraction : float or None
        ReLU layers only: the fraction of units whose output is 0 for *every* sample
        of the batch (``z <= 0`` throughout). Such a unit passes no gradient to its
        incoming weights, so on this batch it does not learn. None for other
        activations.
    saturated_fraction : float or None
        tanh and sigmoid layers only: the fraction of output *values* (over samples
        and units) in the flat tails, ``|tanh(z)| > 0.99`` or ``sigmoid(z) < 0.01`` or
        ``> 0.99``, where the derivative is below about 0.02. None otherwise.
    weight_grad_mean, weight_grad_std : float
        Of the gradient of the loss with respect to ``W{layer}``.
    activation_values, weight_grad_values : numpy.ndarray
        The flattened activations and weight gradients, for histograms.
    is_output : bool, default False
        True for the output layer, whose outputs are the scores (logits for
        classifiers), with no activation after them.
    """

    layer: int
    activation: str
    pre_activation_mean: float
    pre_activation_std: float
    activation_mean: float
    activation_std: float
    dead_fraction: float | None
    saturated_fraction: float | None
    weight_grad_mean: float
    weight_grad_std: float
    activation_values: np.ndarray
    weight_grad_values: np.ndarray
    is_output: bool = False


def count_distinct_rows(matrix: np.ndarray, rtol: float = 1e-9) -> int:
    """The number of different rows of ``matrix``, up to a relative tolerance.

    Applied to a weight of shape ``(units, inputs)``, it counts the units that differ:
    after training from ``zeros`` or ``constant`` initialisation every row of a hidden
    layer's weight stays identical (each unit gets the same gradient), and the layer
    acts as a single unit; random initialisation breaks that symmetry.

    Two rows are the same when no entry differs by more than ``rtol`` times the
    largest absolute entry of the matrix. Rows are grouped greedily: each row joins
    the first earlier group whose representative it matches.

    Parameters
    ----------
    matrix : numpy.ndarray
        2-D, with at least one row; finite.
    rtol : float, default 1e-9
        Identical units are bit-for-bit equal in practice; the margin only guards
        against a BLAS that sums the columns of a product in different orders.

    Returns
    -------
    int
        1 when all rows are equal, ``len(matrix)`` when all differ.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or len(matrix) == 0:
        raise ValueError(f"matrix must be 2-D with at least one row, got shape "
                         f"{matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("matrix contains NaN or infinity")
    tolerance = rtol * max(float(np.abs(matrix).max()), np.finfo(float).tiny)
    representatives: list[np.ndarray] = []
    for row in matrix:
        if not any(np.abs(row - rep).max() <= tolerance for rep in representatives):
            representatives.append(row)
    return len(representatives)


def _saturated_fraction(activation: str, values: np.ndarray) -> float | None:
    if activation == "tanh":
        return float(np.mean(np.abs(values) > _SATURATION))
    if activation == "sigmoid":
        return float(np.mean((values < 1.0 - _SATURATION) | (values > _SATURATION)))
    return None


class _DenseNetwork(Model):
    """Dense layers ``z = a @ W.T + b``, an activation after every layer but the last.

    The forward pass keeps each layer's input and pre-activation; the backward pass
    walks the layers in reverse (backpropagation, Rumelhart et al. 1986)::

        dW = dz.T @ a_prev          db = dz.sum(axis=0)
        dz_prev = (dz @ W) * activation'(z_prev)

    where ``dz`` already carries the 1/n of the mean loss.
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str, task: str, init: str,
                 gain: float | str | None, rng: np.random.Generator) -> None:
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"layer_sizes must be a list of integers, got {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(
                "layer_sizes needs at least 2 entries, [n_features, ..., n_outputs], "
                f"got {list(layer_sizes)}"
            )
        sizes = [
            _check_positive_int(size, f"layer_sizes[{i}]") for i, size in enumerate(layer_sizes)
        ]
        self.activation = _check_choice(activation, "activation", ACTIVATIONS)
        self.task = _check_choice(task, "output", TASKS)
        self.init = _check_choice(init, "init", INIT_SCHEMES)
        if gain is not None:
            if init in _SCHEMES_WITHOUT_GAIN:
                raise ValueError(f"gain is not used by init={init!r}; leave it as None")
            if isinstance(gain, str) and gain == RECOMMENDED_GAIN:
                if init not in _SCHEMES_WITH_ACTIVATION_GAIN:
                    raise ValueError(
                        f"gain={RECOMMENDED_GAIN!r} (calculate_gain(activation)) is for "
                        f"init={' or '.join(map(repr, _SCHEMES_WITH_ACTIVATION_GAIN))}; "
                        f"init={init!r} takes a number")
            elif isinstance(gain, bool) or not isinstance(gain, numbers.Real):
                raise TypeError(f"gain must be a real number or {RECOMMENDED_GAIN!r}, "
                                f"got {gain!r}")
            else:
                gain = float(gain)
        self.gain = gain
        rng = require_generator(rng)
        if self.task == "binary" and sizes[-1] != 1:
            raise ValueError(f"a binary model has 1 output unit (one logit), got {sizes[-1]}")
        if self.task == "classification" and sizes[-1] < 2:
            raise ValueError(
                f"a classification model needs one output unit per class (at least 2), got "
                f"{sizes[-1]}; for two classes with one logit use output='binary'"
            )
        self.layer_sizes = sizes
        self.n_features, self.n_outputs = sizes[0], sizes[-1]

        self.weights = [np.empty((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out) for n_out in sizes[1:]]
        for weight in self.weights:
            _initialise_weight(weight, self.init, self.activation, gain, rng)
        self.params = [p for pair in zip(self.weights, self.biases) for p in pair]
        self.param_names = [
            name for layer in range(1, len(self.weights) + 1) for name in (f"W{layer}", f"b{layer}")
        ]

    @property
    def n_layers(self) -> int:
        """Number of dense layers (weight matrices)."""
        return len(self.weights)

    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, tuple[list, list]]:
        activate, _ = _ACTIVATION_FUNCTIONS[self.activation]
        inputs, pre_activations = [], []
        a = X
        for layer, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            z = a @ weight.T + bias
            inputs.append(a)
            pre_activations.append(z)
            a = z if layer == self.n_layers - 1 else activate(z)
        return a, (inputs, pre_activations)

    def _backward(self, cache: tuple[list, list], d_scores: np.ndarray) -> list[np.ndarray]:
        _, derivative = _ACTIVATION_FUNCTIONS[self.activation]
        inputs, pre_activations = cache
        grads: list[np.ndarray] = []
        d_z = d_scores
        for layer in reversed(range(self.n_layers)):
            # Prepended, so that the list ends up in the order of params: W1, b1, W2, ...
            grads[:0] = [d_z.T @ inputs[layer], d_z.sum(axis=0)]
            if layer > 0:
                # This layer's input is the previous layer's activation.
                d_input = d_z @ self.weights[layer]
                d_z = d_input * derivative(pre_activations[layer - 1], inputs[layer])
        return grads

    def layer_statistics(self, X: object, y: object) -> list[LayerStats]:
        """Per-layer activation and gradient statistics from one forward+backward pass.

        The numbers behind the initialisation chapter's histograms: whether the
        activations keep their spread through the depth, whether ReLU units are dead or
        tanh units saturated, and how large the weight gradients are in each layer.
        The parameters are not changed.

        Parameters
        ----------
        X, y : array_like
            A batch, as for :meth:`loss`.

        Returns
        -------
        list of LayerStats
            One per dense layer, input side first; the last is the output layer.
        """
        X = self._check_X(X)
        targets = self._check_y(y, X.shape[0])
        # After a blow-up the activations hold inf/NaN: the statistics then say so
        # (inf, nan) without NumPy warnings, here as in the forward pass.
        with np.errstate(**_QUIET):
            scores, cache = self._forward(X)
            _, d_scores = _LOSSES[self.task](scores, targets)
            grads = self._backward(cache, d_scores)
            return self._layer_stats(cache, scores, grads)

    def _layer_stats(self, cache: Any, scores: np.ndarray, grads: list) -> list[LayerStats]:
        inputs, pre_activations = cache
        outputs = inputs[1:] + [scores]  # each layer's output is the next layer's input
        stats = []
        for layer in range(self.n_layers):
            is_output = layer == self.n_layers - 1
            activation = "identity" if is_output else self.activation
            z, a, weight_grad = pre_activations[layer], outputs[layer], grads[2 * layer]
            dead = float(np.mean(np.all(z <= 0, axis=0))) if activation == "relu" else None
            stats.append(LayerStats(
                layer=layer + 1,
                activation=activation,
                pre_activation_mean=float(np.mean(z)),
                pre_activation_std=float(np.std(z)),
                activation_mean=float(np.mean(a)),
                activation_std=float(np.std(a)),
                dead_fraction=dead,
                saturated_fraction=_saturated_fraction(activation, a),
                weight_grad_mean=float(np.mean(weight_grad)),
                weight_grad_std=float(np.std(weight_grad)),
                activation_values=a.ravel().copy(),
                weight_grad_values=weight_grad.ravel().copy(),
                is_output=is_output,
            ))
        return stats


class LinearRegression(_DenseNetwork):
    r"""Linear least squares, :math:`\hat y = X W^\top + b`, trained by gradient descent.

    The loss is the mean squared error (``torch.nn.MSELoss``),
    :math:`L = \frac{1}{nk}\sum_{i,j} (\hat y_{ij} - y_{ij})^2`, with gradients

    .. math::
        \frac{\partial L}{\partial W} = \frac{2}{nk} (\hat Y - Y)^\top X, \qquad
        \frac{\partial L}{\partial b} = \frac{2}{nk} \sum_i (\hat y_i - y_i).

    Its minimum is the least-squares solution that ``np.linalg.lstsq`` computes in
    closed form (with a column of ones for the bias).

    Parameters
    ----------
    n_features : int
        Number of input columns.
    n_outputs : int, default 1
        Number of targets; ``y`` is ``(n,)`` or ``(n, 1)`` for one, ``(n, k)`` otherwise.
    rng : numpy.random.Generator
        Draws the starting weights, :math:`W_{ij} \sim \mathcal{N}(0, 0.01^2)`; the bias
        starts at 0. (The loss is convex, so any start reaches the same minimum; a
        small random one matches the MLP's ``init="normal"``.)

    Attributes
    ----------
    params : [W, b]
        ``W`` of shape ``(n_outputs, n_features)``, ``b`` of shape ``(n_outputs,)``.
    """

    def __init__(self, n_features: int, n_outputs: int = 1, *, rng: np.random.Generator) -> None:
        n_features = _check_positive_int(n_features, "n_features")
        n_outputs = _check_positive_int(n_outputs, "n_outputs")
        super().__init__([n_features, n_outputs], "identity", "regression", "normal", None, rng)
        self.param_names = ["W", "b"]

    def __repr__(self) -> str:
        return f"LinearRegression(n_features={self.n_features}, n_outputs={self.n_outputs})"


class LogisticRegression(_DenseNetwork):
    r"""Binary logistic regression, :math:`P(y = 1 \mid x) = \sigma(x W^\top + b)`.

    The loss is the mean binary cross-entropy on the logit :math:`z = x W^\top + b`
    (``torch.nn.BCEWithLogitsLoss``), :math:`\log(1 + e^{z}) - y z` per sample, whose
    gradient is :math:`\sigma(z) - y`; labels are 0 or 1.

    Parameters
    ----------
    n_features : int
    rng : numpy.random.Generator
        Draws the starting weights, :math:`\mathcal{N}(0, 0.01^2)`; the bias starts at 0.

    Attributes
    ----------
    params : [W, b]
        ``W`` of shape ``(1, n_features)``, ``b`` of shape ``(1,)``.
    """

    def __init__(self, n_features: int, *, rng: np.random.Generator) -> None:
        n_features = _check_positive_int(n_features, "n_features")
        super().__init__([n_features, 1], "identity", "binary", "normal", None, rng)
        self.param_names = ["W", "b"]

    def __repr__(self) -> str:
        return f"LogisticRegression(n_features={self.n_features})"


class SoftmaxRegression(_DenseNetwork):
    r"""Multinomial logistic regression, :math:`P(y = j \mid x) = \mathrm{softmax}(x W^\top + b)_j`.

    The loss is the mean cross-entropy (``torch.nn.CrossEntropyLoss``); labels are class
    indices ``0..n_classes-1``. The gradient with respect to the logits is
    :math:`\mathrm{softmax}(z) - \mathrm{onehot}(y)`, averaged over the batch.

    Parameters
    ----------
    n_features : int
    n_classes : int
        At least 2.
    rng : numpy.random.Generator
        Draws the starting weights, :math:`\mathcal{N}(0, 0.01^2)`; the bias starts at 0.

    Attributes
    ----------
    params : [W, b]
        ``W`` of shape ``(n_classes, n_features)``, ``b`` of shape ``(n_classes,)``.
    """

    def __init__(self, n_features: int, n_classes: int, *, rng: np.random.Generator) -> None:
        n_features = _check_positive_int(n_features, "n_features")
        if _check_positive_int(n_classes, "n_classes") < 2:
            raise ValueError(
                f"n_classes must be at least 2, got {n_classes}; for two classes "
                "LogisticRegression needs only one logit"
            )
        super().__init__([n_features, n_classes], "identity", "classification", "normal", None, rng)
        self.param_names = ["W", "b"]

    @property
    def n_classes(self) -> int:
        return self.n_outputs

    def __repr__(self) -> str:
        return f"SoftmaxRegression(n_features={self.n_features}, n_classes={self.n_classes})"


class MLP(_DenseNetwork):
    r"""A multi-layer perceptron of any depth, with hand-written backpropagation.

    ``layer_sizes = [n_features, h_1, ..., h_m, n_outputs]`` gives ``m + 1`` dense
    layers; ``activation`` follows every layer except the last, whose outputs are the
    scores the loss reads. ``MLP([64, 128, 10])`` has the layers of PyTorch's
    ``nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))``, but not its
    starting weights: ``nn.Linear`` draws ``kaiming_uniform_(weight, a=math.sqrt(5))`` and a
    uniform bias, the default ``init="auto"`` here He normal for ReLU and zero biases.

    Parameters
    ----------
    layer_sizes : list of int
        At least two entries.
    activation : {"relu", "tanh", "sigmoid", "identity"}, default "relu"
    init : str, default "auto"
        How the weights start; every bias starts at 0. Each scheme calls
        :mod:`gdcourse.init` on every weight in turn, with ``rng``:

        ``"auto"``
            PyTorch's recommendations: ``"kaiming_normal"`` for ReLU, otherwise
            ``"xavier_normal"`` with ``gain="recommended"``, i.e.
            ``calculate_gain(activation)`` (5/3 for tanh, 1 for sigmoid and identity).
        ``"xavier_uniform"``, ``"xavier_normal"``
            ``init.xavier_uniform_`` / ``init.xavier_normal_`` with ``gain``, by default
            1, as in ``torch.nn.init`` and in Glorot & Bengio (2010), whatever the
            activation. ``gain="recommended"`` asks for ``calculate_gain(activation)``
            (5/3 for tanh, √2 for ReLU: on a square layer, Xavier with gain √2 *is* He).
        ``"kaiming_uniform"``, ``"kaiming_normal"``
            ``init.kaiming_uniform_`` / ``init.kaiming_normal_`` with
            ``nonlinearity=activation`` and ``mode="fan_in"`` (He et al. 2015).
        ``"orthogonal"``
            ``init.orthogonal_`` with ``gain`` as for Xavier: 1 by default (as
            ``torch.nn.init.orthogonal_``), or ``"recommended"`` (Saxe et al. 2013).
        ``"normal"``
            "Small normal": ``init.normal_`` with std ``gain``, by default 0.01.
        ``"large_normal"``
            ``init.normal_`` with std 1.0: activations explode or saturate.
        ``"constant"``
            ``init.constant_``: every weight equal to ``gain``, by default 0.1.
        ``"zeros"``
            ``init.zeros_``: every weight 0.

        All layers, the output layer included, use the same rule and gain (for He,
        or ``gain="recommended"``, that of the network's activation): in He et al.'s
        derivation the factor 2 of ReLU compensates for the
        rectification of each layer's *input*, and the output layer's input is
        rectified too (the first layer's input is not, which they note makes no
        practical difference).
    gain : float or "recommended", optional
        See ``init``. Refused by schemes that would ignore it; ``"recommended"``
        (:data:`RECOMMENDED_GAIN`) only by Xavier and orthogonal.
    output : {"classification", "regression", "binary"}, default "classification"
        The task: cross-entropy on ``n_outputs >= 2`` logits, mean squared error, or
        binary cross-entropy on one logit.
    rng : numpy.random.Generator
        Draws the initial weights, layer by layer; same seed, same network.

    Attributes
    ----------
    params : [W1, b1, W2, b2, ...]
        ``W{l}`` of shape ``(layer_sizes[l], layer_sizes[l-1])``, ``b{l}`` of shape
        ``(layer_sizes[l],)``.
    weights, biases : list of numpy.ndarray
        The same arrays as ``params``, split by kind.

    Notes
    -----
    **Symmetry.** With ``init="zeros"`` or ``init="constant"`` all hidden units of a
    layer compute the same function, receive the same gradient and take the same
    step, so the rows of each hidden weight matrix stay identical after any number of
    steps of any of the optimizers: the layer acts like a single unit. (With
    ``"zeros"`` and ReLU or tanh even that unit never moves, as every hidden output
    and every backpropagated gradient is 0; only the output bias learns.) Random
    initialisation breaks the symmetry.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> mlp = MLP([2, 16, 16, 3], activation="tanh", rng=rng)
    >>> mlp.param_names
    ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']
    >>> mlp.params[0].shape
    (16, 2)
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str = "relu", *,
                 init: str = "auto", gain: float | str | None = None,
                 output: str = "classification", rng: np.random.Generator) -> None:
        super().__init__(layer_sizes, activation, output, init, gain, rng)

    @property
    def output(self) -> str:
        """The task, as passed to the constructor."""
        return self.task

    def __repr__(self) -> str:
        return (
            f"MLP({self.layer_sizes}, activation={self.activation!r}, init={self.init!r}, "
            f"output={self.task!r})"
        )

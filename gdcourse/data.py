"""Data for the course: real data sets, synthetic pictures and mini-batches.

Three kinds of data live here.

* **Real data sets** that ship *inside* scikit-learn's installed package, so nothing is
  downloaded and the course runs offline: :func:`load_digits` (10-class images),
  :func:`load_breast_cancer` (2 classes) and :func:`load_diabetes` (regression). Each
  returns a :class:`Dataset` with shuffled, stratified train / validation / test splits
  whose features are standardised with statistics of the *training split only*.
* **Synthetic data sets** for clean pictures, written with NumPy alone:
  :func:`make_linear_regression`, :func:`make_blobs`, :func:`make_moons` and
  :func:`make_spirals`.
* **Mini-batches**: :func:`minibatches` yields one epoch of ``(X_batch, y_batch)``;
  ``batch_size=1`` is stochastic gradient descent, ``batch_size=None`` is full-batch
  gradient descent, anything between is mini-batch gradient descent.

All randomness comes from the keyword ``rng=``, a :class:`numpy.random.Generator`
(``rng=np.random.default_rng(0)``); it is required wherever randomness is used, and the
same seed always gives the same numbers. A plain integer seed is refused on purpose:
``minibatches(..., rng=0)`` would shuffle every epoch in the same order.

Importing this module loads only NumPy; scikit-learn is imported by the loaders.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ._checks import MISSING, require_generator

__all__ = [
    "Dataset",
    "Standardizer",
    "load_digits",
    "load_diabetes",
    "load_breast_cancer",
    "make_linear_regression",
    "make_blobs",
    "make_moons",
    "make_spirals",
    "minibatches",
    "num_batches",
]

SPLITS = ("train", "val", "test")


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------


def _check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` as an int if it is an integer >= ``minimum`` (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_nonnegative(value: object, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number >= 0 (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


def _as_2d_float(X: object, name: str = "X") -> np.ndarray:
    """Return ``X`` as a 2-D float64 array (n_samples, n_features) or raise ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape (n_samples, n_features), got shape {X.shape}"
        )
    return X


# ---------------------------------------------------------------------------
# Standardisation
# ---------------------------------------------------------------------------


class Standardizer:
    """Shift and scale each feature to mean 0 and standard deviation 1.

    ``fit`` learns one mean and one standard deviation per column; ``transform`` computes
    ``(X - mean_) / scale_``. Fit it on the training split only and apply it to every
    split: statistics taken from validation or test data would leak information about
    them into training, and the reported scores would be too optimistic.

    The standard deviation is the population one (``ddof=0``), as in scikit-learn's
    ``StandardScaler``. A feature that is constant in the fitted data (all values equal,
    such as a border pixel of the digits that is always 0) has standard deviation 0;
    its ``scale_`` is set to 1 instead, so it becomes 0 after the shift rather than
    ``nan`` or ``inf``. Other splits may then hold values far from 0 in such a column
    (a pixel that is never on in training but on in a test image); that is the honest
    result, not an error.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,) or None
        Per-feature mean of the fitted data; None before :meth:`fit`.
    scale_ : ndarray of shape (n_features,) or None
        Per-feature standard deviation of the fitted data, 1 for constant features;
        None before :meth:`fit`.

    Examples
    --------
    >>> s = Standardizer().fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    >>> s.mean_, s.scale_
    (array([2., 5.]), array([1., 1.]))
    >>> s.transform(np.array([[4.0, 6.0]]))
    array([[2., 1.]])
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: object) -> "Standardizer":
        """Learn the mean and scale of each column of ``X``; return ``self``."""
        X = _as_2d_float(X)
        if X.shape[0] == 0:
            raise ValueError("cannot fit a Standardizer on 0 samples")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains nan or inf; cannot compute means and scales")
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        # Test for "all values equal" exactly, not "std tiny": the std of equal values
        # can come out as 1e-17 rather than 0 through rounding in the mean.
        constant = X.max(axis=0) == X.min(axis=0)
        scale[constant] = 1.0
        self.scale_ = scale
        return self

    def _checked(self, X: object, method: str) -> np.ndarray:
        if self.mean_ is None:
            raise ValueError(f"this Standardizer is not fitted yet; call fit(X) before {method}")
        X = _as_2d_float(X)
        if X.shape[1] != self.mean_.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but this Standardizer was fitted on "
                f"{self.mean_.shape[0]} features"
            )
        return X

    def transform(self, X: object) -> np.ndarray:
        """Return ``(X - mean_) / scale_`` as a new float64 array."""
        X = self._checked(X, "transform")
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X: object) -> np.ndarray:
        """Undo :meth:`transform`: return ``X * scale_ + mean_`` as a new float64 array."""
        X = self._checked(X, "inverse_transform")
        return X * self.scale_ + self.mean_

    def __repr__(self) -> str:
        if self.mean_ is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(fitted on {self.mean_.shape[0]} features)"


# ---------------------------------------------------------------------------
# Real data sets
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A real data set split into training, validation and test parts.

    Attributes
    ----------
    X_train, X_val, X_test : ndarray of float64, shape (n_split, n_features)
        Features; standardised with training statistics when the loader was called with
        ``standardize=True``. ``X_val`` has shape ``(0, n_features)`` when
        ``val_fraction=0``.
    y_train, y_val, y_test : ndarray, shape (n_split,)
        Class labels ``0 .. n_classes-1`` as int64 for classification; float64 targets
        for regression.
    name : str
        Short name, e.g. ``"digits"``.
    task : str
        ``"classification"`` or ``"regression"``.
    n_classes : int or None
        Number of classes; None for regression.
    feature_names : tuple of str
        One name per column of ``X``.
    target_names : tuple of str
        Class names, indexed by label, for classification; a one-element tuple naming
        the target for regression.
    description : str
        One line: what the data are, where they come from and how big they are.
    standardizer : Standardizer or None
        The feature standardiser fitted on ``X_train``; None if not standardised.
        ``standardizer.inverse_transform(X_test)`` recovers the original units.
    target_standardizer : Standardizer or None
        For regression with ``standardize_target=True``, the standardiser of the target
        (fitted on ``y_train`` as one column); None otherwise.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str
    task: str
    n_classes: int | None
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    description: str
    standardizer: Standardizer | None = None
    target_standardizer: Standardizer | None = None

    @property
    def n_features(self) -> int:
        """Number of features (columns of ``X``)."""
        return self.X_train.shape[1]

    def summary(self) -> str:
        """One line describing the splits.

        For example ``"digits: 1257 train / 270 val / 270 test, 64 features, 10 classes"``.
        """
        sizes = (
            f"{len(self.y_train)} train / {len(self.y_val)} val / {len(self.y_test)} test"
        )
        kind = f"{self.n_classes} classes" if self.task == "classification" else "regression"
        return f"{self.name}: {sizes}, {self.n_features} features, {kind}"

    def __repr__(self) -> str:
        return f"Dataset({self.summary()})"


def _split_sizes(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int, int]:
    """Return ``(n_train, n_val, n_test)`` for ``n`` samples.

    ``n_val = round(val_fraction * n)`` and ``n_test = round(test_fraction * n)`` with
    Python's ``round`` (to the nearest integer; an exact half goes to the even
    neighbour); the training split gets the rest.
    """
    val_fraction = _check_nonnegative(val_fraction, "val_fraction")
    test_fraction = _check_nonnegative(test_fraction, "test_fraction")
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction + test_fraction must be < 1 to leave training data, got "
            f"{val_fraction} + {test_fraction}"
        )
    n_val, n_test = round(val_fraction * n), round(test_fraction * n)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(
            f"with {n} samples, val_fraction={val_fraction} and "
            f"test_fraction={test_fraction} leave no training samples"
        )
    return n_train, n_val, n_test


def _find_cycle(cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return a cycle through ``cells``: a list of (row, column) cells, each sharing a row
    or a column with the next, alternately, and the last with the first.

    Every row and column that has one of the cells must have at least two, which is
    what :func:`_stratified_counts` guarantees.
    """
    neighbours: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for cell in cells:
        neighbours.setdefault(("row", cell[0]), []).append(cell)
        neighbours.setdefault(("col", cell[1]), []).append(cell)
    node, came_by = ("row", cells[0][0]), None
    seen_at: dict[tuple[str, int], int] = {}
    path: list[tuple[int, int]] = []
    while node not in seen_at:
        seen_at[node] = len(path)
        cell = next(c for c in neighbours[node] if c != came_by)
        path.append(cell)
        node = ("col", cell[1]) if node[0] == "row" else ("row", cell[0])
        came_by = cell
    return path[seen_at[node]:]


def _stratified_counts(class_counts: list[int], split_sizes: tuple[int, ...]) -> np.ndarray:
    """How many samples of each class go into each split.

    Returns an integer table ``A`` with ``A.sum(axis=1) == class_counts``,
    ``A.sum(axis=0) == split_sizes`` and every entry equal to its proportional share
    ``class_counts[c] * split_sizes[s] / n`` rounded down or up, so each class is
    represented in each split to within one sample.

    Rounding every entry on its own would break the sums. Such a rounding always
    exists [1]_; this is the classic constructive proof. Work with ``n`` times the shares
    (integers); while some entry is not a multiple of ``n``, the non-multiples contain a
    cycle through rows and columns (a row or column with one non-multiple could not sum
    to a multiple of ``n``). Adding and subtracting the same amount alternately around
    that cycle keeps every row and column sum, and the largest amount that keeps each
    entry between its two neighbouring multiples makes at least one entry a multiple.

    References
    ----------
    .. [1] M. Bacharach, "Matrix rounding problems", Management Science 12(9),
       732-742, 1966.
    """
    n = sum(class_counts)
    scaled = np.outer(class_counts, split_sizes).astype(np.int64)  # n * proportional share
    while True:
        cells = [tuple(int(i) for i in cell) for cell in np.argwhere(scaled % n)]
        if not cells:
            return scaled // n
        cycle = _find_cycle(cells)
        up, down = cycle[0::2], cycle[1::2]
        amount = min([n - scaled[c] % n for c in up] + [scaled[c] % n for c in down])
        for c in up:
            scaled[c] += amount
        for c in down:
            scaled[c] -= amount


def _split_indices(
    y: np.ndarray, sizes: tuple[int, int, int], stratify: bool, rng: np.random.Generator
) -> list[np.ndarray]:
    """Return shuffled row indices of the train, val and test splits."""
    if not stratify:
        order = rng.permutation(len(y))
        return np.split(order, np.cumsum(sizes)[:-1])
    classes = np.unique(y)
    members = [np.flatnonzero(y == c) for c in classes]
    counts = _stratified_counts([len(m) for m in members], sizes)
    for label, row in zip(classes, counts):
        if row[0] == 0:
            raise ValueError(
                f"class {label} would have no training samples; use smaller fractions"
            )
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx, row in zip(members, counts):
        shuffled = rng.permutation(idx)
        for s, chunk in enumerate(np.split(shuffled, np.cumsum(row)[:-1])):
            parts[s].append(chunk)
    # Mix the classes within each split, so no split is ordered by class.
    return [rng.permutation(np.concatenate(p)) for p in parts]


def _make_dataset(
    name: str,
    task: str,
    X: np.ndarray,
    y: np.ndarray,
    feature_names: tuple[str, ...],
    target_names: tuple[str, ...],
    description: str,
    *,
    val_fraction: float,
    test_fraction: float,
    standardize: bool,
    standardize_target: bool,
    rng: object,
) -> Dataset:
    """Split, optionally standardise, and package one data set."""
    rng = require_generator(rng)
    for flag, value in [("standardize", standardize), ("standardize_target", standardize_target)]:
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    classification = task == "classification"
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64 if classification else np.float64)
    sizes = _split_sizes(len(y), val_fraction, test_fraction)
    splits = [(X[i], y[i]) for i in _split_indices(y, sizes, classification, rng)]

    standardizer = None
    if standardize:
        standardizer = Standardizer().fit(splits[0][0])
        splits = [(standardizer.transform(Xs), ys) for Xs, ys in splits]
    target_standardizer = None
    if standardize_target:
        target_standardizer = Standardizer().fit(splits[0][1].reshape(-1, 1))
        splits = [
            (Xs, target_standardizer.transform(ys.reshape(-1, 1)).ravel()) for Xs, ys in splits
        ]

    (X_train, y_train), (X_val, y_val), (X_test, y_test) = splits
    return Dataset(
        X_train=X_train, y_train=y_train, X_val=X_val, y_val=y_val,
        X_test=X_test, y_test=y_test, name=name, task=task,
        n_classes=len(target_names) if classification else None,
        feature_names=feature_names, target_names=target_names,
        description=description, standardizer=standardizer,
        target_standardizer=target_standardizer,
    )


def load_digits(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    standardize: bool = True,
    rng: np.random.Generator = MISSING,
) -> Dataset:
    """Handwritten digits: 1797 8x8 grey-level images, 64 features, 10 classes.

    The test set of the UCI "Optical Recognition of Handwritten Digits" data [1]_, as
    bundled inside scikit-learn (nothing is downloaded). Features are the pixel values
    0..16 in row-major order (``X[i].reshape(8, 8)`` is the image before
    standardisation); the label is the digit.

    The split is stratified: each class has the same share in every split as in the
    whole data set, up to rounding to whole samples (each class count in a split is its
    exact proportional share rounded down or up, and the split sizes are exact). Within
    each split the samples are in random order.

    Parameters
    ----------
    val_fraction, test_fraction : float, default 0.15
        Fractions of the samples for the validation and test splits, each >= 0 with a sum
        below 1. The sizes are ``round(val_fraction * n)`` and ``round(test_fraction *
        n)`` (Python's ``round``: an exact half goes to the even integer); training gets
        the rest. ``val_fraction=0`` gives an empty validation split.
    standardize : bool, default True
        Standardise the features with a :class:`Standardizer` fitted on the training
        split only (constant training features get scale 1, see :class:`Standardizer`).
    rng : numpy.random.Generator
        Required. Shuffles the samples before splitting; the same seed gives the same
        splits.

    Returns
    -------
    Dataset
        ``n_classes == 10``; ``target_names == ("0", ..., "9")``.

    References
    ----------
    .. [1] E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI
       Machine Learning Repository, 1998. https://doi.org/10.24432/C50P49
    """
    rng = require_generator(rng, caller="load_digits")
    from sklearn import datasets

    raw = datasets.load_digits()
    n, d = raw.data.shape
    description = (
        f"Handwritten digits 0-9 as 8x8 grey-level images (UCI ML optical recognition of "
        f"handwritten digits, bundled with scikit-learn): {n} samples, {d} features, "
        f"{len(raw.target_names)} classes"
    )
    return _make_dataset(
        "digits", "classification", raw.data, raw.target,
        tuple(raw.feature_names), tuple(str(t) for t in raw.target_names), description,
        val_fraction=val_fraction, test_fraction=test_fraction,
        standardize=standardize, standardize_target=False, rng=rng,
    )


def load_breast_cancer(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    standardize: bool = True,
    rng: np.random.Generator = MISSING,
) -> Dataset:
    """Breast cancer Wisconsin (diagnostic): 569 tumours, 30 features, 2 classes.

    Each sample describes the cell nuclei in an image of a fine-needle aspirate of a
    breast mass (mean, standard error and worst value of 10 measurements) [1]_, as
    bundled inside scikit-learn (nothing is downloaded). Labels follow scikit-learn:
    0 = malignant (212 samples), 1 = benign (357).

    The split is stratified: each class has the same share in every split as in the
    whole data set, up to rounding to whole samples (each class count in a split is its
    exact proportional share rounded down or up, and the split sizes are exact). Within
    each split the samples are in random order.

    Parameters
    ----------
    val_fraction, test_fraction : float, default 0.15
        Fractions of the samples for the validation and test splits, each >= 0 with a sum
        below 1. The sizes are ``round(val_fraction * n)`` and ``round(test_fraction *
        n)`` (Python's ``round``: an exact half goes to the even integer); training gets
        the rest. ``val_fraction=0`` gives an empty validation split.
    standardize : bool, default True
        Standardise the features with a :class:`Standardizer` fitted on the training
        split only (constant training features get scale 1, see :class:`Standardizer`).
    rng : numpy.random.Generator
        Required. Shuffles the samples before splitting; the same seed gives the same
        splits.

    Returns
    -------
    Dataset
        ``n_classes == 2``; ``target_names == ("malignant", "benign")``.

    References
    ----------
    .. [1] W. N. Street, W. H. Wolberg and O. L. Mangasarian, "Nuclear feature
       extraction for breast tumor diagnosis", IS&T/SPIE Biomedical Image Processing
       and Biomedical Visualization, vol. 1905, 861-870, 1993.
    """
    rng = require_generator(rng, caller="load_breast_cancer")
    from sklearn import datasets

    raw = datasets.load_breast_cancer()
    n, d = raw.data.shape
    counts = np.bincount(raw.target)
    description = (
        f"Breast cancer Wisconsin (diagnostic), tumours labelled from features of their "
        f"cell nuclei (UCI ML, bundled with scikit-learn): {n} samples, {d} features, "
        f"2 classes ({counts[0]} {raw.target_names[0]}, {counts[1]} {raw.target_names[1]})"
    )
    return _make_dataset(
        "breast_cancer", "classification", raw.data, raw.target,
        tuple(str(f) for f in raw.feature_names), tuple(str(t) for t in raw.target_names),
        description, val_fraction=val_fraction, test_fraction=test_fraction,
        standardize=standardize, standardize_target=False, rng=rng,
    )


def load_diabetes(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    standardize: bool = True,
    standardize_target: bool = False,
    rng: np.random.Generator = MISSING,
) -> Dataset:
    """Diabetes progression: 442 patients, 10 features, a real-valued target.

    Age, sex, body-mass index, blood pressure and six blood-serum measurements at
    baseline, and a quantitative measure of disease progression one year later
    (from 25 to 346) [1]_, as bundled inside scikit-learn (nothing is downloaded). The features
    are loaded in their original units (scikit-learn's ``scaled=False``), so
    ``standardize`` does all the scaling. The split is shuffled, not stratified.

    Parameters
    ----------
    val_fraction, test_fraction : float, default 0.15
        Fractions of the samples for the validation and test splits, each >= 0 with a sum
        below 1. The sizes are ``round(val_fraction * n)`` and ``round(test_fraction *
        n)`` (Python's ``round``: an exact half goes to the even integer); training gets
        the rest. ``val_fraction=0`` gives an empty validation split.
    standardize : bool, default True
        Standardise the features with a :class:`Standardizer` fitted on the training
        split only (constant training features get scale 1, see :class:`Standardizer`).
    standardize_target : bool, default False
        Also standardise the target with training statistics (the standardiser is
        ``Dataset.target_standardizer``). By default the target keeps its original
        units, so losses read in the units of the disease measure.
    rng : numpy.random.Generator
        Required. Shuffles the samples before splitting; the same seed gives the same
        splits.

    Returns
    -------
    Dataset
        ``n_classes is None``; ``target_names == ("disease_progression",)``.

    References
    ----------
    .. [1] B. Efron, T. Hastie, I. Johnstone and R. Tibshirani, "Least angle
       regression", Annals of Statistics 32(2), 407-499, 2004.
    """
    rng = require_generator(rng, caller="load_diabetes")
    from sklearn import datasets

    raw = datasets.load_diabetes(scaled=False)
    n, d = raw.data.shape
    description = (
        f"Diabetes disease progression one year after baseline (Efron et al. 2004, "
        f"bundled with scikit-learn): {n} patients, {d} features, a real-valued target "
        f"from {raw.target.min():g} to {raw.target.max():g}"
    )
    return _make_dataset(
        "diabetes", "regression", raw.data, raw.target,
        tuple(raw.feature_names), ("disease_progression",), description,
        val_fraction=val_fraction, test_fraction=test_fraction,
        standardize=standardize, standardize_target=standardize_target, rng=rng,
    )


# ---------------------------------------------------------------------------
# Synthetic data sets
# ---------------------------------------------------------------------------


def _balanced_counts(n_samples: int, n_classes: int) -> np.ndarray:
    """Class sizes that differ by at most one: the first ``n_samples % n_classes`` get one more."""
    return n_samples // n_classes + (np.arange(n_classes) < n_samples % n_classes)


def _shuffled(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` and ``y`` with their rows in the same random order."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def make_linear_regression(
    n_samples: int = 100,
    n_features: int = 1,
    noise: float = 0.5,
    *,
    rng: np.random.Generator = MISSING,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Data from a known linear model: ``y = X @ true_weights + true_bias + noise * e``.

    Features are standard normal, the true weights uniform on [-2, 2], the true bias
    uniform on [-1, 1] and ``e`` standard normal, so a fitted model can be compared
    with the truth.

    Parameters
    ----------
    n_samples : int, default 100
    n_features : int, default 1
    noise : float, default 0.5
        Standard deviation of the Gaussian noise on ``y`` (0 gives exact data).
    rng : numpy.random.Generator
        Required.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    true_weights : ndarray of shape (n_features,)
    true_bias : float
    """
    rng = require_generator(rng, caller="make_linear_regression")
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_features = _check_int(n_features, "n_features", 1)
    noise = _check_nonnegative(noise, "noise")
    X = rng.standard_normal((n_samples, n_features))
    true_weights = rng.uniform(-2.0, 2.0, size=n_features)
    true_bias = float(rng.uniform(-1.0, 1.0))
    y = X @ true_weights + true_bias + noise * rng.standard_normal(n_samples)
    return X, y, true_weights, true_bias


def make_blobs(
    n_samples: int = 300,
    centers: int | object = 3,
    cluster_std: float = 1.0,
    n_features: int = 2,
    *,
    rng: np.random.Generator = MISSING,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one class per cluster, balanced to within one sample.

    Parameters
    ----------
    n_samples : int, default 300
    centers : int or array_like of shape (n_centers, n_features), default 3
        The number of clusters, whose centres are then drawn uniformly from the box
        [-10, 10]^n_features, or the centres themselves.
    cluster_std : float, default 1.0
        Standard deviation of every cluster along every axis.
    n_features : int, default 2
        Used only when ``centers`` is an int; explicit centres set it themselves.
    rng : numpy.random.Generator
        Required.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        In random order.
    y : ndarray of int64, shape (n_samples,)
        The cluster of each point, ``0 .. n_centers-1``.
    """
    rng = require_generator(rng, caller="make_blobs")
    n_samples = _check_int(n_samples, "n_samples", 1)
    cluster_std = _check_nonnegative(cluster_std, "cluster_std")
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        n_centers = _check_int(centers, "centers", 1)
        n_features = _check_int(n_features, "n_features", 1)
        centers = rng.uniform(-10.0, 10.0, size=(n_centers, n_features))
    else:
        centers = _as_2d_float(centers, "centers")
        if len(centers) == 0:
            raise ValueError("centers must contain at least one centre")
    counts = _balanced_counts(n_samples, len(centers))
    y = np.repeat(np.arange(len(centers)), counts)
    X = centers[y] + cluster_std * rng.standard_normal((n_samples, centers.shape[1]))
    return _shuffled(X, y, rng)


def make_moons(
    n_samples: int = 200, noise: float = 0.1, *, rng: np.random.Generator = MISSING
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: a classic data set that no straight line separates.

    Class 0 is the upper half of the unit circle, class 1 the lower half of a unit circle
    centred at (1, 0.5); the points are evenly spaced in angle, then Gaussian noise is
    added to both coordinates.

    Parameters
    ----------
    n_samples : int, default 200
        Class 0 gets ``ceil(n_samples / 2)`` points, class 1 the rest.
    noise : float, default 0.1
        Standard deviation of the noise on each coordinate.
    rng : numpy.random.Generator
        Required.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        In random order.
    y : ndarray of int64, shape (n_samples,)
    """
    rng = require_generator(rng, caller="make_moons")
    n_samples = _check_int(n_samples, "n_samples", 2)
    noise = _check_nonnegative(noise, "noise")
    n_upper, n_lower = _balanced_counts(n_samples, 2)
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat(np.array([0, 1]), [n_upper, n_lower])
    return _shuffled(X, y, rng)


def make_spirals(
    n_samples: int = 300,
    n_classes: int = 2,
    noise: float = 0.2,
    turns: float = 1.5,
    *,
    rng: np.random.Generator = MISSING,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one class per arm, balanced to within one sample.

    Arm ``k`` has points at radius ``r`` evenly spaced in [0, 1] and angle
    ``2*pi*(turns*r + k/n_classes) + noise * e`` with ``e`` standard normal: the arms
    start together at the origin and wind ``turns`` times outwards, equally spaced in
    angle. The noise is on the angle (as in the CS231n spiral), so it widens the arms
    along their length more than across.

    Parameters
    ----------
    n_samples : int, default 300
    n_classes : int, default 2
    noise : float, default 0.2
        Standard deviation of the noise on the angle, in radians.
    turns : float, default 1.5
        Number of full turns of each arm; must be > 0.
    rng : numpy.random.Generator
        Required.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        In random order.
    y : ndarray of int64, shape (n_samples,)
    """
    rng = require_generator(rng, caller="make_spirals")
    n_classes = _check_int(n_classes, "n_classes", 2)
    n_samples = _check_int(n_samples, "n_samples", n_classes)
    noise = _check_nonnegative(noise, "noise")
    turns = _check_nonnegative(turns, "turns")
    if turns == 0:
        raise ValueError("turns must be > 0, got 0")
    counts = _balanced_counts(n_samples, n_classes)
    y = np.repeat(np.arange(n_classes), counts)
    radius = np.concatenate([np.linspace(0.0, 1.0, m) for m in counts])
    angle = 2 * np.pi * (turns * radius + y / n_classes) + noise * rng.standard_normal(n_samples)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _shuffled(X, y, rng)


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------


def _check_batching(n: int, batch_size: object, drop_last: object) -> int:
    """Validate the arguments and return the effective batch size (``n`` for a full batch)."""
    if not isinstance(drop_last, bool):
        raise TypeError(f"drop_last must be True or False, got {drop_last!r}")
    if n == 0:
        raise ValueError("there are no samples to make batches from (n = 0)")
    if batch_size is None:
        return n
    batch_size = _check_int(batch_size, "batch_size", 1)
    if drop_last and batch_size > n:
        raise ValueError(
            f"batch_size={batch_size} is larger than the {n} samples, so drop_last=True "
            f"would drop every sample; use batch_size <= {n} or drop_last=False"
        )
    return min(batch_size, n)


def num_batches(n: int, batch_size: int | None, drop_last: bool = False) -> int:
    """Number of batches :func:`minibatches` yields in one epoch of ``n`` samples.

    ``ceil(n / batch_size)``, or ``floor(n / batch_size)`` with ``drop_last=True``;
    1 for ``batch_size=None`` (full batch). Useful for the number of steps a scheduler
    such as ``OneCycleLR`` needs: ``epochs * num_batches(n, batch_size)``.
    """
    n = _check_int(n, "n", 0)
    size = _check_batching(n, batch_size, drop_last)
    return n // size if drop_last else -(-n // size)


def minibatches(
    X: object,
    y: object,
    batch_size: int | None,
    *,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield one epoch of ``(X_batch, y_batch)`` pairs.

    Every sample appears in exactly one batch per epoch (unless ``drop_last`` drops the
    last, partial batch). Call it again for the next epoch; with ``shuffle=True`` each
    call draws a fresh permutation from ``rng``, so passing the same generator to every
    epoch reshuffles, and re-creating it with the same seed repeats the whole run.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    y : array_like of shape (n_samples, ...)
    batch_size : int or None
        Samples per batch: 1 is stochastic gradient descent; None, or any value >= n,
        gives one full batch (batch gradient descent).
    shuffle : bool, default True
        Visit the samples in a new random order each epoch. With ``shuffle=False`` they
        are visited in order and ``rng`` is not used.
    rng : numpy.random.Generator, optional
        Required when ``shuffle=True``.
    drop_last : bool, default False
        Drop the last batch if it is smaller than ``batch_size`` (as PyTorch's
        ``DataLoader``). A ``batch_size`` larger than ``n`` would then drop everything,
        which is an error.

    Yields
    ------
    X_batch, y_batch : ndarray
        Copies when shuffled, views of ``X`` and ``y`` otherwise; treat them as
        read-only. The last batch may be smaller than ``batch_size``.

    Raises
    ------
    ValueError, TypeError
        On bad arguments, when called (not at the first batch).

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [len(yb) for _, yb in minibatches(X, y, 2, shuffle=False)]
    [2, 2, 1]
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one row per sample, not scalars")
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same length: X has {len(X)} samples, y has {len(y)}"
        )
    n = len(X)
    size = _check_batching(n, batch_size, drop_last)
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    if shuffle:
        if rng is None:
            raise ValueError(
                "shuffle=True needs rng=, a numpy.random.Generator "
                "(e.g. np.random.default_rng(0)); or pass shuffle=False"
            )
        order = require_generator(rng).permutation(n)
    else:
        order = None
    stop = n - n % size if drop_last else n
    # The checks above run now; only the slicing is deferred to iteration.
    return _batches(X, y, order, size, stop)


def _batches(
    X: np.ndarray, y: np.ndarray, order: np.ndarray | None, size: int, stop: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, stop, size):
        if order is None:
            yield X[start:start + size], y[start:start + size]
        else:
            idx = order[start:start + size]
            yield X[idx], y[idx]

"""Tests for gdcourse.data: real data sets, standardisation, synthetic data, mini-batches."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdcourse import data
from gdcourse.data import (
    Standardizer,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_blobs,
    make_linear_regression,
    make_moons,
    make_spirals,
    minibatches,
    num_batches,
)

ROOT = Path(__file__).resolve().parents[1]


def rng(seed=0):
    return np.random.default_rng(seed)


def raw_data(name):
    """The untouched (X, y) straight from scikit-learn, as an independent reference."""
    from sklearn import datasets

    if name == "diabetes":
        bunch = datasets.load_diabetes(scaled=False)
    else:
        bunch = getattr(datasets, f"load_{name}")()
    return bunch.data, bunch.target


# --------------------------------------------------------------------------- real data sets
# name, loader, n_samples, n_features, n_classes (None: regression), default split sizes
REAL = [
    ("digits", load_digits, 1797, 64, 10, (1257, 270, 270)),
    ("breast_cancer", load_breast_cancer, 569, 30, 2, (399, 85, 85)),
    ("diabetes", load_diabetes, 442, 10, None, (310, 66, 66)),
]
CLASSIFICATION = [row for row in REAL if row[4] is not None]


def splits(ds):
    return [(ds.X_train, ds.y_train), (ds.X_val, ds.y_val), (ds.X_test, ds.y_test)]


@pytest.mark.parametrize("name, loader, n, d, k, sizes", REAL, ids=[r[0] for r in REAL])
def test_real_data_shapes_dtypes_and_metadata(name, loader, n, d, k, sizes):
    ds = loader(rng=rng())
    assert ds.name == name
    assert ds.n_classes == k
    assert ds.task == ("regression" if k is None else "classification")
    for (X, y), size in zip(splits(ds), sizes):
        assert X.shape == (size, d) and X.dtype == np.float64
        assert y.shape == (size,)
        assert y.dtype == (np.float64 if k is None else np.int64)
    assert len(ds.feature_names) == d and all(isinstance(f, str) for f in ds.feature_names)
    assert len(ds.target_names) == (1 if k is None else k)
    assert "\n" not in ds.description
    assert str(n) in ds.description and "scikit-learn" in ds.description
    assert isinstance(ds.standardizer, Standardizer)
    if k is not None:
        labels = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
        assert set(np.unique(labels)) == set(range(k))


@pytest.mark.parametrize(
    "loader, expected",
    [
        (load_digits, "digits: 1257 train / 270 val / 270 test, 64 features, 10 classes"),
        (
            load_breast_cancer,
            "breast_cancer: 399 train / 85 val / 85 test, 30 features, 2 classes",
        ),
        (load_diabetes, "diabetes: 310 train / 66 val / 66 test, 10 features, regression"),
    ],
)
def test_summary(loader, expected):
    ds = loader(rng=rng())
    assert ds.summary() == expected
    assert expected in repr(ds)


@pytest.mark.parametrize(
    "val_fraction, test_fraction, sizes",
    [
        (0.15, 0.15, (1257, 270, 270)),  # 1797 * 0.15 = 269.55 -> 270
        (0.1, 0.2, (1258, 180, 359)),  # 179.7 -> 180, 359.4 -> 359
        (0.0, 0.25, (1348, 0, 449)),  # 449.25 -> 449
        (0.0, 0.0, (1797, 0, 0)),
    ],
)
def test_split_sizes_follow_the_rounding_rule(val_fraction, test_fraction, sizes):
    ds = load_digits(val_fraction=val_fraction, test_fraction=test_fraction, rng=rng())
    assert tuple(len(y) for _, y in splits(ds)) == sizes
    assert ds.X_val.shape == (sizes[1], 64)


@pytest.mark.parametrize(
    "name, loader, n, d, k, sizes", CLASSIFICATION, ids=[r[0] for r in CLASSIFICATION]
)
@pytest.mark.parametrize("fractions", [(0.15, 0.15), (0.2, 0.1), (0.0, 0.3), (0.33, 0.33)])
def test_splits_are_stratified(name, loader, n, d, k, sizes, fractions):
    ds = loader(val_fraction=fractions[0], test_fraction=fractions[1], rng=rng(5))
    class_counts = np.bincount(raw_data(name)[1], minlength=k)
    for _, y in splits(ds):
        share = class_counts * len(y) / n  # the exact proportional share of each class
        assert np.all(np.abs(np.bincount(y, minlength=k) - share) < 1), (share, np.bincount(y))


@pytest.mark.parametrize("name, loader, n, d, k, sizes", REAL, ids=[r[0] for r in REAL])
def test_splits_are_disjoint_and_cover_the_data(name, loader, n, d, k, sizes):
    ds = loader(standardize=False, rng=rng(1))
    X, y = raw_data(name)

    def sorted_rows(features, targets):
        rows = np.column_stack([features, targets])
        return rows[np.lexsort(rows.T[::-1])]

    pieces = splits(ds)
    together = sorted_rows(
        np.vstack([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces])
    )
    # The same multiset of (features, label) rows: no sample lost, repeated or relabelled.
    np.testing.assert_array_equal(together, sorted_rows(X, y))
    assert ds.standardizer is None


@pytest.mark.parametrize("name, loader, n, d, k, sizes", REAL, ids=[r[0] for r in REAL])
def test_standardisation_is_fitted_on_the_training_split_only(name, loader, n, d, k, sizes):
    raw = loader(standardize=False, rng=rng(2))
    ds = loader(standardize=True, rng=rng(2))
    np.testing.assert_array_equal(raw.y_train, ds.y_train)  # the same split

    mean = raw.X_train.mean(axis=0)
    std = raw.X_train.std(axis=0)
    constant = np.ptp(raw.X_train, axis=0) == 0
    std[constant] = 1.0
    np.testing.assert_allclose(ds.standardizer.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(ds.standardizer.scale_, std, rtol=1e-12)
    for (X_std, _), (X_raw, _) in zip(splits(ds), splits(raw)):
        np.testing.assert_allclose(X_std, (X_raw - mean) / std, rtol=1e-12, atol=1e-12)

    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(ds.X_train.std(axis=0), np.where(constant, 0.0, 1.0), atol=1e-12)
    # Statistics of the other splits are not forced: their means are off 0 somewhere.
    assert np.abs(ds.X_val.mean(axis=0)).max() > 1e-3
    assert np.abs(ds.X_test.mean(axis=0)).max() > 1e-3


def test_standardized_digits_are_finite_despite_constant_pixels():
    ds = load_digits(rng=rng(3))
    constant = ds.standardizer.scale_ == 1.0
    assert constant.sum() >= 1  # the corner pixels are always 0 in training
    for X, _ in splits(ds):
        assert np.all(np.isfinite(X))
    np.testing.assert_array_equal(ds.X_train[:, constant], 0.0)


@pytest.mark.parametrize("loader", [load_digits, load_breast_cancer, load_diabetes])
def test_same_seed_same_splits_different_seed_different_splits(loader):
    a, b, c = loader(rng=rng(7)), loader(rng=rng(7)), loader(rng=rng(8))
    for (Xa, ya), (Xb, yb) in zip(splits(a), splits(b)):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a.X_train, c.X_train)
    assert not np.array_equal(a.X_test, c.X_test)


def test_classes_are_mixed_within_each_split():
    ds = load_breast_cancer(rng=rng(0))
    # Not sorted by class: the labels change many times along the training split.
    assert np.count_nonzero(np.diff(ds.y_train)) > 50


def test_diabetes_target_in_original_units_or_standardized():
    plain = load_diabetes(rng=rng(4))
    assert plain.target_standardizer is None
    raw_targets = set(raw_data("diabetes")[1])
    assert set(plain.y_train) <= raw_targets and set(plain.y_test) <= raw_targets

    scaled = load_diabetes(standardize_target=True, rng=rng(4))
    assert scaled.y_train.dtype == np.float64 and scaled.y_train.shape == plain.y_train.shape
    assert scaled.y_train.mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled.y_train.std() == pytest.approx(1.0)
    for y_scaled, y_plain in [(scaled.y_train, plain.y_train), (scaled.y_test, plain.y_test)]:
        back = scaled.target_standardizer.inverse_transform(y_scaled.reshape(-1, 1)).ravel()
        np.testing.assert_allclose(back, y_plain, rtol=1e-12)
    np.testing.assert_array_equal(scaled.X_train, plain.X_train)


def test_loaders_never_download(monkeypatch, tmp_path):
    empty = tmp_path / "scikit_learn_data"
    empty.mkdir()
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(empty))
    for loader in (load_digits, load_breast_cancer, load_diabetes):
        assert len(loader(rng=rng()).y_train) > 0
    assert list(empty.iterdir()) == []


def test_importing_the_module_does_not_import_sklearn():
    code = "import sys, gdcourse, gdcourse.data; print('sklearn' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"rng": 0}, TypeError, "numpy.random.Generator"),
        ({"rng": np.random.RandomState(0)}, TypeError, "numpy.random.Generator"),
        ({"val_fraction": 0.5, "test_fraction": 0.5}, ValueError, "< 1"),
        ({"val_fraction": -0.1}, ValueError, "val_fraction"),
        ({"test_fraction": float("nan")}, ValueError, "test_fraction"),
        ({"test_fraction": True}, TypeError, "test_fraction"),
        ({"val_fraction": 0.4999, "test_fraction": 0.5}, ValueError, "no training samples"),
        ({"standardize": 1}, TypeError, "standardize"),
    ],
)
def test_loader_rejects_bad_arguments(kwargs, error, match):
    kwargs = {"rng": rng(), **kwargs}
    with pytest.raises(error, match=match):
        load_breast_cancer(**kwargs)


def test_loader_needs_rng():
    with pytest.raises(TypeError, match="rng"):
        load_digits()


# --------------------------------------------------------------------------- stratified counts
@pytest.mark.parametrize(
    "class_counts, split_sizes",
    [
        ([8, 11, 9, 8, 11, 8], (25, 27, 3)),  # a case where rounding column by column fails
        ([2, 13, 6, 13, 10, 8], (12, 26, 14)),
        ([2, 9, 14, 3, 8], (18, 12, 6)),
        ([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], (1257, 270, 270)),
        ([212, 357], (399, 85, 85)),
        ([5], (3, 1, 1)),
        ([1, 1, 1], (1, 1, 1)),
    ],
)
def test_stratified_counts_keep_both_sums_and_round_each_share(class_counts, split_sizes):
    table = data._stratified_counts(class_counts, split_sizes)
    share = np.outer(class_counts, split_sizes) / sum(class_counts)
    np.testing.assert_array_equal(table.sum(axis=1), class_counts)
    np.testing.assert_array_equal(table.sum(axis=0), split_sizes)
    assert np.all((table == np.floor(share)) | (table == np.ceil(share)))


def test_stratified_counts_on_many_random_tables():
    gen = rng(11)
    for _ in range(300):
        counts = [int(c) for c in gen.integers(1, 30, size=gen.integers(1, 8))]
        n = sum(counts)
        cuts = np.sort(gen.integers(0, n + 1, size=2))
        sizes = (int(cuts[0]), int(cuts[1] - cuts[0]), int(n - cuts[1]))
        table = data._stratified_counts(counts, sizes)
        share = np.outer(counts, sizes) / n
        assert np.all(np.abs(table - share) < 1)
        assert table.sum(axis=1).tolist() == counts and tuple(table.sum(axis=0)) == sizes


# --------------------------------------------------------------------------- Standardizer
def test_standardizer_hand_worked_example():
    s = Standardizer().fit([[1.0, 5.0], [3.0, 5.0]])
    np.testing.assert_array_equal(s.mean_, [2.0, 5.0])
    np.testing.assert_array_equal(s.scale_, [1.0, 1.0])  # second column constant -> 1
    np.testing.assert_array_equal(s.transform([[4.0, 6.0], [2.0, 5.0]]), [[2.0, 1.0], [0.0, 0.0]])


def test_standardizer_matches_manual_computation_and_inverts():
    gen = rng(0)
    X = gen.normal(loc=[3.0, -2.0, 10.0], scale=[0.5, 4.0, 2.0], size=(50, 3))
    s = Standardizer().fit(X)
    np.testing.assert_allclose(s.mean_, X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(s.scale_, X.std(axis=0), rtol=1e-14)
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-14)
    np.testing.assert_allclose(s.inverse_transform(Z), X, rtol=1e-14)
    other = gen.normal(size=(4, 3))
    np.testing.assert_allclose(s.transform(other), (other - X.mean(0)) / X.std(0), rtol=1e-14)
    assert s.transform(X) is not X


def test_standardizer_constant_column_whose_std_rounds_to_nonzero():
    X = np.full((10, 1), 0.1)  # the float mean of ten 0.1s is not exactly 0.1
    s = Standardizer().fit(X)
    assert s.scale_[0] == 1.0
    assert np.all(np.isfinite(s.transform([[5.0]])))


@pytest.mark.parametrize(
    "action, match",
    [
        (lambda: Standardizer().transform([[1.0]]), "not fitted.*fit"),
        (lambda: Standardizer().inverse_transform([[1.0]]), "not fitted"),
        (
            lambda: Standardizer().fit([[1.0, 2.0]]).transform([[1.0, 2.0, 3.0]]),
            "X has 3 features.*fitted on 2 features",
        ),
        (
            lambda: Standardizer().fit([[1.0, 2.0]]).inverse_transform([[1.0]]),
            "X has 1 features.*fitted on 2 features",
        ),
        (lambda: Standardizer().fit([1.0, 2.0]), r"2-D.*\(2,\)"),
        (lambda: Standardizer().fit(np.empty((0, 3))), "0 samples"),
        (lambda: Standardizer().fit([[1.0], [np.nan]]), "nan"),
    ],
)
def test_standardizer_errors(action, match):
    with pytest.raises(ValueError, match=match):
        action()


# --------------------------------------------------------------------------- synthetic data
SYNTHETIC = [
    # name, call, expected X shape, number of classes (None: regression)
    ("linear 1-D", lambda r: make_linear_regression(rng=r), (100, 1), None),
    ("linear 5-D", lambda r: make_linear_regression(37, 5, rng=r), (37, 5), None),
    ("blobs", lambda r: make_blobs(100, rng=r), (100, 2), 3),
    ("blobs 4x3-D", lambda r: make_blobs(101, centers=4, n_features=3, rng=r), (101, 3), 4),
    ("moons even", lambda r: make_moons(100, rng=r), (100, 2), 2),
    ("moons odd", lambda r: make_moons(101, rng=r), (101, 2), 2),
    ("spirals", lambda r: make_spirals(100, rng=r), (100, 2), 2),
    ("spirals 3", lambda r: make_spirals(100, n_classes=3, rng=r), (100, 2), 3),
]
SYNTHETIC_IDS = [row[0] for row in SYNTHETIC]


@pytest.mark.parametrize("name, make, shape, k", SYNTHETIC, ids=SYNTHETIC_IDS)
def test_synthetic_shapes_and_balance(name, make, shape, k):
    X, y = make(rng())[:2]
    assert X.shape == shape and X.dtype == np.float64
    assert y.shape == (shape[0],)
    if k is None:
        assert y.dtype == np.float64
    else:
        assert y.dtype == np.int64
        counts = np.bincount(y)
        assert len(counts) == k and counts.max() - counts.min() <= 1
        assert np.count_nonzero(np.diff(y)) > k  # shuffled, not in class blocks


@pytest.mark.parametrize("name, make, shape, k", SYNTHETIC, ids=SYNTHETIC_IDS)
def test_synthetic_determinism(name, make, shape, k):
    first, again, other = make(rng(3)), make(rng(3)), make(rng(4))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_moons_class_sizes():
    assert np.bincount(make_moons(101, rng=rng())[1]).tolist() == [51, 50]


@pytest.mark.parametrize("n_features, noise", [(1, 0.5), (3, 0.5), (4, 2.0)])
def test_least_squares_recovers_the_true_linear_model(n_features, noise):
    n = 2000
    X, y, w, b = make_linear_regression(n, n_features, noise, rng=rng(9))
    assert w.shape == (n_features,) and isinstance(b, float)
    A = np.column_stack([X, np.ones(n)])
    fitted = np.linalg.lstsq(A, y, rcond=None)[0]
    # Standard error of each coefficient is about noise / sqrt(n) for standard normal X.
    np.testing.assert_allclose(fitted, np.append(w, b), atol=5 * noise / np.sqrt(n))
    residual_std = np.std(y - A @ fitted)
    assert residual_std == pytest.approx(noise, rel=0.1)


def test_linear_regression_without_noise_is_exact():
    X, y, w, b = make_linear_regression(20, 2, noise=0.0, rng=rng())
    np.testing.assert_allclose(y, X @ w + b, rtol=1e-14)


def test_blobs_points_are_nearest_their_own_centre():
    centers = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0]])
    X, y = make_blobs(400, centers=centers, cluster_std=1.0, rng=rng(2))
    distances = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=2)
    own = distances[np.arange(len(y)), y]
    others = np.where(np.arange(4) == y[:, None], np.inf, distances).min(axis=1)
    assert own.mean() < others.mean()
    assert np.mean(own < others) > 0.95
    for c in range(4):  # each cluster's mean is within 4 standard errors of its centre
        np.testing.assert_allclose(X[y == c].mean(axis=0), centers[c], atol=4 / np.sqrt(100))


def test_blobs_without_spread_sit_on_their_centres():
    centers = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    X, y = make_blobs(7, centers=centers, cluster_std=0.0, rng=rng())
    np.testing.assert_array_equal(X, centers[y])


def test_blobs_random_centres_lie_in_the_box():
    X, y = make_blobs(90, centers=3, cluster_std=0.0, rng=rng(5))
    centres = np.unique(X, axis=0)
    assert centres.shape == (3, 2) and np.all(np.abs(centres) <= 10)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(50, noise=0.0, rng=rng())
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0, rtol=1e-14)
    assert np.all(upper[:, 1] >= -1e-15)
    np.testing.assert_allclose(np.linalg.norm(lower - [1.0, 0.5], axis=1), 1.0, rtol=1e-14)
    assert np.all(lower[:, 1] <= 0.5 + 1e-15)


def test_spirals_without_noise_follow_their_arms():
    turns, k = 1.5, 3
    X, y = make_spirals(90, n_classes=k, noise=0.0, turns=turns, rng=rng())
    r = np.linalg.norm(X, axis=1)
    assert r.min() == 0.0 and r.max() == pytest.approx(1.0)
    angle = 2 * np.pi * (turns * r + y / k)
    on_arm = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    np.testing.assert_allclose(X, on_arm, atol=1e-14)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: make_linear_regression(0, rng=rng()), ValueError, "n_samples"),
        (lambda: make_linear_regression(True, rng=rng()), TypeError, "n_samples"),
        (lambda: make_linear_regression(10, 0, rng=rng()), ValueError, "n_features"),
        (lambda: make_linear_regression(10, noise=-1.0, rng=rng()), ValueError, "noise"),
        (lambda: make_linear_regression(10, rng=0), TypeError, "Generator"),
        (lambda: make_blobs(10, centers=0, rng=rng()), ValueError, "centers"),
        (lambda: make_blobs(10, centers=np.empty((0, 2)), rng=rng()), ValueError, "centers"),
        (lambda: make_blobs(10, centers=[1.0, 2.0], rng=rng()), ValueError, "centers must be 2-D"),
        (lambda: make_blobs(10, cluster_std=-0.5, rng=rng()), ValueError, "cluster_std"),
        (lambda: make_moons(1, rng=rng()), ValueError, "n_samples must be >= 2"),
        (lambda: make_moons(10, noise=float("inf"), rng=rng()), ValueError, "noise"),
        (lambda: make_spirals(10, n_classes=1, rng=rng()), ValueError, "n_classes"),
        (lambda: make_spirals(2, n_classes=3, rng=rng()), ValueError, "n_samples must be >= 3"),
        (lambda: make_spirals(10, turns=0, rng=rng()), ValueError, "turns"),
        (lambda: make_spirals(10.0, rng=rng()), TypeError, "n_samples"),
    ],
)
def test_synthetic_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- mini-batches
def epoch(n, batch_size, drop_last=False, shuffle=True, seed=0):
    X = np.arange(n, dtype=float).reshape(n, 1)
    y = -np.arange(n)
    batches = list(
        minibatches(X, y, batch_size, shuffle=shuffle, rng=rng(seed), drop_last=drop_last)
    )
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb[:, 0], -yb)  # rows stay paired with their labels
    return batches


@pytest.mark.parametrize(
    "n, batch_size, drop_last, sizes",
    [
        (10, 1, False, [1] * 10),  # SGD
        (10, 3, False, [3, 3, 3, 1]),  # last partial batch kept
        (10, 3, True, [3, 3, 3]),  # ... or dropped
        (12, 4, True, [4, 4, 4]),  # nothing to drop
        (10, 10, False, [10]),
        (10, 10, True, [10]),
        (10, None, False, [10]),  # full batch
        (10, None, True, [10]),
        (10, 25, False, [10]),  # larger than n: one full batch
        (1, 1, False, [1]),
        (7, 2, False, [2, 2, 2, 1]),
    ],
)
def test_minibatches_visit_every_sample_once_per_epoch(n, batch_size, drop_last, sizes):
    batches = epoch(n, batch_size, drop_last)
    assert [len(yb) for _, yb in batches] == sizes
    assert len(batches) == num_batches(n, batch_size, drop_last)
    seen = np.concatenate([yb for _, yb in batches])
    assert len(np.unique(seen)) == len(seen) == sum(sizes)
    if sum(sizes) == n:
        assert sorted(-seen) == list(range(n))


def test_minibatches_shuffle_and_reshuffle_each_epoch():
    n = 50
    X, y = np.arange(n).reshape(n, 1), np.arange(n)
    gen = rng(1)
    orders = [np.concatenate([yb for _, yb in minibatches(X, y, 8, rng=gen)]) for _ in range(3)]
    for order in orders:
        assert sorted(order) == list(range(n))
        assert not np.array_equal(order, np.arange(n))
    assert not np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[1], orders[2])

    # A fresh generator with the same seed repeats the run exactly, epoch after epoch.
    gen = rng(1)
    again = [np.concatenate([yb for _, yb in minibatches(X, y, 8, rng=gen)]) for _ in range(3)]
    for a, b in zip(orders, again):
        np.testing.assert_array_equal(a, b)


def test_minibatches_without_shuffle_are_in_order_and_views():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    batches = list(minibatches(X, y, 4, shuffle=False))
    np.testing.assert_array_equal(batches[0][1], [0, 1, 2, 3])
    np.testing.assert_array_equal(batches[-1][0], X[8:])
    assert all(np.shares_memory(Xb, X) for Xb, _ in batches)


def test_minibatches_keep_trailing_dimensions():
    X, y = np.zeros((9, 2, 3)), np.zeros((9, 4))
    shapes = [(Xb.shape, yb.shape) for Xb, yb in minibatches(X, y, 4, rng=rng())]
    assert shapes == [((4, 2, 3), (4, 4)), ((4, 2, 3), (4, 4)), ((1, 2, 3), (1, 4))]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 4}, ValueError, "rng"),  # shuffle=True needs a generator
        ({"batch_size": 4, "rng": 0}, TypeError, "Generator"),
        ({"batch_size": 0, "rng": rng()}, ValueError, "batch_size must be >= 1"),
        ({"batch_size": -2, "rng": rng()}, ValueError, "batch_size"),
        ({"batch_size": True, "rng": rng()}, TypeError, "batch_size"),
        ({"batch_size": 2.0, "rng": rng()}, TypeError, "batch_size"),
        ({"batch_size": 11, "rng": rng(), "drop_last": True}, ValueError, "drop every"),
        ({"batch_size": 4, "rng": rng(), "drop_last": 1}, TypeError, "drop_last"),
        ({"batch_size": 4, "shuffle": "yes", "rng": rng()}, TypeError, "shuffle"),
    ],
)
def test_minibatches_reject_bad_arguments_at_call_time(kwargs, error, match):
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(error, match=match):
        minibatches(X, y, **kwargs)  # no iteration needed to see the error


def test_minibatches_name_both_lengths():
    with pytest.raises(ValueError, match="X has 10 samples, y has 9"):
        minibatches(np.zeros((10, 2)), np.zeros(9), 2, shuffle=False)
    with pytest.raises(ValueError, match="no samples"):
        minibatches(np.zeros((0, 2)), np.zeros(0), 2, shuffle=False)


@pytest.mark.parametrize(
    "n, batch_size, drop_last, expected",
    [
        (10, 1, False, 10),
        (10, 3, False, 4),
        (10, 3, True, 3),
        (10, 5, True, 2),
        (10, 10, True, 1),
        (10, 20, False, 1),
        (10, None, False, 1),
        (10, None, True, 1),
        (1257, 32, False, 40),
        (1257, 32, True, 39),
    ],
)
def test_num_batches(n, batch_size, drop_last, expected):
    assert num_batches(n, batch_size, drop_last) == expected


@pytest.mark.parametrize(
    "args, error",
    [
        ((10, 20, True), ValueError),
        ((10, 0), ValueError),
        ((0, 4), ValueError),
        ((10.0, 4), TypeError),
    ],
)
def test_num_batches_errors(args, error):
    with pytest.raises(error):
        num_batches(*args)


@pytest.mark.parametrize("name", ["load_digits", "load_breast_cancer", "load_diabetes",
                                  "make_linear_regression", "make_blobs", "make_moons",
                                  "make_spirals"])
def test_a_forgotten_rng_gets_the_call_to_write(name):
    loader = getattr(data, name)
    with pytest.raises(TypeError, match=rf"{name}\(\.\.\., rng=np\.random\.default_rng\(0\)\)"):
        loader()


def test_diabetes_description_states_the_target_range_without_dots():
    # "25..346" broke across lines in JupyterLab's output ("25..⏎346").
    description = load_diabetes(rng=rng()).description
    assert "25" in description and "346" in description and ".." not in description

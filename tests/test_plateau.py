"""Tests of gdcourse.plateau: ReduceLROnPlateau on a given validation curve.

Ground truth: the closed form of the synthetic curve, and runs of PyTorch's plateau rule
worked by hand (parity with torch itself is in test_lr_scheduler_torch.py).
"""

import numpy as np
import pytest

from gdcourse.plateau import PlateauRecord, noisy_validation_curve, run_plateau


def test_noisy_validation_curve():
    clean = noisy_validation_curve(50, 0.0, np.random.default_rng(0))
    e = np.arange(1, 51)
    np.testing.assert_allclose(clean, 0.2 + 0.8 * np.exp(-e / 15.0))
    a = noisy_validation_curve(50, 0.1, np.random.default_rng(7))
    b = noisy_validation_curve(50, 0.1, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert np.all(a > 0) and not np.allclose(a, clean)


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"noise": -0.1},
                                    {"floor": 2.0}, {"decay_epochs": 0}])
def test_noisy_validation_curve_bad_input(kwargs):
    args = {"epochs": 10, "noise": 0.0, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError):
        noisy_validation_curve(**args)


def test_noisy_validation_curve_needs_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        noisy_validation_curve(10, 0.1, 0)


# Hand-worked with PyTorch's rule: an epoch is bad unless it beats the best (here by
# any amount: threshold 0); the rate drops when the bad epochs *after the best* exceed
# `patience`; then `cooldown` epochs are not counted.
METRICS = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95, 0.96, 0.97]


@pytest.mark.parametrize("patience, cooldown, drops, cooling, spans", [
    # best 0.9 at epoch 2; bad epochs 3, 4, 5 -> 3 > 2 at epoch 5; then 6, 7, 8 -> 8
    (2, 0, (5, 8), (), []),
    # cooldown 2: epochs 6 and 7 do not count; bad epochs 8, 9, 10 -> drop at 10
    (2, 2, (5, 10), (6, 7), [(6, 7)]),
    # patience 0: every bad epoch drops the rate (3, 4, ...), cooldown 1 skips one
    (0, 1, (3, 5, 7, 9), (4, 6, 8, 10), [(4, 4), (6, 6), (8, 8), (10, 10)]),
    (8, 0, (), (), []),  # only 8 bad epochs after the best
])
def test_run_plateau_hand_worked(patience, cooldown, drops, cooling, spans):
    record = run_plateau(METRICS, lr=1.0, patience=patience, cooldown=cooldown,
                         factor=0.5, threshold=0.0)
    assert record.drops == drops
    assert tuple(np.flatnonzero(record.in_cooldown) + 1) == cooling
    assert record.cooldown_spans() == spans
    assert record.final_lr == 0.5 ** len(drops)
    # The rate of the epoch after a drop is the reduced one.
    for epoch in drops:
        if epoch < len(METRICS):
            assert record.lrs[epoch] == record.lrs[epoch - 1] * 0.5
    np.testing.assert_allclose(record.best[1:], 0.9)


def test_cooldown_spans_join_neighbouring_epochs():
    flags = np.array([True, True, False, True, False, False, True, True, True])
    record = PlateauRecord(lrs=np.ones(9), best=np.ones(9), in_cooldown=flags, drops=(),
                           final_lr=1.0)
    assert record.cooldown_spans() == [(1, 2), (4, 4), (7, 9)]


def test_run_plateau_stops_at_min_lr():
    record = run_plateau(np.ones(40), lr=0.1, patience=0, factor=0.1, min_lr=1e-3)
    assert record.final_lr == pytest.approx(1e-3)
    assert len(record.drops) == 2


def test_run_plateau_needs_1d_metrics():
    with pytest.raises(ValueError, match="1-D"):
        run_plateau(np.ones((3, 2)))

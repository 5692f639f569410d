"""Tests of gdcourse.divergence: the plain-words report of a run that blew up."""

import numpy as np
import pytest

from gdcourse.divergence import Divergence, check_divergence


@pytest.mark.parametrize("loss,reason", [(float("inf"), "loss is inf"),
                                         (float("-inf"), "loss is -inf"),
                                         (float("nan"), "loss is nan")])
def test_non_finite_loss_is_reported_with_its_step(loss, reason):
    found = check_divergence(37, loss)
    assert found == Divergence(37, reason)
    assert str(found) == f"diverged at step 37: {reason} — try a smaller learning rate"


def test_finite_losses_are_fine():
    assert check_divergence(5, 1e30) is None  # no reference: only non-finite counts
    assert check_divergence(5, 9e7, initial_loss=1.0) is None


def test_blowup_relative_to_the_initial_loss():
    found = check_divergence(12, 2e9, initial_loss=10.0)
    assert found.step == 12 and "loss grew from 10 to 2e+09" in found.reason
    # tiny initial losses are measured against 1, not against ~0
    assert check_divergence(3, 5e7, initial_loss=1e-12) is None


def test_non_finite_parameter_is_reported_by_index():
    found = check_divergence(4, 0.5, params=[np.ones(2), np.array([1.0, np.inf])])
    assert found == Divergence(4, "parameter 1 is not finite")

"""The references of the mini-batch exercises against independent computations.

gdcourse's tested LinearRegression and minibatches(), finite differences, PyTorch's
autograd (skipped when torch is absent), and randomness that ignores the given rng.
"""

import numpy as np
import pytest

from gdcourse.data import minibatches
from gdcourse.exercises import minibatch
from gdcourse.gradcheck import numerical_gradient, relative_error
from gdcourse.models import LinearRegression


def _data(seed=0, n=12, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d)


def test_minibatch_gradient_matches_gdcourse_model_on_the_batch():
    X, y, w = _data(1)
    batch = np.array([9, 1, 4, 7])
    model = LinearRegression(3, rng=np.random.default_rng(0))
    model.set_params([w[None, :], np.zeros(1)])
    _, (gW, _) = model.loss_and_grads(X[batch], y[batch])
    np.testing.assert_allclose(minibatch._minibatch_gradient(X, y, w, batch), gW[0],
                               rtol=1e-12)


def test_minibatch_gradient_matches_finite_differences():
    X, y, w = _data(2)
    batch = np.array([3, 0, 11])
    w = w.copy()
    numeric = numerical_gradient(lambda: float(np.mean((X[batch] @ w - y[batch]) ** 2)), w)
    assert relative_error(minibatch._minibatch_gradient(X, y, w, batch), numeric) < 1e-8


def test_minibatch_gradient_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    X, y, w = _data(3)
    batch = np.array([5, 2, 8, 10, 6])
    tw = torch.tensor(w, requires_grad=True)
    torch.nn.MSELoss()(torch.tensor(X[batch]) @ tw, torch.tensor(y[batch])).backward()
    np.testing.assert_allclose(minibatch._minibatch_gradient(X, y, w, batch),
                               tw.grad.numpy(), rtol=1e-12)


def test_minibatch_gradients_average_to_the_full_gradient():
    # Equal-sized batches of one epoch: their mean is the full-batch gradient.
    X, y, w = _data(4)
    batches = minibatch._epoch_batches(12, 4, np.random.default_rng(0))
    mean = np.mean([minibatch._minibatch_gradient(X, y, w, b) for b in batches], axis=0)
    np.testing.assert_allclose(mean, minibatch._minibatch_gradient(X, y, w, np.arange(12)),
                               rtol=1e-12)


@pytest.mark.parametrize("n, batch_size", [(10, 4), (7, 3), (6, 2), (5, 8)])
def test_epoch_batches_match_gdcourse_minibatches(n, batch_size):
    # minibatches() draws rng.permutation(n) once per epoch too: same seed, same batches,
    # epoch after epoch.
    X, y = np.arange(n, dtype=float)[:, None], np.arange(n)
    ours_rng, theirs_rng = np.random.default_rng(9), np.random.default_rng(9)
    for _ in range(3):
        ours = minibatch._epoch_batches(n, batch_size, ours_rng)
        theirs = [yb for _, yb in minibatches(X, y, batch_size, rng=theirs_rng)]
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)


def test_epoch_batches_by_hand():
    batches = minibatch._epoch_batches(7, 3, np.random.default_rng(6))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sorted(np.concatenate(batches)) == list(range(7))
    np.testing.assert_array_equal(np.concatenate(batches),
                                  np.random.default_rng(6).permutation(7))


def test_unseeded_randomness_fails_the_check_with_its_hint():
    # Randomness that ignores `rng` differs between two runs with the same seed.
    def fresh_generator(n, batch_size, rng):
        order = np.random.default_rng().permutation(n)
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]

    def global_numpy(n, batch_size, rng):
        order = np.random.permutation(n)
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]

    for learner in (fresh_generator, global_numpy):
        result = minibatch.check_epoch_batches(learner)
        assert result.status == "failed" and "rng you are given" in result.hint
        assert "two runs with the same inputs" in result.message


def test_rng_shuffle_is_accepted_too():
    # Generator.permutation(n) shuffles np.arange(n): rng.shuffle gives the same order.
    def learner(n, batch_size, rng):
        order = np.arange(n)
        rng.shuffle(order)
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]

    assert minibatch.check_epoch_batches(learner).passed


@pytest.mark.parametrize("n, d, batch_size", [(6, 2, 1), (6, 3, 2), (7, 2, 3), (5, 4, 5)])
def test_minibatch_noise_is_the_mean_over_every_possible_batch(n, d, batch_size):
    # Every batch of `batch_size` distinct samples is equally likely: average the squared
    # error of its mean gradient over all of them.
    from itertools import combinations
    G = np.random.default_rng(n + d).normal(loc=0.3, size=(n, d))
    full = G.mean(axis=0)
    errors = [np.sum((G[list(batch)].mean(axis=0) - full) ** 2)
              for batch in combinations(range(n), batch_size)]
    assert np.isclose(minibatch._minibatch_noise(G, batch_size), np.mean(errors), rtol=1e-12)


def test_minibatch_noise_one_sample_and_the_full_batch():
    G = np.random.default_rng(0).normal(size=(9, 3))
    sigma2 = np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1))
    assert np.isclose(minibatch._minibatch_noise(G, 1), sigma2)      # no correction at B = 1
    assert minibatch._minibatch_noise(G, 9) == pytest.approx(0.0, abs=1e-15)


def test_minibatch_noise_of_shuffled_epochs_matches_the_formula():
    # The batches train() uses: the first B indices of rng.permutation(n), many times.
    G = np.random.default_rng(1).normal(loc=1.0, size=(20, 2))
    rng = np.random.default_rng(2)
    errors = [np.sum((G[minibatch._epoch_batches(20, 5, rng)[0]].mean(axis=0)
                      - G.mean(axis=0)) ** 2) for _ in range(20000)]
    assert np.isclose(np.mean(errors), minibatch._minibatch_noise(G, 5), rtol=0.03)

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


# =============================================================================
# Wrong and right answers, written from the statements of chapter 2
# =============================================================================
from _exercise_variants import Right, Wrong, assert_right, assert_wrong, parameters  # noqa: E402

from gdcourse.exercises import EXERCISES  # noqa: E402


def _mbg(rows, scale=lambda X, batch: 2 / len(batch), sign=1.0):
    def minibatch_gradient(X, y, w, batch):
        Xb, yb = rows(X, y, batch)
        return sign * scale(X, batch) * Xb.T @ (Xb @ w - yb)
    return minibatch_gradient


def _mbg_loop(X, y, w, batch):
    grad = np.zeros_like(w)
    for i in batch:
        grad += 2 * (X[i] @ w - y[i]) * X[i]
    return grad / len(batch)


def _mbg_y_unindexed(X, y, w, batch):
    Xb = X[batch]
    return 2 / len(batch) * Xb.T @ (Xb @ w - y)


def _mn(sigma2, correction=lambda n, B: (n - B) / (n - 1), divide=lambda s, B: s / B):
    def minibatch_noise(per_sample_grads, batch_size):
        n = per_sample_grads.shape[0]
        return divide(sigma2(per_sample_grads), batch_size) * correction(n, batch_size)
    return minibatch_noise


def _centred(G):
    return G - G.mean(axis=0)


def _eb(order, cut=lambda order, B: [order[s:s + B] for s in range(0, len(order), B)]):
    def epoch_batches(n, batch_size, rng):
        return cut(order(n, rng), batch_size)
    return epoch_batches


def _eb_fixed_seed(seed):
    return _eb(lambda n, rng: np.random.default_rng(seed).permutation(n))


def _eb_generator(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _eb_while(n, batch_size, rng):
    order, batches = rng.permutation(n), []
    while len(order):
        batches.append(order[:batch_size])
        order = order[batch_size:]
    return batches


VARIANTS = {
    "minibatch_gradient": [
        Wrong("sign", _mbg(lambda X, y, b: (X[b], y[b]), sign=-1.0), "mistake: sign"),
        Wrong("summed", _mbg(lambda X, y, b: (X[b], y[b]), scale=lambda X, b: 2.0),
              "mistake: summed"),
        Wrong("divided by n", _mbg(lambda X, y, b: (X[b], y[b]), scale=lambda X, b: 2 / len(X)),
              "mistake: divided by n"),
        Wrong("first B rows", _mbg(lambda X, y, b: (X[:len(b)], y[:len(b)])),
              "mistake: first rows"),
        Wrong("y of the first B rows", _mbg(lambda X, y, b: (X[b], y[:len(b)])),
              "mistake: y of the first rows"),
        Wrong("the whole data set", _mbg(lambda X, y, b: (X, y), scale=lambda X, b: 2 / len(X)),
              "mistake: full batch"),
        Wrong("½ convention", _mbg(lambda X, y, b: (X[b], y[b]), scale=lambda X, b: 1 / len(b)),
              "mistake: no factor 2"),
        Wrong("y not indexed", _mbg_y_unindexed, "error: broadcast"),
        Right("a loop over the batch", _mbg_loop),
        Right("mean of per-sample gradients", lambda X, y, w, batch: np.mean(
            2 * (X[batch] @ w - y[batch])[:, None] * X[batch], axis=0)),
        Right("sorted batch", lambda X, y, w, batch: minibatch._minibatch_gradient(
            X, y, w, np.sort(batch))),
    ],
    "minibatch_noise": [
        Wrong("σ²/B", _mn(lambda G: np.sum(np.var(G, axis=0)), correction=lambda n, B: 1.0),
              "mistake: with replacement"),
        Wrong("σ²/√B", _mn(lambda G: np.sum(np.var(G, axis=0)), divide=lambda s, B: s / B ** 0.5),
              "mistake: square root of B"),
        Wrong("not centred", _mn(lambda G: np.mean(np.sum(G ** 2, axis=1))),
              "mistake: not centred"),
        Wrong("centred by G.mean()", _mn(lambda G: np.mean(np.sum((G - G.mean()) ** 2, axis=1))),
              "mistake: centred by one number"),
        Wrong("mean over the coordinates", _mn(lambda G: np.mean(_centred(G) ** 2)),
              "mistake: mean over coordinates"),
        Wrong("np.var of everything", _mn(lambda G: np.var(G)), "mistake: variance of all entries"),
        Wrong("norms, not squared", _mn(lambda G: np.mean(np.linalg.norm(_centred(G), axis=1))),
              "mistake: norm not squared"),
        Wrong("per coordinate", _mn(lambda G: np.var(G, axis=0)), "mistake: one value per coordinate"),
        Wrong("(n − B)/n", _mn(lambda G: np.sum(np.var(G, axis=0)), correction=lambda n, B: 1 - B / n),
              "mistake: correction over n"),
        Wrong("ddof=1", _mn(lambda G: np.sum(np.var(G, axis=0, ddof=1))),
              "mistake: divided by n - 1"),
        Wrong("the root", lambda G, B: np.sqrt(minibatch._minibatch_noise(G, B)),
              "mistake: standard deviation"),
        Right("variances summed", _mn(lambda G: np.sum(np.var(G, axis=0)))),
        Right("1 − (B − 1)/(n − 1)", _mn(lambda G: np.mean(np.sum(_centred(G) ** 2, axis=1)),
                                         correction=lambda n, B: 1 - (B - 1) / (n - 1))),
        Right("trace of the covariance", _mn(lambda G: np.trace(np.cov(G.T, bias=True)))),
    ],
    "epoch_batches": [
        Wrong("no shuffle", _eb(lambda n, rng: np.arange(n)), "mistake: no shuffling"),
        Wrong("last batch dropped", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B: [
            o[s:s + B] for s in range(0, len(o) - B + 1, B)]), "mistake: last batch dropped"),
        Wrong("np.array_split by count", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B:
                                             np.array_split(o, int(np.ceil(len(o) / B)))),
              "mistake: balanced batches"),
        Wrong("np.array_split(order, batch_size)", _eb(lambda n, rng: rng.permutation(n),
                                                       cut=np.array_split),
              "mistake: batch_size batches"),
        Wrong("a permutation per batch", lambda n, B, rng: [rng.permutation(n)[:B] if s + B <= n
                                                            else rng.permutation(n)[:n - s]
                                                            for s in range(0, n, B)],
              "requirement: each sample once per epoch"),
        Wrong("permutation per batch, sliced", lambda n, B, rng: [
            rng.permutation(n)[s:s + B] for s in range(0, n, B)],
              "requirement: each sample once per epoch"),
        Wrong("rng.integers", _eb(lambda n, rng: rng.integers(n, size=n)),
              "requirement: each sample once per epoch"),
        Wrong("rng.choice(n, n)", _eb(lambda n, rng: rng.choice(n, n)),
              "requirement: each sample once per epoch"),
        Wrong("rng.choice without replacement", _eb(lambda n, rng: rng.choice(n, n, replace=False)),
              "mistake: rng.choice instead of rng.permutation"),
        Wrong("default_rng(0) inside", _eb_fixed_seed(0), "requirement: a new order every epoch"),
        Wrong("default_rng(123) inside", _eb_fixed_seed(123),
              "requirement: a new order every epoch"),
        Wrong("unseeded generator", _eb(lambda n, rng: np.random.default_rng().permutation(n)),
              "Value: not repeatable"),
        Wrong("np.random.permutation", _eb(lambda n, rng: np.random.permutation(n)),
              "Value: not repeatable"),
        Wrong("a generator", _eb_generator, "requirement: list output"),
        Wrong("floats", _eb(lambda n, rng: rng.permutation(n) * 1.0),
              "requirement: integer output"),
        Right("rng.shuffle", _eb(lambda n, rng: (lambda o: (rng.shuffle(o), o)[1])(np.arange(n)))),
        Right("a while loop", _eb_while),
        Right("lists of ints", _eb(lambda n, rng: rng.permutation(n).tolist())),
        Right("np.split at the starts", _eb(lambda n, rng: rng.permutation(n),
                                            cut=lambda o, B: np.split(o, range(B, len(o), B)))),
    ],
}


# A second pass over the statements.
VARIANTS["minibatch_gradient"] += [
    Wrong("divided by d", _mbg(lambda X, y, b: (X[b], y[b]), scale=lambda X, b: 2 / X.shape[1]),
          "mistake: divided by d"),
]
VARIANTS["minibatch_noise"] += [
    Wrong("//", _mn(lambda G: np.sum(np.var(G, axis=0)), correction=lambda n, B: (n - B) // (n - 1)),
          "mistake: integer division in the correction"),
    Wrong("no 1/B", _mn(lambda G: np.sum(np.var(G, axis=0)), divide=lambda s, B: s),
          "mistake: B left out"),
]
VARIANTS["epoch_batches"] += [
    Wrong("array_split into n // B", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B:
                                        np.array_split(o, max(len(o) // B, 1))),
          "mistake: n // batch_size batches"),
    Wrong("order[start:batch_size]", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B: [
        o[s:B] for s in range(0, len(o), B)]), "mistake: slice ends at batch_size"),
    Wrong("start + batch_size - 1", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B: [
        o[s:s + B - 1] for s in range(0, len(o), B)]), "mistake: one index short"),
    Wrong("range(n // B + 1)", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B: [
        o[i * B:(i + 1) * B] for i in range(len(o) // B + 1)]), "mistake: an empty last batch"),
]


VARIANTS["minibatch_noise"] += [
    Wrong("n = shape[1]", lambda G, B:
          np.mean(np.sum(_centred(G) ** 2, axis=1)) / B * (G.shape[1] - B) / (G.shape[1] - 1),
          "mistake: n taken from the columns"),
]
VARIANTS["epoch_batches"] += [
    Wrong("sorted batches", _eb(lambda n, rng: rng.permutation(n), cut=lambda o, B: [
        np.sort(o[s:s + B]) for s in range(0, len(o), B)]), "mistake: batches sorted"),
]


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Wrong))
def test_wrong_answer_gets_its_own_hint(exercise, variant):
    assert_wrong(exercise, variant)


@pytest.mark.parametrize("exercise, variant", parameters(EXERCISES, VARIANTS, Right))
def test_right_answer_passes(exercise, variant):
    assert_right(exercise, variant)

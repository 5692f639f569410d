"""Parity of gdcourse.models with PyTorch autograd in float64 (skipped without PyTorch).

Losses and every gradient of the hand-written backprop must equal what torch's autograd
computes for the same network, the same parameters and the same data.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gdcourse import models  # noqa: E402

ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def torch_loss_and_grads(model, X, y, activation):
    weights = [torch.tensor(w, requires_grad=True) for w in model.weights]
    biases = [torch.tensor(b, requires_grad=True) for b in model.biases]
    h = torch.tensor(X)
    for layer, (w, b) in enumerate(zip(weights, biases)):
        h = h @ w.T + b  # the shared convention: W has shape (out_features, in_features)
        if layer < len(weights) - 1:
            h = ACTIVATIONS[activation](h)
    target = torch.tensor(y)
    if model.task == "regression":
        loss = F.mse_loss(h.reshape(target.shape), target)
    elif model.task == "binary":
        loss = F.binary_cross_entropy_with_logits(h[:, 0], target.double())
    else:
        loss = F.cross_entropy(h, target)
    loss.backward()
    grads = [g for pair in zip(weights, biases) for g in (pair[0].grad, pair[1].grad)]
    return loss.item(), [g.numpy() for g in grads]


def make_data(task, n, n_features, n_outputs, rng):
    X = rng.standard_normal((n, n_features)) * 2.0
    if task == "regression":
        y = rng.standard_normal(n if n_outputs == 1 else (n, n_outputs))
    elif task == "binary":
        y = rng.integers(0, 2, n)
    else:
        y = rng.integers(0, n_outputs, n)
    return X, y


CASES = [
    (lambda rng: models.LinearRegression(5, rng=rng), "relu", 1),
    (lambda rng: models.LinearRegression(5, n_outputs=3, rng=rng), "relu", 3),
    (lambda rng: models.LogisticRegression(5, rng=rng), "relu", 1),
    (lambda rng: models.SoftmaxRegression(5, 4, rng=rng), "relu", 4),
] + [
    (lambda rng, a=activation, o=output, k=k: models.MLP([5, 7, 6, k], activation=a,
                                                          output=o, rng=rng), activation, k)
    for activation in ACTIVATIONS
    for output, k in [("regression", 1), ("binary", 1), ("classification", 4)]
]


@pytest.mark.parametrize("make,activation,n_outputs", CASES)
@pytest.mark.parametrize("batch", [1, 16])
def test_loss_and_grads_equal_torch_autograd(make, activation, n_outputs, batch):
    rng = np.random.default_rng(batch)
    model = make(rng)
    for p in model.params:  # non-zero biases and weights, so every term is exercised
        p += 0.3 * rng.standard_normal(p.shape)
    X, y = make_data(model.task, batch, 5, n_outputs, rng)
    loss, grads = model.loss_and_grads(X, y)
    expected_loss, expected_grads = torch_loss_and_grads(model, X, y, activation)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    for name, g, e in zip(model.param_names, grads, expected_grads):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-14, err_msg=name)

"""Parity of gdcourse.optim with torch.optim in float64 (skipped without PyTorch).

Every option of every optimizer, two parameter groups with different learning rates,
gradients whose scales span 1e-9 to 1e4, many steps: parameters and state must equal
PyTorch's to round-off.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gdcourse import optim  # noqa: E402

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01, betas=(0.0, 0.0))),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.5)),
    ("AdamW", dict(lr=0.01, amsgrad=True, betas=(0.5, 0.9))),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01, betas=(0.8, 0.95))),
    ("NAdam", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, maximize=True)),
]

SHAPES = [(3, 4), (5,), ()]
STEPS = 60


@pytest.fixture(autouse=True)
def float64_torch():
    # torch stores step counters in the default dtype; float64 removes that difference.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def gradient_stream(rng, steps):
    """Gradients whose magnitudes span 1e-9 to 1e4, element by element."""
    scales = [10.0 ** rng.uniform(-9, 4, size=shape) for shape in SHAPES]
    for _ in range(steps):
        yield [s * rng.standard_normal(s.shape) for s in scales]


def make_pair(name, kwargs, rng):
    start = [rng.standard_normal(shape) for shape in SHAPES]
    ours = [p.copy() for p in start]
    theirs = [torch.tensor(p, requires_grad=True) for p in start]

    lr = kwargs.get("lr", getattr(optim, name)([np.zeros(1)]).defaults["lr"])

    def groups(params):
        # Two groups: the second overrides lr, so per-group hyper-parameters matter.
        return [{"params": params[:2]}, {"params": params[2:], "lr": lr / 3}]

    ours_opt = getattr(optim, name)(groups(ours), **kwargs)
    theirs_opt = getattr(torch.optim, name)(groups(theirs), foreach=False, **kwargs)
    return ours, ours_opt, theirs, theirs_opt


def assert_close(ours, theirs, what):
    theirs = theirs.detach().numpy()
    scale = max(np.max(np.abs(theirs), initial=0.0), 1e-300)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12 * scale, err_msg=what)


@pytest.mark.parametrize("name,kwargs", CASES, ids=lambda v: str(v))
def test_trajectory_and_state_equal_torch(name, kwargs):
    rng = np.random.default_rng(0)
    ours, ours_opt, theirs, theirs_opt = make_pair(name, kwargs, rng)
    for t, grads in enumerate(gradient_stream(rng, STEPS), start=1):
        ours_opt.step(grads)
        for p, g in zip(theirs, grads):
            p.grad = torch.tensor(g)
        theirs_opt.step()
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_close(a, b, f"{name} {kwargs}: parameter {i} after step {t}")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        their_state = theirs_opt.state[b]
        our_state = ours_opt.state[a]
        for key, value in their_state.items():
            if isinstance(value, torch.Tensor) and value.dim() > 0 or key != "step":
                expected = value if isinstance(value, torch.Tensor) else torch.tensor(value)
                got = our_state[key]
                if np.ndim(got) == 0 and expected.dim() == 0:
                    assert got == pytest.approx(expected.item(), rel=1e-12), key
                else:
                    assert_close(got, expected, f"{name}: state {key!r} of parameter {i}")
            else:
                assert our_state["step"] == int(value.item())


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam",
                                  "Adadelta"])
def test_defaults_equal_torch(name):
    ours = getattr(optim, name)([np.zeros(2)])
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    for key, value in ours.defaults.items():
        assert theirs.defaults[key] == value, key
    # Everything torch has that we lack is its machinery, not the algorithm.
    machinery = {"foreach", "fused", "capturable", "differentiable"}
    assert set(theirs.defaults) - set(ours.defaults) <= machinery


def test_none_gradient_skips_like_torch():
    rng = np.random.default_rng(1)
    ours, ours_opt, theirs, theirs_opt = make_pair("Adam", dict(lr=0.1), rng)
    for step in range(5):
        grads = [rng.standard_normal(s) for s in SHAPES]
        grads[1] = None if step % 2 == 0 else grads[1]
        ours_opt.step(grads)
        for p, g in zip(theirs, grads):
            p.grad = None if g is None else torch.tensor(g)
        theirs_opt.step()
    for a, b in zip(ours, theirs):
        assert_close(a, b, "None gradients")
    assert ours_opt.state[ours[1]]["step"] == theirs_opt.state[theirs[1]]["step"] == 2


ERRORS = [
    ("SGD", dict(lr=-0.1)),
    ("SGD", dict(momentum=-0.5)),
    ("SGD", dict(weight_decay=-1.0)),
    ("SGD", dict(nesterov=True)),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=-1e-3)),
    ("Adam", dict(eps=-1e-8)),
    ("Adam", dict(betas=(1.0, 0.999))),
    ("Adam", dict(betas=(0.9, -0.1))),
    ("Adam", dict(weight_decay=-0.1)),
    ("AdamW", dict(betas=(0.9, 1.0))),
    ("Adagrad", dict(lr_decay=-1.0)),
    ("Adagrad", dict(initial_accumulator_value=-1.0)),
    ("Adagrad", dict(eps=-1.0)),
    ("RMSprop", dict(alpha=-0.1)),
    ("RMSprop", dict(momentum=-0.1)),
    ("NAdam", dict(momentum_decay=-0.1)),
    ("Adadelta", dict(rho=1.5)),
]


@pytest.mark.parametrize("name,kwargs", ERRORS, ids=lambda v: str(v))
def test_errors_match_torch(name, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(type(theirs.value)) as ours:
        getattr(optim, name)([np.zeros(2)], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_state_dict_layout_matches_torch():
    w1, w2 = np.ones((2, 3)), np.ones(3)
    ours = optim.Adam([{"params": [w1]}, {"params": [w2], "lr": 0.5}])
    ours.step([np.ones((2, 3)), np.ones(3)])
    t1 = torch.ones(2, 3, requires_grad=True)
    t2 = torch.ones(3, requires_grad=True)
    theirs = torch.optim.Adam([{"params": [t1]}, {"params": [t2], "lr": 0.5}])
    t1.grad, t2.grad = torch.ones(2, 3), torch.ones(3)
    theirs.step()
    a, b = ours.state_dict(), theirs.state_dict()
    assert [g["params"] for g in a["param_groups"]] == [g["params"] for g in b["param_groups"]]
    assert set(a["state"]) == set(b["state"])
    assert set(a["state"][0]) == set(b["state"][0])
    assert a["param_groups"][1]["lr"] == b["param_groups"][1]["lr"] == 0.5

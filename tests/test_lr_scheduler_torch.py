"""Parity of gdcourse.optim.lr_scheduler with torch.optim.lr_scheduler.

Every case is one line of scheduler code, run unchanged against both libraries (the
factory receives the module, ``M``), on an optimizer with two parameter groups of
different learning rates. Both are driven the usual way, ``opt.step`` then
``sched.step``, and the learning rates and momenta are compared at every step.
"""

from __future__ import annotations

import math
import pickle
import re
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import gdcourse.optim as gd_optim  # noqa: E402
from gdcourse.optim import lr_scheduler as gd_sched  # noqa: E402
from gdcourse.plateau import noisy_validation_curve, run_plateau  # noqa: E402

torch_sched = torch.optim.lr_scheduler

RTOL = 1e-12
LRS = (0.1, 0.03)

OPTIMIZERS = {
    "SGD": dict(momentum=0.9),
    "SGD0": dict(momentum=0.0),
    "Adam": dict(betas=(0.9, 0.999)),
    "RMSprop": dict(momentum=0.5),
    "Adagrad": dict(),
}


def make_optimizer(lib, name):
    """A two-group optimizer of ``lib`` ("gd" or "torch") with the same settings."""
    kwargs = OPTIMIZERS[name]
    cls_name = "SGD" if name == "SGD0" else name
    if lib == "gd":
        params = [np.zeros(2), np.zeros(3)]
        cls = getattr(gd_optim, cls_name)
    else:
        params = [torch.zeros(2, dtype=torch.float64, requires_grad=True),
                  torch.zeros(3, dtype=torch.float64, requires_grad=True)]
        cls = getattr(torch.optim, cls_name)
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, LRS)]
    return cls(groups, **kwargs)


def optimizer_step(lib, opt):
    if lib == "gd":
        opt.step([np.full(p.shape, 0.1) for g in opt.param_groups for p in g["params"]])
    else:
        for group in opt.param_groups:
            for p in group["params"]:
                p.grad = torch.full_like(p, 0.1)
        opt.step()


def momenta(opt):
    """Each group's momentum, or beta1, or None."""
    out = []
    for group in opt.param_groups:
        if "betas" in group:
            out.append(group["betas"][0])
        else:
            out.append(group.get("momentum"))
    return out


def snapshot(opt, sched):
    return {
        "last_lr": [float(x) for x in sched.get_last_lr()],
        "group_lr": [float(g["lr"]) for g in opt.param_groups],
        "momentum": momenta(opt),
    }


def assert_snapshots_close(ours, theirs, where):
    for key in ("last_lr", "group_lr"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=RTOL, atol=0,
                                   err_msg=f"{key} at {where}")
    for a, b in zip(ours["momentum"], theirs["momentum"]):
        if b is None:
            assert a is None, where
        else:
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=0,
                                       err_msg=f"momentum at {where}")


def noisy_metrics(n, seed, mode):
    """A loss that improves, plateaus and wiggles: exercises every plateau branch."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    trend = 1.0 / (1.0 + 0.3 * np.minimum(t, 12)) + 0.02 * rng.standard_normal(n)
    return list(-trend if mode == "max" else trend)


def drive(lib, case):
    """Run ``case`` with one library; return the snapshots at steps 0..steps."""
    module = gd_sched if lib == "gd" else torch_sched
    opt = make_optimizer(lib, case["optimizer"])
    sched = case["make"](module, opt)
    shots = [snapshot(opt, sched)]
    for k in range(case["steps"]):
        optimizer_step(lib, opt)
        if "metrics" in case:
            sched.step(case["metrics"][k])
        elif "epochs" in case:
            sched.step(case["epochs"][k])
        else:
            sched.step()
        shots.append(snapshot(opt, sched))
    return shots


def _wave(x):
    return 0.5 * (1 + math.sin(x * math.pi / 2))


def _inv_sqrt(t):
    return 1 / math.sqrt(t + 1)


FRACTIONAL_EPOCHS = [e + i / 4 for e in range(1, 30) for i in range(4)]

# (id, optimizer, factory, steps, extra): factory(M, opt) builds the scheduler with
# module M, so that one line of code is run by both libraries.
CASES = [
    ("LambdaLR-one", "SGD", lambda M, o: M.LambdaLR(o, lambda t: 0.95**t), 30),
    ("LambdaLR-per-group", "SGD", lambda M, o: M.LambdaLR(o, [_inv_sqrt, lambda t: t % 3 + 1]), 20),
    ("MultiplicativeLR-one", "SGD", lambda M, o: M.MultiplicativeLR(o, lambda t: 0.9), 30),
    ("MultiplicativeLR-per-group", "Adam",
     lambda M, o: M.MultiplicativeLR(o, [lambda t: 0.95, lambda t: 1.0 if t % 2 else 0.8]), 25),
    ("StepLR", "SGD", lambda M, o: M.StepLR(o, step_size=3, gamma=0.5), 20),
    ("StepLR-default-gamma", "Adagrad", lambda M, o: M.StepLR(o, step_size=5), 30),
    ("MultiStepLR", "SGD", lambda M, o: M.MultiStepLR(o, milestones=[3, 7, 7, 12], gamma=0.5), 20),
    ("MultiStepLR-unsorted", "SGD", lambda M, o: M.MultiStepLR(o, milestones=[10, 0, 4]), 15),
    ("ConstantLR-default", "SGD", lambda M, o: M.ConstantLR(o), 10),
    ("ConstantLR", "Adam", lambda M, o: M.ConstantLR(o, factor=0.5, total_iters=4), 10),
    ("LinearLR-default", "SGD", lambda M, o: M.LinearLR(o), 10),
    ("LinearLR-warmup", "SGD", lambda M, o: M.LinearLR(o, start_factor=0.1, total_iters=10), 15),
    ("LinearLR-decay", "SGD",
     lambda M, o: M.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=8), 12),
    ("ExponentialLR", "SGD", lambda M, o: M.ExponentialLR(o, gamma=0.9), 40),
    ("ExponentialLR-one", "SGD", lambda M, o: M.ExponentialLR(o, gamma=1.0), 5),
    ("PolynomialLR-default", "SGD", lambda M, o: M.PolynomialLR(o), 10),
    ("PolynomialLR-square", "SGD", lambda M, o: M.PolynomialLR(o, total_iters=10, power=2.0), 15),
    ("PolynomialLR-sqrt", "SGD", lambda M, o: M.PolynomialLR(o, total_iters=7, power=0.5), 10),
    ("CosineAnnealingLR", "SGD", lambda M, o: M.CosineAnnealingLR(o, T_max=10), 45),
    ("CosineAnnealingLR-eta-min", "Adam",
     lambda M, o: M.CosineAnnealingLR(o, T_max=7, eta_min=0.01), 30),
    ("CosineAnnealingLR-T1", "SGD", lambda M, o: M.CosineAnnealingLR(o, T_max=1), 6),
    ("CosineAnnealingWarmRestarts", "SGD",
     lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=5), 23),
    ("CosineAnnealingWarmRestarts-Tmult2", "SGD",
     lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), 50),
    ("CosineAnnealingWarmRestarts-Tmult3", "SGD",
     lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=1, T_mult=3), 45),
    ("SequentialLR-linear-cosine", "SGD",
     lambda M, o: M.SequentialLR(o, [M.LinearLR(o, start_factor=0.1, total_iters=5),
                                     M.CosineAnnealingLR(o, T_max=15)], milestones=[5]), 25),
    ("SequentialLR-linear-exponential", "SGD",
     lambda M, o: M.SequentialLR(o, [M.LinearLR(o, start_factor=0.25, total_iters=4),
                                     M.ExponentialLR(o, gamma=0.9)], milestones=[4]), 20),
    ("SequentialLR-linear-step", "Adam",
     lambda M, o: M.SequentialLR(o, [M.LinearLR(o, start_factor=0.5, total_iters=3),
                                     M.StepLR(o, step_size=4, gamma=0.5)], milestones=[6]), 20),
    ("SequentialLR-constant-exponential", "SGD",
     lambda M, o: M.SequentialLR(o, [M.ConstantLR(o, factor=0.1, total_iters=20),
                                     M.ExponentialLR(o, gamma=0.9)], milestones=[20]), 30),
    ("SequentialLR-three", "SGD",
     lambda M, o: M.SequentialLR(o, [M.LinearLR(o, start_factor=0.2, total_iters=3),
                                     M.ConstantLR(o, factor=1.0, total_iters=2),
                                     M.CosineAnnealingLR(o, T_max=6, eta_min=0.001)],
                                 milestones=[3, 5]), 14),
    ("CyclicLR-triangular", "SGD",
     lambda M, o: M.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4), 26),
    ("CyclicLR-asymmetric", "SGD",
     lambda M, o: M.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.05], step_size_up=3,
                             step_size_down=5), 26),
    ("CyclicLR-triangular2", "RMSprop",
     lambda M, o: M.CyclicLR(o, 0.001, 0.1, step_size_up=2, mode="triangular2"), 14),
    ("CyclicLR-exp-range", "SGD",
     lambda M, o: M.CyclicLR(o, 0.001, 0.1, step_size_up=3, mode="exp_range", gamma=0.9), 20),
    ("CyclicLR-custom-cycle", "SGD",
     lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=_wave), 14),
    ("CyclicLR-custom-iterations", "SGD",
     lambda M, o: M.CyclicLR(o, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 0.97**x,
                             scale_mode="iterations"), 14),
    ("CyclicLR-adam-betas", "Adam",
     lambda M, o: M.CyclicLR(o, 0.001, 0.01, step_size_up=3, base_momentum=[0.8, 0.85],
                             max_momentum=0.95), 20),
    ("CyclicLR-no-momentum", "Adagrad",
     lambda M, o: M.CyclicLR(o, 0.001, 0.01, step_size_up=3, cycle_momentum=False), 20),
    ("CyclicLR-fractional-step-sizes", "SGD",
     lambda M, o: M.CyclicLR(o, 0.001, 0.01, step_size_up=2.5, step_size_down=1.5), 20),
    ("CyclicLR-sawtooth", "SGD",
     lambda M, o: M.CyclicLR(o, 0.001, 0.01, step_size_up=3, step_size_down=0), 12),
    ("OneCycleLR-cos", "SGD", lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=20), 20),
    ("OneCycleLR-linear", "SGD",
     lambda M, o: M.OneCycleLR(o, max_lr=[0.1, 0.05], total_steps=23,
                               anneal_strategy="linear"), 23),
    ("OneCycleLR-three-phase", "SGD",
     lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=30, three_phase=True), 30),
    ("OneCycleLR-three-phase-linear", "RMSprop",
     lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=25, three_phase=True,
                               anneal_strategy="linear", pct_start=0.25), 25),
    ("OneCycleLR-epochs", "Adam",
     lambda M, o: M.OneCycleLR(o, max_lr=0.01, epochs=4, steps_per_epoch=6, div_factor=10.0,
                               final_div_factor=100.0, base_momentum=[0.8, 0.85]), 24),
    ("OneCycleLR-no-momentum", "Adagrad",
     lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=10, cycle_momentum=False), 10),
    ("OneCycleLR-plain-SGD", "SGD0",
     lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=12, pct_start=0.5), 12),
    ("CyclicLR-plain-SGD", "SGD0",
     lambda M, o: M.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3), 14),
]

PLATEAU_CASES = [
    ("Plateau-min-rel", "SGD", lambda M, o: M.ReduceLROnPlateau(o, patience=2), "min"),
    ("Plateau-max-rel", "SGD",
     lambda M, o: M.ReduceLROnPlateau(o, mode="max", patience=1, factor=0.5), "max"),
    ("Plateau-min-abs", "Adam",
     lambda M, o: M.ReduceLROnPlateau(o, threshold=0.01, threshold_mode="abs", patience=1),
     "min"),
    ("Plateau-max-abs-cooldown", "SGD",
     lambda M, o: M.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.005,
                                      patience=0, cooldown=2, factor=0.5), "max"),
    ("Plateau-min-lr-list", "SGD",
     lambda M, o: M.ReduceLROnPlateau(o, patience=0, factor=0.3, min_lr=[0.01, 0.005]),
     "min"),
    ("Plateau-min-lr-scalar-eps", "SGD",
     lambda M, o: M.ReduceLROnPlateau(o, patience=0, factor=0.5, min_lr=0.004, eps=1e-3),
     "min"),
    ("Plateau-patience0-cooldown", "RMSprop",
     lambda M, o: M.ReduceLROnPlateau(o, patience=0, cooldown=3, threshold=0.05), "min"),
]


def _case(case_id, optimizer, make, steps, **extra):
    return pytest.param(dict(optimizer=optimizer, make=make, steps=steps, **extra),
                        id=case_id)


ALL_CASES = (
    [_case(*c) for c in CASES]
    + [_case(case_id, opt, make, 40, metrics=noisy_metrics(40, seed, mode))
       for seed, (case_id, opt, make, mode) in enumerate(PLATEAU_CASES)]
    + [
        _case("CAWR-fractional", "SGD",
              lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2),
              len(FRACTIONAL_EPOCHS), epochs=FRACTIONAL_EPOCHS),
        _case("CAWR-fractional-Tmult1", "SGD",
              lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=3, eta_min=0.01),
              len(FRACTIONAL_EPOCHS), epochs=FRACTIONAL_EPOCHS),
        _case("CAWR-interleaved", "SGD",
              lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
              8, epochs=[None, None, 2.5, None, None, 13.25, None, 30.0]),
    ]
)


@pytest.mark.parametrize("case", ALL_CASES)
def test_same_rates_and_momenta_as_torch_at_every_step(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation warning for step(epoch)
        ours = drive("gd", case)
        theirs = drive("torch", case)
    assert len(ours) == case["steps"] + 1
    for t, (a, b) in enumerate(zip(ours, theirs)):
        assert_snapshots_close(a, b, where=f"step {t}")


@pytest.mark.parametrize("make", [
    lambda M, o: M.OneCycleLR(o, max_lr=0.1, total_steps=12),
    lambda M, o: M.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3),
], ids=["OneCycleLR", "CyclicLR"])
def test_cycling_turns_momentum_on_in_plain_sgd_as_in_torch(make):
    """On SGD(lr) without momentum, the cycled momentum is used from the first step:
    the parameters follow torch's path, which is not plain gradient descent's."""
    target = np.array([1.0, -2.0])
    ours_p = np.zeros(2)
    ours = gd_optim.SGD([ours_p], lr=0.1)
    ours_s = make(gd_sched, ours)
    theirs_p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    theirs = torch.optim.SGD([theirs_p], lr=0.1)
    theirs_s = make(torch_sched, theirs)
    assert ours.param_groups[0]["momentum"] == theirs.param_groups[0]["momentum"] > 0
    plain = np.zeros(2)
    for _ in range(12):
        rate = ours.param_groups[0]["lr"]
        plain -= rate * (plain - target)          # the same rates, no momentum
        ours.step([ours_p - target])
        ours_s.step()
        theirs.zero_grad()
        (0.5 * ((theirs_p - torch.tensor(target)) ** 2).sum()).backward()
        theirs.step()
        theirs_s.step()
    np.testing.assert_allclose(ours_p, theirs_p.detach().numpy(), rtol=1e-12)
    assert not np.allclose(ours_p, plain, rtol=1e-3)


def test_momentum_curve_is_torchs_momentum_sequence():
    ours = gd_sched.momentum_curve(gd_sched.OneCycleLR, 15, max_lr=0.1, total_steps=15)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch_sched.OneCycleLR(opt, max_lr=0.1, total_steps=15)
    theirs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scheduler stepped without an optimizer step
        for t in range(15):
            if t:
                sched.step()
            theirs.append(opt.param_groups[0]["momentum"])
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("case", ALL_CASES)
def test_state_dict_round_trip_continues_the_torch_sequence(case):
    """Save mid-run, restore on a fresh optimizer and scheduler, finish the run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = drive("torch", case)
        opt = make_optimizer("gd", case["optimizer"])
        sched = case["make"](gd_sched, opt)
        half = case["steps"] // 2
        for k in range(half):
            optimizer_step("gd", opt)
            _step(sched, case, k)
        saved = pickle.dumps((opt.state_dict(), sched.state_dict()))
        del opt, sched

        opt = make_optimizer("gd", case["optimizer"])
        sched = case["make"](gd_sched, opt)
        opt_state, sched_state = pickle.loads(saved)
        opt.load_state_dict(opt_state)
        sched.load_state_dict(sched_state)
        shots = [snapshot(opt, sched)]
        for k in range(half, case["steps"]):
            optimizer_step("gd", opt)
            _step(sched, case, k)
            shots.append(snapshot(opt, sched))
    np.testing.assert_allclose(shots[0]["last_lr"], theirs[half]["last_lr"], rtol=RTOL)
    for t, (a, b) in enumerate(zip(shots[1:], theirs[half + 1:]), start=half + 1):
        assert_snapshots_close(a, b, where=f"step {t} after resuming at {half}")


def _step(sched, case, k):
    if "metrics" in case:
        sched.step(case["metrics"][k])
    elif "epochs" in case:
        sched.step(case["epochs"][k])
    else:
        sched.step()


SCHEDULER_KEYS = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"}


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("case_id", ["StepLR", "CyclicLR-triangular", "OneCycleLR-cos",
                                     "Plateau-min-rel"])
def test_groups_get_the_same_scheduler_keys_as_torch(opt_name, case_id):
    make = {c[0]: c[2] for c in CASES + PLATEAU_CASES}[case_id]
    gd_opt = make_optimizer("gd", opt_name)
    torch_opt = make_optimizer("torch", opt_name)
    make(gd_sched, gd_opt)
    make(torch_sched, torch_opt)
    for ours, theirs in zip(gd_opt.param_groups, torch_opt.param_groups):
        assert set(ours) & SCHEDULER_KEYS == set(theirs) & SCHEDULER_KEYS
        for key in set(theirs) & (SCHEDULER_KEYS | {"lr", "momentum"}):
            assert ours[key] == pytest.approx(theirs[key], rel=RTOL), key


RESUME_CASES = [
    pytest.param(lambda M, o, e: M.LambdaLR(o, lambda t: 0.9**t, last_epoch=e), id="LambdaLR"),
    pytest.param(lambda M, o, e: M.StepLR(o, step_size=2, last_epoch=e), id="StepLR"),
    pytest.param(lambda M, o, e: M.CyclicLR(o, 0.01, 0.1, step_size_up=3, last_epoch=e),
                 id="CyclicLR"),
    pytest.param(lambda M, o, e: M.OneCycleLR(o, 0.1, total_steps=20, last_epoch=e),
                 id="OneCycleLR"),
]


@pytest.mark.parametrize("make", RESUME_CASES)
def test_resuming_with_last_epoch_matches_torch(make):
    """A scheduler rebuilt with last_epoch=4 on the trained optimizer moves to step 5."""
    results = {}
    for lib, module in (("gd", gd_sched), ("torch", torch_sched)):
        opt = make_optimizer(lib, "SGD")
        sched = make(module, opt, -1)
        for _ in range(5):
            optimizer_step(lib, opt)
            sched.step()
        resumed = make(module, opt, 4)
        results[lib] = (resumed.last_epoch, [float(x) for x in resumed.get_last_lr()],
                        momenta(opt))
    assert results["gd"][0] == results["torch"][0] == 5
    np.testing.assert_allclose(results["gd"][1], results["torch"][1], rtol=RTOL)
    np.testing.assert_allclose(results["gd"][2], results["torch"][2], rtol=RTOL)


@pytest.mark.parametrize("module", [gd_sched, torch_sched], ids=["gd", "torch"])
def test_resuming_without_initial_lr_raises_keyerror(module):
    lib = "gd" if module is gd_sched else "torch"
    opt = make_optimizer(lib, "SGD")
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       r"param_groups\[0\] when resuming"):
        module.StepLR(opt, step_size=2, last_epoch=3)


# ----------------------------------------------------------------- the shared error table
class NotAnOptimizer:
    param_groups = [{"params": [], "lr": 0.1}]


def _step_n(sched, n):
    for _ in range(n):
        sched.step()


def _other(M):
    """A scheduler on another optimizer of the same library."""
    lib = "gd" if M is gd_sched else "torch"
    return M.StepLR(make_optimizer(lib, "SGD"), 2)


# (id, optimizer, factory, error, message): PyTorch raises exactly this too.
SHARED_ERRORS = [
    ("StepLR-not-optimizer", "SGD", lambda M, o: M.StepLR(NotAnOptimizer(), 2), TypeError,
     "NotAnOptimizer is not an Optimizer"),
    ("Cosine-not-optimizer", "SGD", lambda M, o: M.CosineAnnealingLR(NotAnOptimizer(), 5),
     TypeError, "NotAnOptimizer is not an Optimizer"),
    ("CyclicLR-not-optimizer", "SGD", lambda M, o: M.CyclicLR(NotAnOptimizer(), 0.1, 1.0),
     TypeError, "NotAnOptimizer is not an Optimizer"),
    ("OneCycle-not-optimizer", "SGD", lambda M, o: M.OneCycleLR(NotAnOptimizer(), 1.0, 10),
     TypeError, "NotAnOptimizer is not an Optimizer"),
    ("Plateau-not-optimizer", "SGD", lambda M, o: M.ReduceLROnPlateau(NotAnOptimizer()),
     TypeError, "NotAnOptimizer is not an Optimizer"),
    ("LambdaLR-count", "SGD", lambda M, o: M.LambdaLR(o, [abs, abs, abs]), ValueError,
     "Expected 2 lr_lambdas, but got 3"),
    ("MultiplicativeLR-count", "SGD", lambda M, o: M.MultiplicativeLR(o, [abs]), ValueError,
     "Expected 2 lr_lambdas, but got 1"),
    ("MultiplicativeLR-not-callable", "SGD", lambda M, o: M.MultiplicativeLR(o, 0.9),
     TypeError, "lr_lambda should be a function, but got float"),
    ("ConstantLR-factor-high", "SGD", lambda M, o: M.ConstantLR(o, factor=1.5), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    ("ConstantLR-factor-negative", "SGD", lambda M, o: M.ConstantLR(o, factor=-0.1),
     ValueError, "Constant multiplicative factor expected to be between 0 and 1."),
    ("LinearLR-start-zero", "SGD", lambda M, o: M.LinearLR(o, start_factor=0), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR-start-high", "SGD", lambda M, o: M.LinearLR(o, start_factor=1.5), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    ("LinearLR-end-high", "SGD", lambda M, o: M.LinearLR(o, end_factor=1.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("LinearLR-end-negative", "SGD", lambda M, o: M.LinearLR(o, end_factor=-0.5), ValueError,
     "Ending multiplicative factor expected to be between 0 and 1."),
    ("CAWR-T0-zero", "SGD", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=0), ValueError,
     "Expected positive integer T_0, but got 0"),
    ("CAWR-T0-float", "SGD", lambda M, o: M.CosineAnnealingWarmRestarts(o, T_0=2.5),
     ValueError, "Expected positive integer T_0, but got 2.5"),
    ("CAWR-Tmult-zero", "SGD", lambda M, o: M.CosineAnnealingWarmRestarts(o, 2, T_mult=0),
     ValueError, "Expected integer T_mult >= 1, but got 0"),
    ("CAWR-Tmult-float", "SGD", lambda M, o: M.CosineAnnealingWarmRestarts(o, 2, T_mult=1.5),
     ValueError, "Expected integer T_mult >= 1, but got 1.5"),
    ("CAWR-eta-min-str", "SGD",
     lambda M, o: M.CosineAnnealingWarmRestarts(o, 2, eta_min="0"), ValueError,
     "Expected float or int eta_min, but got 0 of type <class 'str'>"),
    ("CAWR-negative-epoch", "SGD", lambda M, o: M.CosineAnnealingWarmRestarts(o, 2).step(-1),
     ValueError, "Expected non-negative epoch, but got -1"),
    ("CyclicLR-mode", "SGD", lambda M, o: M.CyclicLR(o, 0.1, 1.0, mode="triangle"),
     ValueError, "mode is invalid and scale_fn is None"),
    ("CyclicLR-no-momentum", "Adagrad", lambda M, o: M.CyclicLR(o, 0.1, 1.0), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    ("CyclicLR-base-lr-length", "SGD", lambda M, o: M.CyclicLR(o, [0.1], 1.0), ValueError,
     "base_lr must have the same length as optimizer.param_groups. base_lr has 1 values, "
     "param_groups has 2."),
    ("CyclicLR-max-momentum-length", "Adam",
     lambda M, o: M.CyclicLR(o, 0.1, 1.0, max_momentum=[0.9] * 3), ValueError,
     "max_momentum must have the same length as optimizer.param_groups. max_momentum has 3 "
     "values, param_groups has 2."),
    ("OneCycle-total-zero", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, total_steps=0),
     ValueError, "Expected positive integer total_steps, but got 0"),
    ("OneCycle-total-float", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, total_steps=10.0),
     ValueError, "Expected positive integer total_steps, but got 10.0"),
    ("OneCycle-no-length", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, epochs=3), ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    ("OneCycle-epochs", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
     ValueError, "Expected positive integer epochs, but got 0"),
    ("OneCycle-steps-per-epoch", "SGD",
     lambda M, o: M.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=-3), ValueError,
     "Expected positive integer steps_per_epoch, but got -3"),
    ("OneCycle-pct-high", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, 10, pct_start=1.5),
     ValueError, "Expected float between 0 and 1 pct_start, but got 1.5"),
    ("OneCycle-pct-int", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, 10, pct_start=1),
     ValueError, "Expected float between 0 and 1 pct_start, but got 1"),
    ("OneCycle-anneal", "SGD", lambda M, o: M.OneCycleLR(o, 1.0, 10, anneal_strategy="cosine"),
     ValueError, "anneal_strategy must be one of 'cos' or 'linear', instead got cosine"),
    ("OneCycle-no-momentum", "Adagrad", lambda M, o: M.OneCycleLR(o, 1.0, 10), ValueError,
     "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"),
    ("OneCycle-max-lr-length", "SGD", lambda M, o: M.OneCycleLR(o, [1.0], 10), ValueError,
     "max_lr must have the same length as optimizer.param_groups. max_lr has 1 values, "
     "param_groups has 2."),
    ("OneCycle-past-total-steps", "SGD",
     lambda M, o: _step_n(M.OneCycleLR(o, 1.0, total_steps=10), 11), ValueError,
     "Tried to step 11 times. The specified number of total steps is 10"),
    ("Plateau-factor", "SGD", lambda M, o: M.ReduceLROnPlateau(o, factor=1.0), ValueError,
     "Factor should be < 1.0."),
    ("Plateau-mode", "SGD", lambda M, o: M.ReduceLROnPlateau(o, mode="minimum"), ValueError,
     "mode minimum is unknown!"),
    ("Plateau-threshold-mode", "SGD",
     lambda M, o: M.ReduceLROnPlateau(o, threshold_mode="relative"), ValueError,
     "threshold mode relative is unknown!"),
    ("Plateau-min-lr-length", "SGD", lambda M, o: M.ReduceLROnPlateau(o, min_lr=[0.1]),
     ValueError, "expected 2 min_lrs, got 1"),
    ("Sequential-empty", "SGD", lambda M, o: M.SequentialLR(o, [], []), ValueError,
     "SequentialLR expects at least one scheduler, but got no scheduler."),
    ("Sequential-not-scheduler", "SGD", lambda M, o: M.SequentialLR(o, [0.1], []), TypeError,
     "SequentialLR at index 0 should have `optimizer` as its attribute."),
    ("Sequential-plateau", "SGD",
     lambda M, o: M.SequentialLR(o, [M.ReduceLROnPlateau(o)], []), ValueError,
     "SequentialLR does not support `ReduceLROnPlateau` scheduler as it requires "
     "additional kwargs to be specified when calling `step`, but got one at index 0 in the "
     "given schedulers sequence."),
    ("Sequential-other-optimizer", "SGD", lambda M, o: M.SequentialLR(o, [_other(M)], []),
     ValueError, "SequentialLR expects all schedulers to belong to the same optimizer, but "
     "got scheduler StepLR at index 0 has "),
    ("Sequential-milestone-count", "SGD",
     lambda M, o: M.SequentialLR(o, [M.StepLR(o, 2), M.StepLR(o, 3)], [2, 4]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the "
     "number of milestone points, but got number of schedulers 2 and the number of "
     "milestones to be equal to 2"),
]


@pytest.mark.parametrize("lib", ["gd", "torch"])
@pytest.mark.parametrize("opt_name, make, error, message",
                         [pytest.param(*case[1:], id=case[0]) for case in SHARED_ERRORS])
def test_same_errors_as_torch(lib, opt_name, make, error, message):
    module = gd_sched if lib == "gd" else torch_sched
    with pytest.raises(error, match=re.escape(message)) as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(module, make_optimizer(lib, opt_name))
    assert type(info.value) is error



@pytest.mark.parametrize("patience, cooldown, threshold, mode", [
    (3, 0, 1e-4, "rel"), (5, 4, 1e-2, "rel"), (0, 2, 1e-3, "abs"), (10, 1, 0.05, "abs")])
def test_run_plateau_matches_torch(patience, cooldown, threshold, mode):
    metrics = noisy_validation_curve(120, 0.05, np.random.default_rng(patience))
    kwargs = {"patience": patience, "cooldown": cooldown, "threshold": threshold,
              "threshold_mode": mode, "factor": 0.5, "min_lr": 1e-3}
    record = run_plateau(metrics, lr=0.1, **kwargs)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = torch_sched.ReduceLROnPlateau(opt, **kwargs)
    torch_lrs = []
    for metric in metrics:
        torch_lrs.append(opt.param_groups[0]["lr"])
        sched.step(float(metric))
    np.testing.assert_allclose(record.lrs, torch_lrs)
    assert record.final_lr == pytest.approx(opt.param_groups[0]["lr"])

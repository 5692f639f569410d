"""Adadelta: step sizes from the ratio of running RMS of updates and of gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_lr, _check_nonnegative, _require_real

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta; mirrors ``torch.optim.Adadelta``.

    .. math::

        g_t &\leftarrow g_t + \lambda_{\mathrm{wd}}\,\theta_{t-1} \\
        v_t &\leftarrow \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\; g_t \\
        u_t &\leftarrow \rho\, u_{t-1} + (1-\rho)\, \Delta_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, \Delta_t

    with :math:`v_0 = u_0 = 0`. Here :math:`\epsilon` sits *inside* both square roots
    (unlike Adam and RMSprop), and is what makes the very first steps non-zero.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
    lr : float, default 1.0
        :math:`\eta`, a multiplier of the step (the paper has none, i.e. 1).
    rho : float, default 0.9
    eps : float, default 1e-6
    weight_decay : float, default 0
    maximize : bool, default False

    References
    ----------
    .. [1] M. D. Zeiler, "ADADELTA: An adaptive learning rate method", 2012.
    """

    def __init__(self, params: Any, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, rho, eps, weight_decay, **_: Any) -> None:
        _check_lr(lr)
        _require_real("rho", rho)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative("eps", eps, f"Invalid epsilon value: {eps}")
        _check_nonnegative("weight_decay", weight_decay,
                           f"Invalid weight_decay value: {weight_decay}")

    def _init_state(self, theta: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "square_avg": np.zeros_like(theta),
                "acc_delta": np.zeros_like(theta)}

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, rho, eps, weight_decay, **_: Any) -> None:
        state["step"] += 1
        if weight_decay != 0:
            g = g + weight_decay * theta
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps)
        delta /= np.sqrt(v + eps)
        delta *= g
        u *= rho
        u += (1 - rho) * delta * delta
        theta -= lr * delta

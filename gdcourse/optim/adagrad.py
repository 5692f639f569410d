"""AdaGrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_lr, _check_nonnegative

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""AdaGrad; mirrors ``torch.optim.Adagrad``.

    .. math::

        g_t &\leftarrow g_t + \lambda_{\mathrm{wd}}\,\theta_{t-1} \\
        \eta_t &= \frac{\eta}{1 + (t-1)\,\delta} \\
        G_t &\leftarrow G_{t-1} + g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1} - \eta_t\,\frac{g_t}{\sqrt{G_t} + \epsilon}

    with :math:`G_0` = ``initial_accumulator_value`` and learning-rate decay
    :math:`\delta` = ``lr_decay``. Coordinates with large past gradients take small
    steps; because :math:`G_t` only grows, the effective rate only shrinks.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
    lr : float, default 1e-2
        :math:`\eta`.
    lr_decay : float, default 0
        :math:`\delta`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda_{\mathrm{wd}}`.
    initial_accumulator_value : float, default 0
        :math:`G_0`.
    eps : float, default 1e-10
        :math:`\epsilon`, added *outside* the square root.
    maximize : bool, default False

    References
    ----------
    .. [1] J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online
       learning and stochastic optimization", JMLR 12, 2011.
    """

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, lr_decay, eps, weight_decay,
                               initial_accumulator_value, **_: Any) -> None:
        _check_lr(lr)
        _check_nonnegative("lr_decay", lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check_nonnegative("weight_decay", weight_decay,
                           f"Invalid weight_decay value: {weight_decay}")
        _check_nonnegative(
            "initial_accumulator_value", initial_accumulator_value,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check_nonnegative("eps", eps, f"Invalid epsilon value: {eps}")

    def _init_state(self, theta: np.ndarray, *, initial_accumulator_value,
                    **_: Any) -> dict[str, Any]:
        return {"step": 0, "sum": np.full_like(theta, initial_accumulator_value)}

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, lr_decay, eps, weight_decay, **_: Any) -> None:
        state["step"] += 1
        t = state["step"]
        if weight_decay != 0:
            g = g + weight_decay * theta
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G = state["sum"]
        G += g * g
        denom = np.sqrt(G)
        denom += eps
        theta -= lr_t * g / denom

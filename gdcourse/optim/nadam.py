"""NAdam: Adam with Nesterov momentum and a momentum warm-up schedule."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_adam_hyperparameters, _check_nonnegative

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam; mirrors ``torch.optim.NAdam``.

    .. math::

        \mu_t &= \beta_1\left(1 - \tfrac12\, 0.96^{\,t\psi}\right),
            \qquad \Pi_t = \prod_{i=1}^{t} \mu_i \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \theta_t &\leftarrow \theta_{t-1}
            - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}
            - \eta\,\frac{\mu_{t+1}}{1-\Pi_{t+1}}\,
              \frac{m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}

    with momentum decay :math:`\psi` (the schedule of Dozat's paper, which warms the
    momentum up from :math:`\beta_1/2` towards :math:`\beta_1`). Weight decay is added
    to the gradient (L2) or, with ``decoupled_weight_decay``, applied to the weights as
    in AdamW.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
    lr : float, default 2e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum_decay : float, default 4e-3
        :math:`\psi`.
    decoupled_weight_decay : bool, default False
    maximize : bool, default False

    References
    ----------
    .. [1] T. Dozat, "Incorporating Nesterov momentum into Adam", ICLR workshop 2016.
    """

    def __init__(self, params: Any, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, betas, eps, weight_decay, momentum_decay,
                               **_: Any) -> None:
        _check_adam_hyperparameters(lr, betas, eps, weight_decay)
        _check_nonnegative("momentum_decay", momentum_decay,
                           f"Invalid momentum_decay value: {momentum_decay}")

    def _init_state(self, theta: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "mu_product": 1.0, "exp_avg": np.zeros_like(theta),
                "exp_avg_sq": np.zeros_like(theta)}

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, betas, eps, weight_decay, momentum_decay, decoupled_weight_decay,
                **_: Any) -> None:
        beta1, beta2 = betas
        state["step"] += 1
        t = state["step"]
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * theta
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        state["mu_product"] *= mu
        mu_product = state["mu_product"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - beta2**t)) + eps
        theta -= lr * (1 - mu) / (1 - mu_product) * g / denom
        theta -= lr * mu_next / (1 - mu_product * mu_next) * m / denom

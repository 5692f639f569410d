"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_lr, _check_nonnegative

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop; mirrors ``torch.optim.RMSprop``.

    .. math::

        g_t &\leftarrow g_t + \lambda_{\mathrm{wd}}\,\theta_{t-1} \\
        v_t &\leftarrow \alpha\, v_{t-1} + (1-\alpha)\, g_t^2 \\
        \bar g_t &\leftarrow \alpha\, \bar g_{t-1} + (1-\alpha)\, g_t,
            \quad \tilde v_t = v_t - \bar g_t^2 \quad \text{(centered)},
            \qquad \tilde v_t = v_t \quad \text{(otherwise)} \\
        b_t &\leftarrow \mu\, b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon},
            \quad \theta_t \leftarrow \theta_{t-1} - \eta\, b_t
            \quad (\mu > 0) \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}
            \quad (\mu = 0)

    :math:`v_0 = \bar g_0 = b_0 = 0`. There is no bias correction: early steps divide by
    a running average that is still close to zero, so they are larger than later ones.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
    lr : float, default 1e-2
        :math:`\eta`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha` of the running averages.
    eps : float, default 1e-8
        :math:`\epsilon`, added *outside* the square root (TensorFlow's RMSprop puts
        it inside; the two differ only when :math:`\tilde v_t` is tiny).
    weight_decay : float, default 0
        L2 penalty :math:`\lambda_{\mathrm{wd}}`.
    momentum : float, default 0
        :math:`\mu`.
    centered : bool, default False
        Normalise by an estimate of the gradient's variance instead of its raw second
        moment (Graves 2013).
    maximize : bool, default False

    References
    ----------
    .. [1] T. Tieleman and G. Hinton, Lecture 6.5 "rmsprop", COURSERA: Neural Networks
       for Machine Learning, 2012.
    .. [2] A. Graves, "Generating sequences with recurrent neural networks", 2013.
    """

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, momentum, alpha, eps, weight_decay,
                               **_: Any) -> None:
        _check_lr(lr)
        _check_nonnegative("eps", eps, f"Invalid epsilon value: {eps}")
        _check_nonnegative("momentum", momentum, f"Invalid momentum value: {momentum}")
        _check_nonnegative("weight_decay", weight_decay,
                           f"Invalid weight_decay value: {weight_decay}")
        _check_nonnegative("alpha", alpha, f"Invalid alpha value: {alpha}")

    def _init_state(self, theta: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "square_avg": np.zeros_like(theta)}

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, momentum, alpha, eps, centered, weight_decay, **_: Any) -> None:
        state["step"] += 1
        if weight_decay != 0:
            g = g + weight_decay * theta
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g
        if centered:
            g_avg = state.setdefault("grad_avg", np.zeros_like(theta))
            g_avg += (1 - alpha) * (g - g_avg)
            denom = np.sqrt(v - g_avg * g_avg)
        else:
            denom = np.sqrt(v)
        denom += eps
        if momentum > 0:
            b = state.setdefault("momentum_buffer", np.zeros_like(theta))
            b *= momentum
            b += g / denom
            theta -= lr * b
        else:
            theta -= lr * g / denom

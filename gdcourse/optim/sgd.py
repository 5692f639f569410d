"""Stochastic gradient descent, with heavy-ball or Nesterov momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_lr, _check_nonnegative, _require_real

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum; mirrors ``torch.optim.SGD``.

    For each parameter :math:`\theta` with gradient :math:`g_t` at step :math:`t`:

    .. math::

        g_t &\leftarrow g_t + \lambda_{\mathrm{wd}}\,\theta_{t-1}
            && \text{(weight decay, an L2 penalty)} \\
        b_t &\leftarrow \begin{cases} g_t & t = 1 \\
            \mu\, b_{t-1} + (1-\tau)\, g_t & t > 1 \end{cases}
            && \text{(momentum buffer)} \\
        g_t &\leftarrow \begin{cases} g_t + \mu\, b_t & \text{nesterov} \\
            b_t & \text{otherwise} \end{cases} \\
        \theta_t &\leftarrow \theta_{t-1} - \eta\, g_t

    with learning rate :math:`\eta`, momentum :math:`\mu`, dampening :math:`\tau` and
    weight decay :math:`\lambda_{\mathrm{wd}}`. With :math:`\mu = 0` this is plain gradient descent.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
        Float arrays to optimize (in place), or parameter groups.
    lr : float, default 1e-3
        Learning rate :math:`\eta`.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    dampening : float, default 0
        Dampening :math:`\tau` of the momentum buffer's gradient term.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda_{\mathrm{wd}}`.
    nesterov : bool, default False
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, default False
        Maximize the objective instead of minimizing it.

    Notes
    -----
    This is PyTorch's form of momentum: the buffer accumulates gradients and the
    learning rate multiplies it afterwards, :math:`\theta \leftarrow \theta - \eta b`.
    Sutskever et al. (2013) put the rate inside, :math:`u \leftarrow \mu u + \eta g`,
    :math:`\theta \leftarrow \theta - u` (they write :math:`v`, and add the step); the
    two agree exactly while :math:`\eta` is constant (:math:`u = \eta b`) and differ
    once a scheduler changes it. The first buffer is the gradient itself, not
    :math:`(1-\tau) g`.

    ``nesterov=True`` is Nesterov momentum with a *constant* coefficient :math:`\mu`, the
    form Sutskever et al. (2013) brought to deep learning (and, with constant
    :math:`\eta` and :math:`\mu`, Nesterov's constant-step scheme for strongly convex
    functions, :math:`x_t = y_{t-1} - \eta\nabla f(y_{t-1})`,
    :math:`y_t = x_t + \mu(x_t - x_{t-1})`, with :math:`\theta_t = y_t`). Nesterov's
    1983 method varies the coefficient from step to step.

    References
    ----------
    .. [1] H. Robbins and S. Monro, "A stochastic approximation method", 1951.
    .. [2] B. T. Polyak, "Some methods of speeding up the convergence of iteration
       methods", 1964.
    .. [3] Y. Nesterov, "A method for solving the convex programming problem with
       convergence rate O(1/k^2)", 1983.
    .. [4] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML 2013.
    """

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False,
                 *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, momentum, dampening, weight_decay, nesterov,
                               **_: Any) -> None:
        _check_lr(lr)
        _check_nonnegative("momentum", momentum, f"Invalid momentum value: {momentum}")
        _check_nonnegative("weight_decay", weight_decay,
                           f"Invalid weight_decay value: {weight_decay}")
        _require_real("dampening", dampening)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, momentum, dampening, weight_decay, nesterov, **_: Any) -> None:
        if weight_decay != 0:
            g = g + weight_decay * theta
        if momentum != 0:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = np.array(g, dtype=theta.dtype, copy=True)
            else:
                b *= momentum
                b += (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta -= lr * g

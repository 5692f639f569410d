"""Adam: momentum on the gradient, scaled by a running root-mean-square, bias-corrected."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, _check_adam_hyperparameters

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam, with optional AMSGrad; mirrors ``torch.optim.Adam``.

    .. math::

        g_t &\leftarrow g_t + \lambda_{\mathrm{wd}}\,\theta_{t-1}
            \quad\text{(L2; with decoupled weight decay instead }
            \theta_{t-1} \leftarrow (1 - \eta\lambda_{\mathrm{wd}})\,\theta_{t-1}\text{)} \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        v_t^{\max} &\leftarrow \max(v_{t-1}^{\max}, v_t)
            \quad\text{(AMSGrad; otherwise } v_t^{\max} = v_t\text{)} \\
        \theta_t &\leftarrow \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{v_t^{\max}/(1-\beta_2^t)} + \epsilon}

    with :math:`m_0 = v_0 = v_0^{\max} = 0` and :math:`t` counted from 1.

    :math:`v_t` is a running mean of the *squared* gradient (the uncentered second
    moment), not a variance: nothing is subtracted. Both averages start at zero, so
    early on they are biased towards zero; dividing by :math:`1-\beta_1^t` and
    :math:`1-\beta_2^t` undoes exactly that bias (for a constant gradient
    :math:`g`, :math:`m_t/(1-\beta_1^t) = g` at every step).

    AMSGrad here is PyTorch's form: the maximum is taken of the *uncorrected*
    :math:`v_t` and then bias-corrected, so although :math:`v_t^{\max}` never falls,
    the denominator :math:`\sqrt{v_t^{\max}/(1-\beta_2^t)} + \epsilon` still shrinks
    while :math:`1-\beta_2^t` grows towards 1 (after a burst of large gradients early
    on, by up to :math:`1/\sqrt{1-\beta_2^t}` at the burst). Reddi et al.'s Algorithm 2
    has no bias correction, :math:`\theta_t = \theta_{t-1} - \eta_t\, m_t/\sqrt{v_t^{\max}}`,
    and its denominator never shrinks.

    Parameters
    ----------
    params : iterable of numpy.ndarray or dict
    lr : float, default 1e-3
        :math:`\eta`.
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon`, added after the bias correction and outside the square root,
        as in PyTorch. (The paper's Algorithm 1 has the same placement. Its more
        efficient order of computation at the end of section 2,
        :math:`\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)` and
        :math:`\theta_t = \theta_{t-1} - \eta_t\, m_t/(\sqrt{v_t} + \hat\epsilon)`, is this
        update with :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`: the same number
        used as :math:`\hat\epsilon` acts as an :math:`\epsilon` *divided* by
        :math:`\sqrt{1-\beta_2^t}`, larger early on. TensorFlow's Adam documents its
        ``epsilon`` as that :math:`\hat\epsilon`.)
    weight_decay : float, default 0
        :math:`\lambda_{\mathrm{wd}}` (PyTorch's documentation writes :math:`\lambda`).
    amsgrad : bool, default False
        Use the running maximum :math:`v_t^{\max}` of :math:`v_t` (Reddi et al. 2018),
        bias-corrected as in PyTorch.
    maximize : bool, default False
    decoupled_weight_decay : bool, default False
        Shrink the weights directly (AdamW) instead of adding :math:`\lambda_{\mathrm{wd}}\theta` to
        the gradient.

    Notes
    -----
    With L2 weight decay (the default here), :math:`\lambda_{\mathrm{wd}}\theta` joins the gradient
    and is therefore divided by :math:`\sqrt{\hat v_t}`: weights with large gradients
    are decayed less. :class:`AdamW` decouples the decay so every weight shrinks by the
    same factor :math:`1-\eta\lambda_{\mathrm{wd}}`; see Loshchilov & Hutter (2019).

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization",
       ICLR 2015.
    .. [2] S. J. Reddi, S. Kale and S. Kumar, "On the convergence of Adam and beyond",
       ICLR 2018.
    .. [3] I. Loshchilov and F. Hutter, "Decoupled weight decay regularization",
       ICLR 2019.
    """

    def __init__(self, params: Any, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, *, lr, betas, eps, weight_decay, **_: Any) -> None:
        _check_adam_hyperparameters(lr, betas, eps, weight_decay)

    def _init_state(self, theta: np.ndarray, *, amsgrad, **_: Any) -> dict[str, Any]:
        state = {"step": 0, "exp_avg": np.zeros_like(theta),
                 "exp_avg_sq": np.zeros_like(theta)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(theta)
        return state

    def _update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any], *,
                lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay,
                **_: Any) -> None:
        beta1, beta2 = betas
        state["step"] += 1
        t = state["step"]
        if weight_decay != 0:
            if decoupled_weight_decay:
                theta *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * theta
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        if amsgrad:
            v = np.maximum(state.setdefault("max_exp_avg_sq", np.zeros_like(theta)), v,
                           out=state["max_exp_avg_sq"])
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        # sqrt(v)/sqrt(bc2) + eps == (sqrt(v) + eps*sqrt(bc2)) / sqrt(bc2): the same
        # denominator with the division moved onto a scalar, one pass fewer over v.
        denom = np.sqrt(v)
        denom += eps * bias_correction2**0.5
        theta -= (lr * bias_correction2**0.5 / bias_correction1) * m / denom

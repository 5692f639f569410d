"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from typing import Any

from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Adam with decoupled weight decay; mirrors ``torch.optim.AdamW``.

    The update of :class:`Adam` with ``decoupled_weight_decay=True``: before the Adam
    step, every weight shrinks by the same factor,

    .. math::

        \theta_{t-1} \leftarrow (1 - \eta\lambda_{\mathrm{wd}})\,\theta_{t-1},

    instead of :math:`\lambda_{\mathrm{wd}}\theta` being added to the gradient (where Adam would
    divide it by :math:`\sqrt{\hat v_t}`, decaying weights with large gradients less).
    Note the default ``weight_decay=1e-2``, not 0, and that the decay is multiplied by
    the *current* learning rate :math:`\eta`, so a schedule scales it too.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad, maximize
        As for :class:`Adam`.
    weight_decay : float, default 1e-2
        :math:`\lambda_{\mathrm{wd}}`.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "Decoupled weight decay regularization",
       ICLR 2019.
    """

    def __init__(self, params: Any, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         maximize=maximize, decoupled_weight_decay=True)

"""Optimizers, learning-rate schedulers and gradient clipping; mirrors ``torch.optim``.

>>> import numpy as np
>>> from gdcourse.optim import SGD
>>> theta = np.array([1.0, -2.0])
>>> opt = SGD([theta], lr=0.1, momentum=0.9)
>>> opt.step([2 * theta])          # the gradient of |theta|^2, one per parameter
>>> theta
array([ 0.8, -1.6])
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .nadam import NAdam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "Adadelta",
    "lr_scheduler", "clip_grad_norm_", "clip_grad_value_",
]

"""One training loop for batch, stochastic and mini-batch gradient descent.

:func:`train` runs any :mod:`gdcourse.optim` optimizer on any :mod:`gdcourse.models`
model; the batch size alone decides the flavour of gradient descent:

=====================  ==========================  ==========================
``batch_size``         name                        steps per epoch
=====================  ==========================  ==========================
``None``               batch (full-batch) GD       1
``1``                  stochastic GD               n
``32``, ``64``, ...    mini-batch GD               ceil(n / batch_size)
=====================  ==========================  ==========================

Each step is the same four lines a PyTorch loop has::

    loss, grads = model.loss_and_grads(X_batch, y_batch)   # loss.backward()
    clip_grad_norm_(grads, max_norm)                       # optional
    optimizer.step(grads)
    scheduler.step()                                       # per step or per epoch

and everything that happens is recorded in a :class:`History`. The loop never prints
(progress goes to a callback, see :mod:`gdcourse.progress`) and never raises because
a run diverged: it stops and says so in ``history.divergence``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ._checks import check_model_and_optimizer, require_generator

from .data import minibatches
from ._messages import F_, _, _f
from .divergence import Divergence, check_divergence
from .optim import Optimizer, clip_grad_norm_, clip_grad_value_
from .optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from .progress import TrainingProgress, progress_callback

__all__ = ["History", "train"]

# Overflow in a diverging run is expected and reported through History.divergence.
_QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}
# A classifier whose start favours no class scores ln C (ln 2 for one logit). A first
# loss this many times above that was made by the starting weights, not by a step.
_HUGE_FIRST_LOSS = 10.0


@dataclass
class History:
    """Everything :func:`train` recorded, as NumPy arrays.

    Per step (one entry per optimizer update, ``steps`` entries):

    Attributes
    ----------
    step_loss : numpy.ndarray
        The mini-batch loss computed just before the update (so entry ``t`` is the
        loss of the parameters after ``t`` updates, on that step's batch).
    lr : numpy.ndarray
        The learning rate of the update (of the first parameter group).
    grad_norm : numpy.ndarray
        The global 2-norm of the gradient, **before** any clipping.
    time : numpy.ndarray
        Seconds of training since the start, after the update (cumulative). Time
        spent evaluating at the end of each epoch is not counted, so runs with
        and without validation data compare fairly against the clock.

    Per epoch (one entry per *completed* epoch):

    epoch_loss : numpy.ndarray
        The mean of the epoch's step losses, weighted by batch size. This is the
        cheap running figure Keras and PyTorch tutorials report, **not** a full pass
        at the end of the epoch: the parameters changed during the epoch, so it lags
        behind the loss at the epoch's end (for full-batch GD it is the loss at the
        epoch's start).
    val_loss, val_metric : numpy.ndarray
        Loss and ``model.score`` on the validation data after the epoch; NaN when
        there is no validation data.
    train_metric : numpy.ndarray
        ``model.score`` on the whole training set after the epoch (a full pass).
    epoch_time : numpy.ndarray
        Seconds of training at the end of each epoch (cumulative, like ``time``):
        ``plt.plot(h.epoch_time, h.val_loss)`` plots the loss against the clock.
    epoch_step : numpy.ndarray
        The global step at the end of each epoch, to draw per-epoch numbers on the
        same axis as ``step_loss``: ``plt.plot(h.epoch_step, h.val_loss)``.

    Also:

    metric_name : str
        ``"accuracy"`` or ``"r2"``, what ``val_metric`` and ``train_metric`` hold.
    optimizer_name : str
        E.g. ``"Adam"``, for labels and :meth:`summary`.
    divergence : Divergence or None
        Where and why the run diverged, if it did; training stopped there.
    """

    metric_name: str
    optimizer_name: str
    step_loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    lr: np.ndarray = field(default_factory=lambda: np.empty(0))
    grad_norm: np.ndarray = field(default_factory=lambda: np.empty(0))
    time: np.ndarray = field(default_factory=lambda: np.empty(0))
    epoch_loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    val_loss: np.ndarray = field(default_factory=lambda: np.empty(0))
    val_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    train_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    epoch_time: np.ndarray = field(default_factory=lambda: np.empty(0))
    epoch_step: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    divergence: Divergence | None = None

    @property
    def steps(self) -> int:
        """The number of optimizer updates taken."""
        return len(self.step_loss)

    @property
    def epochs_completed(self) -> int:
        """The number of epochs run to the end (a run stopped mid-epoch counts less)."""
        return len(self.epoch_loss)

    @property
    def diverged(self) -> bool:
        return self.divergence is not None

    def summary(self) -> str:
        """One line of plain text about the run.

        E.g. ``'Adam: val accuracy 0.962 after 10 epochs (3.1 s)'`` or
        ``'SGD: diverged at step 37: loss is inf — try a smaller learning rate'``.
        """
        name = self.optimizer_name
        if self.divergence is not None:
            return _f("{name}: {divergence}", name=name, divergence=self.divergence)
        seconds = _f("{seconds:.1f} s", seconds=self.time[-1]) if self.steps else _("0 s")
        if self.epochs_completed == 0:
            if self.steps == 0:
                return _f("{name}: no steps taken", name=name)
            return _f("{name}: loss {loss:.4g} after {steps} steps ({seconds})", name=name,
                      loss=self.step_loss[-1], steps=self.steps, seconds=seconds)
        if not np.isnan(self.val_metric[-1]):
            result = _f("val {metric} {value:.3f}", metric=self.metric_name,
                        value=self.val_metric[-1])
        else:
            result = _f("train {metric} {value:.3f}", metric=self.metric_name,
                        value=self.train_metric[-1])
        epochs = self.epochs_completed
        length = (_f("{count} epoch", count=epochs) if epochs == 1 else
                  _f("{count} epochs", count=epochs))
        extra_steps = self.steps - int(self.epoch_step[-1])
        if extra_steps:
            length = (_f("{length} + {count} step", length=length, count=extra_steps)
                      if extra_steps == 1 else
                      _f("{length} + {count} steps", length=length, count=extra_steps))
        return _f("{name}: {result} after {length} ({seconds})", name=name, result=result,
                  length=length, seconds=seconds)


def train(model: Any, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, *,
          epochs: int, batch_size: int | None = None,
          scheduler: LRScheduler | None = None, scheduler_interval: str = "epoch",
          val_data: tuple[np.ndarray, np.ndarray] | None = None,
          max_norm: float | None = None, clip_value: float | None = None,
          shuffle: bool = True, rng: np.random.Generator | None = None,
          progress: bool | None | TrainingProgress = None,
          max_steps: int | None = None) -> History:
    """Train ``model`` with ``optimizer`` by (mini-batch) gradient descent.

    Parameters
    ----------
    model : gdcourse.models model
        Anything with ``params``, ``loss``, ``loss_and_grads``, ``score`` and
        ``metric_name``; ``optimizer`` must update the same arrays as ``model.params``.
    optimizer : gdcourse.optim.Optimizer
    X, y : numpy.ndarray
        Training inputs, shape ``(n, n_features)``, and targets (``n`` rows).
    epochs : int
        Passes over the training data, >= 1.
    batch_size : int or None, default None
        ``None`` for full-batch GD, 1 for stochastic GD, anything else for mini-batch
        GD. The last batch of an epoch may be smaller (no sample is dropped).
    scheduler : LRScheduler, optional
        A scheduler of ``optimizer``.
    scheduler_interval : {"epoch", "step"}, default "epoch"
        Call ``scheduler.step()`` after every epoch or after every optimizer step
        (then the rate of global step ``t`` is ``scheduler.lr_at(t)``: schedules like
        ``OneCycleLR`` count steps). A ``ReduceLROnPlateau`` is always stepped once per
        epoch with the **validation loss**, or with the training ``epoch_loss`` when
        there is no validation data (noisier, and it cannot see overfitting).
    val_data : tuple (X_val, y_val), optional
        Evaluated after every epoch; evaluating never changes the parameters.
    max_norm : float, optional
        Clip the gradients to this global 2-norm before each step
        (:func:`~gdcourse.optim.clip_grad_norm_`).
    clip_value : float, optional
        Clamp every gradient component to ``[-clip_value, clip_value]``
        (:func:`~gdcourse.optim.clip_grad_value_`); applied after ``max_norm`` when
        both are given.
    shuffle : bool, default True
        Reshuffle the samples every epoch (mini-batch and stochastic GD only).
    rng : numpy.random.Generator, optional
        The source of the shuffling; required when shuffling mini-batches. The same
        seed gives the same run, number for number.
    progress : bool, None or a progress callback, default None
        ``None``: show a progress line only if the run is still going after about
        2 seconds; ``True``: always; ``False``: never; or an object with
        ``start``, ``update`` and ``finish`` methods (see :mod:`gdcourse.progress`).
    max_steps : int, optional
        Stop after this many optimizer steps in total, even in the middle of an
        epoch (a partial epoch is not recorded in the per-epoch arrays).

    Returns
    -------
    History
        Per-step and per-epoch records; ``history.summary()`` says in one line how
        it went.

    Raises
    ------
    TypeError, ValueError
        For invalid arguments (the message names the argument). Never for a run
        that diverges: see Notes.

    Notes
    -----
    The global step counter runs on across epochs; it never restarts at 0.

    After every update the next mini-batch loss (the loss of the new parameters) and
    the parameters themselves are checked with
    :func:`~gdcourse.divergence.check_divergence`, with the first mini-batch loss as
    the initial loss; so are the validation loss (or the epoch loss) and the
    parameters at the end of each epoch. At the first sign of divergence (a NaN or
    infinite loss or parameter, or a loss ``1e8`` times the initial one) training
    stops, no further update is made, and ``history.divergence`` says at which step.
    Its advice is a smaller learning rate, except for a classifier whose first loss
    was already more than 10 times ln C (C classes; ln 2 for one logit), the loss of
    a start that favours no class: then it points at the initialisation.
    NumPy's overflow warnings are silenced while the model and optimizer run, since
    the divergence report replaces them.

    Examples
    --------
    >>> history = train(model, Adam(model.params, lr=1e-3), X, y, epochs=10,
    ...                 batch_size=32, val_data=(X_val, y_val),
    ...                 rng=np.random.default_rng(0))           # doctest: +SKIP
    >>> history.summary()                                       # doctest: +SKIP
    'Adam: val accuracy 0.962 after 10 epochs (0.8 s)'
    """
    X, y = _check_data(X, y, "X", "y")
    if val_data is not None:
        val_data = _check_val_data(val_data)
    check_model_and_optimizer(model, optimizer)
    _check_positive_int("epochs", epochs)
    if batch_size is not None:
        _check_positive_int("batch_size", batch_size)
    if max_steps is not None:
        _check_positive_int("max_steps", max_steps)
    _check_scheduler(scheduler, optimizer, scheduler_interval)
    for name, value in (("max_norm", max_norm), ("clip_value", clip_value)):
        if value is not None and not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"{name} must be a positive number or None, got {value!r}")
    n = len(X)
    shuffling = shuffle and batch_size is not None and batch_size < n
    if shuffling:
        require_generator(rng, " (shuffling mini-batches needs one; pass shuffle=False "
                               "to keep the samples in order)")
    reporter = progress_callback(progress)

    reporter.start(epochs, _batches_per_epoch(n, batch_size))
    try:
        history = _run(model, optimizer, X, y, epochs=epochs, batch_size=batch_size,
                       shuffling=shuffling, rng=rng, scheduler=scheduler,
                       scheduler_interval=scheduler_interval, val_data=val_data,
                       max_norm=max_norm, clip_value=clip_value, max_steps=max_steps,
                       reporter=reporter)
    except BaseException:
        # Ctrl-C or an error in the model: end the progress line, then re-raise.
        reporter.finish("interrupted")
        raise
    reporter.finish(history.summary())
    return history


def _run(model: Any, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, *, epochs: int,
         batch_size: int | None, shuffling: bool, rng: np.random.Generator | None,
         scheduler: LRScheduler | None, scheduler_interval: str,
         val_data: tuple[np.ndarray, np.ndarray] | None, max_norm: float | None,
         clip_value: float | None, max_steps: int | None,
         reporter: TrainingProgress) -> History:
    """The training loop of :func:`train`, on checked arguments."""
    n = len(X)
    history = History(metric_name=model.metric_name,
                      optimizer_name=type(optimizer).__name__)
    steps: dict[str, list[float]] = {"step_loss": [], "lr": [], "grad_norm": [], "time": []}
    per_epoch: dict[str, list[float]] = {
        "epoch_loss": [], "val_loss": [], "val_metric": [], "train_metric": [],
        "epoch_time": [], "epoch_step": []}
    clock = _TrainingClock()
    initial_loss = None
    step = 0
    with np.errstate(**_QUIET):
        for epoch in range(1, epochs + 1):
            loss_sum = 0.0
            samples = 0
            for X_batch, y_batch in minibatches(X, y, batch_size, shuffle=shuffling,
                                                rng=rng):
                loss, grads = model.loss_and_grads(X_batch, y_batch)
                loss = float(loss)
                if initial_loss is None:
                    initial_loss = loss
                history.divergence = check_divergence(step, loss, initial_loss, model.params)
                if history.divergence is not None:
                    break
                grad_norm = _clip_gradients(grads, max_norm, clip_value)
                lr = float(optimizer.param_groups[0]["lr"])
                optimizer.step(grads)
                if scheduler is not None and scheduler_interval == "step":
                    scheduler.step()
                step += 1
                loss_sum += loss * len(X_batch)
                samples += len(X_batch)
                for key, value in (("step_loss", loss), ("lr", lr),
                                   ("grad_norm", grad_norm), ("time", clock.seconds())):
                    steps[key].append(value)
                reporter.update(epoch, step, loss)
                if max_steps is not None and step >= max_steps:
                    break
            if history.divergence is not None or samples < n:
                break  # diverged, or max_steps ended the epoch early

            with clock.paused():
                record = _evaluate(model, X, y, val_data)
            record["epoch_loss"] = loss_sum / samples
            record["epoch_time"] = clock.seconds()
            record["epoch_step"] = step
            for key, value in record.items():
                per_epoch[key].append(value)
            monitored = record["val_loss"] if val_data is not None else record["epoch_loss"]
            history.divergence = check_divergence(step, monitored, params=model.params)
            if history.divergence is not None:
                break
            if isinstance(scheduler, ReduceLROnPlateau):
                scheduler.step(monitored)
            elif scheduler is not None and scheduler_interval == "epoch":
                scheduler.step()
            if max_steps is not None and step >= max_steps:
                break

    if history.divergence is not None:
        history.divergence = _blame_the_start(history.divergence, model, initial_loss)
    for key, values in (steps | per_epoch).items():
        setattr(history, key, np.asarray(values, dtype=int if key == "epoch_step" else float))
    return history


def _blame_the_start(divergence: Divergence, model: Any,
                     initial_loss: float | None) -> Divergence:
    """Point at the initialisation when a classifier's very first loss was already huge.

    A smaller learning rate cannot cure a start whose logits are in the thousands; the
    advice then says to check the initial weights first (Karpathy's "verify the loss
    at initialisation").
    """
    task = getattr(model, "task", None)
    if task not in ("classification", "binary") or initial_loss is None:
        return divergence
    classes = 2 if task == "binary" else int(model.n_outputs)
    neutral = math.log(classes)
    if not initial_loss > _HUGE_FIRST_LOSS * neutral:  # also False for nan
        return divergence
    return replace(divergence, advice=F_(
        "the first loss, {loss:.3g}, is far above ln {classes} ≈ {neutral:.2f}, the loss of "
        "a start that favours no class: the starting weights are too large (check the "
        "initialisation before lowering the learning rate)", loss=initial_loss,
        classes=classes, neutral=neutral))


def _evaluate(model: Any, X: np.ndarray, y: np.ndarray,
              val_data: tuple[np.ndarray, np.ndarray] | None) -> dict[str, float]:
    """The end-of-epoch numbers; only forward passes, the parameters stay as they are."""
    record = {"train_metric": float(model.score(X, y)),
              "val_loss": math.nan, "val_metric": math.nan}
    if val_data is not None:
        X_val, y_val = val_data
        record["val_loss"] = float(model.loss(X_val, y_val))
        record["val_metric"] = float(model.score(X_val, y_val))
    return record


def _clip_gradients(grads: list[np.ndarray], max_norm: float | None,
                    clip_value: float | None) -> float:
    """Clip in place as requested; return the global 2-norm from before clipping."""
    if max_norm is not None:
        norm = clip_grad_norm_(grads, max_norm)
    else:
        norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if clip_value is not None:
        clip_grad_value_(grads, clip_value)
    return norm


def _batches_per_epoch(n: int, batch_size: int | None) -> int:
    return 1 if batch_size is None else -(-n // batch_size)


class _TrainingClock:
    """Seconds since the start, leaving out the intervals spent in ``paused()``."""

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._paused_total = 0.0

    def seconds(self) -> float:
        return time.perf_counter() - self._start - self._paused_total

    def paused(self) -> _Pause:
        return _Pause(self)


class _Pause:
    def __init__(self, clock: _TrainingClock) -> None:
        self.clock = clock

    def __enter__(self) -> None:
        self._began = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.clock._paused_total += time.perf_counter() - self._began


# ----------------------------------------------------------------- argument checks
def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")


def _check_data(X: Any, y: Any, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"{x_name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{x_name} has no samples")
    if len(y) != len(X):
        raise ValueError(
            f"{x_name} and {y_name} must have the same number of rows, got {len(X)} and "
            f"{len(y)}")
    return X, y


def _check_val_data(val_data: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(val_data, (tuple, list)) or len(val_data) != 2:
        raise TypeError(
            f"val_data must be a pair (X_val, y_val), got {type(val_data).__name__}")
    return _check_data(val_data[0], val_data[1], "X_val", "y_val")


def _check_scheduler(scheduler: Any, optimizer: Optimizer, interval: str) -> None:
    if interval not in ("epoch", "step"):
        raise ValueError(f'scheduler_interval must be "epoch" or "step", got {interval!r}')
    if scheduler is None:
        return
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(
            f"scheduler must be a gdcourse.optim.lr_scheduler scheduler, got "
            f"{type(scheduler).__name__}")
    if scheduler.optimizer is not optimizer:
        raise ValueError("the scheduler was created for a different optimizer")
    if isinstance(scheduler, ReduceLROnPlateau) and interval == "step":
        raise ValueError(
            'ReduceLROnPlateau reacts to a once-per-epoch loss; use scheduler_interval='
            '"epoch" (the default)')

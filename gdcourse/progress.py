"""A one-line progress display for training loops.

:func:`gdcourse.train.train` never prints: it reports to a *progress callback*, any
object with the three methods of :class:`TrainingProgress`. This module holds the
callback that shows a line of text such as::

    epoch 3/10  step 120  loss 0.2345  1.2 s

* in Jupyter (an IPython kernel is running), the line is one output that is updated
  in place with ``IPython.display.display(..., display_id=True)``; no widgets needed;
* elsewhere, the line is rewritten with a carriage return on ``sys.stderr``.

The line is redrawn at most ten times a second and, in the default *auto* mode,
appears only once a run has lasted two seconds, so short runs (and test suites)
stay silent. When the run ends, the line is replaced by a final one.

This is a user-interface module: it is allowed to write output. It imports nothing
beyond the standard library at import time; IPython is only looked up if it has
already been imported (which it has, inside a kernel).
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Protocol, TextIO

from ._messages import _f

__all__ = ["TrainingProgress", "ProgressLine", "format_progress", "progress_callback"]

# Seconds a run must last before the auto mode shows anything.
AUTO_DELAY = 2.0
# Shortest time between two redraws: about ten updates a second is smooth enough
# and costs nothing measurable, even for runs of many thousand steps.
MIN_INTERVAL = 0.1


class TrainingProgress(Protocol):
    """What a training loop calls to report progress (any object with these methods)."""

    def start(self, epochs: int, steps_per_epoch: int) -> None:
        """Called once, before the first step."""

    def update(self, epoch: int, step: int, loss: float) -> None:
        """Called after every optimizer step.

        ``epoch`` counts from 1, ``step`` is the global step (updates done so far)
        and ``loss`` the latest mini-batch loss.
        """

    def finish(self, message: str) -> None:
        """Called once at the end with a one-line summary of the run."""


def format_progress(epoch: int, epochs: int, step: int, loss: float, elapsed: float) -> str:
    """The text of the progress line, e.g. ``'epoch 3/10  step 120  loss 0.2345  1.2 s'``."""
    return _f("epoch {epoch}/{epochs}  step {step}  loss {loss:.4g}  {elapsed:.1f} s",
              epoch=epoch, epochs=epochs, step=step, loss=loss, elapsed=elapsed)


def _running_kernel() -> object | None:
    """The IPython shell if this process is a Jupyter kernel, else None.

    IPython is not imported here: inside a kernel it is already in ``sys.modules``,
    and in a plain script importing it would only cost time.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return None
    return shell


class _TerminalLine:
    """A line on a text stream, rewritten in place with a carriage return."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0

    def show(self, text: str) -> None:
        # Pad with spaces so that a shorter line fully covers the previous one.
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def close(self, text: str) -> None:
        self.show(text)
        self.stream.write("\n")
        self.stream.flush()


class _NotebookLine:
    """One plain-text output of a notebook cell, updated in place."""

    def __init__(self) -> None:
        from IPython.display import Pretty, display

        self.pretty = Pretty
        self.handle = display(Pretty(""), display_id=True)

    def show(self, text: str) -> None:
        self.handle.update(self.pretty(text))

    def close(self, text: str) -> None:
        self.show(text)


class ProgressLine:
    """A progress callback that shows epoch, step, loss and elapsed time on one line.

    Parameters
    ----------
    delay : float, default 2.0
        Seconds to wait before the line first appears; runs that end sooner show
        nothing at all. Use 0 to show it from the first step.
    interval : float, default 0.1
        Shortest time between two redraws, in seconds.
    stream : file-like, optional
        Where to write outside Jupyter; default ``sys.stderr`` (looked up when the run
        starts, so that pytest's capturing and notebooks' redirection work).
    clock : callable, default time.monotonic
        Returns the time in seconds; replaceable so that tests need no waiting.

    Notes
    -----
    Inside a Jupyter kernel the line is a display output updated in place, and
    ``stream`` is not used.
    """

    def __init__(self, *, delay: float = AUTO_DELAY, interval: float = MIN_INTERVAL,
                 stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not delay >= 0:
            raise ValueError(_f("delay must be a non-negative number of seconds, got "
                                "{delay!r}", delay=delay))
        if not interval >= 0:
            raise ValueError(
                _f("interval must be a non-negative number of seconds, got {interval!r}",
                   interval=interval))
        self.delay = delay
        self.interval = interval
        self.stream = stream
        self.clock = clock
        self._line: _TerminalLine | _NotebookLine | None = None
        self._epochs = 0
        self._start = 0.0
        self._last_draw = -float("inf")
        self._latest = (0, 0, float("nan"), 0.0)  # epoch, step, loss, elapsed

    def start(self, epochs: int, steps_per_epoch: int) -> None:
        self._epochs = epochs
        self._start = self.clock()
        self._line = None
        self._last_draw = -float("inf")

    def update(self, epoch: int, step: int, loss: float) -> None:
        now = self.clock()
        elapsed = now - self._start
        self._latest = (epoch, step, loss, elapsed)
        if elapsed < self.delay or now - self._last_draw < self.interval:
            return
        if self._line is None:
            self._line = self._open_line()
        self._line.show(self._text())
        self._last_draw = now

    def finish(self, message: str) -> None:
        # A run too short to have shown the line stays silent to the end.
        if self._line is not None:
            self._line.close(_f("{progress}  —  {message}", progress=self._text(),
                                message=message))
            self._line = None

    def _text(self) -> str:
        epoch, step, loss, elapsed = self._latest
        return format_progress(epoch, self._epochs, step, loss, elapsed)

    def _open_line(self) -> _TerminalLine | _NotebookLine:
        if self.stream is None and _running_kernel() is not None:
            return _NotebookLine()
        return _TerminalLine(self.stream if self.stream is not None else sys.stderr)


class _NoProgress:
    """The callback for ``progress=False``: does nothing."""

    def start(self, epochs: int, steps_per_epoch: int) -> None:
        pass

    def update(self, epoch: int, step: int, loss: float) -> None:
        pass

    def finish(self, message: str) -> None:
        pass


def progress_callback(progress: bool | None | TrainingProgress) -> TrainingProgress:
    """The callback for a ``progress=`` argument of a training loop.

    ``None`` (auto): a :class:`ProgressLine` that appears after two seconds;
    ``True``: one shown from the first step; ``False``: none; any other object is
    used as the callback itself (it needs ``start``, ``update`` and ``finish``).
    """
    if progress is None:
        return ProgressLine()
    if progress is True:
        return ProgressLine(delay=0.0)
    if progress is False:
        return _NoProgress()
    missing = [name for name in ("start", "update", "finish")
               if not callable(getattr(progress, name, None))]
    if missing:
        raise TypeError(
            _f("progress must be None (auto), True, False or an object with start(), "
               "update() and finish() methods; got {type} without {missing}()",
               type=type(progress).__name__, missing=", ".join(missing))
        )
    return progress

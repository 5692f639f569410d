"""Running a learner's code safely: a time limit, captured output, and where an error came from.

Used by :mod:`gdcourse.exercises._checking`; nothing here knows about exercises.

* :func:`time_limit` stops code that runs too long by raising :class:`TimeLimitExceeded`
  in the thread that runs it. A Jupyter kernel runs cells in its main thread, so on Linux
  and macOS a watchdog thread sends ``SIGALRM`` to the main thread (``signal.pthread_kill``):
  this interrupts Python loops and ``time.sleep``. Where ``pthread_kill`` does not exist
  (Windows) the watchdog calls ``_thread.interrupt_main``: Python loops stop, a long
  ``time.sleep`` runs to its end first. Outside the main thread (a kernel subshell, a
  worker thread) a trace function (``sys.settrace``) checks the clock on every line;
  if a debugger or coverage tool already traces, there is no limit at all.
  C code that never returns to Python (one huge NumPy call) cannot be stopped by any of these.
* :class:`Captured` collects what the learner's code prints and warns during a check.
* :func:`learner_frame` finds the innermost line of an exception's traceback that is not
  in gdcourse, the standard library or an installed package: the learner's own line.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from typing import Iterator

from .._messages import F_, _f

#: How often the watchdog repeats its signal when the learner's code swallowed the first.
_REPEAT = 0.2


class TimeLimitExceeded(BaseException):
    """Raised in a learner's code that ran past its time limit.

    A ``BaseException``, not an ``Exception``: ``except Exception:`` in the learner's code
    must not swallow it (and if a bare ``except:`` does, the signal is sent again).
    """


def default_mechanism() -> str:
    """What :func:`time_limit` uses here: ``"signal"``, ``"interrupt"``, ``"trace"``, ``"none"``."""
    if threading.current_thread() is threading.main_thread():
        if hasattr(signal, "pthread_kill") and hasattr(signal, "SIGALRM"):
            return "signal"
        return "interrupt"
    return "trace" if sys.gettrace() is None else "none"


@contextlib.contextmanager
def time_limit(seconds: float | None, mechanism: str | None = None) -> Iterator[str]:
    """Raise :class:`TimeLimitExceeded` in the code of the ``with`` block after ``seconds``.

    Yields the mechanism used (see :func:`default_mechanism`); ``seconds`` None or <= 0
    means no limit (mechanism ``"none"``).
    """
    if not seconds or seconds <= 0:
        yield "none"
        return
    mechanism = mechanism or default_mechanism()
    limits = {"signal": _signal_limit, "interrupt": _interrupt_limit, "trace": _trace_limit}
    if mechanism not in limits:
        yield "none"
        return
    # The exception can land in code that cannot pass it on (a __del__, a gc callback):
    # Python then prints "Exception ignored in ..." — not for this one.
    previous_hook = sys.unraisablehook

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, TimeLimitExceeded):
            previous_hook(unraisable)

    sys.unraisablehook = hook
    try:
        with limits[mechanism](seconds):
            yield mechanism
    finally:
        sys.unraisablehook = previous_hook


class _Watchdog:
    """A daemon thread: calls ``fire()`` after ``seconds``, then every _REPEAT s, until stopped."""

    def __init__(self, seconds: float, fire) -> None:
        self.expired = False
        self.active = True
        self._stop = threading.Event()
        self._fire = fire
        self._seconds = seconds
        self._thread = threading.Thread(target=self._run, name="gdcourse-time-limit",
                                        daemon=True)

    def _run(self) -> None:
        if self._stop.wait(self._seconds):
            return
        while self.active and not self._stop.is_set():
            self.expired = True
            try:
                self._fire()
            except Exception:  # the main thread is gone, or the platform refuses
                return
            if self._stop.wait(_REPEAT):
                return

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.active = False
        self._stop.set()
        self._thread.join()


def _raise_if_expired(watchdog: _Watchdog, seconds: float) -> None:
    if watchdog.active and watchdog.expired:
        raise TimeLimitExceeded(_f("did not finish within {seconds:g} s", seconds=seconds))


@contextlib.contextmanager
def _signal_limit(seconds: float) -> Iterator[None]:
    main = threading.main_thread().ident
    watchdog = _Watchdog(seconds, lambda: signal.pthread_kill(main, signal.SIGALRM))

    def handler(signum, frame):
        _raise_if_expired(watchdog, seconds)

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        watchdog.start()  # inside the try: a tiny limit may expire before the yield
        yield
    finally:
        watchdog.stop()
        # A SIGALRM sent just before the watchdog stopped may still be pending: take it
        # while it is blocked, so that restoring the default action (which ends the
        # process) can never meet it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            if signal.SIGALRM in signal.sigpending():
                signal.sigwait({signal.SIGALRM})
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


def _noop() -> None:
    return None


@contextlib.contextmanager
def _interrupt_limit(seconds: float) -> Iterator[None]:
    import _thread

    watchdog = _Watchdog(seconds, lambda: _thread.interrupt_main(signal.SIGINT))
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if watchdog.expired:
            _raise_if_expired(watchdog, seconds)
            return  # a late simulated interrupt after the limit was lifted: ignore it
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        watchdog.start()
        yield
    finally:
        watchdog.stop()
        for _ in range(3):  # let a pending simulated interrupt reach the (inactive) handler
            _noop()
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None
                      else previous)


@contextlib.contextmanager
def _trace_limit(seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded(_f("did not finish within {seconds:g} s", seconds=seconds))
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


# --------------------------------------------------------------------------- output
class _Sink(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, owner: "Captured") -> None:
        self._owner = owner

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self._owner._add(text)
        return len(text)

    def flush(self) -> None:
        return None


class Captured:
    """What the learner's code printed (stdout and stderr together) and warned.

    Use :meth:`capture` as a context manager around each run of the learner's code.
    """

    def __init__(self, limit: int = 2000, max_warnings: int = 5) -> None:
        self.limit = limit
        self.max_warnings = max_warnings
        self.text = ""
        self.dropped = 0
        self.warnings: list[str] = []

    def _add(self, text: str) -> None:
        room = self.limit - len(self.text)
        self.text += text[:max(room, 0)]
        self.dropped += max(len(text) - max(room, 0), 0)

    def _warn(self, message, category, filename, lineno, file=None, line=None) -> None:
        name = getattr(category, '__name__', 'Warning')
        text = f"{name}: {message}"
        if not is_library_file(filename):
            text = F_("{category}: {message} ({file}, line {number})", category=name,
                      message=message, file=describe_file(filename), number=lineno)
        if text not in self.warnings and len(self.warnings) < self.max_warnings:
            self.warnings.append(text)

    @contextlib.contextmanager
    def capture(self) -> Iterator[None]:
        sink = _Sink(self)
        stdout, stderr = sys.stdout, sys.stderr
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = self._warn
            sys.stdout = sys.stderr = sink
            try:
                yield
            finally:
                # Restored by hand: the learner's code may have replaced them itself.
                sys.stdout, sys.stderr = stdout, stderr

    @property
    def printed(self) -> str:
        """The captured text, with a note of how much was left out."""
        if self.dropped:
            return self.text + "\n" + _f("… ({count} more characters not shown)",
                                         count=self.dropped)
        return self.text


# --------------------------------------------------------------------------- frames
def _library_roots() -> tuple[str, ...]:
    roots = {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}  # gdcourse/
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.abspath(path))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        roots.add(os.path.abspath(os.path.join(prefix, "lib")))
    return tuple(sorted(root.rstrip(os.sep) + os.sep for root in roots))


_LIBRARY_ROOTS = _library_roots()


def is_library_file(filename: str | None) -> bool:
    """True for gdcourse, the standard library, installed packages and built-in code."""
    if not filename:
        return True
    if filename.startswith("<"):
        return filename.startswith(("<frozen", "<gdcourse"))
    path = os.path.abspath(filename)
    return path.startswith(_LIBRARY_ROOTS)


def describe_file(filename: str) -> str:
    """``"cell In[5]"`` for a notebook cell (as IPython names it), else the file's name."""
    shell = None
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        try:
            shell = ipython.get_ipython()
        except Exception:
            shell = None
    if shell is not None:
        try:
            label = shell.compile.format_code_name(filename)
        except Exception:
            label = None
        if label:
            return F_("cell {label}", label=label[1])
    if filename.startswith("<"):
        return filename
    return F_("file {name}", name=os.path.basename(filename))


def exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc``, then its cause or context, and so on (each once)."""
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        chain.append(exc)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return chain


def learner_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost traceback entry in the learner's own code, over the exception chain."""
    for link in exception_chain(exc):
        try:
            frames = traceback.extract_tb(link.__traceback__)
        except Exception:
            continue
        for frame in reversed(frames):
            if not is_library_file(frame.filename):
                return frame
    return None

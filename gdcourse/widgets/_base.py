"""The shared machinery of every explorer: controls, one figure, a text summary.

An explorer only *arranges* things: its subclass declares its controls, asks the tested
engine (:mod:`gdcourse.trajectories`, :mod:`gdcourse.train`, ...) for the numbers and
draws them with :mod:`gdcourse.plots`. This base class owns what every explorer needs:

* redrawing when a control changes (or, for heavy explorers, when Run is pressed, with
  a "running..." note while it works);
* never crashing: any exception from a combination of values becomes a readable message
  in the figure and in :attr:`Explorer.error`, and NumPy/matplotlib warnings are kept out
  of the notebook;
* heavy explorers: controls declared live (:attr:`Explorer.live_controls`) redraw at
  once from the stored result of the last Run; any other change shows "settings
  changed: press Run" until Run is pressed;
* a plain-text summary under the figure ("Adam: loss 3.2e-04 after 200 steps"), for
  screen readers and for a quick read;
* a static PNG of the current figure in the display bundle, so that where widgets cannot
  render (GitHub, nbconvert without widget state) the learner still sees the picture;
* :attr:`Explorer.last_update_seconds`, which the benchmark reads;
* fast redraws: the figure is rendered to a PNG shown in an ``ipywidgets.Image``. A full
  render of a two-panel figure costs 60-1000 ms on a busy 2-core machine (text and tick
  layout dominate), far above the 50 ms a slider needs. So the static part (contours,
  axes, ticks, legends) is rendered once and kept as a raster; on an update only the
  artists an explorer registered with :meth:`Explorer.animate` (paths, markers,
  changing titles) are drawn over it (matplotlib's blitting), and the result is encoded
  as PNG (by :func:`_encode_png`: RGB, zlib level 1, twice as fast as Pillow). An explorer that changed something static calls :meth:`Explorer.redraw_all`.
  Registered artists that ``ax.clear()`` took off their axes are skipped, so a cleared
  panel (a message, another landscape) never shows stale lines; :meth:`Explorer.reattach`
  puts them back and :meth:`Explorer.clear_axes` keeps a cleared panel's title moving;
* :meth:`Explorer.set_values` and :meth:`Explorer.hold`, to set several controls with
  one update.

It also holds the argument checks every explorer's constructor shares
(:func:`check_number`, :func:`check_choice`): a wrong type is a TypeError, a value
outside the slider's range or not among the choices a ValueError.
"""

from __future__ import annotations

import base64
import html
import math
import numbers
import struct
import threading
import time
import traceback
import unicodedata
import warnings
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from traitlets import Bunch
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..plots import message_axes
from .._messages import N_, _, _f
from ._guard import guard_box

__all__ = ["Explorer", "check_number", "check_choice", "sticky_log_limits"]

_DISPLAY_ONLY = (widgets.HTML, widgets.HTMLMath, widgets.Label)

# One explorer update at a time, in the whole kernel. JupyterLab 4.6 sends widget
# messages over a kernel *subshell* by default ("commsOverSubshells": "perCommTarget"),
# and ipykernel 7 handles them on a thread of their own: a slider's update then runs
# beside a cell on the main thread, and, while the subshell starts, beside another
# update of the same explorer. Two updates drawing one matplotlib figure at once were
# seen in the browser to leave the race's legend with every entry twice (matplotlib
# and warnings.catch_warnings are not thread-safe). Re-entrant: an update may set a
# control whose observer asks for another (which then does nothing inside hold()).
_UPDATE_LOCK = threading.RLock()


class Explorer:
    """Base class of the course's interactive explorers.

    Subclasses implement:

    ``_make_controls() -> dict[str, ipywidgets.Widget]``
        the controls, by name (the names are the keyword arguments of ``_compute``);
    ``_make_figure() -> matplotlib.figure.Figure``
        the figure, created once (with its axes) and redrawn on every update;
    ``_compute(**values) -> Any``
        the numbers for the current control values, from the engine;
    ``_draw(result) -> str``
        draw ``result`` on the figure and return the one-line text summary;

    and may implement

    ``_derive(result, **values) -> Any``
        the cheap step between the stored result and what ``_draw`` gets, run on
        every update (by default ``result`` itself).

    Set the class attribute ``heavy = True`` for explorers whose computation takes
    longer than a slider move should wait for: ``_compute`` then runs only when their
    Run button is pressed. The controls named in :attr:`live_controls` still act at
    once: they redraw from the stored result through ``_derive``, without
    recomputing. Changing any other control shows :attr:`stale_note` until Run.

    For speed, register the artists that change from one update to the next with
    :meth:`animate` (typically in ``_make_figure``) and keep everything else (axes
    limits, ticks, legends, contours) fixed; call :meth:`redraw_all` in ``_draw`` when
    something static did change (another landscape, new axis limits). Without
    registered artists every update renders the whole figure. After clearing a panel
    (:meth:`clear_axes`), put its registered artists back with :meth:`reattach`;
    :meth:`forget` unregisters one.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
    fig : matplotlib.figure.Figure
    widget : ipywidgets.VBox
        The whole explorer, for ``display``.
    image : ipywidgets.Image
        The rendered figure (PNG).
    summary : ipywidgets.HTML
        The plain-text summary of the current state.
    error : Exception or None
        The exception raised by the last update, if any (shown as a message instead).
    last_update_seconds : float
        Wall time of the last update: computation, drawing and rendering.
    """

    title: str = ""
    heavy: bool = False
    #: Heavy explorers: the controls that redraw at once from the stored result.
    live_controls: tuple[str, ...] = ()
    #: Heavy explorers: shown by the Run button while the picture is out of date.
    stale_note: str = N_("settings changed: press Run to recompute")
    #: What a control sets, for controls whose label alone does not say it ("factor",
    #: "lr" beside an optimizer's name): its tooltip, and the accessible name that the
    #: front-end guard gives a slider's handle (a control's own tooltip wins).
    accessible_names: dict[str, str] = {}

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.last_update_seconds = float("nan")
        self._animated: list[Artist] = []
        self._background = None
        self._result: Any = None
        self._computed_values: dict[str, Any] | None = None
        self._showing_message = False
        self._held = False
        self._latest: _LatestWins | None = None  # front-end changes (made on first use)
        self.controls = self._make_controls()
        unnamed = set(self.accessible_names) - set(self.controls)
        if unnamed:
            raise ValueError(f"accessible_names names no control: {sorted(unnamed)}")
        for name, text in self.accessible_names.items():
            if not getattr(self.controls[name], "tooltip", None):
                self.controls[name].tooltip = text
        for control in self.controls.values():  # after the tooltips: they are translated too
            translate_widget(control)
            _widen_slider(control)
        with plt.ioff():
            self.fig = self._make_figure()
        # The figure is shown through self.image only; keeping it out of pyplot's
        # registry stops the inline backend from showing it a second time.
        plt.close(self.fig)
        FigureCanvasAgg(self.fig)  # blitting needs Agg's copy_from_bbox/restore_region
        width = int(self.fig.get_figwidth() * self.fig.dpi)
        self.image = widgets.Image(
            format="png",
            # margin 0: the widget's default 2 px margin pushed a full-width figure
            # 2 px past the output area, cutting its right edge.
            layout=widgets.Layout(width=f"{width}px", max_width="100%", margin="0"))
        self.summary = widgets.HTML(layout=widgets.Layout(margin="0 0 0 8px"))
        self.status = widgets.HTML()
        self.run_button = action_button("Run", "play", "Compute with the current settings",
                                        lambda _: self.update())
        unknown = set(self.live_controls) - set(self._inputs())
        if unknown:
            raise ValueError(f"live_controls names no input control: {sorted(unknown)}")
        self._live_ids = {id(self.controls[name]) for name in self.live_controls}
        for control in self._inputs().values():
            control.observe(self._control_changed, names="value")
        self.widget = self._layout()
        # A stable hook for the browser tests and for styling (the explorers' boxes
        # are otherwise indistinguishable from any other VBox).
        self.widget.add_class("gdcourse-explorer")
        # Keys kept inside the explorer, accessible names for its sliders (_guard.py).
        guard = guard_box()
        if guard is not None:
            self.widget.children = (*self.widget.children, guard)
        self.update()

    # ----------------------------------------------------------------- to override
    def _make_controls(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def _make_figure(self) -> Figure:
        raise NotImplementedError

    def _compute(self, **values: Any) -> Any:
        raise NotImplementedError

    def _draw(self, result: Any) -> str:
        raise NotImplementedError

    def _derive(self, result: Any, **values: Any) -> Any:
        return result

    # ----------------------------------------------------------------- behaviour
    def _inputs(self) -> dict[str, widgets.Widget]:
        # Labels and HTML have a `value` too, but they show text; they are not inputs.
        return {name: control for name, control in self.controls.items()
                if isinstance(control, widgets.ValueWidget)
                and not isinstance(control, _DISPLAY_ONLY)}

    def values(self) -> dict[str, Any]:
        """The current value of every input control, by name."""
        return {name: control.value for name, control in self._inputs().items()}

    def set_values(self, **values: Any) -> None:
        """Set several controls, then update once (for a heavy explorer: Run).

        ``explorer.set_values(lr=0.1, momentum=0.9)`` is one redraw, where setting the
        two sliders one after the other would be two. The names are those of
        :meth:`values`.
        """
        unknown = set(values) - set(self._inputs())
        if unknown:
            raise ValueError(f"no such control: {', '.join(sorted(unknown))}; the "
                             f"controls are {', '.join(self._inputs())}")
        with _UPDATE_LOCK:
            with self.hold():
                for name, value in values.items():
                    self.controls[name].value = value
            self.update()

    def _control_changed(self, change: dict[str, Any]) -> None:
        if _same_number(change["old"], change["new"]):
            # The front end sends a slider's value back with its own rounding once it is
            # shown (0.9000000000000001 for 0.9; 10 ** -0.30000000000000004 after a log
            # slider was set): the same setting, so no update (the race made six right
            # after it was displayed, and two after each change of landscape).
            return
        if _from_front_end(change):
            # A learner's key presses or drag: handled off the message thread, the
            # latest value of a control winning over those not yet drawn.
            if self._latest is None:
                self._latest = _LatestWins(self._react)
            self._latest.submit(change)
            return
        self._react(change)

    def _react(self, change: dict[str, Any]) -> None:
        with _UPDATE_LOCK:
            if not self.heavy:
                self._on_change(change)
            elif id(change["owner"]) in self._live_ids:
                self.refresh()
            else:
                self._show_stale_note()

    def _on_change(self, change: dict[str, Any]) -> None:
        """A control of a fast explorer changed (override to react before updating)."""
        self.update()

    @contextmanager
    def hold(self) -> Iterator[Explorer]:
        """Set several controls without an update for each; call :meth:`update` after.

        For buttons that move two sliders at once, and for code that sets a whole
        configuration::

            with explorer.hold():
                explorer.controls["lr"].value = 0.1
                explorer.controls["momentum"].value = 0.9
            explorer.update()

        Inside the block no update runs (an explorer's own reactions to a change,
        such as showing the controls of the chosen schedule, still do).
        """
        held, self._held = self._held, True
        try:
            yield self
        finally:
            self._held = held

    def animate(self, *artists: Artist) -> None:
        """Register artists that change between updates (drawn over the kept raster)."""
        for artist in artists:
            artist.set_animated(True)
            if artist not in self._animated:
                self._animated.append(artist)

    def forget(self, *artists: Artist) -> None:
        """Undo :meth:`animate`: the artists are drawn with the static part again."""
        for artist in artists:
            if artist in self._animated:
                self._animated.remove(artist)
            artist.set_animated(False)
        self.redraw_all()

    @staticmethod
    def reattach(ax: Any, *artists: Artist) -> None:
        """Put artists that ``ax.clear()`` took off back on ``ax``, the same objects.

        An explorer keeps references to its lines and updates them in place; after a
        clear (a message, another landscape) it puts them back with this rather than
        making new ones. Artists still on ``ax`` are left alone.
        """
        for artist in artists:
            if artist.axes is ax and artist in ax.get_children():
                continue
            if isinstance(artist, Line2D):
                ax.add_line(artist)
            else:
                ax.add_artist(artist)

    def clear_axes(self, ax: Any) -> None:
        """``ax.clear()``, keeping a title that was drawn over the raster animated.

        Clearing replaces the axes' title with a new text. Registered artists that
        still claim ``ax`` but are no longer on it (the old titles, also those a
        message's clear left behind) are forgotten, and the new title is registered
        in their place. The explorer's moving lines go back with :meth:`reattach`.
        """
        ax.clear()
        replaced = [artist for artist in self._animated
                    if artist.axes is ax and artist not in ax.get_children()]
        if replaced:
            self.forget(*replaced)
            self.animate(ax.title)

    def redraw_all(self) -> None:
        """Render the static part again at the next update (it changed)."""
        self._background = None

    def update(self) -> None:
        """Recompute and redraw for the current control values; never raises.

        Inside :meth:`hold` it does nothing: the block ends with one update.
        """
        self._update(recompute=True)

    def refresh(self) -> None:
        """Redraw from the stored result with the current values, without recomputing.

        What a change of a live control does. Computes only if there is no stored
        result yet (the last computation failed). Never raises.
        """
        self._update(recompute=False)

    def _update(self, *, recompute: bool) -> None:
        with _UPDATE_LOCK:
            self._locked_update(recompute=recompute)

    def _locked_update(self, *, recompute: bool) -> None:
        if self._held:
            return
        start = time.perf_counter()
        if self.heavy:
            self.status.value = f"<i>{html.escape(_('running…'))}</i>"
            self.run_button.disabled = True
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    values = self.values()
                    if recompute or self._result is None:
                        self._result = None  # a failed computation leaves none behind
                        self._computed_values = self._values_needing_run(values)
                        self._result = self._compute(**values)
                    shown = self._derive(self._result, **values)
                    if self._showing_message:  # the message hid every panel
                        for ax in self.fig.axes:
                            ax.set_visible(True)
                        self._showing_message = False
                    text = self._draw(shown)
                    self.error = None
                except Exception as error:  # noqa: BLE001 - a slider must never crash
                    self.error = error
                    text = _f("Could not compute this setting: {error}", error=error)
                    self._show_message(text)
                try:
                    self._render()
                except Exception as error:  # noqa: BLE001 - e.g. a figure too large to draw
                    self.error = error
                    text = _f("Could not draw this setting: {error}", error=error)
                    self._message_or_keep_last(text)
            self.summary.value = html.escape(_(text))
        finally:
            if self.heavy:
                self.run_button.disabled = False
                self._show_stale_note()
        self.last_update_seconds = time.perf_counter() - start

    def _values_needing_run(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in values.items()
                if name not in self.live_controls}

    def _show_stale_note(self) -> None:
        """Say so while the controls no longer match the picture (Run not pressed)."""
        stale = (self._computed_values is not None
                 and self._values_needing_run(self.values()) != self._computed_values)
        self.status.value = f"<i>{html.escape(_(self.stale_note))}</i>" if stale else ""

    def _show_message(self, text: str) -> None:
        self.redraw_all()
        self._showing_message = True  # the next draw shows every panel again
        for ax in self.fig.axes:
            ax.set_visible(False)
        ax = self.fig.axes[0] if self.fig.axes else self.fig.add_subplot()
        ax.set_visible(True)
        message_axes(ax, text)

    def _render(self) -> None:
        canvas = self.fig.canvas
        if self._background is None or not self._animated:
            canvas.draw()  # everything but the animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        children: dict[int, set[int]] = {}
        for artist in self._animated:
            if artist.get_visible() and _on_show(artist, children):
                self.fig.draw_artist(artist)
        self.image.value = _encode_png(np.asarray(canvas.buffer_rgba()))

    def _message_or_keep_last(self, text: str) -> None:
        # If even the message cannot be drawn, the previous picture stays and the
        # summary line below it says what went wrong.
        try:
            self._show_message(text)
            self._render()
        except Exception:  # noqa: BLE001
            pass

    def _layout(self) -> widgets.VBox:
        controls = widgets.HBox(
            list(self.controls.values()),
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        rows: list[widgets.Widget] = []
        if self.title:
            rows.append(widgets.HTML(f"<b>{html.escape(_(self.title))}</b>"))
        rows.append(controls)
        if self.heavy:
            rows.append(widgets.HBox([self.run_button, self.status]))
        rows += [self.image, self.summary]
        return widgets.VBox(rows)

    # ----------------------------------------------------------------- display
    def png(self) -> bytes:
        """The current figure as PNG bytes (what the explorer shows)."""
        return self.image.value

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # Front ends that render widgets use the widget view; the others fall back to
        # the picture of the current state and the summary.
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        bundle["text/plain"] = html.unescape(self.summary.value)
        return bundle


def _from_front_end(change: dict[str, Any]) -> bool:
    """Whether a change came from the browser (ipywidgets' set_state locks the property
    while the observers run); a change made in Python is handled at once, in order."""
    lock = getattr(change.get("owner"), "_property_lock", None)
    return bool(lock) and change.get("name") in lock


class _LatestWins:
    """The changes a learner makes in the browser, handled one at a time on a thread of
    their own, and only the latest of a run of changes to the same control.

    A slider sends a value per key press, and a drag one per mouse move. Handled on the
    message thread, each waited for the update before it (40-90 ms on this course's VMs;
    a race with a new rate is more), so a burst of presses or a short drag left a queue
    that was drawn value by value, the last picture coming up to a second after the
    handle was let go. Here the message thread only records the change and goes on to the
    next message; the worker draws the newest value when it is free: after a burst, the
    final picture comes at most one update after the one under way.
    """

    IDLE_SECONDS = 30.0  # the worker ends when nothing came for this long

    def __init__(self, react: Callable[[dict[str, Any]], None]) -> None:
        self._react = react
        self._pending: list[Any] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every change submitted is drawn (for tests); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def submit(self, change: Any) -> None:
        with self._cond:
            last = self._pending[-1] if self._pending else None
            if last is not None and last["owner"] is change["owner"] \
                    and last["name"] == change["name"]:
                merged = Bunch(change)
                merged["old"] = last["old"]
                self._pending[-1] = merged
            else:
                self._pending.append(Bunch(change))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="gdcourse-explorer-updates")
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._pending:
                    self._cond.wait(timeout=self.IDLE_SECONDS)
                if not self._pending:
                    self._thread = None
                    return
                change = self._pending.pop(0)
                self._busy = True
            try:
                self._react(change)
            except Exception:  # noqa: BLE001 - the worker must go on for the next change
                traceback.print_exc()
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


def _same_number(old: Any, new: Any) -> bool:
    """Two floats that differ by round-off only (a front end's rounding of a value)."""
    return (isinstance(old, float) and isinstance(new, float) and old != new
            and math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-12))


def _on_show(artist: Artist, children: dict[int, set[int]]) -> bool:
    """Whether ``artist`` is still part of the figure, on a visible axes.

    ``ax.clear()`` detaches the artists it removes (their ``axes`` and ``figure``
    become None) and replaces the title; drawn anyway, they would show over the new
    contents with their old transforms. ``children`` caches each axes' children.
    """
    if artist.figure is None:
        return False
    ax = artist.axes
    if ax is None:
        return True  # a figure-level artist, e.g. a suptitle
    if not ax.get_visible():
        return False
    if id(ax) not in children:
        children[id(ax)] = {id(child) for child in ax.get_children()}
    return id(artist) in children[id(ax)]


def translate_widget(control: widgets.Widget) -> None:
    """Put ``control``'s label and tooltip (and those of the boxes' children) into the
    language in use (gdcourse._messages; English stays as it is)."""
    for name in ("description", "tooltip"):
        text = getattr(control, name, None)
        if isinstance(text, str) and text:
            translated = _(text)
            if translated != text:
                setattr(control, name, translated)
    for child in getattr(control, "children", ()) or ():
        translate_widget(child)


def run_summary(run: Any, label: str | None = None) -> str:
    """``run.summary()`` (gdcourse.trajectories) in the language in use: "Adam: loss
    3.2e-04 after 200 steps" (the English is the same, byte for byte); ``label``, if
    given, in place of ``run.label`` (a label in the language in use)."""
    label = run.label if label is None else label
    if run.divergence is not None:
        return f"{label}: {run.divergence}"  # the divergence sentence is translated there
    steps = run.steps_taken
    if steps == 1:
        return _f("{label}: loss {loss:.1e} after {steps} step", label=label,
                  loss=run.final_loss, steps=steps)
    return _f("{label}: loss {loss:.1e} after {steps} steps", label=label,
              loss=run.final_loss, steps=steps)


def action_button(description: str, icon: str, tooltip: str,
                  on_click: Callable[[Any], None], **layout: str) -> widgets.Button:
    """A button of the explorers' one style (blue, with an icon), already wired to a handler.

    Every explorer makes its buttons here, so that "Run" in one chapter looks like "Step"
    or "Reset" in another.
    """
    button = widgets.Button(description=_(description), icon=icon, tooltip=_(tooltip),
                            button_style="primary", layout=widgets.Layout(**layout))

    def clicked(pressed: Any) -> None:
        with _UPDATE_LOCK:  # a click may arrive on the widgets' subshell thread
            on_click(pressed)

    button.on_click(clicked)
    return button


def sticky_log_limits(current: tuple[float, float] | None, wanted: tuple[float, float],
                      slack: float = 2.0) -> tuple[float, float]:
    """Limits of a log axis that stay put while the data move a little.

    A new axis range is a full redraw (hundreds of milliseconds), so an axis that
    follows the data decade by decade makes a slider sluggish: the schedule composer's
    loss axis changed on half of the peak rate's notches. Keep ``current`` while it
    holds ``wanted`` and is at most ``slack`` decades wider than it on either side;
    otherwise take ``wanted``, widened toward ``current`` by at most ``slack`` decades
    (so that going back and forth does not flip the axis at every step). Decades in,
    decades out.

    >>> sticky_log_limits((1e-4, 1e2), (1e-5, 1e2))
    (1e-05, 100.0)
    >>> sticky_log_limits((1e-6, 1e2), (1e-4, 1e2))
    (1e-06, 100.0)
    >>> sticky_log_limits((1e-6, 1e2), (1e-4, 1e3))
    (1e-06, 1000.0)
    >>> sticky_log_limits((1e-8, 1e2), (1e-4, 1e2))
    (0.0001, 100.0)
    """
    low, high = (math.log10(float(v)) for v in wanted)
    if current is None:
        return 10.0 ** low, 10.0 ** high
    old_low, old_high = (math.log10(float(v)) for v in current)
    tol = 1e-9
    if old_low <= low + tol and high <= old_high + tol \
            and low - old_low <= slack + tol and old_high - high <= slack + tol:
        return 10.0 ** old_low, 10.0 ** old_high
    if low - old_low <= slack + tol:
        low = min(low, old_low)
    if old_high - high <= slack + tol:
        high = max(high, old_high)
    return 10.0 ** low, 10.0 ** high


def check_number(name: str, value: Any, low: float, high: float, *,
                 integer: bool = False) -> None:
    """Check an explorer's numeric argument against its slider's range.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
    low, high : float
        The inclusive range (``high`` may be ``math.inf``).
    integer : bool, default False
        Require an integer.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (an integer, if asked); a bool never is.
    ValueError
        If it is outside ``[low, high]`` (or NaN).
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {'an integer' if integer else 'a number'}, "
                        f"got {value!r}")
    if not low <= value <= high:
        allowed = (f"at least {low:g}" if math.isinf(high)
                   else f"between {low:g} and {high:g}")
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


def check_choice(name: str, value: Any, choices: Collection[Any]) -> None:
    """Check that an explorer's argument is one of ``choices``.

    A bool is never a choice: ``True == 1`` would otherwise pass for the number 1.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
    choices : collection
        E.g. a tuple, or a dict whose keys are the choices.

    Raises
    ------
    ValueError
        If ``value`` is not among ``choices``.
    """
    try:
        known = not isinstance(value, bool) and value in choices
    except TypeError:  # unhashable, e.g. a list where a dict's keys are the choices
        known = False
    if not known:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, "
                         f"got {value!r}")


def _encode_png(rgba: np.ndarray) -> bytes:
    """The figure's pixels as a PNG, written here rather than by Pillow: 2x faster.

    An opaque figure (every explorer's: a white background) is stored as RGB with no row
    filter, compressed by zlib at level 1: measured on the explorers' figures, 4-6 ms
    against Pillow's 11-13 ms (RGBA, ``compress_level=1``) on a quiet core, for files as
    small or smaller (43-110 kB); a row filter ("Sub", "Up") or level 2 did not help
    (``benchmarks/README.md``). A figure that is not opaque keeps its alpha channel.
    """
    height, width, _ = rgba.shape
    opaque = bool((rgba[..., 3] == 255).all())
    pixels = rgba[..., :3] if opaque else rgba
    channels = pixels.shape[2]
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 ("None") for every row
    rows[:, 1:] = pixels.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)
    return b"".join([b"\x89PNG\r\n\x1a\n", _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows, 1)), _png_chunk(b"IEND", b"")])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def _label_width(text: str) -> int:
    """Width of ``text`` in Latin letters: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _widen_slider(control: widgets.Widget) -> None:
    """Give a slider room for its label *and* a usable track.

    ipywidgets' sliders are 300 px wide including the label, so a long label such as
    "stop when loss > × its minimum" left a track of 0-40 px, too short to drag
    (measured in JupyterLab 4 in Chromium). About 7 px per label character plus 260 px
    keeps the track at 150-170 px; a Chinese character is about twice as wide as a Latin
    letter, so it counts twice.
    """
    sliders = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider,
               widgets.SelectionSlider)
    if isinstance(control, sliders) and control.layout.width is None:
        control.layout.width = f"{7 * _label_width(control.description) + 260}px"

"""The shared machinery of every explorer: controls, one figure, a text summary.

An explorer only *arranges* things: its subclass declares its controls, asks the tested
engine (:mod:`gdcourse.functions`, :mod:`gdcourse.train`, ...) for the numbers and
draws them with :mod:`gdcourse.plots`. This base class owns what every explorer needs:

* redrawing when a control changes (or, for heavy explorers, when Run is pressed, with
  a "running..." note while it works);
* never crashing: any exception from a combination of values becomes a readable message
  in the figure and in :attr:`Explorer.error`, and NumPy/matplotlib warnings are kept out
  of the notebook;
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
  as PNG. An explorer that changed something static calls :meth:`Explorer.redraw_all`.
"""

from __future__ import annotations

import base64
import html
import io
import time
import warnings
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..plots import message_axes

__all__ = ["Explorer"]

_DISPLAY_ONLY = (widgets.HTML, widgets.HTMLMath, widgets.Label)


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
        draw ``result`` on the figure and return the one-line text summary.

    Set the class attribute ``heavy = True`` for explorers whose computation takes
    longer than a slider move should wait for: they update only when their Run button
    is pressed.

    For speed, register the artists that change from one update to the next with
    :meth:`animate` (typically in ``_make_figure``) and keep everything else (axes
    limits, ticks, legends, contours) fixed; call :meth:`redraw_all` in ``_draw`` when
    something static did change (another landscape, new axis limits). Without
    registered artists every update renders the whole figure.

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

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.last_update_seconds = float("nan")
        self._animated: list[Artist] = []
        self._background = None
        self.controls = self._make_controls()
        with plt.ioff():
            self.fig = self._make_figure()
        # The figure is shown through self.image only; keeping it out of pyplot's
        # registry stops the inline backend from showing it a second time.
        plt.close(self.fig)
        FigureCanvasAgg(self.fig)  # blitting needs Agg's copy_from_bbox/restore_region
        width = int(self.fig.get_figwidth() * self.fig.dpi)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%"))
        self.summary = widgets.HTML(layout=widgets.Layout(margin="0 0 0 8px"))
        self.status = widgets.HTML()
        self.run_button = widgets.Button(
            description="Run", button_style="primary", icon="play",
            tooltip="Compute with the current settings")
        self.run_button.on_click(lambda _: self.update())
        if not self.heavy:
            for control in self._inputs().values():
                control.observe(self._on_change, names="value")
        self.widget = self._layout()
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

    # ----------------------------------------------------------------- behaviour
    def _inputs(self) -> dict[str, widgets.Widget]:
        # Labels and HTML have a `value` too, but they show text; they are not inputs.
        return {name: control for name, control in self.controls.items()
                if isinstance(control, widgets.ValueWidget)
                and not isinstance(control, _DISPLAY_ONLY)}

    def values(self) -> dict[str, Any]:
        """The current value of every input control, by name."""
        return {name: control.value for name, control in self._inputs().items()}

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def animate(self, *artists: Artist) -> None:
        """Register artists that change between updates (drawn over the kept raster)."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def redraw_all(self) -> None:
        """Render the static part again at the next update (it changed)."""
        self._background = None

    def update(self) -> None:
        """Recompute and redraw for the current control values; never raises."""
        start = time.perf_counter()
        if self.heavy:
            self.status.value = "<i>running&hellip;</i>"
            self.run_button.disabled = True
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    result = self._compute(**self.values())
                    text = self._draw(result)
                    self.error = None
                except Exception as error:  # noqa: BLE001 - a slider must never crash
                    self.error = error
                    text = f"Could not compute this setting: {error}"
                    self._show_message(text)
            self.summary.value = html.escape(text)
            self._render()
        finally:
            if self.heavy:
                self.status.value = ""
                self.run_button.disabled = False
        self.last_update_seconds = time.perf_counter() - start

    def _show_message(self, text: str) -> None:
        self.redraw_all()
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
        for artist in self._animated:
            if artist.get_visible() and (artist.axes is None or artist.axes.get_visible()):
                self.fig.draw_artist(artist)
        self.image.value = _encode_png(np.asarray(canvas.buffer_rgba()))

    def _layout(self) -> widgets.VBox:
        controls = widgets.HBox(
            list(self.controls.values()),
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        rows: list[widgets.Widget] = []
        if self.title:
            rows.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
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


def _encode_png(rgba: np.ndarray) -> bytes:
    # compress_level=1: a few ms for a notebook-sized figure, against ~30 ms at the
    # default level, for files about 30% larger.
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()

"""Tests of the explorers' shared base class (gdcourse.widgets.Explorer)."""

import base64
import os
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gdcourse.widgets import Explorer  # noqa: E402


class Line(Explorer):
    """A minimal explorer: y = slope * x, refusing slope 13."""

    title = "line <demo>"

    def __init__(self, slope=1.0):
        self.initial_slope = slope
        self.computations = 0
        super().__init__()

    def _make_controls(self):
        return {"slope": widgets.FloatSlider(value=self.initial_slope, min=-20, max=20),
                "note": widgets.HTML("not a value control")}

    def _make_figure(self):
        fig, ax = plt.subplots(figsize=(4, 3))
        (self.line,) = ax.plot([0, 1], [0, 0])
        return fig

    def _compute(self, slope):
        self.computations += 1
        if slope == 13:
            raise ValueError("unlucky slope")
        warnings.warn("a warning that must not reach the notebook")
        np.log(np.zeros(1))  # a NumPy warning too
        return np.array([0.0, 1.0]) * slope

    def _draw(self, result):
        for ax in self.fig.axes:
            ax.set_visible(True)
        self.line.set_ydata(result)
        return f"slope {self.controls['slope'].value:g} & <b>"


class HeavyLine(Line):
    heavy = True


def test_initial_state_is_drawn_with_a_summary():
    explorer = Line(slope=2.0)
    assert explorer.error is None
    assert explorer.computations == 1
    assert explorer.summary.value == "slope 2 &amp; &lt;b&gt;"  # escaped: text, not markup
    assert explorer.last_update_seconds >= 0


def test_a_control_change_redraws_and_no_warning_escapes():
    explorer = Line()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer.controls["slope"].value = 5.0
    assert explorer.computations == 2
    assert explorer.summary.value.startswith("slope 5")


def test_an_exception_becomes_a_message_not_a_crash():
    explorer = Line()
    explorer.controls["slope"].value = 13.0
    assert isinstance(explorer.error, ValueError)
    assert "Could not compute this setting: unlucky slope" in explorer.summary.value
    texts = [t.get_text() for ax in explorer.fig.axes for t in ax.texts]
    assert any("unlucky slope" in t for t in texts)
    explorer.controls["slope"].value = 3.0  # and it recovers
    assert explorer.error is None and explorer.line.get_visible()


def test_heavy_explorers_wait_for_run():
    explorer = HeavyLine()
    assert explorer.computations == 1
    explorer.controls["slope"].value = 4.0
    assert explorer.computations == 1  # not recomputed on a slider move
    explorer.run_button.click()
    assert explorer.computations == 2
    assert not explorer.run_button.disabled and explorer.status.value == ""
    assert explorer.run_button in explorer.widget.children[-3].children


def test_display_bundle_has_a_static_picture_and_text():
    explorer = Line(slope=-1.0)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == "slope -1 & <b>"


def test_figure_is_not_left_in_pyplot():
    before = set(plt.get_fignums())
    Line()
    assert set(plt.get_fignums()) == before


def test_layout_has_title_controls_output_and_summary():
    explorer = Line()
    children = explorer.widget.children
    assert "line &lt;demo&gt;" in children[0].value
    assert children[1].children == tuple(explorer.controls.values())
    assert children[-2] is explorer.image and children[-1] is explorer.summary


@pytest.mark.parametrize("cls", [Line, HeavyLine])
def test_values_are_the_inputs_only(cls):
    assert set(cls().values()) == {"slope"}


class AnimatedLine(Line):
    """The same explorer, with its line registered as the only changing artist."""

    def _make_figure(self):
        fig = super()._make_figure()
        fig.axes[0].set_ylim(-25, 25)
        self.animate(self.line)
        return fig


def render_fully(explorer):
    """What a full render of the explorer's figure looks like, as an RGBA array."""
    explorer.redraw_all()
    explorer._render()
    return np.asarray(explorer.fig.canvas.buffer_rgba()).copy()


def test_blitted_update_equals_a_full_render():
    from PIL import Image
    import io

    explorer = AnimatedLine(slope=2.0)
    first = np.asarray(Image.open(io.BytesIO(explorer.image.value)))
    for slope in (-7.0, 11.0):
        explorer.controls["slope"].value = slope
        blitted = np.asarray(Image.open(io.BytesIO(explorer.image.value)))
        assert not np.array_equal(blitted, first)  # the line moved on screen
        np.testing.assert_array_equal(blitted, render_fully(explorer))
    assert explorer.line.get_ydata()[1] == 11.0


def test_the_image_is_a_png_of_the_figure_size():
    from PIL import Image
    import io

    explorer = AnimatedLine()
    picture = Image.open(io.BytesIO(explorer.png()))
    assert picture.format == "PNG"
    assert picture.size == (int(explorer.fig.get_figwidth() * explorer.fig.dpi),
                            int(explorer.fig.get_figheight() * explorer.fig.dpi))

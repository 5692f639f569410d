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
    assert any(explorer.run_button in getattr(row, "children", ()) for row in explorer.widget.children)


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
    assert children[-3] is explorer.image and children[-2] is explorer.summary
    assert children[-1].layout.display == "none"  # the front-end guard, hidden (_guard.py)


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
    first = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGBA"))
    for slope in (-7.0, 11.0):
        explorer.controls["slope"].value = slope
        blitted = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGBA"))
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


# ---------------------------------------------------------------- cleared artists
LINE_RGB = (31, 119, 180)  # matplotlib's first colour, "C0": the line's


def shows_the_line(explorer):
    from PIL import Image
    import io

    pixels = np.asarray(Image.open(io.BytesIO(explorer.image.value)))[..., :3]
    return bool((pixels == LINE_RGB).all(axis=-1).any())


def test_an_artist_taken_off_by_a_clear_is_not_drawn():
    explorer = AnimatedLine(slope=2.0)
    assert shows_the_line(explorer)
    explorer.fig.axes[0].clear()  # as a message or a new landscape does
    explorer.redraw_all()
    explorer._render()
    assert explorer.line.axes is None and explorer.line in explorer._animated
    assert not shows_the_line(explorer)
    # Put back, it is drawn again, and moves with the next update.
    explorer.reattach(explorer.fig.axes[0], explorer.line)
    explorer.fig.axes[0].set_ylim(-25, 25)
    explorer.redraw_all()
    explorer.controls["slope"].value = 5.0
    assert explorer.line.axes is explorer.fig.axes[0]
    assert shows_the_line(explorer)
    assert explorer.line.get_ydata()[1] == 5.0


def test_a_replaced_title_is_not_drawn():
    explorer = AnimatedLine()
    old_title = explorer.fig.axes[0].title
    explorer.animate(old_title)
    old_title.set_text("old title")
    explorer.fig.axes[0].clear()  # makes a new title; the old one keeps its axes
    assert old_title.axes is explorer.fig.axes[0]
    drawn = []
    explorer.fig.draw_artist = drawn.append
    explorer.redraw_all()
    explorer._render()
    assert old_title not in drawn


def test_forget_draws_an_artist_with_the_static_part_again():
    explorer = AnimatedLine(slope=2.0)
    explorer.forget(explorer.line)
    assert explorer.line not in explorer._animated and not explorer.line.get_animated()
    assert explorer._background is None  # the static part changed
    explorer.controls["slope"].value = -3.0
    assert shows_the_line(explorer)  # now drawn by the full render


def test_reattach_leaves_an_artist_that_is_still_there():
    explorer = AnimatedLine()
    ax = explorer.fig.axes[0]
    explorer.reattach(ax, explorer.line)
    assert ax.get_lines().count(explorer.line) == 1


# ---------------------------------------------------------------- live controls
class LiveHeavyLine(HeavyLine):
    """Heavy: the slope needs Run; the scale redraws at once from the stored result."""

    live_controls = ("scale",)

    def _make_controls(self):
        controls = super()._make_controls()
        controls["scale"] = widgets.FloatSlider(value=1.0, min=0.0, max=2.0)
        return controls

    def _compute(self, slope, scale):
        return super()._compute(slope)

    def _derive(self, result, *, scale, slope):
        return result * scale


def test_a_live_control_redraws_the_stored_result_without_recomputing():
    explorer = LiveHeavyLine(slope=2.0)
    assert explorer.computations == 1
    explorer.controls["scale"].value = 0.5
    assert explorer.computations == 1
    assert explorer.line.get_ydata()[1] == 1.0  # slope 2 x scale 0.5
    assert explorer.status.value == ""


def test_other_controls_say_the_picture_is_stale_until_run():
    explorer = LiveHeavyLine(slope=2.0)
    explorer.controls["slope"].value = 4.0
    assert explorer.computations == 1
    assert explorer.status.value == "<i>settings changed: press Run to recompute</i>"
    explorer.controls["scale"].value = 2.0  # live: the old slope, still stale
    assert explorer.line.get_ydata()[1] == 4.0 and explorer.computations == 1
    assert "press Run" in explorer.status.value
    explorer.controls["slope"].value = 2.0  # back to what was computed
    assert explorer.status.value == ""
    explorer.controls["slope"].value = 4.0
    explorer.run_button.click()
    assert explorer.computations == 2 and explorer.status.value == ""
    assert explorer.line.get_ydata()[1] == 8.0


def test_a_live_change_after_a_failed_run_computes_again():
    explorer = LiveHeavyLine()
    explorer.controls["slope"].value = 13.0
    explorer.run_button.click()
    assert isinstance(explorer.error, ValueError) and explorer.computations == 2
    explorer.controls["slope"].value = 3.0
    explorer.controls["scale"].value = 2.0  # no stored result: it must compute
    assert explorer.computations == 3 and explorer.error is None
    assert explorer.line.get_ydata()[1] == 6.0
    assert explorer.status.value == ""


def test_the_stale_note_can_be_worded_by_the_explorer():
    class Worded(LiveHeavyLine):
        stale_note = "slope changed: press Run <now>"

    explorer = Worded()
    explorer.controls["slope"].value = 4.0
    assert explorer.status.value == "<i>slope changed: press Run &lt;now&gt;</i>"


def test_live_controls_must_name_inputs():
    class Misnamed(LiveHeavyLine):
        live_controls = ("scale", "note")  # "note" only shows text

    with pytest.raises(ValueError, match="note"):
        Misnamed()


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize("value, kwargs, error, words", [
    (0.5, {}, None, None),
    (3, {"integer": True}, None, None),
    (np.int64(3), {"integer": True}, None, None),
    (2.0, {}, ValueError, "x must be between 0 and 1, got 2.0"),
    (float("nan"), {}, ValueError, "x must be between 0 and 1"),
    ("0.5", {}, TypeError, "x must be a number, got '0.5'"),
    (True, {}, TypeError, "x must be a number"),
    (0.5, {"integer": True}, TypeError, "x must be an integer, got 0.5"),
])
def test_check_number(value, kwargs, error, words):
    from gdcourse.widgets._base import check_number

    if error is None:
        check_number("x", value, 0, 1 if not kwargs else 5, **kwargs)
    else:
        with pytest.raises(error, match=words):
            check_number("x", value, 0, 1, **kwargs)


def test_check_number_without_an_upper_bound():
    from gdcourse.widgets._base import check_number

    check_number("seed", 10**12, 0, float("inf"), integer=True)
    with pytest.raises(ValueError, match="seed must be at least 0, got -1"):
        check_number("seed", -1, 0, float("inf"), integer=True)


@pytest.mark.parametrize("value, ok", [("a", True), (1, True), (True, False),
                                       ("c", False), ([1], False)])
def test_check_choice(value, ok):
    from gdcourse.widgets._base import check_choice

    if ok:
        check_choice("kind", value, {"a": "A", 1: "one"})
    else:
        with pytest.raises(ValueError, match="kind must be one of 'a', 1, got"):
            check_choice("kind", value, {"a": "A", 1: "one"})


def test_hold_sets_several_controls_with_one_update():
    explorer = Line()
    with explorer.hold():
        explorer.controls["slope"].value = 4.0
        explorer.controls["slope"].value = 5.0
    assert explorer.computations == 1  # nothing recomputed inside
    explorer.update()
    assert explorer.computations == 2 and explorer.line.get_ydata()[1] == 5.0
    explorer.controls["slope"].value = 6.0  # after the block, changes update again
    assert explorer.computations == 3


def test_an_explorers_own_reaction_to_a_change_still_runs_under_hold():
    class Reacting(Line):
        def _on_change(self, change):
            self.reactions = getattr(self, "reactions", 0) + 1
            super()._on_change(change)

    explorer = Reacting()
    with explorer.hold():
        explorer.controls["slope"].value = 4.0
        explorer.update()  # deferred too: the block is one change
    assert explorer.reactions == 1 and explorer.computations == 1


def test_clear_axes_keeps_an_animated_title_animated():
    explorer = AnimatedLine()
    ax = explorer.fig.axes[0]
    old_title = ax.title
    explorer.animate(old_title)
    explorer._show_message("a message")  # clears the axes: the title is replaced
    explorer.clear_axes(ax)  # and again, as an explorer putting its panel back
    assert old_title not in explorer._animated and not old_title.get_animated()
    assert ax.title in explorer._animated and ax.title is not old_title
    assert explorer.line in explorer._animated  # lines stay registered, for reattach


def test_set_values_is_one_update_and_names_the_controls():
    explorer = LiveHeavyLine()
    explorer.set_values(slope=3.0, scale=2.0)  # heavy: a Run with these settings
    assert explorer.computations == 2 and explorer.line.get_ydata()[1] == 6.0
    assert explorer.status.value == ""
    with pytest.raises(ValueError, match="no such control: note; the controls are "
                                         "slope, scale"):
        explorer.set_values(note="x")


def test_every_explorer_is_marked_and_its_sliders_have_room_for_label_and_track():
    # Found in JupyterLab: a 300 px slider with a long label had a 0-40 px track.
    import ipywidgets

    from gdcourse.widgets import PlateauExplorer, QuadraticExplorer

    for explorer in (QuadraticExplorer(), PlateauExplorer()):
        assert "gdcourse-explorer" in explorer.widget._dom_classes
        sliders = [c for c in explorer.controls.values()
                   if isinstance(c, (ipywidgets.FloatSlider, ipywidgets.IntSlider,
                                     ipywidgets.FloatLogSlider))]
        assert sliders
        for slider in sliders:
            width = int(slider.layout.width.removesuffix("px"))
            assert width - 7 * len(slider.description) >= 260, slider.description
        assert explorer.image.layout.margin == "0"


class BadRenderLine(Line):
    """Drawing (not computing) fails for slope 7: e.g. a figure too large to rasterise."""

    def _render(self):
        if self.controls["slope"].value == 7 and not self._showing_message:
            raise OverflowError("cannot draw this")
        super()._render()


def test_an_exception_while_drawing_becomes_a_message_not_a_crash():
    explorer = BadRenderLine()
    before = explorer.png()
    explorer.controls["slope"].value = 7.0
    assert isinstance(explorer.error, OverflowError)
    assert "Could not draw this setting: cannot draw this" in explorer.summary.value
    assert explorer.png() != before  # the message was drawn in place of the figure
    explorer.controls["slope"].value = 2.0
    assert explorer.error is None and explorer.summary.value.startswith("slope 2")


@pytest.mark.parametrize("alpha", [255, 128])
def test_png_encoding_is_lossless(alpha):
    from io import BytesIO

    from PIL import Image

    from gdcourse.widgets._base import _encode_png

    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[5, 7, 3] = alpha  # one pixel not opaque: the alpha channel is kept
    png = _encode_png(rgba)
    back = np.asarray(Image.open(BytesIO(png)).convert("RGBA"))
    np.testing.assert_array_equal(back, rgba)
    assert Image.open(BytesIO(png)).mode == ("RGB" if alpha == 255 else "RGBA")


def test_explorer_png_is_the_figure():
    from io import BytesIO

    from PIL import Image

    explorer = Line()
    rgba = np.asarray(explorer.fig.canvas.buffer_rgba())
    shown = np.asarray(Image.open(BytesIO(explorer.png())).convert("RGBA"))
    np.testing.assert_array_equal(shown, rgba)


# ---------------------------------------------------------------- threads and round-off
def test_a_value_sent_back_with_round_off_is_no_new_setting():
    explorer = Line(slope=0.9)
    explorer.controls["slope"].value = 0.9000000000000001  # what a front end sends back
    assert explorer.computations == 1
    explorer.controls["slope"].value = 0.91
    assert explorer.computations == 2


def test_updates_from_two_threads_never_overlap():
    # JupyterLab 4.6 sends widget messages over a kernel subshell, which ipykernel 7
    # handles on a thread of its own, beside the main thread.
    import threading
    import time

    class Slow(Line):
        running = 0
        most = 0

        def _compute(self, slope):
            Slow.running += 1
            Slow.most = max(Slow.most, Slow.running)
            time.sleep(0.02)
            Slow.running -= 1
            return np.array([0.0, 1.0]) * slope

    explorer, other = Slow(), Slow()
    threads = [threading.Thread(target=lambda e=e, v=v: setattr(e.controls["slope"], "value", v))
               for v in (2.0, 3.0, 4.0) for e in (explorer, other)]
    threads.append(threading.Thread(target=explorer.update))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Slow.most == 1
    assert explorer.error is None and other.error is None


def test_every_explorer_carries_the_front_end_guard():
    from gdcourse.widgets._guard import GUARD_ESM

    guard_box = Line().widget.children[-1]
    (guard,) = guard_box.children
    assert guard_box.layout.display == "none"
    assert guard._esm == GUARD_ESM
    assert "data-lm-suppress-shortcuts" in GUARD_ESM and "aria-valuetext" in GUARD_ESM


def test_accessible_names_become_tooltips():
    class Named(Line):
        accessible_names = {"slope": "slope of the line through the origin"}

    assert Named().controls["slope"].tooltip == "slope of the line through the origin"

    class Misnamed(Line):
        accessible_names = {"slop": "a typo"}

    with pytest.raises(ValueError, match="slop"):
        Misnamed()


def test_sticky_log_limits():
    from gdcourse.widgets._base import sticky_log_limits

    assert sticky_log_limits(None, (1e-4, 1e2)) == (1e-4, 1e2)
    assert sticky_log_limits((1e-6, 1e2), (1e-5, 1e2)) == (1e-6, 1e2)     # room kept
    assert sticky_log_limits((1e-4, 1e2), (1e-5, 1e3)) == (1e-5, 1e3)     # data never hidden
    assert sticky_log_limits((1e-9, 1e2), (1e-5, 1e2)) == (1e-5, 1e2)     # not too wide


class SlowLine(Line):
    """Each computation takes a while, as a real explorer's update does."""

    def _compute(self, slope):
        import time
        time.sleep(0.03)
        return super()._compute(slope)


def test_changes_from_the_browser_are_drawn_latest_first_off_the_message_thread():
    """A burst of values from the front end (set_state, as a slider's messages) is not
    drawn value by value: the message thread returns at once, and the newest value is
    drawn once the update under way has finished."""
    import time
    explorer = SlowLine()
    slider = explorer.controls["slope"]
    before = explorer.computations
    start = time.perf_counter()
    for value in range(1, 11):
        slider.set_state({"value": float(value)})
    assert time.perf_counter() - start < 0.2, "the message thread waited for the updates"
    assert explorer._latest.wait_idle(10)
    drawn = explorer.computations - before
    assert 1 <= drawn < 10, f"{drawn} updates for 10 values in a burst"
    np.testing.assert_allclose(explorer.line.get_ydata(), [0, 10])


def test_changes_made_in_python_are_drawn_at_once():
    explorer = SlowLine()
    before = explorer.computations
    for value in (2.0, 3.0, 4.0):
        explorer.controls["slope"].value = value
        np.testing.assert_allclose(explorer.line.get_ydata(), [0, value])
    assert explorer.computations - before == 3
    assert explorer._latest is None

"""The explorers' front-end guard: keys stay in the explorer; controls get accessible names.

ipywidgets cannot do these from Python, so a few lines of JavaScript run in the page,
shipped as an `anywidget <https://anywidget.dev>`_ (its own front-end extension, installed
with the Python package; it works in JupyterLab 4, Jupyter Notebook 7, VS Code and Colab).
One :class:`ExplorerGuard` sits, hidden, inside every explorer's root box (CSS class
``gdcourse-explorer``); its view finds that box and:

* **keeps the keys a control uses away from the notebook's shortcuts.** JupyterLab's
  command-mode shortcuts are single keys ("R" makes the cell Raw, "D D" deletes it,
  arrows move to another cell); typed in a drop-down or on a focused button they ran,
  and the explorer vanished. Lumino's key-binding matcher walks from the event's target
  up its ancestors and gives up at an element with the attribute
  ``data-lm-suppress-shortcuts`` (the target itself first: a focused control matches the
  notebook's ``:focus`` selectors). A listener on ``window`` in the capture phase, which
  runs before JupyterLab's own (on ``document``: in the bubbling phase in JupyterLab,
  in the *capture* phase in Notebook 7, where stopping the event at the control would
  come too late), sets that attribute on the key's target for the keys a control owns (any
  key without Ctrl, Alt or Meta, except Escape, Tab and Shift+Enter) and removes it for
  the others, so that Ctrl+S saves and Ctrl+Enter runs the cell as everywhere else in
  the notebook;
* gives every slider handle an accessible name (the label's tooltip, else the label:
  "learning rate of Adam" rather than "lr") and ``aria-valuetext`` from the read-out, so
  that a log slider announces "1.0e-3", not its exponent "-3";
* takes a disabled slider's handle out of the Tab order (ipywidgets leaves it at
  ``tabindex=0``);
* draws a visible focus ring (2 px, the theme's brand colour) on the focused control;
* keeps the focus of a button that is disabled (a heavy explorer's Run while it
  computes; Step after a divergence) in the explorer: the browser drops the focus of a
  disabled element to the page body, where Tab starts again at the top of the page. The
  focus waits on the explorer's box and goes back to the button when it is enabled.

The attribute ``data-gdcourse-guard`` on the root says that a guard is at work (the
browser tests look for it). Without anywidget the explorers work as before, without
these fixes; ``gdcourse.check_setup`` and ``python3 tasks.py doctor`` say so.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

__all__ = ["ExplorerGuard", "guard_box", "GUARD_ESM", "GUARD_CSS"]

GUARD_VERSION = 1

GUARD_ESM = r"""
const ROOT = ".gdcourse-explorer";
const SUPPRESS = "data-lm-suppress-shortcuts";
const MARK = "data-gdcourse-guard";
const VERSION = "__VERSION__";

// The keys a control inside an explorer owns: typed letters (drop-downs jump to an
// option), arrows, Home/End, Page Up/Down, Space and Enter (buttons). Shortcuts with
// Ctrl, Alt or Meta, Escape, Tab and Shift+Enter still reach the notebook.
function ownsKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) { return false; }
  if (event.key === "Escape" || event.key === "Tab") { return false; }
  if (event.key === "Enter" && event.shiftKey) { return false; }
  return true;
}

// Lumino's matcher looks at the target itself first (a focused control matches the
// notebook's ":focus" selectors), so the attribute goes on the target.
function onKeydown(event) {
  const target = event.target;
  if (target && target.closest && target.closest(ROOT)) {
    target.toggleAttribute(SUPPRESS, ownsKey(event));
  }
}

// One listener per page, on window in the capture phase: it runs before the
// notebook's listener on document in either phase. It calls the newest module's code.
if (!window.__gdcourseGuard) {
  window.addEventListener("keydown", (event) => window.__gdcourseGuard.onKeydown(event),
                          true);
}
window.__gdcourseGuard = { onKeydown, version: VERSION };

function setAttr(el, name, value) {
  if (value === null) {
    if (el.hasAttribute(name)) { el.removeAttribute(name); }
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

function text(el) { return el ? (el.textContent || "").trim() : ""; }

function syncSlider(slider) {
  const label = slider.querySelector(".widget-label");
  const tooltip = label ? label.getAttribute("title") : null;  // ipywidgets writes "null"
  const name = tooltip && tooltip !== "null" ? tooltip : text(label);
  const readout = slider.querySelector(".widget-readout");
  const shown = text(readout);
  const track = slider.querySelector(".noUi-target");
  const disabled = !!track && track.hasAttribute("disabled");
  const handles = [...slider.querySelectorAll(".noUi-handle")];
  // A range slider: two handles, and a read-out "80 – 150".
  const ends = handles.length === 2 ? [" (lower end)", " (upper end)"] : [""];
  const parts = handles.length === 2 ? shown.split(/\s+[–-]\s+/) : [shown];
  handles.forEach((handle, i) => {
    if (name) { setAttr(handle, "aria-label", name + (ends[i] || "")); }
    const value = parts.length === handles.length ? parts[i] : shown;
    if (value) { setAttr(handle, "aria-valuetext", value); }
    setAttr(handle, "tabindex", disabled ? "-1" : "0");
    setAttr(handle, "aria-disabled", disabled ? "true" : null);
  });
  if (readout && name) { setAttr(readout, "aria-label", name + " (type a value)"); }
}

function syncAll(root) {
  for (const slider of root.querySelectorAll(".widget-slider")) { syncSlider(slider); }
}

function guard(root) {
  root.setAttribute(MARK, VERSION);
  let lastFocused = null;
  const onFocusIn = (event) => { if (event.target !== root) { lastFocused = event.target; } };
  root.addEventListener("focusin", onFocusIn);
  let queued = false;
  // A focused button that is disabled (Run, while it computes; Step, after a
  // divergence) would drop the focus to the page body, from where Tab starts again at
  // the top of the page. The focus waits on the explorer's box instead (keys there stay
  // in the explorer too) and goes back to the button when it is enabled again.
  root.setAttribute("tabindex", "-1");
  root.style.outline = "none";
  const lost = () => document.activeElement === null || document.activeElement === document.body
                     || document.activeElement === root;
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const el = record.target;
      if (record.attributeName !== "disabled" || el !== lastFocused) { continue; }
      if (el.disabled && (lost() || document.activeElement === el)) {
        root.focus({ preventScroll: true });
        lastFocused = el;  // focusin on the box must not make us forget the button
      } else if (!el.disabled && lost()) {
        el.focus({ preventScroll: true });
      }
    }
    if (!queued) {
      queued = true;
      queueMicrotask(() => { queued = false; syncAll(root); });
    }
  });
  observer.observe(root, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["aria-valuetext", "aria-valuenow", "disabled", "title", "tabindex",
                      "contenteditable"],
  });
  syncAll(root);
  return () => {
    observer.disconnect();
    root.removeEventListener("focusin", onFocusIn);
    root.removeAttribute(MARK);
    root.removeAttribute("tabindex");
  };
}

function render({ el }) {
  // The view is put into the page after render() returns: look for the explorer's
  // root box until it is there (at most 30 s; a view never shown stops looking).
  let stop = null;
  let tries = 0;
  let timer = null;
  const look = () => {
    const root = el.closest(ROOT);
    if (root) { stop = guard(root); return; }
    if (++tries < 600) { timer = setTimeout(look, tries < 10 ? 0 : 50); }
  };
  look();
  return () => { clearTimeout(timer); if (stop) { stop(); } };
}

export default { render };
""".replace("__VERSION__", str(GUARD_VERSION))


# A visible focus ring on every control of an explorer (the theme's 1 px ring on buttons
# is faint), in the theme's brand colour.
GUARD_CSS = """
.gdcourse-explorer button:focus-visible,
.gdcourse-explorer select:focus-visible,
.gdcourse-explorer input:focus-visible,
.gdcourse-explorer .noUi-handle:focus-visible,
.gdcourse-explorer .widget-readout:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1976d2);
  outline-offset: 1px;
}
"""


def _anywidget() -> Any:
    try:
        import anywidget
    except ImportError:
        return None
    return anywidget


_GUARD_CLASS: Any = None


def ExplorerGuard() -> Any:  # noqa: N802 - a class made on first use (anywidget is optional)
    """A new guard widget, or None when anywidget is not installed."""
    global _GUARD_CLASS
    if _GUARD_CLASS is None:
        anywidget = _anywidget()
        if anywidget is None:
            return None
        _GUARD_CLASS = type("ExplorerGuard", (anywidget.AnyWidget,),
                            {"_esm": GUARD_ESM, "_css": GUARD_CSS, "__module__": __name__,
                             "__doc__": "The hidden front-end guard of one explorer."})
    return _GUARD_CLASS()


def guard_box() -> widgets.Box | None:
    """The guard in a box that is never shown (a failing view would show an error)."""
    guard = ExplorerGuard()
    if guard is None:
        return None
    return widgets.Box([guard], layout=widgets.Layout(display="none"))

"""The language of the course: English (the default) or Simplified Chinese.

``gdcourse.set_language("zh_CN")`` (the setup cell of every notebook in
``notebooks/zh_CN/`` calls it) or the environment variable ``GDCOURSE_LANG=zh_CN``
chooses Chinese. What follows the choice today: the figures get a font with the Chinese
characters of the course (:mod:`gdcourse.fonts`), so that Chinese titles and labels never
show as empty boxes. The package's own messages (exercise checks, explorer labels) are
still English; their translations will hang off :func:`get_language` too.

Standard library only: ``import gdcourse`` stays light. Setting Chinese registers the
font with matplotlib at once if matplotlib is installed (it is a dependency of the
course); with ``GDCOURSE_LANG`` alone, :mod:`gdcourse.plots` registers it when it is
imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "set_language", "get_language", "normalise",
           "uses_chinese", "on_change"]

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN",
            "en": "en", "en_us": "en", "en_gb": "en", "c": "en", "posix": "en"}

_listeners: list[Callable[[str], None]] = []


def normalise(language: str) -> str:
    """'zh-CN', 'zh_CN.UTF-8', 'zh' -> 'zh_CN'; 'en_GB' -> 'en'; ValueError otherwise."""
    key = str(language).split(".")[0].split("@")[0].strip().replace("-", "_").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown language {language!r}; gdcourse speaks "
                     + ", ".join(f"{code!r} ({name})" for code, name in LANGUAGES.items()))


def _from_environment() -> str:
    value = os.environ.get("GDCOURSE_LANG", "").strip()
    if not value:
        return DEFAULT_LANGUAGE
    try:
        return normalise(value)
    except ValueError:
        import warnings
        warnings.warn(f"GDCOURSE_LANG={value!r} is not a language gdcourse knows; using English",
                      stacklevel=2)
        return DEFAULT_LANGUAGE


_language = _from_environment()


def get_language() -> str:
    """The language in use: 'en' or 'zh_CN'."""
    return _language


def uses_chinese() -> bool:
    return _language == "zh_CN"


def on_change(callback: Callable[[str], None]) -> None:
    """Call ``callback(language)`` after every :func:`set_language` (used by gdcourse.plots)."""
    if callback not in _listeners:
        _listeners.append(callback)


def set_language(language: str) -> str:
    """Use ``language`` ('en' or 'zh_CN', also 'zh', 'zh-CN') from now on; returns it."""
    global _language
    _language = normalise(language)
    if _language == "zh_CN":
        try:
            from .fonts import register
        except ImportError:  # no matplotlib: nothing to draw with, nothing to register
            pass
        else:
            register()
    for callback in list(_listeners):
        callback(_language)
    return _language

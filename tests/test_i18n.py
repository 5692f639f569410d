"""gdcourse.set_language / GDCOURSE_LANG: English by default, Simplified Chinese on request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gdcourse
from gdcourse import i18n

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("given, expected", [
    ("zh_CN", "zh_CN"), ("zh-CN", "zh_CN"), ("zh", "zh_CN"), ("zh_CN.UTF-8", "zh_CN"),
    ("zh-Hans", "zh_CN"), ("en", "en"), ("en_GB", "en"), ("C", "en"),
])
def test_language_names_are_normalised(given, expected):
    assert i18n.normalise(given) == expected


def test_an_unknown_language_is_an_error_that_lists_the_known_ones():
    with pytest.raises(ValueError) as info:
        i18n.normalise("xx")
    assert "'zh_CN'" in str(info.value) and "'en'" in str(info.value)


def test_set_language_switches_and_tells_listeners():
    before = gdcourse.get_language()
    heard = []
    i18n.on_change(heard.append)
    try:
        assert gdcourse.set_language("zh-CN") == "zh_CN" == gdcourse.get_language()
        assert i18n.uses_chinese()
        assert gdcourse.set_language("en") == "en" and not i18n.uses_chinese()
        assert heard[-2:] == ["zh_CN", "en"]
    finally:
        i18n._listeners.remove(heard.append)
        i18n.set_language(before)


def _in_fresh_python(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out


def test_english_is_the_default_and_gdcourse_lang_chooses():
    code = "import gdcourse; print(gdcourse.get_language())"
    assert _in_fresh_python(code, GDCOURSE_LANG="").stdout.strip() == "en"
    assert _in_fresh_python(code, GDCOURSE_LANG="zh_CN").stdout.strip() == "zh_CN"
    out = _in_fresh_python(code, GDCOURSE_LANG="klingon")
    assert out.stdout.strip() == "en" and "GDCOURSE_LANG" in out.stderr


def test_language_choice_keeps_import_gdcourse_light():
    code = ("import sys, gdcourse; gdcourse.get_language(); "
            "print('matplotlib' in sys.modules)")
    assert _in_fresh_python(code, GDCOURSE_LANG="zh_CN").stdout.strip() == "False"


def test_set_language_chinese_registers_the_figure_font():
    code = ("import gdcourse, matplotlib; gdcourse.set_language('zh_CN'); "
            "from gdcourse import fonts; print(fonts.registered(), "
            "fonts.FAMILY in matplotlib.rcParams['font.family'])")
    out = _in_fresh_python(code, GDCOURSE_LANG="", MPLBACKEND="Agg")
    assert out.stdout.split() == ["True", "True"]

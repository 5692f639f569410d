"""The website's build (website/): its settings, launch links, and how pages are composed.

Fast and without Sphinx or a kernel; the built site itself is tested in a browser by
tests/site/ (python3 tasks.py site --test).
"""

import base64
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEBSITE = ROOT / "website"

if sys.version_info < (3, 11):
    pytest.importorskip("tomli", reason="reading website/config.toml needs tomli on 3.10")


def load(name):
    sys.path.insert(0, str(WEBSITE))
    spec = importlib.util.spec_from_file_location(f"gdcourse_website_{name}",
                                                  WEBSITE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


site = load("build")
import siteconfig  # noqa: E402 - website/, on the path now (build.py imports it too)
course_build = site.course_build()
SOURCES = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))


def source(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


# --------------------------------------------------------------------------- settings
def test_the_configuration_names_repository_hub_and_editions():
    config = siteconfig.load_config()
    assert config.repository_url.startswith("https://")
    assert config.repository_name == "gdcourse"
    first = config.editions[0]
    assert first.path == "" and (ROOT / first.sources).is_dir()
    assert (ROOT / first.notebooks / "00_welcome.ipynb").is_file()
    assert (ROOT / first.guide).is_file()


def test_launch_links_follow_the_readme_and_the_instructors_guide():
    config = siteconfig.load_config()
    binder = config.binder_url("notebooks/00_welcome.ipynb")
    assert binder == ("https://mybinder.org/v2/gh/gdcourse/gdcourse/main"
                      "?urlpath=lab/tree/notebooks/00_welcome.ipynb")
    hub = config.jupyterhub_link("notebooks/00_welcome.ipynb", hub="https://hub.example.edu/")
    # notebooks/README.md: https://<hub>/hub/user-redirect/git-pull?repo=<url>&urlpath=
    # lab/tree/<repo-dir>/notebooks/00_welcome.ipynb&branch=main, <url> URL-encoded.
    assert hub == ("https://hub.example.edu/hub/user-redirect/git-pull"
                   "?repo=https%3A%2F%2Fgithub.com%2Fgdcourse%2Fgdcourse"
                   "&urlpath=lab/tree/gdcourse/notebooks/00_welcome.ipynb&branch=main")
    assert config.jupyterhub_link("notebooks/00_welcome.ipynb", hub="") == ""


def _tasks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gdcourse_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_errors_are_plain(tmp_path):
    site = (WEBSITE / "config.toml").read_text(encoding="utf-8")
    course = (ROOT / "course" / "course.toml").read_text(encoding="utf-8")
    cases = [
        (site.replace('path = ""', 'path = "en"', 1), course, "site's root"),
        (site, course.replace('repository = "https://github.com/gdcourse/gdcourse"',
                              'repository = "github.com/gdcourse"'), "not an http"),
        (site, course.replace('jupyterhub_url = ""', 'jupyterhub_url = "hub.example.edu"'),
         "not an http"),
    ]
    for number, (site_text, course_text, message) in enumerate(cases):
        site_file, course_file = tmp_path / f"config{number}.toml", tmp_path / f"c{number}.toml"
        site_file.write_text(site_text, encoding="utf-8")
        course_file.write_text(course_text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            siteconfig.load_config(site_file, course_file)


def test_repository_and_launch_addresses_have_one_place():
    # The website reads them from course/course.toml, as tasks.py pull-link does.
    site = (WEBSITE / "config.toml").read_text(encoding="utf-8")
    assert "github.com" not in site and "mybinder" not in site
    config = siteconfig.load_config()
    tasks_config = _tasks().read_course_config()
    assert config.repository_url == tasks_config["repository"]
    assert config.branch == tasks_config["branch"]


def test_the_chinese_edition_is_configured():
    config = siteconfig.load_config()
    assert [e.language for e in config.editions] == ["en", "zh_CN"]
    zh = config.edition("zh_CN")
    assert zh.path == "zh_CN" and zh.folder == "zh_CN"
    assert (ROOT / zh.notebooks / "00_welcome.ipynb").is_file()
    assert (ROOT / zh.readme).is_file() and (ROOT / zh.guide).is_file()
    assert siteconfig.edition_title(config, zh) == zh.title != config.title
    assert siteconfig.edition_title(config, config.editions[0]) == config.title
    # Launch links of a Chinese page open the Chinese notebook.
    assert "notebooks/zh_CN/03_learning_rate.ipynb" in config.binder_url(
        f"{zh.notebooks}/03_learning_rate.ipynb")


def test_a_third_edition_fits(tmp_path):
    text_ = (WEBSITE / "config.toml").read_text(encoding="utf-8") + (
        '\n[[editions]]\nlanguage = "fr"\nname = "Français"\npath = "fr"\n'
        'sources = "course"\nnotebooks = "notebooks/fr"\n'
        'guide = "notebooks/README.md"\n')
    config_file = tmp_path / "config.toml"
    config_file.write_text(text_, encoding="utf-8")
    config = siteconfig.load_config(config_file)
    assert [e.language for e in config.editions] == ["en", "zh_CN", "fr"]
    fr = config.edition("fr")
    assert fr.path == "fr" and fr.readme == "README.md" and fr.title == ""
    with pytest.raises(KeyError):
        config.edition("de")
    twice = text_.replace('language = "fr"', 'language = "zh_CN"')
    config_file.write_text(twice, encoding="utf-8")
    with pytest.raises(ValueError, match="same language"):
        siteconfig.load_config(config_file)


def _fields(value: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


def test_every_language_has_every_site_text_with_the_same_fields():
    english = siteconfig.load_texts("en")
    for edition in siteconfig.load_config().editions:
        texts = siteconfig.load_texts(edition.language)
        assert set(texts) == set(english)
        for key, value in texts.items():  # ("" in English: a text only translations show)
            assert not english[key] or _fields(value) == _fields(english[key]), (edition.language, key)
    zh = siteconfig.load_texts("zh_CN")
    assert all(zh[key] != english[key] for key in english if english[key]), \
        "a Chinese text is still the English one"


def test_an_unknown_site_text_is_an_error(tmp_path):
    path = tmp_path / "texts.toml"
    path.write_text('[en]\na = "A"\n[zh_CN]\na = "甲"\nb = "乙"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="b"):
        siteconfig.load_texts("zh_CN", path)
    assert siteconfig.load_texts("fr", path) == {"a": "A"}


def test_anchors_are_jupyterlabs():
    assert siteconfig.jupyterlab_slug("Notation used throughout the course") == \
        "Notation-used-throughout-the-course"
    assert siteconfig.jupyterlab_slug("3. Choosing the rate") == "3.-Choosing-the-rate"


# --------------------------------------------------------------------------- composing
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_a_page_shows_the_student_version_and_hides_each_solution(path):
    nb = site.compose(source(path), path.name)
    student, solved = course_build.build(source(path), path.name)
    shown = [c for c in nb["cells"] if not {"remove-cell", "hide-cell"} &
             set(c["metadata"].get("tags", []))]
    # What is shown, in order, is exactly the student version.
    assert [(c["cell_type"], text(c)) for c in shown] == \
        [(c["cell_type"], text(c)) for c in student["cells"]]
    solutions = [c for c in nb["cells"] if "gdcourse-solution" in c["metadata"].get("tags", [])]
    exercises = sum("# BEGIN SOLUTION" in text(c) for c in source(path)["cells"])
    assert len(solutions) == exercises
    by_id = {c["id"]: c for c in source(path)["cells"]}
    solved_code = [text(c) for c in solved["cells"] if c["cell_type"] == "code"]
    for cell in solutions:
        assert cell["metadata"]["tags"][0] == "hide-cell"
        assert cell["metadata"]["mystnb"]["code_prompt_show"] == "Show solution"
        assert "raise NotImplementedError" not in text(cell)
        assert "check_" in text(cell), "a solution shows what its check answers"
        exercise = by_id[cell["id"].removesuffix("-solution")]
        _, solution = course_build.split_solution(course_build.source_lines(exercise), "")
        solution = "\n".join(solution).strip()
        assert solution in solved_code, "the solved notebook has this very cell"
        assert text(cell).startswith(solution)
    # The solved notebook's own checks run too, unseen.
    removed = [c for c in nb["cells"] if "remove-cell" in c["metadata"].get("tags", [])]
    tagged = [c for c in source(path)["cells"]
              if "solution" in c.get("metadata", {}).get("tags", [])]
    assert [text(c) for c in removed] == [text(c) for c in tagged]
    assert len({c["id"] for c in nb["cells"]}) == len(nb["cells"])


def test_explorer_outputs_become_their_picture_with_a_live_note():
    config = siteconfig.load_config()
    png = base64.b64encode(b"\x89PNG fake").decode()
    nb = {"metadata": {"widgets": {"state": {}}}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": "QuadraticExplorer()", "outputs": [
            {"output_type": "execute_result", "metadata": {}, "execution_count": 1, "data": {
                "application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "image/png": png, "text/plain": "SGD: loss 1e-3 after 5 steps"}}]},
        {"cell_type": "code", "metadata": {}, "source": "1", "outputs": [
            {"output_type": "execute_result", "metadata": {}, "execution_count": 2,
             "data": {"text/plain": "1"}}]},
    ]}
    assert site.finish_outputs(nb, config, "notebooks/03_learning_rate.ipynb") == 1
    assert "widgets" not in nb["metadata"]
    explorer, other = nb["cells"]
    image, note = explorer["outputs"]
    assert set(image["data"]) == {"image/png", "text/plain"}
    assert "gdcourse-explorer" in explorer["metadata"]["tags"]
    assert explorer["metadata"]["mystnb"]["image"]["alt"] == "SGD: loss 1e-3 after 5 steps"
    html = note["data"]["text/html"]
    assert "Live in JupyterLab" in html and "SGD: loss 1e-3 after 5 steps" in html
    assert config.binder_url("notebooks/03_learning_rate.ipynb").replace("&", "&amp;") in html
    assert other["outputs"][0]["data"] == {"text/plain": "1"}


# --------------------------------------------------------------------------- pages
def test_home_page_has_chapters_commands_and_ways_to_run_it_live():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    chapters = site.chapter_table(readme)
    assert [stem for stem, _, _ in chapters] == [p.stem for p in SOURCES]
    commands = site.readme_commands(readme)
    assert "python3 tasks.py lab" in commands and "python3 tasks.py test" in commands
    config = siteconfig.load_config()
    titles = {stem: f"title {stem}" for stem, _, _ in chapters}
    page = site.home_page(config, config.editions[0], chapters, titles, readme)
    for stem, _, _ in chapters:
        assert f"[title {stem}]({stem}.ipynb)" in page
    assert commands in page
    assert config.binder_url("notebooks/00_welcome.ipynb") in page
    assert "https://<hub>/hub/user-redirect/git-pull" in page  # no hub set: the template
    assert f'href="{site.ZIP_NAME}"' in page
    assert "{{" not in page


def test_the_notation_sheet_is_chapter_0s_table():
    path = SOURCES[0]
    page = site.notation_page(source(path), path.stem)
    assert page.startswith("# Notation sheet")
    assert "| $\\theta$, $\\theta_0$, $\\theta^*$ |" in page
    assert "](#" not in page  # links within chapter 0 point to chapter 0


def test_the_zip_is_the_same_for_the_same_site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    (folder / "_static").mkdir(parents=True)
    (folder / "index.html").write_text("<p>hi</p>")
    (folder / "_static" / "a.css").write_text("p {}")
    monkeypatch.setattr(site, "SITE", folder)
    monkeypatch.setattr(site, "BUILD", tmp_path)
    first = site.make_zip().read_bytes()
    (folder / "index.html").touch()
    second = site.make_zip().read_bytes()
    assert first == second
    names = zipfile.ZipFile(folder / site.ZIP_NAME).namelist()
    assert names == ["gdcourse-site/_static/a.css", "gdcourse-site/index.html"]


def test_printed_text_split_across_messages_is_joined_in_place():
    stream = lambda text, name="stdout": {"output_type": "stream", "name": name, "text": text}
    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "x"}}
    joined = site.join_streams([stream("a line"), stream(["\n", "next\n"]), figure,
                                stream("after\n"), stream("oops\n", "stderr")])
    assert joined == [stream("a line\nnext\n"), figure, stream("after\n"),
                      stream("oops\n", "stderr")]


# --------------------------------------------------------------------------- the Chinese edition
def _zh():
    config = siteconfig.load_config()
    edition = config.edition("zh_CN")
    strings, _ = course_build.i18n.build_strings("zh_CN")
    return config, edition, strings, siteconfig.load_texts("zh_CN")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_a_chinese_page_is_the_chinese_notebook_with_the_solutions_hidden(path):
    _, _, strings, texts = _zh()
    translated, fallbacks = course_build.translated_source("zh_CN", path.name, source(path),
                                                           strings)
    nb = site.compose(translated, path.name, None, "zh_CN", strings, texts)
    student, _ = course_build.build(translated, path.name, None, "zh_CN", strings)
    shown = [c for c in nb["cells"] if not {"remove-cell", "hide-cell"} &
             set(c["metadata"].get("tags", []))]
    # What is shown is exactly notebooks/zh_CN/'s student version (setup cell, stubs).
    assert [(c["cell_type"], text(c)) for c in shown] == \
        [(c["cell_type"], text(c)) for c in student["cells"]]
    assert 'gdcourse.set_language("zh_CN")' in text(nb["cells"][1])
    for cell in nb["cells"]:
        if "gdcourse-solution" in cell["metadata"].get("tags", []):
            assert cell["metadata"]["mystnb"]["code_prompt_show"] == texts["show_solution"]
    # A chapter with cells still in English says how many, on its first cell.
    first = text(nb["cells"][0])
    note = strings["incomplete"].format(n=len(fallbacks))
    assert (note in first) == bool(fallbacks)


def test_the_chinese_home_page_has_its_readmes_commands_and_chinese_launch_links():
    config, edition, _, texts = _zh()
    readme = (ROOT / edition.readme).read_text(encoding="utf-8")
    chapters = site.chapter_table((ROOT / "README.md").read_text(encoding="utf-8"))
    titles = {stem: f"title {stem}" for stem, _, _ in chapters}
    page = site.home_page(config, edition, chapters, titles, readme, texts, "the map", "")
    commands = site.readme_commands(readme)
    assert "--lang zh_CN" in commands and commands in page
    assert page.startswith(f"# {edition.title}\n")
    assert config.binder_url("notebooks/zh_CN/00_welcome.ipynb") in page
    assert "lab/tree/gdcourse/notebooks/zh_CN/00_welcome.ipynb" in page  # the hub template
    assert f'href="../{site.ZIP_NAME}"' in page  # the zip is the whole site's, at its root
    assert f":caption: {texts['chapters_caption']}" in page and "the map" in page
    assert "{{" not in page and "\n\n\n" not in page
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in page) > 200


def test_an_explorer_on_a_chinese_page_launches_the_chinese_notebook():
    config, edition, _, texts = _zh()
    notebook = f"{edition.notebooks}/03_learning_rate.ipynb"
    note = site.explorer_note("SGD", config, notebook, texts)
    assert config.binder_url(notebook).replace("&", "&amp;") in note
    assert texts["open_on_binder"] in note and "{" not in note


def test_the_notation_sheet_in_chinese_keeps_chapter_0s_table():
    _, _, strings, texts = _zh()
    path = SOURCES[0]
    translated, _ = course_build.translated_source("zh_CN", path.name, source(path), strings)
    page = site.notation_page(translated, path.stem, texts, source(path))
    assert page.startswith(f"# {texts['notation_title']}\n")
    assert "$\\theta$" in page and "](#" not in page


def test_the_glossarys_terms_are_words_for_the_chinese_search():
    glossary = site.glossary_source(siteconfig.load_config().edition("zh_CN"))
    words = site.search_words(glossary.read_text(encoding="utf-8"))
    assert {"学习率", "动量"} <= set(words)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in w) for w in words)
    assert len(words) == len(set(words))


def _conf(monkeypatch, language):
    pytest.importorskip("docutils", reason="website/conf.py needs the site extra")
    monkeypatch.setenv("GDCOURSE_SITE_EDITION", language)
    return load("conf")


@pytest.mark.parametrize("language, pagename, expected", [
    ("en", "index", "zh_CN/index.html"),
    ("en", "03_learning_rate", "zh_CN/03_learning_rate.html"),
    ("en", "search", "zh_CN/search.html"),
    ("zh_CN", "03_learning_rate", "../03_learning_rate.html"),
    ("zh_CN", "notation", "../notation.html"),
    ("zh_CN", "glossary", "../index.html"),  # the English edition has no glossary page
])
def test_the_language_switch_leads_to_the_same_page(monkeypatch, language, pagename,
                                                     expected):
    from types import SimpleNamespace

    conf = _conf(monkeypatch, language)
    other = "zh_CN" if language == "en" else "en"
    pages = {"index", "notation", "instructors", "search", "genindex", "03_learning_rate"}
    app = SimpleNamespace(gdcourse_pages={other: pages},
                          builder=SimpleNamespace(out_suffix=".html"))
    context = {}
    conf.language_links(app, pagename, "page.html", context, None)
    [link] = context["gdcourse_language_links"]
    assert link["href"] == expected
    assert link["lang"] == other.replace("_", "-")
    assert f'hreflang="{link["lang"]}"' in context["metatags"]
    assert link["title"] == siteconfig.load_texts(other)["switch_title"]
    assert conf.language == language and conf.html_title == conf.project


def test_maths_and_code_inside_an_html_answer_become_html():
    text = ("Try next.\n  <details><summary>Answer</summary>below $2/\\lambda_{\\max} = 0.02$"
            " with `30: Quadratic(condition_number=30)`, $a<b$.</details>\n\nOutside $x$.")
    out = site.html_block_markup(text)
    assert '<span class="math notranslate nohighlight">\\(2/\\lambda_{\\max} = 0.02\\)</span>' in out
    assert '<span class="math notranslate nohighlight">\\(a&lt;b\\)</span>' in out
    assert '<code class="docutils literal notranslate">30: Quadratic(condition_number=30)</code>' in out
    assert out.endswith("Outside $x$.")  # Markdown outside the block is Sphinx's to render
    # After a blank line inside <details>, Markdown again: MyST renders its maths itself.
    text = "<details><summary>Answer</summary>\n\n$\\eta = 0.5$, `x`\n</details>"
    assert site.html_block_markup(text) == text
    # The block ends with its </details>, or with the next item of a list; a tag after
    # text in a line is inline HTML in Markdown (MyST renders $u$ there).
    text = ("* a\n  <details><summary>A</summary>$x$\n  and $y$</details>\n* then $z$\n"
            "* b <details><summary>B</summary>$u$\n* next $v$")
    out = site.html_block_markup(text)
    assert out.count('class="math') == 2 and "$u$" in out and "then $z$" in out and "next $v$" in out
    assert site.html_block_markup("no answer, $x$") == "no answer, $x$"


def test_an_english_anchor_with_an_apostrophe_is_found(monkeypatch):
    # course/build.py writes <a id="Exercise-2-—-Xavier's-uniform-bound"></a> after a
    # translated heading; a pattern that stopped at the ' left a link without href in the
    # page's table of contents, which broke the theme's scroll-spy (a script error).
    conf = _conf(monkeypatch, "zh_CN")
    tag = '<a id="Exercise-2-—-Xavier\'s-uniform-bound"></a>'
    assert conf.ANCHOR_TAG.findall(tag) == ["Exercise-2-—-Xavier's-uniform-bound"]
    assert site.ANCHOR_TAG.sub("", "练习 2 " + tag) == "练习 2 "

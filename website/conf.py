"""Sphinx configuration of the course website (website/README.md).

website/build.py runs Sphinx with this folder as the configuration folder and the pages it
wrote (build/site-src/<edition>/) as the sources; GDCOURSE_SITE_EDITION names the edition.
The settings a course runner changes (repository, Binder, JupyterHub, editions) are in
config.toml, not here.
"""

import functools
import html
import logging
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docutils import nodes  # noqa: E402
from docutils.transforms import Transform  # noqa: E402

from siteconfig import edition_title, load_config, load_texts  # noqa: E402

SITE = load_config()
EDITION = SITE.edition(os.environ.get("GDCOURSE_SITE_EDITION") or None)
OTHERS = [e for e in SITE.editions if e is not EDITION]
# How deep this edition's root is below the site's root ("" or e.g. "zh_CN"): MathJax is
# shared, in the site's root.
DEPTH = len([p for p in EDITION.path.split("/") if p])

project = edition_title(SITE, EDITION)
author = SITE.author
copyright = "the gdcourse authors; text and notebooks CC BY 4.0, code MIT"
language = EDITION.language  # Sphinx's codes: "en", "zh_CN", ... (also its search's)
root_doc = "index"
exclude_patterns = ["explorers.json", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

extensions = ["myst_nb", "sphinx_copybutton"]

# ----------------------------------------------------------------- notebooks (myst-nb)
nb_execution_mode = "off"  # build.py has run the chapters already
nb_ipywidgets_js = {}      # never the CDN scripts of the widget manager (there is no state)
nb_output_stderr = "show"
nb_merge_streams = False  # build.py joins them, in place
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph or list item, as JupyterLab does
# Anchors as JupyterLab makes them, so that the notebooks' links (e.g.
# 00_welcome.ipynb#Notation-used-throughout-the-course) resolve on the site too.
myst_heading_anchors = 6
myst_heading_slug_func = "siteconfig.jupyterlab_slug"

# ----------------------------------------------------------------- maths, offline
# MathJax 3 from a local copy (build.py puts it in the site's root/_mathjax). It is not in
# _static: the path is resolved against _static, hence the "..".
mathjax_path = "../" * (DEPTH + 1) + "_mathjax/tex-mml-chtml.js"

# ----------------------------------------------------------------- HTML
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["gdcourse.css"]
html_js_files = ["gdcourse.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None  # no dates: the same sources give the same site
html_theme_options = {
    "repository_url": SITE.repository_url,
    "repository_branch": SITE.branch,
    "path_to_docs": EDITION.notebooks,
    "use_repository_button": True,
    "use_download_button": False,  # the page's source holds the solutions
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "launch_buttons": {
        "binderhub_url": SITE.binderhub_url,
        "jupyterhub_url": SITE.jupyterhub_url,
        "notebook_interface": "jupyterlab",
    },
    "navigation_with_keys": False,
    "navbar_persistent": [],  # the search box is in the sidebar; no empty bar above the page
    "article_header_start": ["toggle-primary-sidebar.html"],
    # The language switch (_templates/), then the theme's buttons.
    "article_header_end": ["gdcourse-language.html", "article-header-buttons.html"],
}
html_context = {
    "default_mode": "auto",  # light or dark as the reader's system says; the button switches
    "gdcourse_editions": [
        {"language": e.language, "name": e.name, "path": e.path} for e in SITE.editions],
    "gdcourse_edition": EDITION.language,
}


# ----------------------------------------------------------------- the language switch
@functools.lru_cache(maxsize=None)
def _texts(language: str) -> dict:
    return load_texts(language)


def _bcp47(language: str) -> str:
    return language.replace("_", "-")  # "zh_CN" -> "zh-CN", as in <html lang>


def _pages(srcdir: Path, edition) -> set[str]:
    """The pages of an edition, from its sources (build.py writes every edition's first)."""
    folder = srcdir.parent / edition.folder
    return {p.relative_to(folder).with_suffix("").as_posix()
            for p in folder.rglob("*") if p.suffix in (".md", ".ipynb")} | {"search", "genindex"}


def language_links(app, pagename, templatename, context, doctree):
    """For the header of every page: a link to the same page in each other edition.

    The link is relative, so it works from the files of the zip too (file://). A page that
    the other edition has not (the Chinese glossary) leads to its home page.
    """
    depth = pagename.count("/") + len([p for p in EDITION.path.split("/") if p])
    links = []
    for other in OTHERS:
        target = pagename if pagename in app.gdcourse_pages[other.language] else "index"
        prefix = "../" * depth + (other.path.strip("/") + "/" if other.path else "")
        href = prefix + target + app.builder.out_suffix
        lang = _bcp47(other.language)
        links.append({"href": href, "name": other.name, "lang": lang,
                      "title": _texts(other.language)["switch_title"]})
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" hreflang="{lang}" href="{html.escape(href)}">')
    context["gdcourse_language_links"] = links


# ----------------------------------------------------------------- search in Chinese
# Sphinx's Chinese search cuts the text into words with jieba; without jieba it indexes no
# Chinese word at all. build.py writes the glossary's terms (学习率, 小批量, ...) into the
# edition's sources as jieba's own dictionary, so that they are indexed as one word each.
# A reader types a query without spaces (学习率调度): the splitter below cuts it into the
# longest words the index has, from the left (学习率 + 调度), where Sphinx's own splitter
# would look for the whole string as one word.
ZH_QUERY_SPLITTER = r"""
var splitQuery = (query) => {
  const words = query
      .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
      .filter(term => term);
  const index = (typeof Search !== "undefined") ? Search._index : null;
  if (!index) return words;
  const known = (w) => Object.prototype.hasOwnProperty.call(index.terms, w)
      || Object.prototype.hasOwnProperty.call(index.titleterms, w);
  const out = [];
  for (const word of words) {
    for (const run of word.match(/\p{Script=Han}+|\P{Script=Han}+/gu)) {
      if (!/\p{Script=Han}/u.test(run) || known(run)) { out.push(run); continue; }
      let i = 0;  // longest known words from the left; a character that starts none is skipped
      while (i < run.length) {
        let j = run.length;
        while (j > i + 1 && !known(run.slice(i, j))) j--;
        if (j > i + 1) { out.push(run.slice(i, j)); i = j; } else i++;
      }
    }
  }
  return out.length ? out : words;
};
"""


def chinese_search(app, config):
    if not config.language.startswith("zh"):
        return
    from sphinx.search import zh

    if not zh.JIEBA:
        from sphinx.errors import ConfigError
        raise ConfigError("the Chinese edition's search needs jieba, which is missing: "
                          "install the site extra (python3 tasks.py site does)")
    import jieba

    jieba.setLogLevel(logging.WARNING)  # not its "Building prefix dict ..." lines

    class CourseSearchChinese(zh.SearchChinese):
        js_splitter_code = ZH_QUERY_SPLITTER

    app.add_search_language(CourseSearchChinese)
    words = Path(app.srcdir) / "_search_words.txt"  # build.py's SEARCH_WORDS
    if words.is_file():
        config.html_search_options = {**config.html_search_options, "dict": str(words)}


def find_pages(app, config):
    app.gdcourse_pages = {e.language: _pages(Path(app.srcdir), e) for e in OTHERS}


def add_jupyterlab_ids(app, doctree):
    """Give every section its JupyterLab anchor as an id too (besides Sphinx's own).

    MyST turns the notebooks' links into links to Sphinx's ids; this makes a JupyterLab
    anchor typed by hand (page.html#Notation-used-throughout-the-course) work as well.
    """
    for section in doctree.findall(nodes.section):
        slug = section.get("slug")
        if slug and slug not in section["ids"]:
            section["ids"].append(slug)


# A translated heading carries its English anchor as raw HTML, <a id="..."></a>
# (course/build.py's with_anchor_ids: JupyterLab finds no heading by a Chinese #fragment),
# so that links such as 00_welcome.ipynb#Notation-used-throughout-the-course work in both
# editions. On the site the tag becomes an id of its section and a heading slug that
# myst-parser resolves such links with; it is no part of the heading's text.
ANCHOR_TAG = re.compile(r'<a\s+id="([^"]+)"\s*>')  # ids may hold ' (Xavier's)


class EnglishAnchors(Transform):
    default_priority = 870  # before myst-parser's ResolveAnchorIds (879) reads the slugs

    def apply(self, **kwargs):
        slugs = getattr(self.document, "myst_slugs", None)
        if slugs is None:
            slugs = self.document.myst_slugs = {}
        env = self.document.settings.env
        for section in self.document.findall(nodes.section):
            title = section[0] if section.children else None
            if not isinstance(title, nodes.title):
                continue
            raws = [n for n in title.findall(nodes.raw) if n.get("format") == "html"]
            if not raws:
                continue
            found = ANCHOR_TAG.findall("".join(n.astext() for n in raws))
            if not found:
                continue
            for node in raws:
                if not re.sub(r"</a\s*>", "", ANCHOR_TAG.sub("", node.astext())).strip():
                    node.parent.remove(node)
            for anchor in found:
                if anchor not in section["ids"]:
                    section["ids"].append(anchor)
                    self.document.ids.setdefault(anchor, section)
                slugs.setdefault(anchor, (section.line, anchor, title.astext().strip()))
        if env is not None and slugs:
            env.metadata[env.docname]["myst_slugs"] = slugs


def setup(app):
    app.add_transform(EnglishAnchors)
    app.connect("config-inited", chinese_search)
    app.connect("config-inited", find_pages)
    app.connect("doctree-read", add_jupyterlab_ids)
    app.connect("html-page-context", language_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx configuration of the course website (website/README.md).

website/build.py runs Sphinx with this folder as the configuration folder and the pages it
wrote (build/site-src/<edition>/) as the sources; GDCOURSE_SITE_EDITION names the edition.
The settings a course runner changes (repository, Binder, JupyterHub, editions) are in
config.toml, not here.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from docutils import nodes  # noqa: E402

from siteconfig import load_config  # noqa: E402

SITE = load_config()
EDITION = SITE.edition(os.environ.get("GDCOURSE_SITE_EDITION") or None)
# How deep this edition's root is below the site's root ("" or e.g. "zh_CN"): MathJax is
# shared, in the site's root.
DEPTH = len([p for p in EDITION.path.split("/") if p])

project = SITE.title
author = SITE.author
copyright = "the gdcourse authors; text and notebooks CC BY 4.0, code MIT"
language = EDITION.language  # Sphinx's codes: "en", "zh_CN", ... (also its search's)
root_doc = "index"
exclude_patterns = ["explorers.json", "**.ipynb_checkpoints"]

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
html_title = SITE.title
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
}
html_context = {
    "default_mode": "auto",  # light or dark as the reader's system says; the button switches
    "gdcourse_editions": [
        {"language": e.language, "name": e.name, "path": e.path} for e in SITE.editions],
    "gdcourse_edition": EDITION.language,
}


def add_jupyterlab_ids(app, doctree):
    """Give every section its JupyterLab anchor as an id too (besides Sphinx's own).

    MyST turns the notebooks' links into links to Sphinx's ids; this makes a JupyterLab
    anchor typed by hand (page.html#Notation-used-throughout-the-course) work as well.
    """
    for section in doctree.findall(nodes.section):
        slug = section.get("slug")
        if slug and slug not in section["ids"]:
            section["ids"].append(slug)


def setup(app):
    app.connect("doctree-read", add_jupyterlab_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

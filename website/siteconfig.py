"""The website's settings (config.toml) and what follows from them: launch links, anchors.

Standard library only, so that the build script, the Sphinx configuration (conf.py) and
the tests share one reading of ``website/config.toml``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the `site` extra installs tomli
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = HERE / "config.toml"
TEXTS = HERE / "pages" / "texts.toml"  # the site's own words, per language
COURSE = ROOT / "course" / "course.toml"  # where the course lives: repository, launch links


@dataclass(frozen=True)
class Edition:
    """One language of the course: its sources, its notebooks, its place in the site."""

    language: str
    name: str
    path: str  # "" for the site's root
    sources: str
    notebooks: str
    guide: str
    title: str = ""  # the course's title in this language ("" = the site's title)
    readme: str = "README.md"  # the README whose commands the home page shows

    @property
    def folder(self) -> str:
        """This edition's folder of page sources, build/site-src/<folder>/."""
        return self.path or self.language


@dataclass(frozen=True)
class SiteConfig:
    title: str
    author: str
    repository_url: str
    branch: str
    binderhub_url: str
    jupyterhub_url: str
    editions: tuple[Edition, ...]

    @property
    def repository_name(self) -> str:
        """The folder a clone gets (nbgitpuller clones into it), e.g. "gdcourse"."""
        name = PurePosixPath(urlsplit(self.repository_url).path).name
        return name[:-4] if name.endswith(".git") else name

    def edition(self, language: str | None = None) -> Edition:
        if language is None:
            return self.editions[0]
        for edition in self.editions:
            if edition.language == language:
                return edition
        raise KeyError(f"no edition {language!r} in {CONFIG.name} "
                       f"(there are: {', '.join(e.language for e in self.editions)})")

    # ------------------------------------------------------------- launch links
    def binder_url(self, path: str) -> str:
        """Binder link that opens ``path`` (relative to the repository) in JupyterLab."""
        if not self.binderhub_url:
            return ""
        parts = urlsplit(self.repository_url)
        if parts.netloc == "github.com":
            owner_repo = parts.path.strip("/").removesuffix(".git")
            spec = f"gh/{owner_repo}/{quote(self.branch, safe='')}"
        else:  # any other git host: Binder's generic git provider
            spec = f"git/{quote(self.repository_url, safe='')}/{quote(self.branch, safe='')}"
        return (f"{self.binderhub_url.rstrip('/')}/v2/{spec}"
                f"?urlpath={quote('lab/tree/' + path, safe='/')}")

    def jupyterhub_link(self, path: str, hub: str | None = None) -> str:
        """nbgitpuller link for ``path`` on the configured hub ("" when there is none).

        ``hub`` overrides the configured address, e.g. ``"https://<hub>"`` for a template.
        """
        hub = self.jupyterhub_url if hub is None else hub
        if not hub:
            return ""
        urlpath = f"lab/tree/{self.repository_name}/{path}"
        return (f"{hub.rstrip('/')}/hub/user-redirect/git-pull"
                f"?repo={quote(self.repository_url, safe='')}"
                f"&urlpath={quote(urlpath, safe='/')}&branch={quote(self.branch, safe='')}")


def _text(table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{CONFIG.name}: {where}{key} must be a string (in quotes)")
    return value.strip()


def _url(value: str, key: str, required: bool) -> str:
    if not value:
        if required:
            raise ValueError(f"{CONFIG.name}: {key} must not be empty")
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{CONFIG.name}: {key} = {value!r} is not an http(s) address")
    return value.rstrip("/")


def load_config(path: Path = CONFIG, course: Path = COURSE) -> SiteConfig:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    course_cfg = tomllib.loads(course.read_text(encoding="utf-8"))
    editions = []
    for i, table in enumerate(data.get("editions", [])):
        where = f"editions[{i}]."
        values = {key: _text(table, key, where) for key in
                  ("language", "name", "path", "sources", "notebooks", "guide")}
        for key in ("title", "readme"):  # optional
            if key in table:
                values[key] = _text(table, key, where)
        edition = Edition(**values)
        if i == 0 and edition.path:
            raise ValueError(f"{CONFIG.name}: the first edition is the site's root: path = \"\"")
        if i > 0 and not edition.path:
            raise ValueError(f"{CONFIG.name}: {where}path must name a folder, e.g. \"zh_CN\"")
        editions.append(edition)
    if not editions:
        raise ValueError(f"{CONFIG.name}: no [[editions]]")
    if len({e.language for e in editions}) != len(editions):
        raise ValueError(f"{CONFIG.name}: two editions have the same language")
    return SiteConfig(
        title=_text(data, "title", ""), author=_text(data, "author", ""),
        repository_url=_url(_text(course_cfg, "repository", ""), "repository", True),
        branch=_text(course_cfg, "branch", "") or "main",
        binderhub_url=_url(_text(course_cfg, "binderhub_url", ""), "binderhub_url", False),
        jupyterhub_url=_url(_text(course_cfg, "jupyterhub_url", ""),
                            "jupyterhub_url", False),
        editions=tuple(editions),
    )


def load_texts(language: str, path: Path = TEXTS) -> dict[str, str]:
    """The site's own words in ``language`` (pages/texts.toml; English where it has none)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    english = data.get("en", {})
    texts = dict(english)
    texts.update(data.get(language, {}))
    unknown = set(texts) - set(english)
    if unknown:
        raise ValueError(f"{path.name}: [{language}] has keys that [en] has not: "
                         f"{', '.join(sorted(unknown))}")
    return texts


def edition_title(config: SiteConfig, edition: Edition) -> str:
    return edition.title or config.title


def jupyterlab_slug(text: str) -> str:
    """A heading's anchor as JupyterLab makes it: the text, spaces turned into '-'.

    The notebooks link to sections this way (``00_welcome.ipynb#Notation-used-throughout-
    the-course``); case and punctuation are kept.
    """
    return text.strip().replace(" ", "-")

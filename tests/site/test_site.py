"""The built course website as a reader sees it (see conftest.py for how to run it).

One crawl visits every page reachable from the home page, in the light theme and then in
the dark one, and records what the tests below assert: requests (none may leave the
machine), links and anchors, rendered maths, explorers, exercises, contrast. Screenshots
of every page go to build/site-screenshots/{light,dark}/ for people to look at.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "site-screenshots"
VIEWPORT = {"width": 1280, "height": 800}
CHUNK = 2400  # px of page per screenshot (a tall page gives several files)
CHAPTERS = sorted(p.stem for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
PAGES = {"index", "notation", "instructors", "search", *CHAPTERS}
ZH = "zh_CN"  # the Chinese edition's folder (website/config.toml)
ZH_PAGES = {f"{ZH}/{name}" for name in PAGES} | {f"{ZH}/glossary"}
ZH_TERM = "学习率"  # searched for in the Chinese edition
# The search page's query in each edition (its folder: "" or "zh_CN/").
QUERIES = {"": "Nesterov", f"{ZH}/": ZH_TERM}
HAN = re.compile(r"[\u4e00-\u9fff]")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}

# After MathJax has run: the text of the article without code, outputs and typeset maths.
PROSE_TEXT = """() => {
  const root = document.querySelector('article') || document.body;
  const copy = root.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, textarea, mjx-container, .MathJax, '
    + 'mjx-assistive-mml, .highlight, .cell_output, .output').forEach(e => e.remove());
  return copy.textContent;
}"""
MATH_STATE = """() => ({
  nodes: document.querySelectorAll('span.math, div.math').length,
  untypeset: [...document.querySelectorAll('span.math, div.math')]
      .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
  errors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
      .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120)),
  containers: document.querySelectorAll('mjx-container').length,
})"""
WAIT_MATHJAX = """async () => {
  if (!document.querySelector('span.math, div.math')) return 'no maths';
  for (let i = 0; i < 600; i++) {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      await MathJax.startup.promise; return 'typeset';
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return 'MathJax never started';
}"""
# Text whose colour is too close to its background (WCAG contrast ratio below 3).
LOW_CONTRAST = """() => {
  // rgb(r, g, b[, a]) or, for a colour made with color-mix(), color(srgb r g b[ / a]) in 0..1.
  const parse = c => { const m = c.match(/[\\d.]+/g); if (!m) return [0,0,0,0];
      const v = m.map(Number);
      return c.startsWith('color(') ? v.map((x, i) => i < 3 ? x * 255 : x) : v; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126*f(r) + 0.7152*f(g) + 0.0722*f(b); };
  const over = (top, bottom) => { const a = top.length > 3 ? top[3] : 1;
      return [0,1,2].map(i => top[i] * a + bottom[i] * (1 - a)); };
  const background = el => { const layers = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length > 3 && c[3] === 0) continue;
        layers.push(c); if (c.length === 3 || c[3] === 1) break; }
      let bg = [255, 255, 255];
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg; };
  const found = [];
  const root = document.querySelector('.bd-main') || document.body;
  for (const el of root.querySelectorAll('*')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3)
        .map(n => n.textContent).join('').trim();
    if (!text || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;
    const bg = background(el), fg = over(parse(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 3) found.push(`${ratio.toFixed(2)}: <${el.tagName.toLowerCase()}> `
        + `${style.color} on rgb(${bg.map(Math.round)}) "${text.slice(0, 60)}"`);
  }
  return found;
}"""
RAW_TEX = re.compile(
    r"\\[()\[\]]|\$\$|\\(?:frac|theta|eta|lambda|nabla|mathrm|operatorname|sum|sqrt|hat|"
    r"text|begin|end|left|right|cdot|alpha|beta|mu|sigma|varepsilon|tfrac|partial)\b"
    r"|(?<![\w$])\$[^$\s][^$\n]{0,200}?\$")


def page_name(url: str) -> str:
    """A page's path in the site without ".html": "03_learning_rate", "zh_CN/index"."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path[:-5] if path.endswith(".html") else path


def edition_of(name: str) -> str:
    return f"{ZH}/" if name.startswith(f"{ZH}/") else ""


def counterpart(name: str, pages) -> str:
    """The same page in the other edition (its home page where it has no such page)."""
    folder = edition_of(name)
    other = "" if folder else f"{ZH}/"
    target = other + name[len(folder):]
    return target if target in pages else other + "index"


def explorer_cells(notebook: Path) -> int:
    """Code cells of a source whose last statement shows a gdcourse explorer."""
    count = 0
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = re.sub(r"^\s*[%!].*$", "", source, flags=re.MULTILINE)
        try:
            body = ast.parse(source).body
        except SyntaxError:
            continue
        last = body[-1] if body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
            func = last.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            count += name.endswith("Explorer")
    return count


def exercise_cells(notebook: Path) -> int:
    return sum("# BEGIN SOLUTION" in "".join(c["source"])
               for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
               if c["cell_type"] == "code")


def notebook_anchors() -> set[tuple[str, str]]:
    """(page, anchor) of every link of the form NN_name.ipynb#Anchor in the sources."""
    found = set()
    for path in sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb")) + [ROOT / "notebooks" /
                                                                       "README.md"]:
        text = path.read_text(encoding="utf-8")
        for page, anchor in re.findall(r"\]\(<?(\d\d_\w+)\.ipynb#([^)>\s\"]+)", text):
            found.add((page, anchor))
        if path.suffix == ".ipynb":
            for anchor in re.findall(r"\]\(<?#([^)>\s\"]+)", text):
                found.add((path.stem, anchor))
    return found


# --------------------------------------------------------------------------- the crawl
def _shoot(page, folder: Path, name: str) -> list[str]:
    """The whole page, cut into pieces CHUNK px tall (one screenshot, then PIL)."""
    from PIL import Image

    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    whole = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    files = []
    for k, top in enumerate(range(0, whole.height, CHUNK)):
        target = folder / f"{name}-{k + 1:02d}.png"
        whole.crop((0, top, whole.width, min(top + CHUNK, whole.height))).save(target)
        files.append(target.name)
    return files


def crawl(chromium, base: str, theme: str) -> dict:
    """Every page reachable from index.html, in one theme; what each one showed."""
    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1,
                                   color_scheme=theme, reduced_motion="reduce")
    outside, failed, errors = [], [], []

    def route(route):
        host = urllib.parse.urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(base) or host in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: r.url.startswith(base) and failed.append(
        f"failed {r.url}: {r.failure}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pages = {}
    queue = [base + "index.html", base + "search.html",  # search: a form
             base + f"{ZH}/index.html", base + f"{ZH}/search.html"]
    shots = SCREENSHOTS / theme
    shutil.rmtree(shots, ignore_errors=True)
    while queue:
        url = queue.pop(0)
        name = page_name(url)
        if name in pages:
            continue
        searching = name.rsplit("/", 1)[-1] == "search"
        query = QUERIES[edition_of(name)]
        target = url + ("?q=" + urllib.parse.quote(query) if searching else "")
        response = page.goto(target, wait_until="load")
        info = {"url": url, "status": response.status if response else None}
        info["mathjax"] = page.evaluate(WAIT_MATHJAX)
        if searching:
            page.wait_for_selector("#search-results ul.search li, #search-results p",
                                   timeout=30_000)
            page.wait_for_function("() => !/Searching|Preparing search/.test("
                                   "document.querySelector('#search-results')?.innerText || "
                                   "'Searching')", timeout=30_000)
            info["search_hits"] = page.eval_on_selector_all(
                "#search-results ul.search li a", "els => els.map(e => e.href)")
        info["math"] = page.evaluate(MATH_STATE)
        info["prose"] = page.evaluate(PROSE_TEXT)
        info["lang"] = page.evaluate("() => document.documentElement.lang")
        info["han"] = page.evaluate(  # Chinese characters the page shows, all of it
            "() => (document.body.innerText.match(/[\\u4e00-\\u9fff]/g) || []).length")
        info["switch"] = page.eval_on_selector_all(
            "a.gdcourse-language-switch", """els => els.map(a => {
                const r = a.getBoundingClientRect(), s = getComputedStyle(a);
                return {href: a.href, hreflang: a.getAttribute('hreflang'),
                        lang: a.getAttribute('lang'), text: a.innerText.trim(),
                        visible: r.width > 0 && r.height > 0 && r.top >= 0
                            && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth
                            && s.visibility !== 'hidden' && Number(s.opacity) > 0}; })""")
        info["ids"] = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
        info["links"] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        info["scripts"] = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
        info["explorers"] = page.eval_on_selector_all(
            ".cell.tag_gdcourse-explorer", """cells => cells.map(c => ({
                imgs: [...c.querySelectorAll('img')].map(i => ({
                    loaded: i.complete && i.naturalWidth > 0, alt: i.alt,
                    width: i.getBoundingClientRect().width})),
                note: !!c.querySelector('.gdcourse-live-note'),
                launch: [...c.querySelectorAll('a.gdcourse-launch')].map(a => a.href)}))""")
        info["solutions"] = page.eval_on_selector_all(
            ".cell.tag_gdcourse-solution", """cells => cells.map(c => {
                const d = c.querySelector('details');
                return {summary: d ? d.querySelector('summary').innerText.trim() : null,
                        open: d ? d.open : null,
                        passed: /Passed/.test(c.textContent),
                        checked: /\u2714/.test(c.textContent)}; })""")
        info["checks"] = page.eval_on_selector_all(
            "div[role=status]", "els => els.map(e => e.innerText.split('\\n')[0])")
        info["widget_views"] = page.locator(
            "script[type='application/vnd.jupyter.widget-view+json']").count()
        info["low_contrast"] = page.evaluate(LOW_CONTRAST)
        info["screenshots"] = _shoot(page, shots, name)
        if info["solutions"]:  # what "Show solution" opens: the first one, for people to see
            cell = page.locator(".cell.tag_gdcourse-solution").first
            cell.locator("summary").click()
            cell.locator(".cell_output").wait_for(state="visible")
            info["solution_open"] = cell.evaluate(
                "c => ({open: c.querySelector('details').open, "
                "code: c.querySelector('.cell_input')?.getBoundingClientRect().height || 0, "
                "passed: /Passed/.test(c.querySelector('.cell_output').innerText), "
                "checked: /\\u2714/.test(c.querySelector('.cell_output').innerText)})")
            cell.evaluate("c => Promise.all(c.getAnimations({subtree: true})"
                          ".map(a => a.finished))")  # the toggle fades in
            info["low_contrast"] += [item for item in page.evaluate(LOW_CONTRAST)
                                     if item not in info["low_contrast"]]
            cell.scroll_into_view_if_needed()
            cell.screenshot(path=str(shots / f"{name}-solution.png"))
        pages[name] = info
        for link in info["links"]:
            clean = link.split("#")[0].split("?")[0]
            if clean.startswith(base) and clean.endswith(".html") and page_name(clean) not in pages:
                queue.append(clean)
    context.close()
    return {"pages": pages, "outside": outside, "failed": failed, "errors": errors}


@pytest.fixture(scope="module")
def light(chromium, site_server):
    base, _ = site_server
    return crawl(chromium, base, "light")


@pytest.fixture(scope="module")
def dark(chromium, site_server):
    base, _ = site_server
    return crawl(chromium, base, "dark")


# --------------------------------------------------------------------------- the tests
def test_every_page_is_reached_and_served(light):
    assert PAGES <= set(light["pages"]), f"not reached: {PAGES - set(light['pages'])}"
    assert ZH_PAGES <= set(light["pages"]), f"not reached: {ZH_PAGES - set(light['pages'])}"
    for name, info in light["pages"].items():
        assert info["status"] == 200, (name, info["status"])


def test_no_request_leaves_the_machine(light, dark):
    outside = sorted(set(light["outside"] + dark["outside"]))
    assert not outside, "requests to other hosts (blocked here; a reader offline would " \
                        "miss them):\n" + "\n".join(outside)


def test_no_broken_internal_link_or_resource(light, site_server):
    base, _ = site_server
    assert not light["failed"], "\n".join(light["failed"])
    assert not light["errors"], "errors in the page:\n" + "\n".join(light["errors"])
    pages = light["pages"]
    broken = []
    for name, info in pages.items():
        for link in info["links"]:
            if not link.startswith(base):
                continue
            address, _, fragment = link.partition("#")
            address = address.split("?")[0]
            target = page_name(address) if address.endswith(".html") else None
            if target in pages:
                if fragment and urllib.parse.unquote(fragment) not in pages[target]["ids"]:
                    broken.append(f"{name}: {link} (no such anchor)")
                continue
            try:  # a file that is not a page (the zip, an image): it must be there
                with urllib.request.urlopen(urllib.request.Request(address, method="HEAD"),
                                            timeout=30) as answer:
                    assert answer.status == 200
            except (urllib.error.URLError, AssertionError) as error:
                broken.append(f"{name}: {link} ({error})")
    assert not broken, "\n".join(sorted(set(broken)))


def test_the_notebooks_jupyterlab_anchors_work_on_the_site(light):
    # In both editions: a translated heading keeps its English anchor (course/build.py).
    missing = [f"{folder}{page}.html#{anchor}" for page, anchor in sorted(notebook_anchors())
               for folder in QUERIES
               if anchor not in light["pages"][folder + page]["ids"]]
    assert notebook_anchors(), "the sources link to no section at all?"
    assert not missing, "JupyterLab-style anchors with no target on the site: " + \
        ", ".join(missing)


def test_maths_is_typeset_and_no_raw_tex_is_left(light):
    problems = []
    for name, info in light["pages"].items():
        math = info["math"]
        if math["nodes"]:
            if info["mathjax"] != "typeset":
                problems.append(f"{name}: MathJax {info['mathjax']}")
            if math["untypeset"]:
                problems.append(f"{name}: maths not typeset: {math['untypeset'][:3]}")
        if math["errors"]:
            problems.append(f"{name}: TeX errors: {math['errors'][:3]}")
        if name.rsplit("/", 1)[-1] == "search":
            continue  # Sphinx's summaries of the hits are plain text: maths as its TeX
        for match in RAW_TEX.finditer(info["prose"]):
            start = max(0, match.start() - 40)
            problems.append(f"{name}: raw TeX: ...{info['prose'][start:match.end() + 40]!r}")
    for chapter in CHAPTERS + [f"{ZH}/{c}" for c in CHAPTERS]:
        assert light["pages"][chapter]["math"]["containers"] > 0, f"{chapter}: no maths?"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", list(QUERIES), ids=["en", ZH])
def test_every_explorer_is_shown_as_its_figure_with_a_live_note(light, site_dir, folder):
    built = json.loads((ROOT / "build" / "site-src" / (folder or "en") /
                        "explorers.json").read_text())
    notebooks = f"notebooks/{folder}"  # where the launch links lead: this edition's
    for chapter in CHAPTERS:
        expected = explorer_cells(ROOT / "course" / f"{chapter}.ipynb")
        shown = light["pages"][folder + chapter]["explorers"]
        assert built[chapter] == expected, (chapter, built[chapter], expected)
        assert len(shown) == expected, f"{chapter}: {len(shown)} explorer cells, {expected} expected"
        for k, cell in enumerate(shown):
            where = f"{chapter}, explorer {k + 1}"
            assert len(cell["imgs"]) == 1 and cell["imgs"][0]["loaded"], where
            assert cell["imgs"][0]["width"] > 300, (where, cell["imgs"][0])
            assert cell["imgs"][0]["alt"] and ".png" not in cell["imgs"][0]["alt"], where
            assert cell["note"], f"{where}: no note that it is live in JupyterLab"
            assert cell["launch"], f"{where}: no launch link"
            assert all(f"{notebooks}{chapter}.ipynb" in urllib.parse.unquote(link)
                       for link in cell["launch"]), (where, cell["launch"])
        assert light["pages"][folder + chapter]["widget_views"] == 0
    assert sum(explorer_cells(ROOT / "course" / f"{c}.ipynb") for c in CHAPTERS) >= 9


def test_no_widget_or_cdn_javascript(light, site_server):
    base, _ = site_server
    for name, info in light["pages"].items():
        for src in info["scripts"]:
            assert src.startswith(base), f"{name}: script from elsewhere: {src}"
            assert not re.search(r"require|html-manager|embed-amd|thebe", src), (name, src)


def test_exercises_show_the_learners_check_and_hide_the_solution(light):
    for chapter in CHAPTERS:
        info = light["pages"][chapter]
        expected = exercise_cells(ROOT / "course" / f"{chapter}.ipynb")
        solutions = info["solutions"]
        assert len(solutions) == expected, (chapter, len(solutions), expected)
        for k, solution in enumerate(solutions):
            assert solution["summary"] == "Show solution", (chapter, k, solution)
            assert solution["open"] is False, f"{chapter}: solution {k + 1} is not hidden"
            assert solution["passed"], f"{chapter}: solution {k + 1} does not pass its check"
        if solutions:
            shown = info["solution_open"]
            assert shown["open"] and shown["code"] > 20 and shown["passed"], (chapter, shown)
        not_attempted = [c for c in info["checks"] if "Not attempted" in c]
        assert len(not_attempted) >= expected, (chapter, info["checks"])


def test_search_finds_nesterov(light, chromium, site_server):
    hits = light["pages"]["search"]["search_hits"]
    assert any("05_momentum_adaptive.html" in hit for hit in hits), hits
    # And the way a reader searches: the search button on the home page, type, Enter.
    base, _ = site_server
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(base + "index.html")
        page.locator("button.search-button__button, button[aria-label*='Search']").first.click()
        box = page.locator(".search-button__search-container input[name=q], "
                           "form.bd-search input[name=q]").first
        box.fill("Nesterov")
        box.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q=Nesterov"))
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        assert page.locator("#search-results ul.search li a",
                            has_text=re.compile("Momentum", re.I)).count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_is_readable_in_both_themes(theme, request):
    result = request.getfixturevalue(theme)
    found = [f"{name}: {item}" for name, info in result["pages"].items()
             for item in info["low_contrast"]]
    assert not found, f"text too close to its background ({theme} theme):\n" + \
        "\n".join(found[:40])


def test_screenshots_were_taken(light, dark):
    for result in (light, dark):
        for name, info in result["pages"].items():
            assert info["screenshots"], name
    print(f"\nscreenshots: {SCREENSHOTS}/light and /dark, "
          f"{sum(len(i['screenshots']) for r in (light, dark) for i in r['pages'].values())}"
          " files")


def test_the_zip_works_from_files_without_a_server(site_dir, chromium):
    """The offline copy: unzip, open a chapter and the search from file://."""
    archive = site_dir / "gdcourse-site.zip"
    assert archive.is_file()
    folder = Path(tempfile.mkdtemp(prefix="gdcourse-site-zip-"))
    try:
        with zipfile.ZipFile(archive) as z:
            z.extractall(folder)
        root = folder / "gdcourse-site"
        assert (root / "index.html").is_file() and not (root / "gdcourse-site.zip").exists()
        context = chromium.new_context(viewport=VIEWPORT)
        others = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("file://", "data:")) else (others.append(r.request.url), r.abort()))
        page = context.new_page()
        page.goto((root / "05_momentum_adaptive.html").as_uri(), wait_until="load")
        assert page.evaluate(WAIT_MATHJAX) == "typeset"
        math = page.evaluate(MATH_STATE)
        assert math["containers"] > 0 and not math["untypeset"] and not math["errors"], math
        assert page.evaluate("() => [...document.images].every(i => i.naturalWidth > 0)")
        page.goto((root / "search.html").as_uri() + "?q=Nesterov", wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        context.close()
        assert not others, others
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- two editions
def _site_texts(language: str) -> dict:
    """The site's own words in ``language`` (website/pages/texts.toml)."""
    import sys

    sys.path.insert(0, str(ROOT / "website"))
    try:
        from siteconfig import load_texts
    finally:
        sys.path.pop(0)
    return load_texts(language)


def test_every_page_links_to_the_same_page_in_the_other_edition(light, site_server):
    base, _ = site_server
    pages = light["pages"]
    problems = []
    for name, info in pages.items():
        switch = info["switch"]
        if len(switch) != 1:
            problems.append(f"{name}: {len(switch)} language switches")
            continue
        link = switch[0]
        expected = counterpart(name, pages)
        if not link["href"].startswith(base) or page_name(link["href"]) != expected:
            problems.append(f"{name}: the switch leads to {link['href']}, not {expected}")
        if pages.get(page_name(link["href"]), {}).get("status") != 200:
            problems.append(f"{name}: the switch's page was not served")
        other_lang = pages[expected]["lang"]
        if link["hreflang"] != other_lang or link["lang"] != other_lang:
            problems.append(f"{name}: the switch says {link['hreflang']}, its page {other_lang}")
        if not link["visible"] or not link["text"]:
            problems.append(f"{name}: the switch is not visible in the first screen: {link}")
    # Every page of one edition has its counterpart in the other, but the Chinese glossary.
    english = {n for n in pages if not edition_of(n)}
    chinese = {n[len(ZH) + 1:] for n in pages if edition_of(n)}
    assert chinese - english == {"glossary"}, chinese ^ english
    assert not problems, "\n".join(problems)


def test_the_chinese_pages_are_chinese_and_the_english_ones_english(light):
    for name, info in light["pages"].items():
        if edition_of(name):
            assert info["lang"].lower().startswith("zh"), (name, info["lang"])
            # Every page shows Chinese: the navigation, the theme's labels and the site's
            # words at least (a chapter not translated yet is English, cell by cell).
            assert info["han"] >= 60, (name, info["han"])
        else:
            assert info["lang"] == "en", (name, info["lang"])
    home = light["pages"][f"{ZH}/index"]
    assert len(HAN.findall(home["prose"])) > 500
    welcome = light["pages"][f"{ZH}/00_welcome"]
    assert len(HAN.findall(welcome["prose"])) > 1000  # chapter 0 is translated completely


def test_chinese_exercises_hide_the_solution_behind_a_chinese_toggle(light):
    show = _site_texts(ZH)["show_solution"]
    assert HAN.search(show)
    for chapter in CHAPTERS:
        info = light["pages"][f"{ZH}/{chapter}"]
        solutions = info["solutions"]
        assert len(solutions) == exercise_cells(ROOT / "course" / f"{chapter}.ipynb"), chapter
        for k, solution in enumerate(solutions):
            assert solution["summary"] == show, (chapter, k, solution)
            assert solution["open"] is False, (chapter, k)
            assert solution["checked"], f"{chapter}: solution {k + 1} does not pass its check"
        if solutions:
            shown = info["solution_open"]
            assert shown["open"] and shown["code"] > 20 and shown["checked"], (chapter, shown)


def test_the_chinese_search_finds_a_chinese_term(light, chromium, site_server):
    base, _ = site_server
    hits = light["pages"][f"{ZH}/search"]["search_hits"]
    assert hits and all(page_name(hit).startswith(f"{ZH}/") for hit in hits), hits
    assert f"{ZH}/00_welcome" in {page_name(hit) for hit in hits}, hits  # translated in full
    # As a reader does it: the search button of the Chinese home page, a query, Enter.
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(base + f"{ZH}/index.html")
        page.locator("button.search-button__button, button[aria-label*='Search']").first.click()
        box = page.locator(".search-button__search-container input[name=q], "
                           "form.bd-search input[name=q]").first
        box.fill(ZH_TERM + "调度")  # no space between the words, as a reader types it
        box.press("Enter")
        page.wait_for_url(re.compile(rf"{ZH}/search\.html\?q="))
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        found = page.eval_on_selector_all("#search-results ul.search li a",
                                          "els => els.map(e => e.href)")
        assert f"{ZH}/00_welcome" in {page_name(hit) for hit in found}, found
    finally:
        context.close()


def _han_fonts() -> set[str] | None:
    """The families of this machine's fonts that have Chinese (fc-list), or None."""
    import subprocess

    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                             text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in out.splitlines() for name in line.split(",")} or None


def test_chinese_text_is_drawn_with_a_font_that_has_it(chromium, site_server):
    """No tofu: every Chinese character of a heading and a paragraph comes from a font
    with Chinese (Chromium's own account of the fonts it drew each text with)."""
    han_fonts = _han_fonts()
    if not han_fonts:
        pytest.skip("fc-list names no font with Chinese on this machine")
    base, _ = site_server
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        for name in ("index", "00_welcome", "notation"):
            page.goto(base + f"{ZH}/{name}.html", wait_until="load")
            page.evaluate(WAIT_MATHJAX)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            for selector in ("article h1", "article section p", "nav.bd-links",
                             "a.gdcourse-language-switch"):
                node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
                if not node["nodeId"]:
                    continue
                text = page.locator(selector).first.inner_text()
                han = len(HAN.findall(text))
                if not han:
                    continue
                ids = [node["nodeId"]]
                drawn = 0
                while ids:  # the element and every element in it
                    nid = ids.pop()
                    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nid})["fonts"]
                    drawn += sum(f["glyphCount"] for f in fonts
                                 if f["familyName"] in han_fonts)
                    desc = cdp.send("DOM.describeNode", {"nodeId": nid, "depth": 1})["node"]
                    if desc.get("childNodeCount"):
                        cdp.send("DOM.requestChildNodes", {"nodeId": nid, "depth": 1})
                        kids = cdp.send("DOM.querySelectorAll",
                                        {"nodeId": nid, "selector": ":scope > *"})
                        ids += kids["nodeIds"]
                assert drawn >= han, (f"{name}: {selector}: {han} Chinese characters, "
                                      f"{drawn} drawn with a Chinese font")
    finally:
        context.close()


def test_the_zip_has_the_chinese_edition_working_from_files(site_dir, chromium):
    archive = site_dir / "gdcourse-site.zip"
    folder = Path(tempfile.mkdtemp(prefix="gdcourse-site-zip-"))
    try:
        with zipfile.ZipFile(archive) as z:
            z.extractall(folder)
        root = folder / "gdcourse-site" / ZH
        context = chromium.new_context(viewport=VIEWPORT)
        others = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("file://", "data:")) else (others.append(r.request.url), r.abort()))
        page = context.new_page()
        page.goto((root / "05_momentum_adaptive.html").as_uri(), wait_until="load")
        assert page.evaluate(WAIT_MATHJAX) == "typeset"
        math = page.evaluate(MATH_STATE)
        assert math["containers"] > 0 and not math["untypeset"] and not math["errors"], math
        switch = page.locator("a.gdcourse-language-switch").first
        switch.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/gdcourse-site/05_momentum_adaptive.html"), page.url
        page.goto((root / "search.html").as_uri() + "?q=" + urllib.parse.quote(ZH_TERM),
                  wait_until="load")
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        context.close()
        assert not others, others
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""Headless Chromium (Debian's /usr/bin/chromium driven by Playwright) opens the pages with
every network request blocked: no request attempted, no page error, Korean text in the DOM,
a drawn canvas; a hostile name renders as text and runs nothing.  Screenshots are saved in
tests/artifacts/."""
import shutil
from pathlib import Path

import pytest

import netcluster as nc
from netcluster.pipeline import analyze

from hostile import HOSTILE_NAMES, hostile_frames

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (.ci/run installs Debian's chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    analyze(nc.datasets.get_path("korea_cluster_tables"), out / "demo", n_permutations=49)
    analyze(None, out / "hostile", dataset=nc.from_frames(*hostile_frames()), n_permutations=9)
    return out


def open_page(browser, path, shot=None):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    attempted, errors, dialogs = [], [], []
    own = path.resolve().as_uri()

    def route(r):
        if r.request.url == own:
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(own)
    return page, attempted, errors, dialogs


def canvas_ink(page):
    return page.evaluate("""() => {
        const c = document.querySelector('#net canvas'); if (!c) return -1;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) n++; }
        return n; }""")


@pytest.mark.parametrize("name", ["network.html", "regions.html"])
def test_network_pages_offline(browser, pages, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page, attempted, errors, dialogs = open_page(browser, pages / "demo" / name)
    page.wait_for_selector("body[data-drawn='1']", timeout=15000)
    page.wait_for_timeout(500)
    assert attempted == [] and errors == [] and dialogs == []
    text = page.inner_text("body")
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text), "no Korean text in the DOM"
    if name == "network.html":
        assert canvas_ink(page) > 2000, "canvas looks blank"
    else:
        assert page.locator("#map path.prov").count() == 17 and page.locator("#map path.tie").count() > 20
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.close()


def test_report_offline(browser, pages):
    page, attempted, errors, dialogs = open_page(browser, pages / "demo" / "report.html")
    page.wait_for_load_state("load")
    assert attempted == [] and errors == [] and dialogs == []
    assert "충북" in page.inner_text("body")
    n_svg = page.evaluate("document.querySelectorAll('svg.chart').length")
    assert n_svg >= 5
    w = page.evaluate("Math.max(...Array.from(document.querySelectorAll('svg.chart')).map(s => s.getBoundingClientRect().width))")
    assert w > 300
    page.screenshot(path=str(ARTIFACTS / "report.html.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("name", ["network.html", "regions.html", "report.html"])
def test_hostile_names_render_as_text(browser, pages, name):
    page, attempted, errors, dialogs = open_page(browser, pages / "hostile" / name)
    page.wait_for_load_state("load")
    page.wait_for_timeout(800)
    assert dialogs == [] and errors == [] and attempted == []
    assert page.evaluate("document.querySelectorAll('img, body svg[onload], iframe').length") == 0
    if name == "network.html":
        page.fill("#search", HOSTILE_NAMES[0])
        assert HOSTILE_NAMES[0] in page.inner_text("#matches")   # listed literally
        page.press("#search", "Enter")
        assert HOSTILE_NAMES[0] in page.inner_text("#info")   # shown literally
        labels = page.evaluate("ncNetwork.labels()")
        assert any("<" in x for x in labels)   # drawn as text on the canvas
        svg = page.evaluate("ncNetwork.svg()")
        assert "<script" not in svg.lower() and "&lt;" in svg
        assert dialogs == []
    if name == "report.html":
        assert "=HYPERLINK" in page.inner_text("body")
    page.close()


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    for lang in ("ko", "en"):
        analyze(nc.datasets.get_path("korea_cluster_tables"), out / lang, n_permutations=49, lang=lang, jobs=1)
    return out


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_fits_a_phone_without_horizontal_scrolling(browser, report_pages, lang):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((report_pages / lang / "report.html").resolve().as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    over = page.evaluate("""Array.from(document.querySelectorAll('body *')).filter(e =>
        e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll')).length""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}-390.png"))
    page.close()
    assert width <= 390 and over == 0


def test_every_report_chart_downloads_as_svg_and_png(browser, report_pages):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto((report_pages / "ko" / "report.html").resolve().as_uri())
    figures = page.locator("figure.chart-box")
    n = figures.count()
    assert n >= 40
    assert page.locator("figure.chart-box button[data-dl=svg]").count() == n
    assert page.locator("figure.chart-box button[data-dl=png]").count() == n
    for i in (0, n // 2, n - 1):  # a headline gauge, a chart in the middle, the last
        fig = figures.nth(i)
        fig_id = fig.get_attribute("id")
        for kind in ("svg", "png"):
            with page.expect_download() as d:
                fig.locator(f"button[data-dl={kind}]").click()
            got = d.value
            assert got.suggested_filename == f"{fig_id}.{kind}"
            data = open(got.path(), "rb").read()
            assert data.startswith(b"\x89PNG") if kind == "png" else b"<svg" in data[:200]
    page.close()


def test_report_prints_as_a_document(browser, report_pages):
    page = browser.new_page()
    page.goto((report_pages / "ko" / "report.html").resolve().as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("[getComputedStyle(document.querySelector('nav.sections')).display, "
                           "getComputedStyle(document.querySelector('button.dl')).display]")
    pdf = page.pdf(format="A4")
    page.close()
    assert hidden == ["none", "none"] and pdf.startswith(b"%PDF") and len(pdf) > 50_000

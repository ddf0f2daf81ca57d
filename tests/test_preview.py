"""`deckgen preview`: a PNG per slide, thumbnails, a contact sheet per deck and index.html, checked
on disk and in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin

import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageChops, ImageStat

import generator.gallery as preview
from generator.app.cli import main
from generator.source.variant import Variant

from .conftest import ROOT, TEMPLATES

if TYPE_CHECKING:
    from playwright.sync_api import Page

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")
#: Debian's Chromium; DECKGEN_CHROMIUM names another, or "bundled" for Playwright's own.
CHROMIUM = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_renderers = pytest.mark.skipif(
    not (SOFFICE and PDFTOPPM),
    reason="needs LibreOffice and poppler: apt-get install libreoffice-impress poppler-utils "
    "(.ci/run installs them)",
)
#: The regions the test project keeps, so that `--all` builds three decks, not 22.
REGIONS = ("orebro", "varmland")
LABELS = {"national": "National", "orebro": "Region Örebro län", "varmland": "Region Värmland"}


class Project:
    """A copy of the content (with two regions only) and templates, run through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"
        self.previewed: Result | None = None
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(TEMPLATES, root / "templates")
        for region in (root / "content" / "regions").glob("*.yaml"):
            if region.stem not in REGIONS:
                region.unlink()

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            main,
            [
                *args,
                "--content",
                str(self.root / "content" / "deck.yaml"),
                "--templates",
                str(self.root / "templates"),
                "--output",
                str(self.output),
            ],
            env=env,
        )

    def manifest(self) -> dict[str, dict[str, Any]]:
        decks: dict[str, dict[str, Any]] = json.loads(
            (self.output / "manifest.json").read_text("utf-8")
        )["decks"]
        return decks


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Three decks built and previewed once for the module: soffice runs once."""
    if not (SOFFICE and PDFTOPPM):
        pytest.skip(
            "needs LibreOffice and poppler: apt-get install libreoffice-impress poppler-utils"
        )
    project = Project(tmp_path_factory.mktemp("preview"))
    built = project.run("build", "--all")
    assert built.exit_code == 0, built.output
    project.previewed = project.run("preview", "--all")
    return project


# The page, parsed --------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Parsed(HTMLParser):
    """Every element with its attributes, and the text inside each <section>, <h2>, <dl>, ..."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag in ("section", "h2", "title", "dl", "style"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += f" {data}"

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def parse(page: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(page.read_text("utf-8"))
    parsed.close()
    return parsed


def slide_size(deck: Path) -> tuple[int, int]:
    """The deck's slide size in EMU, from ppt/presentation.xml."""
    with zipfile.ZipFile(deck) as package:
        xml = package.read("ppt/presentation.xml").decode("utf-8")
    found = re.search(r'<p:sldSz cx="(\d+)" cy="(\d+)"', xml)
    assert found is not None
    return int(found[1]), int(found[2])


# On disk ----------------------------------------------------------------------------------


@needs_renderers
def test_preview_renders_every_deck_and_says_so(gallery: Project):
    result = gallery.previewed
    assert result is not None
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == f"wrote {(gallery.output / 'index.html').as_posix()} (3 decks)"
    assert sum(line.endswith(".pdf") for line in lines) == 3
    assert sum(line.endswith("-sheet.png (10 slides)") for line in lines) == 2
    assert sum(line.endswith("-sheet.png (9 slides)") for line in lines) == 1


@needs_renderers
def test_each_slide_has_a_full_size_png_and_a_thumbnail(gallery: Project):
    manifest = gallery.manifest()
    assert sorted(manifest) == ["national", *REGIONS]
    for entry in manifest.values():
        deck = gallery.output / entry["file"]
        folder = gallery.output / "preview" / deck.stem
        slides = sorted(folder.glob("slide-*.png"))
        thumbs = sorted(folder.glob("thumb-*.png"))
        count = entry["slides"]
        assert [p.name for p in slides] == [f"slide-{n:02d}.png" for n in range(1, count + 1)]
        assert [p.name for p in thumbs] == [f"thumb-{n:02d}.png" for n in range(1, count + 1)]
        cx, cy = slide_size(deck)
        for path in slides:
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert image.width == 1280
                assert abs(image.height - 1280 * cy / cx) <= 1, path
        for path in thumbs:
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert image.width == 320
                assert abs(image.height - 320 * cy / cx) <= 1, path


@needs_renderers
def test_slides_are_rendered_not_blank_and_differ(gallery: Project):
    folder = gallery.output / "preview" / "regionen-i-rorelse-varmland"
    with Image.open(folder / "slide-01.png") as first, Image.open(folder / "slide-02.png") as two:
        # The title slide is the brand's dark colour; the next one is mostly white with text.
        assert ImageStat.Stat(first.convert("L")).mean[0] < 128
        assert ImageStat.Stat(two.convert("L")).stddev[0] > 10
        assert ImageChops.difference(first.convert("RGB"), two.convert("RGB")).getbbox()


@needs_renderers
def test_each_deck_has_a_contact_sheet_with_every_slide_on_a_grid(gallery: Project):
    for entry in gallery.manifest().values():
        stem = Path(entry["file"]).stem
        sheet = gallery.output / "preview" / f"{stem}-sheet.png"
        count = entry["slides"]
        with Image.open(gallery.output / "preview" / stem / "slide-01.png") as first:
            slide = first.size
        columns = min(preview.SHEET_COLUMNS, count)
        rows = math.ceil(count / columns)
        tile = (preview.SHEET_TILE_WIDTH, round(slide[1] * preview.SHEET_TILE_WIDTH / slide[0]))
        with Image.open(sheet) as image:
            assert image.format == "PNG"
            assert (
                image.width
                == 2 * preview.SHEET_MARGIN + columns * tile[0] + (columns - 1) * preview.SHEET_GAP
            )
            assert image.height == (
                2 * preview.SHEET_MARGIN
                + preview.SHEET_HEADING
                + rows * (tile[1] + preview.SHEET_LABEL)
                + (rows - 1) * preview.SHEET_GAP
            )
            # The last slide sits in its cell: the tile matches slide N scaled down.
            row, column = divmod(count - 1, columns)
            x = preview.SHEET_MARGIN + column * (tile[0] + preview.SHEET_GAP)
            y = (
                preview.SHEET_MARGIN
                + preview.SHEET_HEADING
                + row * (tile[1] + preview.SHEET_LABEL + preview.SHEET_GAP)
            )
            cell = image.convert("RGB").crop((x, y, x + tile[0], y + tile[1]))
        last = gallery.output / "preview" / stem / f"slide-{count:02d}.png"
        with Image.open(last) as source:
            expected = source.convert("RGB").resize(tile, Image.Resampling.LANCZOS)
        difference = ImageStat.Stat(ImageChops.difference(cell, expected).convert("L")).mean[0]
        assert difference < 2, (sheet, difference)


def test_contact_sheet_lays_out_any_number_of_slides(tmp_path: Path):
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30), (30, 200, 200)]
    slides = []
    for number, colour in enumerate(colours, start=1):
        path = tmp_path / f"slide-{number:02d}.png"
        Image.new("RGB", (1280, 720), colour).save(path)
        slides.append(path)
    target = tmp_path / "sheet.png"
    preview.contact_sheet(slides, target, "Regionen i rörelse · Region Värmland", "5 slides")
    margin, gap, tile = preview.SHEET_MARGIN, preview.SHEET_GAP, preview.SHEET_TILE_WIDTH
    tile_height = 720 * tile // 1280
    with Image.open(target) as sheet:
        assert sheet.size == preview.sheet_size(5, (1280, 720))
        assert sheet.width == 2 * margin + 4 * tile + 3 * gap  # four to a row
        top = margin + preview.SHEET_HEADING
        for index, colour in enumerate(colours):
            row, column = divmod(index, 4)
            centre = (
                margin + column * (tile + gap) + tile // 2,
                top + row * (tile_height + preview.SHEET_LABEL + gap) + tile_height // 2,
            )
            assert sheet.getpixel(centre) == colour, index
        # Where a sixth slide would go, there is only background.
        empty = (margin + tile + gap + tile // 2, top + tile_height + preview.SHEET_LABEL + gap + 9)
        assert sheet.getpixel(empty) == sheet.getpixel((2, 2))


@needs_renderers
def test_read_core_gives_the_title_the_build_day_and_the_language(gallery: Project):
    core = preview.read_core(gallery.output / "regionen-i-rorelse-varmland.pptx")
    assert core.title == "Regionen i rörelse"
    assert core.modified is not None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", core.modified)
    assert core.language == "sv-SE"


def test_variant_labels_name_the_region_from_its_file(tmp_path: Path):
    content = ROOT / "content" / "deck.yaml"
    assert preview.variant_label(Variant(content)) == "National"
    assert preview.variant_label(Variant(content, "varmland")) == "Region Värmland"
    assert preview.variant_label(Variant(tmp_path / "deck.yaml", "nowhere")) == "nowhere"
    overlay = ROOT / "content" / "overlays" / "exempel.yaml"
    assert preview.variant_label(Variant(content, "skane", (overlay,))) == "Region Skåne + exempel"


@needs_renderers
def test_index_has_a_section_per_deck_with_its_title_variant_and_facts(gallery: Project):
    page = parse(gallery.output / "index.html")
    html = page.all("html")
    assert html[0].attrs["lang"] == "en"
    assert page.all("meta", charset="utf-8")
    assert not page.all("script")
    assert not page.all("link")  # the CSS is inline, and there are no web fonts
    assert "@import" not in page.all("style")[0].text
    assert "url(" not in page.all("style")[0].text
    sections = page.all("section", class_="deck")
    assert len(sections) == 3
    manifest = gallery.manifest()
    for section, key in zip(sections, ["national", *REGIONS], strict=True):
        entry = manifest[key]
        heading = next(
            h for h in page.all("h2") if h.attrs.get("id") == f"{section.attrs['id']}-title"
        )
        assert " ".join(heading.text.split()) == f"Regionen i rörelse {LABELS[key]}"
        text = " ".join(section.text.split())
        assert f"Content version {entry['inputs'][:12]}" in text
        assert f"deckgen {entry['deckgen']}" in text
        assert f"Slides {entry['slides']}" in text
        assert re.search(r"Built \d{4}-\d{2}-\d{2}", text)
    toc = [a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("#deck-")]
    assert toc[:3] == [f"#{s.attrs['id']}" for s in sections]


@needs_renderers
def test_every_link_and_image_in_index_points_at_a_file_that_exists(gallery: Project):
    page = parse(gallery.output / "index.html")
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    links = [a.attrs["href"] for a in page.all("a")]
    sources = [img.attrs["src"] for img in page.all("img")]
    assert len(sources) == 3 + 2 * sum(e["slides"] for e in gallery.manifest().values())
    for url in [*links, *sources]:
        assert "://" not in url, url  # relative, and local
        assert not url.startswith("/"), url
        if url.startswith("#"):
            assert url[1:] in ids, url
        else:
            assert (gallery.output / unquote(url)).is_file(), url
    for entry in gallery.manifest().values():
        stem = Path(entry["file"]).stem
        for name in (entry["file"], f"{stem}.pdf", f"preview/{stem}-sheet.png"):
            assert name in links, name
    downloads = [a.attrs["href"] for a in page.all("a") if "download" in a.attrs]
    assert sorted(downloads) == sorted(
        name for e in gallery.manifest().values() for name in (e["file"], e["file"][:-5] + ".pdf")
    )


@needs_renderers
def test_a_second_run_writes_the_same_index_and_renders_only_what_changed(gallery: Project):
    index = gallery.output / "index.html"
    first = index.read_bytes()
    folder = gallery.output / "preview" / "regionen-i-rorelse-orebro"
    untouched = gallery.output / "preview" / "regionen-i-rorelse-varmland" / "slide-01.png"
    stamp = untouched.stat().st_mtime_ns

    again = gallery.run("preview", "--all")
    assert again.exit_code == 0, again.output
    assert again.stdout == f"wrote {index.as_posix()} (3 decks)\n"  # nothing to render
    assert index.read_bytes() == first
    assert untouched.stat().st_mtime_ns == stamp

    # A PDF newer than its PNGs renders them again, and leftovers of an old render go.
    for name in ("slide-99.png", "thumb-99.png"):
        Image.new("RGB", (32, 18), "red").save(folder / name)
    pdf = gallery.output / "regionen-i-rorelse-orebro.pdf"
    later = pdf.stat().st_mtime + 10
    os.utime(pdf, (later, later))
    third = gallery.run("preview", "--all")
    assert third.exit_code == 0, third.output
    assert "regionen-i-rorelse-orebro-sheet.png (10 slides)" in third.stdout
    assert not (folder / "slide-99.png").exists()
    assert not (folder / "thumb-99.png").exists()
    assert len(list(folder.glob("slide-*.png"))) == 10
    assert index.read_bytes() == first
    assert untouched.stat().st_mtime_ns == stamp


def test_preview_without_pdftoppm_says_to_install_poppler(tmp_path: Path):
    project = Project(tmp_path)
    assert project.run("build").exit_code == 0
    result = project.run("preview", env={"PATH": str(tmp_path / "empty")})
    assert result.exit_code == 4
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == (
        "pdftoppm: error: deckgen preview needs poppler's pdftoppm: install poppler-utils"
    )
    assert not (project.output / "index.html").exists()


def test_preview_without_libreoffice_says_to_install_it(tmp_path: Path):
    project = Project(tmp_path)
    assert project.run("build").exit_code == 0
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "pdftoppm"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = project.run("preview", env={"PATH": str(tools)})
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0].startswith(
        "soffice: error: exporting decks to PDF needs LibreOffice's soffice: install it "
        "(apt-get install libreoffice-impress)"
    )
    assert "Traceback" not in result.output


# In a browser ------------------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over http on 127.0.0.1, on a free port; yield its address."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium() -> Iterator[Page]:
    """Yield a page in headless Chromium, or skip saying what is missing."""
    if CHROMIUM != "bundled" and not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs Playwright: pip install 'playwright>=1.40'"
    )
    executable = {} if CHROMIUM == "bundled" else {"executable_path": CHROMIUM}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(args=CHROMIUM_ARGS, **executable)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


@pytest.fixture(scope="module")
def served(gallery: Project) -> Iterator[str]:
    """The output folder over http on 127.0.0.1, on a free port."""
    with serve(gallery.output) as address:
        yield address


@pytest.fixture(scope="module")
def browser_page(served: str) -> Iterator[Page]:
    with chromium() as page:
        yield page


def assert_images_load_and_links_resolve(page: Page, served: str) -> None:
    """Every image on the page has loaded, and every link is a file the server has or an
    element on the page."""
    images = page.evaluate(
        "[...document.querySelectorAll('img:not([loading=lazy])')]"
        ".map(img => [img.currentSrc, img.complete, img.naturalWidth])"
    )
    assert images
    assert all(complete and width > 0 for _, complete, width in images), images
    hrefs = sorted(set(page.eval_on_selector_all("a[href]", "a => a.map(e => e.href)")))
    for href in hrefs:
        assert href.startswith(served), href
        if "#" in href:
            fragment = href.split("#", 1)[1]
            assert page.evaluate("id => !!document.getElementById(id)", fragment), href
        else:
            assert page.request.get(href).status == 200, href


@pytest.mark.skipif(
    not os.environ.get("DECKGEN_GALLERY"),
    reason="tests a gallery made by deckgen preview: set DECKGEN_GALLERY=output (.ci/run does)",
)
def test_the_release_gallery_works_in_a_browser():
    folder = Path(os.environ["DECKGEN_GALLERY"])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["decks"]
    with serve(folder) as served, chromium() as page:
        response = page.goto(urljoin(served, "index.html"), wait_until="load")
        assert response is not None
        assert response.status == 200
        assert page.locator("section.deck").count() == len(manifest)
        assert_images_load_and_links_resolve(page, served)
        page.locator(".thumb").first.click()
        image = page.locator(".lightbox:target img")
        image.wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('.lightbox:target img').naturalWidth")
        page.goto(urljoin(served, "index.html"), wait_until="load")
        screenshot = folder / "gallery-screenshot.png"
        page.screenshot(path=str(screenshot), full_page=True)
    with Image.open(screenshot) as shot:
        assert shot.width == 1280
        assert shot.height > 900 * len(manifest) // 3


def test_the_gallery_works_in_a_browser(
    gallery: Project, served: str, browser_page: Page, tmp_path: Path
):
    page = browser_page
    page.set_default_timeout(10_000)
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    page.on("response", lambda r: failures.extend([f"{r.status} {r.url}"] * (r.status >= 400)))
    page.on("pageerror", lambda error: failures.append(f"error {error}"))
    index = urljoin(served, "index.html")
    response = page.goto(index, wait_until="load")
    assert response is not None
    assert response.status == 200
    assert page.title() == "Deck previews · Regionen i rörelse"

    # The thumbnails are there at once; a full-size slide loads when it is shown.
    thumbs = page.evaluate("document.querySelectorAll('img:not([loading=lazy])').length")
    slides = sum(entry["slides"] for entry in gallery.manifest().values())
    assert thumbs == 3 + slides
    assert_images_load_and_links_resolve(page, served)

    # A click on the first thumbnail shows the slide full size.
    lightbox = page.locator(".lightbox:target")
    assert lightbox.count() == 0
    page.locator(".thumb").first.click()
    assert page.url.endswith("#deck-national-slide-1")
    image = lightbox.locator("img")
    image.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('.lightbox:target img').naturalWidth")
    box = image.bounding_box()
    assert box is not None
    assert box["width"] > 800  # a thumbnail is 320 px at most
    assert image.evaluate("img => img.naturalWidth") == 1280

    # Next goes through the deck; every slide's image loads; close returns to the thumbnail.
    for number in range(2, 10):
        lightbox.locator(".next").click()
        assert page.url.endswith(f"#deck-national-slide-{number}")
        page.wait_for_function(
            "() => document.querySelector('.lightbox:target img').naturalWidth === 1280"
        )
    assert lightbox.locator(".next").count() == 0  # the last slide
    lightbox.locator(".close").click()
    assert page.url.endswith("#deck-national-thumb-9")
    assert page.locator(".lightbox:target").count() == 0
    assert not page.locator("#deck-national-slide-9 img").is_visible()

    # The other decks' full-size images load too, when shown.
    for slide in page.eval_on_selector_all(".lightbox", "boxes => boxes.map(b => b.id)"):
        page.evaluate("id => { location.hash = id; }", slide)
        page.wait_for_function(
            "id => document.querySelector(`#${id} img`).naturalWidth > 0", arg=slide
        )
    images = page.evaluate("[...document.images].map(img => img.complete && img.naturalWidth > 0)")
    assert len(images) == 3 + 2 * slides
    assert all(images)
    assert failures == []

    page.goto(index, wait_until="load")
    screenshot = tmp_path / "gallery.png"
    page.screenshot(path=str(screenshot), full_page=True)
    shutil.copyfile(screenshot, gallery.output / "gallery-screenshot.png")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000
    with Image.open(screenshot) as shot:
        assert shot.width == 1280
        assert shot.height > 1500  # the whole page: the contents and three decks' sections
        assert len(shot.convert("RGB").getcolors(1 << 24) or []) > 1000  # real slides, not blank

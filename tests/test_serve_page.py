"""`deckgen serve`'s page in a real browser (headless Debian Chromium, driven by Playwright),
against a real server on a free port with LibreOffice rendering the thumbnails: a speaker picks
Region Värmland, edits quote 2, sees its thumbnail change and downloads the deck with the new
text; the same with the keyboard alone; and the page at a phone's width.

The screenshots go to `$DECKGEN_SCREENSHOTS` where it is set (else a temporary folder):
`serve-phone.png` (375 × 812) and `serve-keyboard.png`."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from pptx import Presentation

from generator.app.serve.server import make_app, running
from generator.app.serve.thumbs import default_renderer

from .conftest import ROOT, TEMPLATES
from .preview_support import PDFTOPPM, SOFFICE, launched_chromium
from .test_live import UNO_PYTHON

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.skipif(
    not (SOFFICE and UNO_PYTHON and PDFTOPPM),
    reason="needs LibreOffice, a Python that can import uno (the thumbnails' LiveOffice) and"
    " poppler: apt-get install libreoffice-impress python3-uno poppler-utils (.ci/run installs"
    " them)",
)

NEW_TEXT = "”Vi gör det tillsammans – år för år, i Värmland.”"
#: The slide quote 2 is on in Region Värmland's deck with the example overlay.
QUOTE_2 = "eget-citat"
ALL_READY = "() => document.querySelectorAll('.thumb .pending').length === 0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server on a copy of the content, its thumbnails rendered by LibreOffice."""
    root = tmp_path_factory.mktemp("serve-page")
    shutil.copytree(ROOT / "content", root / "content")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        app = make_app(
            Path("content/deck.yaml"),
            TEMPLATES,
            renderer=default_renderer(),
            thumbs=root / "thumbs",
        )
        with running(app) as url:
            yield url, root / "content"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


def new_page(browser: Browser, width: int = 1280, height: int = 900) -> Page:
    # The page's policy forbids eval; Playwright's waits evaluate their predicates.
    return browser.new_page(
        viewport={"width": width, "height": height}, bypass_csp=True, accept_downloads=True
    )


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: `$DECKGEN_SCREENSHOTS`, else a temporary folder."""
    named = os.environ.get("DECKGEN_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def overlay(content: Path, name: str) -> None:
    shutil.copyfile(ROOT / "content" / "overlays" / "exempel.yaml", content / "overlays" / name)


def thumbnail(page: Page, slide_id: str) -> str:
    return page.get_attribute(f"li.slide[data-id='{slide_id}'] .thumb img", "src") or ""


def test_a_speaker_edits_quote_2_sees_its_thumbnail_change_and_downloads_it(
    site: tuple[str, Path], browser: Browser
):
    url, content = site
    overlay(content, "mus.yaml")
    page = new_page(browser)
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    page.select_option("#variant", label="Region Värmland")
    page.fill("#overlay", "mus")
    page.click("#oppna")
    page.wait_for_selector("#redigera:not([hidden])")
    assert page.inner_text("#status") == "Region Värmland: 10 bilder."
    page.wait_for_function(ALL_READY, timeout=180_000)
    hidden = page.eval_on_selector_all(
        "li.slide.hidden-slide", "cards => cards.map(c => c.dataset.id)"
    )
    assert hidden == ["panel"]
    before = thumbnail(page, QUOTE_2)
    assert page.input_value("#citat-text-eget-citat") == (
        "”Här står ditt eget citat, med typografiska citattecken.”"
    )
    page.fill("#citat-text-eget-citat", NEW_TEXT)
    page.click("#spara")
    page.wait_for_function(
        "([id, old]) => { const img = document.querySelector(`li.slide[data-id='${id}'] img`);"
        " return img && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0"
        " && document.querySelectorAll('.thumb .pending').length === 0 }",
        arg=[QUOTE_2, before],
        timeout=180_000,
    )
    after = thumbnail(page, QUOTE_2)
    assert after != before
    old_png = Image.open(io.BytesIO(page.request.get(url.rstrip("/") + before).body()))
    new_png = Image.open(io.BytesIO(page.request.get(url.rstrip("/") + after).body()))
    assert old_png.size == new_png.size
    assert old_png.tobytes() != new_png.tobytes()
    with page.expect_download() as download:
        page.click("#ner-pptx")
    assert download.value.suggested_filename == "regionen-i-rorelse-varmland--mus.pptx"
    deck = Presentation(download.value.path())
    texts = [s.text_frame.text for s in deck.slides[7].shapes if s.has_text_frame]
    assert NEW_TEXT in texts
    saved = (content / "overlays" / "mus.yaml").read_text("utf-8")
    assert f"    text: {NEW_TEXT}\n" in saved
    assert "# An example speaker's overlay." in saved  # its comments are kept
    page.close()


def tab_to(page: Page, selector: str, limit: int = 150) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement === document.querySelector(sel)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_page_works_with_the_keyboard_alone(
    site: tuple[str, Path], browser: Browser, screenshots: Path
):
    url, content = site
    overlay(content, "tangent.yaml")
    page = new_page(browser)
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    tab_to(page, "#variant")
    page.keyboard.type("Region Värmland")  # a focused list box picks by typing
    assert page.input_value("#variant") == "varmland"
    tab_to(page, "#overlay")
    page.keyboard.press("Control+A")
    page.keyboard.type("tangent")
    tab_to(page, "#oppna")
    page.keyboard.press("Enter")
    page.wait_for_selector("#redigera:not([hidden])")
    # hide the closing slide with Space, edit quote 2, save with Enter
    tab_to(page, "li.slide[data-id='tack'] input[type=checkbox]")
    page.keyboard.press("Space")
    tab_to(page, "#citat-text-eget-citat")
    page.keyboard.press("Control+A")
    page.keyboard.type("”Med tangentbordet.”")
    tab_to(page, "#spara")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Sparat')"
    )
    saved = (content / "overlays" / "tangent.yaml").read_text("utf-8")
    assert "    text: ”Med tangentbordet.”\n" in saved
    assert "hide: [panel, tack]" in saved
    # the focus is visible: an outline on the focused control
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.screenshot(path=str(screenshots / "serve-keyboard.png"))
    page.close()


def test_an_invalid_edit_shows_its_error_next_to_the_field(
    site: tuple[str, Path], browser: Browser
):
    url, content = site
    overlay(content, "fel.yaml")
    page = new_page(browser)
    page.goto(f"{url}?variant=varmland&overlay=fel")
    page.wait_for_selector("#redigera:not([hidden])")
    page.fill("#organisation", "x" * 300)
    page.click("#spara")
    page.wait_for_selector(".field-error")
    assert page.get_attribute("#organisation", "aria-invalid") == "true"
    error = page.inner_text("#organisation ~ .field-error")
    assert "255" in error
    assert page.evaluate("document.activeElement.id") == "organisation"
    assert page.inner_text("#status") == "Inte sparat."
    page.close()


def test_the_page_fits_a_phone(site: tuple[str, Path], browser: Browser, screenshots: Path):
    url, _ = site
    page = new_page(browser, 375, 812)
    page.goto(f"{url}?variant=varmland&overlay=exempel")
    page.wait_for_selector("#redigera:not([hidden])")
    page.wait_for_function(ALL_READY, timeout=180_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing scrolls sideways
    columns = page.evaluate(
        "getComputedStyle(document.getElementById('bilder')).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    page.screenshot(path=str(screenshots / "serve-phone.png"), full_page=True)
    page.close()


def test_the_pdf_download_is_the_talk_as_shown(site: tuple[str, Path]):
    import httpx2

    url, _ = site
    response = httpx2.get(f"{url}api/decks/varmland.pdf?overlay=exempel", timeout=120)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="regionen-i-rorelse-varmland--exempel.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    # ten slides, the hidden panel left out, as deckgen build --pdf writes it
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", response.content)) == 9


def test_a_speaker_adds_a_quote_and_a_panel_photo(
    site: tuple[str, Path], browser: Browser, tmp_path: Path
):
    url, content = site
    overlay(content, "eget.yaml")
    photo = tmp_path / "Anna Ö.jpg"
    Image.new("RGB", (60, 80), (30, 90, 160)).save(photo, "JPEG")
    page = new_page(browser)
    page.goto(f"{url}?variant=varmland&overlay=eget")
    page.wait_for_selector("#redigera:not([hidden])")
    page.click("#nytt-citat")
    assert page.evaluate("document.activeElement.id") == "citat-text-eget-citat-2"
    page.fill("#citat-text-eget-citat-2", "”Ett till citat, med å, ä och ö.”")
    page.fill("#citat-kalla-eget-citat-2", "Anna Andersson")
    page.select_option("#person", label="Elsmari Julin")
    page.set_input_files("#foto", str(photo))
    page.click("#ladda-upp")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Fotot sparades')"
    )
    assert page.inner_text("#status") == "Fotot sparades som eget--anna-o.jpg."
    assert (content / "overlays" / "eget--anna-o.jpg").read_bytes() == photo.read_bytes()
    saved = (content / "overlays" / "eget.yaml").read_text("utf-8")
    assert "  - eget-citat-2\n" in saved
    assert "    text: ”Ett till citat, med å, ä och ö.”\n" in saved
    assert "photo: eget--anna-o.jpg" in saved
    slides = page.eval_on_selector_all("li.slide", "cards => cards.map(c => c.dataset.id)")
    assert slides.index("eget-citat-2") == slides.index("citat-legitimitet") + 1
    page.close()


def test_an_overlay_saved_in_an_editor_shows_on_the_open_page(
    site: tuple[str, Path], browser: Browser
):
    url, content = site
    overlay(content, "redigerare.yaml")
    page = new_page(browser)
    page.goto(f"{url}?variant=varmland&overlay=redigerare")
    page.wait_for_selector("#redigera:not([hidden])")
    assert not page.is_checked("li.slide[data-id='tack'] input[type=checkbox]")
    path = content / "overlays" / "redigerare.yaml"
    path.write_text(path.read_text("utf-8").replace("hide: [panel]", "hide: [panel, tack]"))
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Overlay-filen ändrades')",
        timeout=60_000,
    )
    assert page.is_checked("li.slide[data-id='tack'] input[type=checkbox]")
    assert page.inner_text("li.slide[data-id='tack'] .slide-title") == "10 Dold Tack för oss!"
    page.close()


def test_an_overlay_that_no_longer_builds_opens_to_be_put_right(
    site: tuple[str, Path], browser: Browser, screenshots: Path
):
    """An overlay edited by hand into one that does not build opens on the deck without it,
    with its errors at their lines: the speaker removes the bad quote and saves, and what the
    page does not show (the hidden panel, a note on the speaker's own quote) is kept."""
    url, content = site
    path = content / "overlays" / "trasig.yaml"
    text = (ROOT / "content" / "overlays" / "exempel.yaml").read_text("utf-8")
    text = text.replace("  - citat-legitimitet\n", "  - finns-inte\n")
    path.write_text(text + "  eget-citat: Min egen anteckning.\n", "utf-8")
    page = new_page(browser)
    page.goto(f"{url}?variant=varmland&overlay=trasig")
    page.wait_for_selector("#redigera:not([hidden])")
    errors = page.inner_text("#fel")
    assert errors.startswith(
        "Overlayn trasig kan inte användas som den är: presentationen kunde inte byggas."
    )
    where = "\ncontent/overlays/trasig.yaml:13:5: error: "
    assert f"{where}quotes[2]: unknown slide id 'finns-inte' (known: citat-legitimitet," in errors
    assert page.inner_text("#status") == "Overlayn behöver rättas."
    assert page.is_checked("li.slide[data-id='panel'] input[type=checkbox]")  # hide: [panel]
    page.screenshot(path=str(screenshots / "serve-broken-overlay.png"))
    page.click("[data-quote='finns-inte'] button:has-text('Ta bort')")
    page.click("#spara")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Sparat')",
        timeout=60_000,
    )
    assert page.is_hidden("#fel")
    saved = path.read_text("utf-8")
    assert "finns-inte" not in saved
    assert "quotes:                             # the quotes to show, in this order" in saved
    assert "hide: [panel]" in saved
    assert "  eget-citat: Min egen anteckning.\n" in saved
    assert "  uppdraget: Berätta om hur vi arbetar" in saved
    cards = page.locator("li.slide").evaluate_all("(cards) => cards.map((c) => c.dataset.id)")
    assert "eget-citat" in cards  # the deck with the overlay, its own quote among the slides
    page.close()


def test_a_slide_hidden_in_the_deck_is_shown_again_from_the_page(
    site: tuple[str, Path], browser: Browser
):
    """A slide the deck itself hides (here Gotland's file hides the diagram) is shown again by
    unticking its box: the overlay says `hidden: false` for it, and the deck shows it."""
    url, content = site
    region = content / "regions" / "gotland.yaml"
    region.write_text(
        region.read_text("utf-8").replace(
            "slides:\n", "slides:\n  uppdraget:\n    hidden: true\n", 1
        ),
        "utf-8",
    )
    box = "li.slide[data-id='uppdraget'] input[type=checkbox]"
    page = new_page(browser)
    page.goto(f"{url}?variant=gotland&overlay=visa-igen")
    page.wait_for_selector("#redigera:not([hidden])")
    page.wait_for_function(ALL_READY, timeout=180_000)
    assert page.is_checked(box)
    assert page.inner_text("li.slide[data-id='uppdraget'] .slide-title").startswith("3 Dold ")
    page.uncheck(box)
    page.click("#spara")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.startsWith('Sparat')",
        timeout=60_000,
    )
    saved = (content / "overlays" / "visa-igen.yaml").read_text("utf-8")
    assert saved.endswith("\nslides:\n  uppdraget:\n    hidden: false\n")
    assert saved.startswith("# yaml-language-server: $schema=../overlay.schema.json\n")
    assert not page.is_checked(box)
    assert page.inner_text("li.slide[data-id='uppdraget'] .slide-title") == (
        "3 Uppdraget är samhällsutveckling"
    )
    page.close()

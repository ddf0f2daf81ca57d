"""Helpers for the `deckgen preview` tests: a small project run through the real CLI, the page
parsed, and the output folder served to headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import contextlib
import functools
import json
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

import pytest
from click.testing import CliRunner, Result

from generator.app.cli import main

from .conftest import ROOT, TEMPLATES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

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
#: The sections' headings, in the page's (Swedish) order: by slug, Örebro would come first.
NAMES = {
    "national": "Nationell version",
    "varmland": "Region Värmland",
    "orebro": "Region Örebro län",
}
#: The slide Värmland's region file hides: the third, in every deck.
HIDDEN = "uppdraget"


class Project:
    """A copy of the content (with two regions only, Värmland hiding a slide) and templates, run
    through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"
        self.previewed: Result | None = None
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(TEMPLATES, root / "templates")
        for region in (root / "content" / "regions").glob("*.yaml"):
            if region.stem not in REGIONS:
                region.unlink()
        varmland = root / "content" / "regions" / "varmland.yaml"
        varmland.write_text(varmland.read_text("utf-8") + f"\nhide:\n  - {HIDDEN}\n", "utf-8")

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
def launched_chromium() -> Iterator[Browser]:
    """Yield headless Chromium, launched by Playwright, or skip saying what is missing."""
    if CHROMIUM != "bundled" and not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs Playwright: pip install 'playwright>=1.40'"
    )
    executable = {} if CHROMIUM == "bundled" else {"executable_path": CHROMIUM}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(args=CHROMIUM_ARGS, **executable)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium() -> Iterator[Page]:
    """Yield a page in headless Chromium, or skip saying what is missing."""
    with launched_chromium() as browser:
        yield browser.new_page(viewport={"width": 1280, "height": 900})


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
            address, fragment = href.split("#", 1)
            if address == page.url.split("#", 1)[0]:
                assert page.evaluate("id => !!document.getElementById(id)", fragment), href
            else:  # an element on another page
                assert f'id="{fragment}"' in page.request.get(address).text(), href
        else:
            assert page.request.get(href).status == 200, href

"""`deckgen preview`: a PNG per slide, thumbnails, a contact sheet per deck, index.html and the
compare pages, checked on disk and in a real browser (Debian's Chromium, driven by Playwright).
The page speaks Swedish to regional staff: its labels, the regions' names in Swedish order,
hidden slides shown and marked, speaker notes one click away, and one slide compared across
decks."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin

import pytest
import yaml
from PIL import Image, ImageChops, ImageStat

import generator.output.raster as raster
from generator.gallery.deck import read_deck
from generator.gallery.page import anchor_of, swedish_key, swedish_time
from generator.output.manifest import Inputs, Manifest
from generator.source.variant import Options, Variant

from .conftest import ROOT
from .preview_support import (
    HIDDEN,
    NAMES,
    PDFTOPPM,
    REGIONS,
    SOFFICE,
    Project,
    assert_images_load_and_links_resolve,
    chromium,
    needs_renderers,
    parse,
    serve,
    slide_size,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

#: The notes of the first slide, from content/deck.yaml.
#: The title slide's notes, by deck: a region's deck speaks as the region.
FIRST_NOTES = {
    key: f"Presentera er själva och {whose} arbete med det regionala utvecklingsuppdraget."
    for key, whose in [("national", "SKR:s"), ("orebro", "regionens"), ("varmland", "regionens")]
}


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


# On disk ----------------------------------------------------------------------------------


@needs_renderers
def test_preview_renders_every_deck_and_says_so(gallery: Project):
    result = gallery.previewed
    assert result is not None
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    output = gallery.output.as_posix()
    assert lines[-1] == f"wrote {output}/index.html (3 decks)"
    # A PDF beside each deck, and one with every slide for the deck that hides one.
    assert sorted(line for line in lines if line.endswith(".pdf")) == [
        f"wrote {output}/preview/regionen-i-rorelse-varmland.pdf",
        f"wrote {output}/regionen-i-rorelse-orebro.pdf",
        f"wrote {output}/regionen-i-rorelse-varmland.pdf",
        f"wrote {output}/regionen-i-rorelse.pdf",
    ]
    assert sum(line.endswith("-sheet.png (11 slides)") for line in lines) == 2  # each a chart
    assert sum(line.endswith("-sheet.png (9 slides)") for line in lines) == 1
    compare = sorted(line for line in lines if "/compare/" in line)
    assert len(compare) == 11  # the national deck's nine slides, and the regions' own two


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
        columns = min(raster.SHEET_COLUMNS, count)
        rows = math.ceil(count / columns)
        tile = (raster.SHEET_TILE_WIDTH, round(slide[1] * raster.SHEET_TILE_WIDTH / slide[0]))
        with Image.open(sheet) as image:
            assert image.format == "PNG"
            assert (
                image.width
                == 2 * raster.SHEET_MARGIN + columns * tile[0] + (columns - 1) * raster.SHEET_GAP
            )
            assert image.height == (
                2 * raster.SHEET_MARGIN
                + raster.SHEET_HEADING
                + rows * (tile[1] + raster.SHEET_LABEL)
                + (rows - 1) * raster.SHEET_GAP
            )
            # The last slide sits in its cell: the tile matches slide N scaled down.
            row, column = divmod(count - 1, columns)
            x = raster.SHEET_MARGIN + column * (tile[0] + raster.SHEET_GAP)
            y = (
                raster.SHEET_MARGIN
                + raster.SHEET_HEADING
                + row * (tile[1] + raster.SHEET_LABEL + raster.SHEET_GAP)
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
    raster.contact_sheet(slides, target, "Regionen i rörelse · Region Värmland", "5 slides")
    margin, gap, tile = raster.SHEET_MARGIN, raster.SHEET_GAP, raster.SHEET_TILE_WIDTH
    tile_height = 720 * tile // 1280
    with Image.open(target) as sheet:
        assert sheet.size == raster.sheet_size(5, (1280, 720))
        assert sheet.width == 2 * margin + 4 * tile + 3 * gap  # four to a row
        top = margin + raster.SHEET_HEADING
        for index, colour in enumerate(colours):
            row, column = divmod(index, 4)
            centre = (
                margin + column * (tile + gap) + tile // 2,
                top + row * (tile_height + raster.SHEET_LABEL + gap) + tile_height // 2,
            )
            assert sheet.getpixel(centre) == colour, index
        # Where a sixth slide would go, there is only background.
        empty = (margin + tile + gap + tile // 2, top + tile_height + raster.SHEET_LABEL + gap + 9)
        assert sheet.getpixel(empty) == sheet.getpixel((2, 2))


@needs_renderers
def test_read_deck_gives_the_title_language_slide_ids_hidden_slides_and_notes(gallery: Project):
    deck = read_deck(gallery.output / "regionen-i-rorelse-varmland.pptx")
    assert deck.title == "Regionen i rörelse"
    assert deck.language == "sv-SE"
    assert [s.id for s in deck.slides][:4] == ["title", "vad-handlar-det-om", HIDDEN, "regionen"]
    assert [s.number for s in deck.slides if s.hidden] == [3]
    assert deck.hidden == 1
    assert deck.slides[0].notes == FIRST_NOTES["varmland"]
    assert deck.slides[2].notes == ""
    assert deck.slides[3].title == "Region Värmland"


@needs_renderers
def test_the_manifest_records_each_decks_region_name_and_build_time(gallery: Project):
    manifest = gallery.manifest()
    assert {key: entry["name"] for key, entry in manifest.items()} == {
        "national": None,
        "orebro": "Region Örebro län",
        "varmland": "Region Värmland",
    }
    for entry in manifest.values():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", entry["built"])


def test_an_old_manifest_without_build_times_loads_and_its_decks_are_built_again(tmp_path: Path):
    deck = tmp_path / "regionen-i-rorelse.pptx"
    deck.write_bytes(b"a deck")
    old = {
        "file": deck.name,
        "sha256": hashlib.sha256(b"a deck").hexdigest(),
        "slides": 9,
        "inputs": "0" * 64,
        "deckgen": "0.1.0",
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"decks": {"national": old}}), "utf-8")
    manifest = Manifest(tmp_path)
    entry = manifest.entries["national"]
    assert (entry.name, entry.built) == (None, None)
    variant = Variant(ROOT / "content" / "deck.yaml")
    inputs = Inputs(Options(ROOT / "templates"), "0.1.0")
    assert manifest.current(variant, inputs) is None
    now = replace(entry, built="2026-12-01T06:30:12Z", files=[], inputs=inputs.digest(variant, ()))
    manifest.entries["national"] = replace(now, built=None)  # no build time: built again
    assert manifest.current(variant, inputs) is None
    manifest.entries["national"] = replace(now, files=None)  # no files read: built again
    assert manifest.current(variant, inputs) is None
    manifest.entries["national"] = now
    assert manifest.current(variant, inputs) == now


def test_swedish_order_puts_a_ring_a_umlaut_and_o_umlaut_after_z():
    names = [
        yaml.safe_load(path.read_text("utf-8"))["region"]["name"]  # the test's own reading
        for path in sorted((ROOT / "content" / "regions").glob("*.yaml"))
    ]
    ordered = sorted(names, key=lambda name: swedish_key(name.removeprefix("Region ")))
    assert ordered == [
        "Region Blekinge",
        "Region Dalarna",
        "Region Gotland",
        "Region Gävleborg",
        "Region Halland",
        "Region Jämtland Härjedalen",
        "Region Jönköpings län",
        "Region Kalmar län",
        "Region Kronoberg",
        "Region Norrbotten",
        "Region Skåne",
        "Region Stockholm",
        "Region Sörmland",
        "Region Uppsala",
        "Region Värmland",
        "Region Västerbotten",
        "Region Västernorrland",
        "Region Västmanland",
        "Västra Götalandsregionen",
        "Region Örebro län",
        "Region Östergötland",
    ]
    assert sorted(["ö", "z", "ä", "å", "a", "é", "e"], key=swedish_key) == [
        "a", "e", "é", "z", "å", "ä", "ö"
    ]  # fmt: skip


def test_build_times_are_written_as_swedes_write_them_in_swedish_time():
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        zoneinfo.ZoneInfo("Europe/Stockholm")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("needs the time zone database: apt-get install tzdata, or pip install tzdata")
    assert swedish_time("2026-12-01T06:30:12Z") == "1 december 2026 kl. 07.30"
    assert swedish_time("2026-07-04T21:05:00Z") == "4 juli 2026 kl. 23.05"


@needs_renderers
def test_index_is_in_swedish_with_a_section_per_region_in_swedish_order(gallery: Project):
    page = parse(gallery.output / "index.html")
    assert page.all("html")[0].attrs["lang"] == "sv"
    assert page.all("meta", charset="utf-8")
    assert not page.all("script")
    assert not page.all("link")  # the CSS is inline, and there are no web fonts
    assert "@import" not in page.all("style")[0].text
    assert "url(" not in page.all("style")[0].text
    assert " ".join(page.all("title")[0].text.split()) == "Förhandsvisning · Regionen i rörelse"
    headings = [" ".join(h.text.split()) for h in page.all("h2")]
    assert headings[:2] == ["Innehåll", "Jämför en bild i alla bildspel"]
    assert headings[2:] == list(NAMES.values())
    sections = page.all("section", class_="deck")
    assert [s.attrs["id"] for s in sections] == [f"deck-{key}" for key in NAMES]
    manifest = gallery.manifest()
    for section, key in zip(sections, NAMES, strict=True):
        entry = manifest[key]
        text = " ".join(section.text.split())
        built = swedish_time(entry["built"])
        hidden = "Dolda bilder 1 " if key == "varmland" else ""
        assert f"Bilder {entry['slides']} {hidden}Byggd {built} " in text
        assert f"Innehållsversion {entry['inputs'][:12]} deckgen {entry['deckgen']}" in text
        assert "Ladda ned PowerPoint Ladda ned PDF Översiktsbild" in text
        assert "Bild 1 Jämför Talaranteckningar " + FIRST_NOTES[key] in text
        assert "Bild 3 Jämför Inga talaranteckningar" in text
        times = [t for t in page.all("time") if t.attrs["datetime"] == entry["built"]]
        assert times
    toc = [a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("#deck-")]
    assert toc[:3] == [f"#{s.attrs['id']}" for s in sections]


@needs_renderers
def test_a_hidden_slide_is_shown_and_marked_not_dropped(gallery: Project):
    page = parse(gallery.output / "index.html")
    hidden = [li.attrs["id"] for li in page.all("li", class_="is-hidden")]
    assert hidden == ["deck-varmland--3"]
    thumbs = [img.attrs["alt"] for img in page.all("img") if "/thumb-" in img.attrs["src"]]
    assert "Bild 3 (dold)" in thumbs

    # The PDF beside the deck is the talk as shown; the pictures come from one with every slide.
    def pages(pdf: Path) -> int:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M)[1])  # type: ignore[index]

    assert pages(gallery.output / "regionen-i-rorelse-varmland.pdf") == 10
    every = gallery.output / "preview" / "regionen-i-rorelse-varmland.pdf"
    assert pages(every) == 11
    text = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", str(every), "-"], capture_output=True, text=True
    ).stdout
    assert "Uppdraget är samhällsutveckling" in text
    assert not (gallery.output / "preview" / "regionen-i-rorelse-orebro.pdf").exists()


@needs_renderers
def test_each_slide_id_has_a_compare_page_with_every_deck_that_has_it(gallery: Project):
    index = parse(gallery.output / "index.html")
    compare = [a.attrs["href"] for a in index.all("a") if a.attrs["href"].startswith("compare/")]
    pages = sorted({href for href in compare})
    assert pages == sorted(
        f"compare/{path.name}" for path in (gallery.output / "compare").iterdir()
    )
    assert len(pages) == 11
    page = parse(gallery.output / "compare" / f"{HIDDEN}.html")
    assert page.all("html")[0].attrs["lang"] == "sv"
    assert " ".join(page.all("title")[0].text.split()) == "Jämför: Uppdraget är samhällsutveckling"
    assert [" ".join(h.text.split()) for h in page.all("h2")] == list(NAMES.values())
    cards = page.all("li", class_="deck-card is-hidden")
    assert len(cards) == 1
    sources = [img.attrs["src"] for img in page.all("img")]
    assert sources == [
        f"../preview/regionen-i-rorelse{suffix}/slide-03.png"
        for suffix in ("", "-varmland", "-orebro")
    ]
    region = (gallery.output / "compare" / "regionen.html").read_text("utf-8")
    assert '<p class="missing">Finns inte i: Nationell version.</p>' in region
    assert region.count('<span class="label">Bild 4</span>') == 2


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
    later = max(path.stat().st_mtime for path in folder.iterdir()) + 10
    os.utime(pdf, (later, later))
    third = gallery.run("preview", "--all")
    assert third.exit_code == 0, third.output
    assert "regionen-i-rorelse-orebro-sheet.png (11 slides)" in third.stdout
    assert not (folder / "slide-99.png").exists()
    assert not (folder / "thumb-99.png").exists()
    assert len(list(folder.glob("slide-*.png"))) == 11
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


@pytest.fixture(scope="module")
def served(gallery: Project) -> Iterator[str]:
    """The output folder over http on 127.0.0.1, on a free port."""
    with serve(gallery.output) as address:
        yield address


@pytest.fixture(scope="module")
def browser_page(served: str) -> Iterator[Page]:
    with chromium() as page:
        yield page


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
        headings = page.locator("section.deck h2").all_inner_texts()
        assert headings[0] == "Nationell version"
        assert headings[-2:] == ["Region Örebro län", "Region Östergötland"]
        assert_images_load_and_links_resolve(page, served)
        page.locator(".thumb").first.click()
        image = page.locator(".lightbox:target img")
        image.wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('.lightbox:target img').naturalWidth")
        page.goto(urljoin(served, "index.html"), wait_until="load")
        screenshot = folder / "gallery-screenshot.png"
        page.screenshot(path=str(screenshot), full_page=True)
        page.locator(".compare-list a").nth(2).click()
        page.wait_for_load_state("load")
        assert page.locator(".deck-card").count() == len(manifest)
        assert_images_load_and_links_resolve(page, served)
        page.screenshot(path=str(folder / "compare-screenshot.png"), full_page=True)
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
    assert page.title() == "Förhandsvisning · Regionen i rörelse"

    # The thumbnails are there at once; a full-size slide loads when it is shown.
    thumbs = page.evaluate("document.querySelectorAll('img:not([loading=lazy])').length")
    slides = sum(entry["slides"] for entry in gallery.manifest().values())
    assert thumbs == 3 + slides
    assert_images_load_and_links_resolve(page, served)

    # A click on the first thumbnail shows the slide full size.
    lightbox = page.locator(".lightbox:target")
    assert lightbox.count() == 0
    page.locator(".thumb").first.click()
    assert page.url.endswith("#deck-national--1-full")
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
        assert page.url.endswith(f"#deck-national--{number}-full")
        page.wait_for_function(
            "() => document.querySelector('.lightbox:target img').naturalWidth === 1280"
        )
    assert lightbox.locator(".next").count() == 0  # the last slide
    lightbox.locator(".close").click()
    assert page.url.endswith("#deck-national--9")
    assert page.locator(".lightbox:target").count() == 0
    assert not page.locator("#deck-national--9-full img").is_visible()

    # The other decks' full-size images load too, when shown.
    for slide in page.eval_on_selector_all(".lightbox", "boxes => boxes.map(b => b.id)"):
        page.evaluate("id => { location.hash = id; }", slide)
        page.wait_for_function(
            "id => document.querySelector(`#${id} img`).naturalWidth > 0", arg=slide
        )
    # the last hash change may have started a neighbour's lazy image: let what is in flight land
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
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


def test_the_page_speaks_swedish_and_shows_notes_and_hidden_slides_in_a_browser(
    gallery: Project, served: str, browser_page: Page
):
    page = browser_page
    page.goto(urljoin(served, "index.html"), wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.locator("#toc-title").inner_text() == "INNEHÅLL"  # upper case by its style
    assert page.locator(".toc-name").all_inner_texts() == list(NAMES.values())
    assert page.locator("section.deck h2").all_inner_texts() == list(NAMES.values())
    varmland = page.locator("#deck-varmland")
    assert varmland.locator(".actions a").all_inner_texts() == [
        "Ladda ned PowerPoint",
        "Ladda ned PDF",
        "Översiktsbild",
    ]
    assert varmland.locator(".slides .label").all_inner_texts() == [
        f"Bild {number}" for number in range(1, 12)
    ]

    # The hidden slide is there, in its place, marked.
    hidden = page.locator("#deck-varmland--3")
    assert hidden.locator(".badge").inner_text() == "Dold bild"
    assert hidden.locator(".badge").is_visible()
    assert page.locator(".badge").count() == 1
    hidden.locator(".thumb").click()
    assert page.url.endswith("#deck-varmland--3-full")
    caption = page.locator(".lightbox:target figcaption span")
    assert caption.inner_text() == "Region Värmland · bild 3 av 11 · Dold bild"
    page.locator(".lightbox:target .close").click()

    # The speaker notes are one click away.
    first = page.locator("#deck-varmland--1 details")
    note = first.locator("p")
    assert first.locator("summary").inner_text() == "Talaranteckningar"
    assert not note.is_visible()
    first.locator("summary").click()
    assert note.is_visible()
    assert note.inner_text() == FIRST_NOTES["varmland"]
    assert page.locator("#deck-varmland--3 .notes").inner_text() == "Inga talaranteckningar"


def test_the_compare_view_shows_one_slide_of_every_deck_in_a_browser(
    gallery: Project, served: str, browser_page: Page
):
    page = browser_page
    page.goto(urljoin(served, "index.html"), wait_until="load")
    page.locator("#deck-varmland--3 .compare-link").click()
    page.wait_for_load_state("load")
    assert page.url == urljoin(served, f"compare/{HIDDEN}.html")
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.locator("h1").inner_text() == "Uppdraget är samhällsutveckling"
    assert page.locator(".deck-card h2").all_inner_texts() == list(NAMES.values())
    assert page.locator(".deck-card .label").all_inner_texts() == ["Bild 3"] * 3
    assert page.locator(".deck-card .badge").all_inner_texts() == ["Dold bild"]
    assert page.locator(".pager .position").inner_text() == "3 av 11"
    assert_images_load_and_links_resolve(page, served)
    page.locator("a[rel=next]").click()
    page.wait_for_load_state("load")
    assert page.url == urljoin(served, "compare/regionen.html")
    assert page.locator("h1").inner_text() == "Regionen"
    assert page.locator(".deck-card h2").all_inner_texts() == [
        "Region Värmland",
        "Region Örebro län",
    ]
    assert page.locator(".missing").inner_text() == "Finns inte i: Nationell version."
    page.locator(".deck-card .thumb").first.click()  # to that slide in its deck, full size
    page.wait_for_load_state("load")
    assert page.url == urljoin(served, "index.html#deck-varmland--4-full")
    page.wait_for_function("() => document.querySelector('.lightbox:target img').naturalWidth")


def test_preview_of_one_region_updates_its_section_and_keeps_the_others(
    gallery: Project, served: str, browser_page: Page
):
    """Last in the module: it changes Värmland's deck."""
    index = gallery.output / "index.html"

    def section(html: str, key: str) -> str:
        found = re.search(f'<section class="deck" id="deck-{key}".*?</section>', html, re.S)
        assert found is not None, key
        return found[0]

    before = index.read_text("utf-8")
    region = gallery.root / "content" / "regions" / "varmland.yaml"
    region.write_text(region.read_text("utf-8").replace("kommuner: 16", "kommuner: 17"), "utf-8")
    built = gallery.run("build", "--region", "varmland")
    assert built.exit_code == 0, built.output
    previewed = gallery.run("preview", "--region", "varmland")
    assert previewed.exit_code == 0, previewed.output
    lines = previewed.stdout.splitlines()
    assert lines[-1] == f"wrote {index.as_posix()} (3 decks)"
    assert not any("orebro" in line or "rorelse.pdf" in line for line in lines)

    after = index.read_text("utf-8")
    entry = gallery.manifest()["varmland"]
    assert section(after, "national") == section(before, "national")
    assert section(after, "orebro") == section(before, "orebro")
    assert section(after, "varmland") != section(before, "varmland")
    assert f'<code title="{entry["inputs"]}">' in section(after, "varmland")

    page = browser_page
    page.goto(urljoin(served, "index.html"), wait_until="load")
    assert page.locator("section.deck h2").all_inner_texts() == list(NAMES.values())
    built = page.locator("#deck-varmland .meta time")
    assert built.inner_text() == swedish_time(entry["built"])
    assert built.get_attribute("datetime") == entry["built"]
    assert_images_load_and_links_resolve(page, served)
    page.goto(urljoin(served, f"compare/{HIDDEN}.html"), wait_until="load")
    assert page.locator(".deck-card h2").all_inner_texts() == list(NAMES.values())

    # A deck built again to other bytes but not previewed since keeps its section, which says
    # so; one built again to the same bytes (a new modification time) does not.
    assert "Bilderna visar en äldre version" not in after
    national = gallery.output / "regionen-i-rorelse.pptx"
    later = national.stat().st_mtime + 100
    os.utime(national, (later, later))
    touched = gallery.run("preview", "--region", "orebro")
    assert touched.exit_code == 0, touched.output
    assert "Bilderna visar en äldre version" not in index.read_text("utf-8")
    with zipfile.ZipFile(national, "a") as package:
        package.comment = b"built again"
    again = gallery.run("preview", "--region", "orebro")
    assert again.exit_code == 0, again.output
    page.goto(urljoin(served, "index.html"), wait_until="load")
    assert page.locator("section.deck h2").all_inner_texts() == list(NAMES.values())
    assert page.locator(".stale").all_inner_texts() == [
        "Bilderna visar en äldre version av bildspelet: det har byggts om sedan. "
        "Kör deckgen preview för att uppdatera dem."
    ]
    assert page.locator("#deck-national .stale").count() == 1


def test_decks_whose_keys_spell_one_slug_get_their_own_page_ids():
    keys = ["varmland", "corp:varmland", "corp-varmland", "varmland+anna", "varmland-anna", ""]
    anchors = [anchor_of(key) for key in keys]
    assert anchors[0] == "deck-varmland"
    assert anchors[2] == "deck-corp-varmland"
    assert anchors[1].startswith("deck-corp-varmland-")  # and a short hash of the key
    assert len(set(anchors)) == len(keys)
    # a card's id is its deck's and "--" and its number, which no deck's id holds
    assert all("--" not in anchor for anchor in anchors)

"""Text logos: set in the bundled Carlito Bold, sized by cap height, on a transparent ground,
in a positive and a negative ink; and how the master places them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation

from generator.app.cli import main
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant
from generator.theme.logo import (
    CAP_HEIGHT_KEY,
    LogoFontMissing,
    balanced,
    coverage,
    ink_cap_height,
    text_logo,
)

from .conftest import CONTENT, ROOT, TEMPLATES

FONTS = ROOT / "generator" / "theme" / "fonts"
EMU_PER_POINT = 12700


def logo(text: str, color: str = "12355B") -> Image.Image:
    return Image.open(io.BytesIO(text_logo(text, color)))


def test_a_text_logo_is_reproducible_and_records_its_cap_height():
    first, second = text_logo("SKR", "12355B"), text_logo("SKR", "12355B")
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert image.info[CAP_HEIGHT_KEY] == "80"


def test_every_pixel_carries_the_ink_and_only_alpha_varies():
    """No plate and no black: transparent pixels are the ink at alpha 0, so that scaling
    blends the letters' edges into the ink."""
    image = logo("Region Värmland", "044400")
    colours = {colour for _, colour in image.getcolors(maxcolors=1_000_000)}
    assert {colour[:3] for colour in colours} == {(4, 68, 0)}
    assert {0, 255} <= {colour[3] for colour in colours}
    assert image.getpixel((0, 0))[3] == 0


def test_short_and_long_names_have_one_cap_height():
    """The first glyph's ink is as tall as the recorded cap height (an S overshoots a little,
    a V kerned under its ä reaches the dots)."""
    for text, measured in [("Region Värmland", 80), ("SKR", 82), ("Region Skåne", 80)]:
        image = logo(text)
        assert image.info[CAP_HEIGHT_KEY] == "80"
        assert ink_cap_height(coverage(image)) == measured


def test_a_long_name_breaks_onto_two_lines_at_the_most_balanced_space():
    one, two = logo("Region Västernorrland"), logo("Västra Götalandsregionen")
    assert two.height > 1.8 * one.height
    assert two.width < one.width
    assert balanced("Västra Götalandsregionen", len, 15) == ["Västra", "Götalandsregionen"]
    assert balanced("Region Jämtland Härjedalen", len, 15) == ["Region Jämtland", "Härjedalen"]
    assert balanced("Region Skåne", len, 15) == ["Region Skåne"]
    assert balanced("Götalandsregionen", len, 5) == ["Götalandsregionen"]


def test_swedish_letters_are_drawn_not_boxes():
    """A font without å, ä and ö draws the same "missing glyph" box for each, as tall as an a;
    Carlito draws a ring and dots above the a."""
    logos = {letter: text_logo(letter, "12355B") for letter in "aåäö"}
    assert len(set(logos.values())) == 4
    height = {letter: Image.open(io.BytesIO(png)).height for letter, png in logos.items()}
    assert height["å"] > height["a"]
    assert height["ä"] > height["a"]


def test_a_heading_font_with_no_bundled_twin_is_refused():
    with pytest.raises(LogoFontMissing) as raised:
        text_logo("SKR", "12355B", "Trebuchet MS")
    assert str(raised.value) == (
        "no bundled font for the heading font 'Trebuchet MS': text logos are set in Calibri,"
        " Carlito (Carlito Bold); give the brand a logo of its own"
    )


def test_the_bundled_font_comes_with_its_licence():
    assert (FONTS / "Carlito-Bold.ttf").read_bytes()[:4] == b"\x00\x01\x00\x00"
    licence = (FONTS / "OFL.txt").read_text("utf-8")
    assert licence.startswith("Copyright (c) 2010-2013 by tyPoland Lukasz Dziedzic with Reserved")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the templates, to change."""
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path / "templates"


def test_logo_brand_writes_a_positive_and_a_negative_logo(templates: Path):
    logos = templates / "brands" / "logos"
    (logos / "varmland.png").unlink()
    (logos / "varmland-negative.png").unlink()
    result = CliRunner().invoke(main, ["logo", "--brand", "varmland", "--templates", templates])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote {(logos / 'varmland.png').as_posix()}\n"
        f"wrote {(logos / 'varmland-negative.png').as_posix()}\n"
    )
    assert (logos / "varmland.png").read_bytes() == text_logo("Region Värmland", "044400")
    assert (logos / "varmland-negative.png").read_bytes() == text_logo("Region Värmland", "FFFFFF")


def test_the_shipped_logos_are_the_ones_deckgen_logo_makes():
    """Every brand's logos are made again from its name and colours, byte for byte."""
    for brand in sorted((TEMPLATES / "brands").glob("*.yaml")):
        data = yaml.safe_load(brand.read_text("utf-8"))
        folder = TEMPLATES / "brands" / "logos"
        for suffix, ink in (("", data["colors"]["dk2"]), ("-negative", data["colors"]["lt1"])):
            made = text_logo(data["name"], ink, data["fonts"]["heading"])
            assert (folder / f"{brand.stem}{suffix}.png").read_bytes() == made, brand.stem


def _build(templates: Path, out: Path, brand: str | None = None) -> Presentation:
    deck = Pipeline(Options(templates)).build(Variant(CONTENT, brand=brand), out)
    return Presentation(str(deck.path))


def _shown(picture) -> tuple[float, float, float]:
    """A picture's right edge, bottom edge and cap height as shown, in points."""
    image = Image.open(io.BytesIO(picture.image.blob))
    cap = float(image.info[CAP_HEIGHT_KEY]) * picture.height / image.height / EMU_PER_POINT
    right, bottom = picture.left + picture.width, picture.top + picture.height
    return (right / EMU_PER_POINT, bottom / EMU_PER_POINT, round(cap, 6))


def test_the_master_sets_a_text_logo_at_its_cap_height_on_the_margin(built_deck: Path):
    [picture] = [
        s for s in Presentation(str(built_deck)).slide_masters[0].shapes if s.name == "Logo"
    ]
    assert _shown(picture) == (904, 508, 10)


def test_artwork_without_a_cap_height_is_fitted_into_the_box(templates: Path, tmp_path: Path):
    Image.new("RGB", (480, 120), "#12355B").save(templates / "brands" / "logos" / "skr.png")
    [picture] = [s for s in _build(templates, tmp_path).slide_masters[0].shapes if s.name == "Logo"]
    box = [round(v / EMU_PER_POINT, 2) for v in (picture.left, picture.top)]
    assert box == [794, 480.5]  # 110 pt wide, 27.5 pt high, on the box's right and bottom
    assert (picture.width, picture.height) == (110 * EMU_PER_POINT, 27.5 * EMU_PER_POINT)


def test_a_dark_layout_shows_the_negative_logo_not_the_positive(templates: Path, tmp_path: Path):
    """quote-dark, every second quote's look, is drawn on tx2."""
    prs = _build(templates, tmp_path)
    logos = templates / "brands" / "logos"
    positive, negative = (logos / "skr.png").read_bytes(), (logos / "skr-negative.png").read_bytes()
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    hiding = [name for name, layout in layouts.items() if layout.element.get("showMasterSp")]
    assert hiding == ["title", "quote-dark"]
    quote = layouts["quote-dark"]
    assert [shape.name for shape in quote.shapes][:2] == ["Accent rule", "Logo"]
    [picture] = [shape for shape in quote.shapes if shape.name == "Logo"]
    assert picture.image.blob == negative
    assert _shown(picture) == (904, 508, 10)
    images = {rel.target_part.blob for rel in quote.part.rels.values() if "image" in rel.reltype}
    assert positive not in images
    [master_logo] = [s for s in prs.slide_masters[0].shapes if s.name == "Logo"]
    assert master_logo.image.blob == positive
    for name in ("statement", "quote", "closing"):
        assert not [shape for shape in layouts[name].shapes if shape.name == "Logo"]


def test_a_dark_layout_without_a_negative_logo_shows_the_logo_reversed_out(
    templates: Path, tmp_path: Path
):
    """A brand with no negative logo still builds: quote-dark shows its logo with every pixel
    in lt1 and the logo's own transparency, at the same place and cap height."""
    logos = templates / "brands" / "logos"
    (logos / "skr-negative.png").unlink()
    prs = _build(templates, tmp_path)
    [picture] = [s for s in prs.slide_layouts.get_by_name("quote-dark").shapes if s.name == "Logo"]
    positive = Image.open(logos / "skr.png").convert("RGBA")
    shown = Image.open(io.BytesIO(picture.image.blob))
    assert shown.size == positive.size
    assert shown.getchannel("A").tobytes() == positive.getchannel("A").tobytes()
    assert {color for _, color in shown.convert("RGB").getcolors()} == {(255, 255, 255)}
    assert _shown(picture) == (904, 508, 10)


def test_artwork_with_no_transparency_is_not_reversed_into_a_block(templates: Path, tmp_path: Path):
    logos = templates / "brands" / "logos"
    (logos / "skr-negative.png").unlink()
    Image.new("RGB", (480, 120), "#12355B").save(logos / "skr.png")
    prs = _build(templates, tmp_path)
    dark = prs.slide_layouts.get_by_name("quote-dark")
    assert [shape.name for shape in dark.shapes if shape.name == "Logo"] == []

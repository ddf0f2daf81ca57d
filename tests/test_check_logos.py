"""check's `logos` rule: logos shown at cap heights more than 10 % apart, between the decks
checked together or within one deck, measured on the finished decks' images."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator.check.logos import logos
from generator.check.view import read_deck
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, TEMPLATES

ADVICE = "make text logos with `deckgen logo --brand NAME`, which the master sets at one cap height"


def _artwork(text_logo: Path, target: Path) -> None:
    """Save a text logo as artwork: the same pixels without the cap height it records, so
    that the master fits it into the logo box (SKR's, 193 x 112 pixels: 110 x 34 pt)."""
    with Image.open(text_logo) as image:
        image.save(target)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The templates, with a brand `provlogga`: SKR's, with its logos as artwork."""
    templates = tmp_path_factory.mktemp("logos") / "templates"
    shutil.copytree(TEMPLATES, templates)
    brands = templates / "brands"
    _artwork(brands / "logos" / "skr.png", brands / "logos" / "provlogga.png")
    _artwork(brands / "logos" / "skr-negative.png", brands / "logos" / "provlogga-negative.png")
    skr = (brands / "skr.yaml").read_text("utf-8")
    provlogga = skr.replace("logo: logos/skr.png", "logo: logos/provlogga.png")
    assert provlogga != skr
    (brands / "provlogga.yaml").write_text(provlogga, "utf-8")
    return templates


@pytest.fixture(scope="module")
def decks(templates: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The national deck in SKR's brand and in `provlogga`, and three regions' decks (two of
    them with two-line logos)."""
    output = tmp_path_factory.mktemp("decks")
    pipeline = Pipeline(Options(templates))
    variants = {
        "national": Variant(CONTENT),
        "provlogga": Variant(CONTENT, brand="provlogga"),
        **{name: Variant(CONTENT, region=name) for name in ("varmland", "vastra-gotaland")},
        "jamtland-harjedalen": Variant(CONTENT, region="jamtland-harjedalen"),
    }
    return {name: pipeline.build(variant, output).path for name, variant in variants.items()}


def test_text_logos_of_short_and_long_names_have_one_cap_height(decks: dict[str, Path]):
    names = ("national", "varmland", "vastra-gotaland", "jamtland-harjedalen")
    assert logos([read_deck(decks[name]) for name in names]) == []


def test_a_logo_of_another_cap_height_warns_naming_the_deck_the_heights_and_the_median(
    decks: dict[str, Path],
):
    names = ("national", "varmland", "provlogga", "jamtland-harjedalen")
    found = logos([read_deck(decks[name]) for name in names])
    assert [str(f) for f in found] == [
        f"{decks['provlogga'].as_posix()}: deck: warning: logo cap heights differ by more than"
        " 10%: this deck's measure 24.9 pt (the master), 24.9 pt (layout 'quote-dark'), the"
        " median of 8 logos is 10.1 pt;"
        f" {ADVICE} [logos]"
    ]


def test_logos_within_one_deck_that_differ_warn(templates: Path, tmp_path: Path):
    """A dark layout's negative logo (quote-dark's) as artwork, fitted into the box, beside the
    master's text logo at 10 pt."""
    own = tmp_path / "templates"
    shutil.copytree(templates, own)
    negative = own / "brands" / "logos" / "skr-negative.png"
    _artwork(negative, negative)
    deck = Pipeline(Options(own)).build(Variant(CONTENT), tmp_path / "output").path
    assert [str(f) for f in logos([read_deck(deck)])] == [
        f"{deck.as_posix()}: deck: warning: logo cap heights differ by more than 10%: this"
        " deck's measure 10.2 pt (the master), 24.9 pt (layout 'quote-dark'), the median of 2 logos"
        f" is 17.6 pt; {ADVICE} [logos]"
    ]


def test_a_logo_is_measured_by_its_first_glyph_at_its_shown_size(decks: dict[str, Path]):
    """Värmland's R: 80 pixels of ink, shown at 10 pt a cap height; the image's pixels
    are not changed by the deck."""
    logo, negative = read_deck(decks["varmland"]).logos
    assert (logo.where, negative.where) == ("the master", "layout 'quote-dark'")
    shipped = (TEMPLATES / "brands" / "logos" / "varmland.png").read_bytes()
    assert logo.image == shipped
    with Image.open(io.BytesIO(logo.image)) as image:
        assert round(logo.height / image.height * 80, 6) == 10

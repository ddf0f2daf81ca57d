"""A region's deck speaks as the region (issue 13, point 5): the title slide's byline, read
back from built decks. SKR's authors are never put beside a region's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, ROOT, TEMPLATES

EXAMPLE = ROOT / "content" / "overlays" / "exempel.yaml"


def title_texts(deck: Path) -> dict[str, str]:
    """The title slide's placeholders' texts, by placeholder name."""
    slide = Presentation(str(deck)).slides[0]
    return {shape.name: shape.text_frame.text for shape in slide.placeholders}


@pytest.mark.parametrize(
    ("region", "overlays", "byline"),
    [
        (None, (), "Linda Nordberg och Lisa Lindell, SKR"),
        ("varmland", (), "Region Värmland"),
        ("dalarna", (EXAMPLE,), "Förnamn Efternamn, Region Dalarna"),
        ("vastra-gotaland", (), "Västra Götalandsregionen"),
    ],
)
def test_the_byline_names_who_speaks_and_for_whom(
    tmp_path: Path, region: str | None, overlays: tuple[Path, ...], byline: str
):
    built = Pipeline(Options(TEMPLATES)).build(Variant(CONTENT, region, overlays), tmp_path)
    texts = title_texts(built.path)
    assert texts["Byline"] == byline
    # the region's name once: the byline names it, so no kicker repeats it
    assert "Kicker" not in texts


def test_a_region_file_or_overlay_can_name_another_organisation(tmp_path: Path):
    """An overlay on a region's deck may speak for someone else: then the kicker names the
    region, once, and the byline the overlay's speakers and organisation."""
    talk = tmp_path / "talk.yaml"
    talk.write_text("deck:\n  speakers: [Anna Andersson]\n  organisation: SKR\n", "utf-8")
    built = Pipeline(Options(TEMPLATES)).build(Variant(CONTENT, "varmland", (talk,)), tmp_path)
    texts = title_texts(built.path)
    assert (texts["Kicker"], texts["Byline"]) == ("Region Värmland", "Anna Andersson, SKR")


def test_a_regions_deck_is_the_regions_in_its_properties(tmp_path: Path):
    """The file's company is the organisation that speaks; its authors stay the deck's."""
    built = Pipeline(Options(TEMPLATES)).build(Variant(CONTENT, "gotland"), tmp_path)
    core = Presentation(str(built.path)).core_properties
    assert (core.author, core.last_modified_by) == (
        "Linda Nordberg; Lisa Lindell",
        "Region Gotland",
    )

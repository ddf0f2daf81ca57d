"""A brand re-skins the deck through the theme: the slides' XML does not change."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.errors import DeckgenError
from generator.layout.engine import load_master
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant
from generator.theme.brand import load_brand

from .conftest import CONTENT, TEMPLATES


def parts(deck: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(deck) as package:
        return {name: package.read(name) for name in package.namelist()}


def theme_colour(theme: bytes, slot: str) -> str:
    match = re.search(rf'<a:{slot}><a:srgbClr val="([0-9A-F]{{6}})"/></a:{slot}>', theme.decode())
    assert match, slot
    return match.group(1)


def test_changing_the_accent_colour_changes_the_theme_and_no_slide(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    brand = templates / "brands" / "skr.yaml"
    original = Pipeline(Options(templates)).build(Variant(CONTENT), tmp_path / "a").path
    brand.write_text(
        brand.read_text(encoding="utf-8").replace('accent1: "037B95"', 'accent1: "C8102E"'),
        encoding="utf-8",
    )
    rebranded = Pipeline(Options(templates)).build(Variant(CONTENT), tmp_path / "b").path

    before, after = parts(original), parts(rebranded)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["ppt/theme/theme1.xml"]
    assert theme_colour(before["ppt/theme/theme1.xml"], "accent1") == "037B95"
    assert theme_colour(after["ppt/theme/theme1.xml"], "accent1") == "C8102E"


def test_the_theme_carries_the_brand_fonts_and_name(built_deck: Path):
    theme = parts(built_deck)["ppt/theme/theme1.xml"].decode()
    assert '<a:majorFont><a:latin typeface="Calibri"/>' in theme
    assert '<a:minorFont><a:latin typeface="Calibri"/>' in theme
    assert 'name="SKR"' in theme


def test_a_brand_with_a_bad_colour_is_refused_at_its_line(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    brand = templates / "brands" / "skr.yaml"
    brand.write_text(
        brand.read_text(encoding="utf-8").replace('accent1: "037B95"', 'accent1: "blue"'),
        encoding="utf-8",
    )
    with pytest.raises(DeckgenError) as caught:
        load_brand(templates, "skr", load_master(templates))
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (9, 12)
    assert problem.message == (
        "colors.accent1: expected an RRGGBB hex colour such as 0A64A4, got text 'blue'"
    )


def test_a_brand_whose_text_fails_wcag_aa_contrast_is_refused(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    brand = templates / "brands" / "skr.yaml"
    brand.write_text(
        brand.read_text(encoding="utf-8").replace('accent1: "037B95"', 'accent1: "6FA8DC"'),
        encoding="utf-8",
    )
    with pytest.raises(DeckgenError) as caught:
        load_brand(templates, "skr", load_master(templates))
    assert [str(d).replace(str(tmp_path), "TMP") for d in caught.value.diagnostics] == [
        "TMP/templates/brands/skr.yaml:9:12: error: colors.accent1: text colour accent1 #6FA8DC "
        "on lt1 #FFFFFF has contrast 2.53:1; WCAG AA needs 3:1 for large text "
        "(layout 'diagram', placeholder 'Section')",
        "TMP/templates/brands/skr.yaml:9:12: error: colors.accent1: text colour accent1 #6FA8DC "
        "on lt2 #EDF7FB has contrast 2.32:1; WCAG AA needs 3:1 for large text "
        "(layout 'quote', placeholder 'Attribution')",
        "TMP/templates/brands/skr.yaml:6:8: error: colors.lt1: text colour lt1 #FFFFFF "
        "on accent1 #6FA8DC has contrast 2.53:1; WCAG AA needs 3:1 for large text "
        "(style 'diagram-core')",
    ]


def test_every_shipped_brand_passes_the_contrast_check():
    from generator.theme.brand import brand_names

    master = load_master(TEMPLATES)
    names = brand_names(TEMPLATES)
    assert len(names) == 22
    for name in names:
        load_brand(TEMPLATES, name, master)


def test_contrast_ratios_match_wcag():
    from generator.theme.contrast import ratio

    assert round(ratio("000000", "FFFFFF"), 2) == 21.0
    assert round(ratio("777777", "FFFFFF"), 2) == 4.48
    assert ratio("0A64A4", "0A64A4") == 1.0

"""The 22 shipped brands: told apart on the title slide, none brown or olive there, each in
one colour family, all passing WCAG AA, in fonts that the preview measures as PowerPoint does."""

from __future__ import annotations

import itertools

import pytest

from generator.errors import DeckgenError
from generator.layout.engine import load_master
from generator.theme.brand import Palette, brand_names, load_brand, read_brand
from generator.theme.contrast import slot

from .colour import difference, lch
from .conftest import TEMPLATES

BRANDS = brand_names(TEMPLATES)

#: Two title slides shown one after the other must look like two brands, not one brand twice.
MIN_TITLE_DIFFERENCE = 12.0

#: Office fonts whose metric-compatible free versions are installed here (Carlito, Liberation
#: Sans, Caladea, Liberation Serif), so that the preview and the overflow check measure the
#: text as PowerPoint sets it.
FONTS = {"Calibri", "Arial", "Cambria", "Times New Roman"}

#: Below this chroma (C*ab) a colour is a grey: it belongs to every family.
NEUTRAL = 10.0
#: How far (degrees of CIELAB hue) a link or accent may lie from the brand's own hue.
FAMILY = 45.0

#: The colours that the brand files cite from a region's own published profile, website or
#: repository (the source is in each file's header): the palette must carry them unchanged.
PUBLISHED = {
    "ostergotland": {"dk2": "182745"},
    "uppsala": {"dk2": "B81867", "accent6": "74736D"},
    "halland": {"dk2": "004890"},
    "dalarna": {"dk2": "0074A2"},
}


def palette(name: str) -> Palette:
    brand, _ = read_brand(TEMPLATES, name)
    assert brand.colors is not None, name
    return brand.colors


def title_slot() -> str:
    """The palette slot that the title slide's background is drawn from (dk2 today)."""
    layout = load_master(TEMPLATES).layout("title")
    assert layout is not None
    assert layout.background is not None
    return slot(layout.background)


def brown_or_olive(color: str) -> bool:
    """Whether a title background is muddy: below L* 60, the lightness that white text needs,
    an orange, yellow or olive hue (CIELAB hue angle 40 to 125 degrees), which is brown or olive
    at any chroma there (#654C15, #585713), or a red-orange hue (30 to 40 degrees) with chroma
    below 45, a dull rust (#651F15) rather than a red (#800000: C* 61; #D02B2A: C* 75). Bounds
    are inclusive but for 40, which belongs to the first band."""
    lightness, chroma, hue = lch(color)
    if lightness >= 60:
        return False
    return 40 <= hue <= 125 or (30 <= hue < 40 and chroma < 45)


def hue_distance(first: float, second: float) -> float:
    return abs((first - second + 180) % 360 - 180)


def foreign_colours(colors: Palette) -> list[str]:
    """The links and accents of `colors` that lie outside the brand's hue family: more than
    `FAMILY` degrees from the hue of the title background (or of accent1 where that is a grey,
    as Västra Götaland's is), and not themselves grey."""
    values = colors.model_dump()
    main = values[title_slot()]
    if lch(main)[1] < NEUTRAL:
        main = colors.accent1
    home = lch(main)[2]
    found = []
    for name in ("accent1", "accent2", "accent3", "accent4", "accent5", "accent6"):
        found += [name] if _foreign(values[name], home) else []
    for name in ("hlink", "folHlink"):
        found += [name] if _foreign(values[name], home) else []
    return [f"{name} #{values[name]} (hue {lch(values[name])[2]:.0f})" for name in found]


def _foreign(color: str, home: float) -> bool:
    _, chroma, hue = lch(color)
    return chroma >= NEUTRAL and hue_distance(hue, home) > FAMILY


def test_there_are_22_brands():
    assert len(BRANDS) == 22


def test_the_title_background_is_the_palettes_dk2():
    # What this file guards is the title slide; if the master moves it, the tests follow.
    assert title_slot() == "dk2"


def test_any_two_brands_title_backgrounds_are_at_least_12_apart():
    where = title_slot()
    backgrounds = {name: palette(name).model_dump()[where] for name in BRANDS}
    pairs = sorted(
        (difference(backgrounds[a], backgrounds[b]), a, b)
        for a, b in itertools.combinations(BRANDS, 2)
    )
    close = [
        f"{a} #{backgrounds[a]} and {b} #{backgrounds[b]}: ΔE00 {value:.1f}"
        for value, a, b in pairs
        if value < MIN_TITLE_DIFFERENCE
    ]
    assert not close, f"{len(close)} pairs closer than ΔE00 {MIN_TITLE_DIFFERENCE:g}:\n" + (
        "\n".join(close)
    )


@pytest.mark.parametrize("name", BRANDS)
def test_the_title_background_is_not_brown_or_olive(name: str):
    color = palette(name).model_dump()[title_slot()]
    lightness, chroma, hue = lch(color)
    assert not brown_or_olive(color), (
        f"{name}: title background #{color} is brown or olive "
        f"(L* {lightness:.0f}, C* {chroma:.0f}, hue {hue:.0f})"
    )


@pytest.mark.parametrize(
    ("color", "muddy"),
    [
        ("654C15", True),  # Gävleborg's title before issue 13: brown
        ("585713", True),  # Östergötland's: olive
        ("653615", True),  # Blekinge's: brown
        ("465813", True),  # Västra Götaland's: olive green
        ("651F15", True),  # Stockholm's: a dull red-brown, hue 37
        ("8B4513", True),  # saddle brown
        ("A0522D", True),  # sienna
        ("800000", False),  # maroon: dark, but a vivid red
        ("D02B2A", False),  # a signal red, hue 34
        ("C8102E", False),  # a crimson
        ("205D14", False),  # a forest green, hue 135
        ("182745", False),  # a navy
        ("3A3F45", False),  # a charcoal grey
    ],
)
def test_brown_or_olive_is_told_from_red_green_and_grey(color: str, muddy: bool):
    assert brown_or_olive(color) is muddy


@pytest.mark.parametrize("name", BRANDS)
def test_links_and_accents_come_from_the_brands_own_hue_family(name: str):
    assert foreign_colours(palette(name)) == []


@pytest.mark.parametrize("name", BRANDS)
def test_every_brand_passes_wcag_aa(name: str):
    try:
        load_brand(TEMPLATES, name, load_master(TEMPLATES))
    except DeckgenError as error:
        pytest.fail("\n".join(str(d) for d in error.diagnostics))


def test_the_wcag_check_refuses_a_palette_that_fails(tmp_path):
    """The test above can fail: the same check refuses a title background that white text
    does not read on (the Gävleborg yellow of a generated palette, lightened)."""
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    brand = templates / "brands" / "gavleborg.yaml"
    text = brand.read_text(encoding="utf-8")
    dk2 = palette("gavleborg").dk2
    brand.write_text(text.replace(f'dk2: "{dk2}"', 'dk2: "C9B458"'), encoding="utf-8")
    with pytest.raises(DeckgenError) as caught:
        load_brand(templates, "gavleborg", load_master(templates))
    assert any("lt1 #FFFFFF on dk2 #C9B458" in d.message for d in caught.value.diagnostics)


@pytest.mark.parametrize("name", BRANDS)
def test_followed_links_read_where_links_do(name: str):
    """The master checks hlink on the closing slide's lt2; folHlink is shown there too, once
    the link has been followed, so it needs the same 4.5:1."""
    from generator.theme.contrast import ratio

    colors = palette(name)
    assert ratio(colors.folHlink, colors.lt2) >= 4.5
    assert ratio(colors.folHlink, colors.lt1) >= 4.5


@pytest.mark.parametrize("name", BRANDS)
def test_brand_fonts_have_metric_compatible_free_versions(name: str):
    brand, _ = read_brand(TEMPLATES, name)
    assert brand.fonts is not None
    assert {brand.fonts.heading, brand.fonts.body} <= FONTS


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_a_brand_that_cites_a_published_colour_carries_it(name: str):
    colors = palette(name).model_dump()
    for where, value in PUBLISHED[name].items():
        assert colors[where] == value
    text = (TEMPLATES / "brands" / f"{name}.yaml").read_text(encoding="utf-8")
    assert "Source:" in text

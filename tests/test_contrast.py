"""`theme.contrast.legible`: deckgen's shape styles read on a template's palette."""

from __future__ import annotations

from generator.layout.engine import load_master
from generator.theme.contrast import legible, ratio

from .conftest import TEMPLATES

#: Office's default scheme, which LibreOffice's templates are saved with: accent1 is a mid
#: blue on which deckgen's white diagram core reads at 4.03:1.
OFFICE = {
    "tx1": "000000",
    "bg1": "FFFFFF",
    "tx2": "1F497D",
    "bg2": "EEECE1",
    "accent1": "4F81BD",
    "accent2": "C0504D",
    "accent3": "9BBB59",
    "accent4": "8064A2",
    "accent5": "4BACC6",
    "accent6": "F79646",
    "hlink": "0000FF",
    "folHlink": "800080",
}


def test_white_on_a_pale_accent_becomes_the_scheme_colour_that_reads_best():
    master = load_master(TEMPLATES)
    assert master.styles["diagram-core"].color == "bg1"
    assert round(ratio("FFFFFF", OFFICE["accent1"]), 2) == 4.03
    styles = legible(master, OFFICE, "FFFFFF").styles
    assert styles["diagram-core"].color == "tx1"  # black on #4F81BD: 5.21:1
    assert round(ratio("000000", OFFICE["accent1"]), 2) == 5.21


def test_styles_that_read_already_are_left_as_they_are():
    master = load_master(TEMPLATES)
    dark = {**OFFICE, "accent1": "12355B"}  # white on a dark accent reads
    assert legible(master, dark, "FFFFFF").styles == master.styles


def test_text_without_a_fill_is_judged_on_the_masters_background():
    master = load_master(TEMPLATES)
    styles = legible(master, OFFICE, "141E3C").styles  # a navy master, a light scheme
    name = styles["person-name"]  # tx2 (#1F497D) on navy: 1.8:1
    assert name.color == "bg1"


def test_links_get_a_colour_of_their_own_only_where_the_themes_does_not_read():
    master = load_master(TEMPLATES)
    assert legible(master, OFFICE, "FFFFFF").link_color is None  # blue on white reads
    dark = legible(master, OFFICE, "141E3C")  # #0000FF on navy: 1.91:1
    assert round(ratio(OFFICE["hlink"], "141E3C"), 2) == 1.91
    assert dark.link_color == "bg1"  # white, of tx1, bg1, tx2, bg2 the one that reads best


def test_a_template_placeholders_text_that_would_not_read_on_its_own_art_gets_a_colour():
    """LibreOffice's Piano, converted, keeps no text colours: its title is tx1, black, on the
    master's black band. The title takes the scheme colour that reads there; the body, black
    on white, keeps the template's."""
    from pathlib import Path

    from generator.layout.spec import MasterInfo, PlaceholderInfo, TemplateInfo, TemplatePlan
    from generator.theme.contrast import legible_placeholders

    layout = [
        PlaceholderInfo(0, "title", "Title", (28, 3, 737, 44), color="000000", ground="000000"),
        PlaceholderInfo(1, "body", "Body", (28, 85, 737, 283), color="000000", ground="FFFFFF"),
    ]
    info = TemplateInfo((794, 447), [MasterInfo(1, "Master", {"Content": layout}, colors=OFFICE)])
    plan = TemplatePlan(Path("piano.pptx"), {"statement": ("Content", {"Title": 0, "Body": 1})})
    assert legible_placeholders(plan, info).colors == {"statement": {"Title": "bg1"}}

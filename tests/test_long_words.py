"""A word wider than the template placeholder it goes into is set at a size at which it fits
(`theme.words`), so that LibreOffice and PowerPoint do not break it inside itself."""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest

from generator.layout.measure import pieces, widest, width
from generator.layout.spec import (
    Fill,
    MasterInfo,
    PlaceholderInfo,
    SlideSpec,
    TemplateInfo,
    TemplatePlan,
)
from generator.render.template import describe
from generator.theme.words import fit_long_words, fitting_size, follow_leads

#: A LibreOffice template's narrow column: 242 pt wide, its text 24 pt.
NARROW = PlaceholderInfo(2, "body", "PlaceHolder 3", (523.5, 255.1, 242.0, 60.8), size=24.0)
WIDE = PlaceholderInfo(3, "body", "PlaceHolder 4", (269.3, 321.8, 496.1, 60.8), size=24.0)


def info(*placeholders: PlaceholderInfo, width: float = 793.75) -> TemplateInfo:
    master = MasterInfo(1, "Master 1", {"Two columns": list(placeholders)})
    return TemplateInfo(size=(width, width * 9 / 16), masters=[master])


def plan(**targets: int | None) -> TemplatePlan:
    return TemplatePlan(path=Path("t.pptx"), layouts={"closing": ("Two columns", targets)})


def closing(**texts: str) -> SlideSpec:
    return SlideSpec(
        id="tack", layout="closing", placeholders={k: Fill(text=v) for k, v in texts.items()}
    )


def sizes(specs: list[SlideSpec]) -> dict[str, float | None]:
    return {name: fill.size for name, fill in specs[0].placeholders.items()}


def test_widths_are_helveticas_and_a_letter_with_a_mark_is_its_letter_wide():
    # u t v e c k l i n g s u p p d r a g e t: 9449 thousandths of an em, 10% added
    assert width("utvecklingsuppdraget", 10) == pytest.approx(9.449 * 10 * 1.1)
    assert width("å", 10) == width("a", 10)
    assert width("Ж", 1) == pytest.approx(0.722 * 1.1)  # not in the table: a wide letter


def test_a_line_breaks_at_spaces_and_after_hyphens_dashes_and_slashes():
    assert pieces("Region-\nutveckling  skr.se/skr/x a–b") == [
        "Region-",
        "utveckling",
        "skr.se/",
        "skr/",
        "x",
        "a–",
        "b",
    ]


def test_the_widest_word_of_markdown_text_is_measured_without_its_marks():
    assert widest("Ett komplext **OCH** demokratiskt hållbarhetsuppdrag") == pytest.approx(
        width("hållbarhetsuppdrag", 1.0)
    )
    assert widest("**Aaaa**") == pytest.approx(width("Aaaa", 1.0))  # not "**Aaaa**"


def test_the_size_is_the_largest_half_point_at_which_the_widest_piece_fits():
    assert fitting_size(["kort"], 200, 24, 12) is None
    word = "utvecklingsuppdraget"  # 10.39 em with the margin
    assert fitting_size([word], 228, 24, 12) == 21.5  # 228 / 10.39 = 21.94
    assert fitting_size([word], 100, 24, 12) == 12  # never under the floor


def test_a_word_wider_than_its_placeholder_gets_a_size_at_which_it_fits():
    specs = [closing(Link="Utvecklingsuppdraget", Contact="Utvecklingsuppdraget")]
    fitted = fit_long_words(specs, plan(Link=2, Contact=3), info(NARROW, WIDE))
    # 227.6 pt of room in the 242 pt column; the 496 pt one holds the word at 24 pt
    assert sizes(fitted) == {"Link": 21.5, "Contact": None}


def test_a_links_text_is_one_piece_as_libreoffice_draws_it_as_one_field():
    text = "[skr.se – Att driva det regionala utvecklingsuppdraget](<https://skr.se/>)"
    fitted = fit_long_words([closing(Link=text)], plan(Link=2), info(NARROW))
    assert sizes(fitted) == {"Link": 14.0 * 793.75 / 960}  # the floor: no size fits it
    short = fit_long_words(
        [closing(Link="[skr.se](<https://skr.se/>)")], plan(Link=2), info(NARROW)
    )
    assert sizes(short) == {"Link": None}


def test_text_that_fits_and_text_in_no_placeholder_keep_their_size():
    specs = [closing(Link="Tack för oss!", Contact="Utvecklingsuppdraget")]
    assert fit_long_words(specs, plan(Link=2, Contact=None), info(NARROW)) == specs


def test_describe_gives_each_placeholders_type_size(tmp_path: Path):
    """python-pptx's default template sets its sizes in the master's text styles: 44 pt titles
    and 32 pt first-level body text."""
    path = tmp_path / "default.pptx"
    pptx.Presentation().save(str(path))
    layouts = describe(path, (tmp_path,)).masters[0].layouts
    assert [(p.type, p.size) for p in layouts["Title and Content"][:2]] == [
        ("title", 44.0),
        ("body", 32.0),
    ]


#: Blue Curve's title placeholder (a band for one line) and the body placeholder under it.
BAND = PlaceholderInfo(0, "title", "PlaceHolder 1", (28.3, 14.2, 737.0, 37.6), size=33.0)
BODY = PlaceholderInfo(1, "body", "PlaceHolder 2", (28.3, 85.0, 737.0, 135.2), size=24.0)
QUOTE = "”Det handlar om tid och uthållighet, och att inte ge upp. Man behöver fortsätta.”"


def quote_deck(text: str, size: float | None, band: PlaceholderInfo = BAND) -> list[SlideSpec]:
    slide = SlideSpec(
        id="citat",
        layout="quote",
        placeholders={
            "Title": Fill(text=text, size=size),
            "Attribution": Fill(text="– Förtroendevald", follows="Title"),
        },
    )
    master = MasterInfo(1, "Master 1", {"Title, Content": [band, BODY]})
    template = TemplateInfo(size=(793.75, 446.5), masters=[master])
    layouts = {"quote": ("Title, Content", {"Title": 0, "Attribution": 1})}
    return follow_leads([slide], TemplatePlan(path=Path("t.pptx"), layouts=layouts), template)


def test_an_attribution_is_never_larger_than_the_quote_it_follows():
    """A quote in a template's one-line title band is set at the size at which its lines fit
    the band's height (one line of 18 pt here: two lines of anything over 12.6 pt do not), and
    its attribution, which the body placeholder would set at 24 pt, at no more than that."""
    assert sizes(quote_deck(QUOTE, 26.5)) == {"Title": 18.0, "Attribution": 18.0}
    room = BAND.box[2] - 14.4  # less the left and right insets
    assert width(QUOTE, 18.0) <= room < width(QUOTE, 18.5)
    assert 18.0 * 1.2 <= BAND.box[3] - 7.2 < 2 * 12.7 * 1.2
    longer = f"{QUOTE} {QUOTE}"  # two lines at 12.5 pt: the band holds no more
    assert sizes(quote_deck(longer, 26.5)) == {"Title": 12.5, "Attribution": 12.5}


def test_a_quote_that_fits_its_placeholder_keeps_its_size_and_leads_a_smaller_attribution():
    roomy = PlaceholderInfo(0, "title", "PlaceHolder 1", (28.3, 14.2, 737.0, 200.0), size=33.0)
    assert sizes(quote_deck(QUOTE, 26.5, roomy)) == {"Title": 26.5, "Attribution": None}
    assert sizes(quote_deck("”Kort.”", 20.0, roomy)) == {"Title": 20.0, "Attribution": 20.0}


def test_a_text_that_follows_nothing_placed_keeps_its_size():
    follower = Fill(text="– Förtroendevald", follows="Title")
    alone = SlideSpec(id="citat", layout="quote", placeholders={"Attribution": follower})
    template = TemplateInfo(size=(793.75, 446.5), masters=[MasterInfo(1, "M", {"L": [BODY]})])
    plan = TemplatePlan(path=Path("t.pptx"), layouts={"quote": ("L", {"Attribution": 1})})
    assert sizes(follow_leads([alone], plan, template)) == {"Attribution": None}

"""`deckgen check` on words too wide for their box: the pieces the renderer breaks a word into
still count, and a word broken inside itself is a finding, measured or, without LibreOffice,
estimated."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import Result

from generator.check.fonts import shown_as

from .conftest import CONTENT, TEMPLATES, Scratch
from .test_check import RENDERS, run

LONG = "a" * 5000

#: A PATH with Python but without LibreOffice or poppler (nor fontconfig's fc-match).
NO_TOOLS = str(Path(sys.executable).parent)
#: What check says where fc-match is missing, as it is on `NO_TOOLS`.
NO_FC_MATCH = (
    "deck: warning: font substitution not checked: fontconfig's fc-match is missing "
    "(apt-get install fontconfig) [fonts]"
)

#: The closing slide's link, 147 characters without a break, wraps inside itself in every deck.
LINK = (
    "warning: the word 'https://skr.se/skr/samhallsplaneringinfr'… (147 characters) is wider "
    "than its box 'Link': LibreOffice broke it inside itself [overflow]"
)


def checked(scratch: Scratch, overlay: str, *args: str) -> Result:
    """Build the national deck with `overlay` and return `deckgen check`'s result."""
    shutil.copyfile(CONTENT, scratch.content)
    path = scratch.content.parent / "overlays" / "long.yaml"
    path.parent.mkdir()
    path.write_text(overlay, encoding="utf-8")
    assert run(scratch, "build", "--overlay", str(path)).exit_code == 0
    return run(scratch, "check", "--overlay", str(path), *args)


def measured(line: str, pattern: str) -> list[int]:
    """Return the numbers of `line`, which must be `pattern` with each `#` a number."""
    regex = "".join(
        r"(\d+)" if part == "#" else re.escape(part) for part in re.split("(#)", pattern)
    )
    match = re.fullmatch(regex, line)
    assert match, line
    return [int(n) for n in match.groups()]


@RENDERS
@pytest.mark.parametrize(
    ("overlay", "box", "least"),
    [
        (f"slides:\n  vad-handlar-det-om:\n    title: {LONG}\n", "Title", 4000),
        (f"slides:\n  vad-handlar-det-om:\n    body: Ett ord {LONG} och mer\n", "Body", 2000),
    ],
    ids=["title", "body"],
)
def test_a_5000_character_word_runs_off_the_slide_and_is_an_error(
    scratch: Scratch, overlay: str, box: str, least: int
):
    result = checked(scratch, overlay)
    assert result.exit_code == 3, result.output
    deck = "output/regionen-i-rorelse--long.pptx"
    [overflows, broken, summary] = result.stdout.splitlines()
    [by, pieces] = measured(
        overflows,
        f"{deck}: slide 2 (vad-handlar-det-om): error: text overflows its box {box!r} by # pt "
        "and runs off the slide (# words outside it) [overflow]",
    )
    assert by > 3
    assert pieces >= 1
    [missing] = measured(
        broken,
        f"{deck}: slide 2 (vad-handlar-det-om): error: the word '{'a' * 40}'… (5000 characters) "
        f"is wider than its box {box!r}: LibreOffice broke it inside itself, and it leaves the "
        "box and the slide (# of its characters are not on the slide) [overflow]",
    )
    assert least < missing < 5000  # the pieces on the page count; the rest is beyond it
    assert summary == "1 deck checked: 2 errors, 0 warnings"


@pytest.mark.parametrize(
    ("overlay", "estimate"),
    [
        (
            f"slides:\n  vad-handlar-det-om:\n    title: {LONG}\n",
            "the word '" + "a" * 40 + "'… (5000 characters) is wider than its box 'Title': at "
            "least 28800 pt on a line of 848 pt, so it needs at least 1088 pt of the box's 84 pt "
            "(estimated, as the deck was not rendered) [overflow]",
        ),
        (
            f"slides:\n  vad-handlar-det-om:\n    body: Ett ord {LONG} och mer\n",
            "the word '" + "a" * 40 + "'… (5000 characters) is wider than its box 'Body': at "
            "least 16200 pt on a line of 560 pt, so it needs at least 522 pt of the box's 300 pt "
            "(estimated, as the deck was not rendered) [overflow]",
        ),
    ],
    ids=["title", "body"],
)
def test_without_libreoffice_a_5000_character_word_is_estimated_and_an_error(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch, overlay: str, estimate: str
):
    monkeypatch.setenv("PATH", NO_TOOLS)
    result = checked(scratch, overlay)
    assert result.exit_code == 3, result.output
    deck = "output/regionen-i-rorelse--long.pptx"
    assert result.stdout.splitlines() == [
        f"{deck}: {NO_FC_MATCH}",
        f"{deck}: deck: warning: overflow not measured: exporting decks to PDF needs "
        "LibreOffice's soffice: install it (apt-get install libreoffice-impress) [overflow]",
        f"{deck}: slide 2 (vad-handlar-det-om): error: {estimate}",
        "1 deck checked: 1 error, 2 warnings",
    ]


def test_without_libreoffice_the_real_deck_has_no_estimated_finding(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", NO_TOOLS)
    result = checked(scratch, "notes:\n  tack: Tack.\n")
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            f"output/regionen-i-rorelse--long.pptx: {NO_FC_MATCH}",
            "output/regionen-i-rorelse--long.pptx: deck: warning: overflow not measured: "
            "exporting decks to PDF needs LibreOffice's soffice: install it (apt-get install "
            "libreoffice-impress) [overflow]",
            "1 deck checked: 0 errors, 2 warnings",
        ],
    )


@RENDERS
def test_a_pdf_without_pdftotext_is_not_measured_but_estimated(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch
):
    result = checked(scratch, f"slides:\n  vad-handlar-det-om:\n    title: {LONG}\n")
    assert result.exit_code == 3  # measured: the PDF is written beside the deck
    monkeypatch.setenv("PATH", NO_TOOLS)
    path = scratch.content.parent / "overlays" / "long.yaml"
    result = run(scratch, "check", "--overlay", str(path))
    assert result.exit_code == 3, result.output
    [fonts, warning, estimate, summary] = result.stdout.splitlines()
    assert fonts == f"output/regionen-i-rorelse--long.pptx: {NO_FC_MATCH}"
    assert warning == (
        "output/regionen-i-rorelse--long.pptx: deck: warning: overflow not measured: measuring "
        "a PDF needs poppler's pdftotext: install it (apt-get install poppler-utils) [overflow]"
    )
    assert estimate.endswith("(estimated, as the deck was not rendered) [overflow]")
    assert summary == "1 deck checked: 1 error, 2 warnings"


@RENDERS
def test_a_compound_broken_inside_its_box_is_a_warning(scratch: Scratch):
    compound = "Regionutvecklingsansvarsfördelningsöverenskommelseuppföljningsarbetsgrupp"
    result = checked(scratch, f"slides:\n  uppdraget:\n    core: Ett {compound}\n")
    deck = "output/regionen-i-rorelse--long.pptx"
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            f"{deck}: slide 3 (uppdraget): warning: the word '{compound[:40]}'… (73 characters) "
            "is wider than its box 'Core': LibreOffice broke it inside itself [overflow]",
            "1 deck checked: 0 errors, 1 warning",
        ],
    )


@RENDERS
def test_a_link_that_shows_its_147_character_address_is_broken_inside_itself(scratch: Scratch):
    """The content's closing link shows short text; a speaker who shows the address instead
    gets a slide on which no line holds it: LibreOffice breaks it inside itself (and shrinks
    it into its box, so nothing overflows)."""
    url = (
        "https://skr.se/skr/samhallsplaneringinfrastruktur/regionalutveckling/"
        "regionaltutvecklingsansvar/attdrivadetregionalautvecklingsuppdraget.28191.html"
    )
    result = checked(scratch, f"slides:\n  tack:\n    link: {{url: '{url}', text: '{url}'}}\n")
    deck = "output/regionen-i-rorelse--long.pptx: slide 9 (tack)"
    [broken, summary] = result.stdout.splitlines()
    assert result.exit_code == 0
    assert (broken, summary) == (f"{deck}: {LINK}", "1 deck checked: 0 errors, 1 warning")


@RENDERS
def test_a_deck_without_over_long_words_has_no_findings(scratch: Scratch):
    result = checked(scratch, "slides:\n  tack:\n    link: {url: 'https://skr.se/'}\n")
    assert (result.exit_code, result.stdout) == (0, "1 deck checked: 0 errors, 0 warnings\n")


@RENDERS
def test_the_diagram_core_breaks_hallbarhetsuppdrag_in_orebros_deck_a_warning(scratch: Scratch):
    """Issue 13: "hållbarhetsuppd / rag" in the core of three regions' decks (Kalmar,
    Norrbotten and Örebro), inside its box: a warning, so `check --all` still passes. Their
    generated brands set headings in Trebuchet MS, which LibreOffice replaces with the wider
    DejaVu Sans; the curated brands use Calibri, so Örebro's is given Trebuchet MS back here."""
    shutil.copytree(CONTENT.parent / "regions", scratch.content.parent / "regions")
    shutil.copytree(CONTENT.parent / "data", scratch.content.parent / "data")  # the charts'
    shutil.copyfile(CONTENT, scratch.content)
    templates = scratch.root / "templates"
    shutil.copytree(TEMPLATES, templates)
    brand = templates / "brands" / "orebro.yaml"
    text = brand.read_text(encoding="utf-8")
    assert "  heading: Calibri\n" in text
    brand.write_text(text.replace("  heading: Calibri\n", "  heading: Trebuchet MS\n"), "utf-8")
    assert scratch.run("build", "--region", "orebro", templates=templates).exit_code == 0
    deck = "output/regionen-i-rorelse-orebro.pptx"
    # Trebuchet MS, given back above, is a font this machine lacks: check says so too
    shown = shown_as(shutil.which("fc-match") or "fc-match", "Trebuchet MS")
    lines = [
        f"{deck}: deck: warning: theme font 'Trebuchet MS' is shown as {shown!r}, whose widths "
        "differ: the overflow check and the preview measure another font than PowerPoint "
        "shows; install it, or choose a font with a free twin of the same widths (Arial, "
        "Calibri, Cambria, Courier New, Times New Roman) [fonts]",
        f"{deck}: slide 3 (uppdraget): warning: the word 'hållbarhetsuppdrag' is wider than its "
        "box 'Core': LibreOffice broke it inside itself [overflow]",
        "1 deck checked: 0 errors, 2 warnings",
    ]
    lenient = scratch.run("check", "--region", "orebro", templates=templates)
    assert (lenient.exit_code, lenient.stdout.splitlines()) == (0, lines)
    strict = scratch.run("check", "--region", "orebro", "--fail-on", "warning", templates=templates)
    assert (strict.exit_code, strict.stdout.splitlines()) == (3, lines)


@RENDERS
def test_the_curated_brands_keep_hallbarhetsuppdrag_whole_in_orebros_core(scratch: Scratch):
    """With its curated Calibri headings, Örebro's deck has no finding."""
    shutil.copytree(CONTENT.parent / "regions", scratch.content.parent / "regions")
    shutil.copytree(CONTENT.parent / "data", scratch.content.parent / "data")  # the charts'
    shutil.copyfile(CONTENT, scratch.content)
    assert run(scratch, "build", "--region", "orebro").exit_code == 0
    result = run(scratch, "check", "--region", "orebro")
    assert (result.exit_code, result.stdout) == (0, "1 deck checked: 0 errors, 0 warnings\n")


def test_a_templates_own_quote_mark_is_not_read_as_a_piece_of_deckgens_text():
    """LibreOffice's Grey Elegant draws a large ” on its master, inside the title's place: the
    PDF's lone ” is a piece of the quote's first word ”Att only by its characters, and is not
    counted as the quote's text outside its box (it read as 182 pt of overflow)."""
    from generator.check.overflow import Word, _Page
    from generator.check.view import Shape

    quote = Shape("Title", "text", (100, 100, 400, 100), text="”Att prata omställning")
    page = _Page([quote], 1.0, 960, 540)
    inside = [Word("”Att", (110, 110, 150, 130)), Word("prata", (155, 110, 190, 130))]
    assert page.measure([*inside, Word("”", (110, 300, 180, 400))]) == []
    assert page.measure([*inside, Word("prata", (110, 300, 180, 330))]) != []  # still measured


def test_a_templates_slide_number_is_not_read_as_a_piece_of_deckgens_text():
    """LibreOffice's Midnightblue draws slide 2's number, a lone "2", at the bottom right: a
    piece of the body's "(2010:630)" only by its characters, and no overflow (it read as 44 pt
    of it). The same "2" on another slide is still a piece of the text."""
    from generator.check.overflow import Word, _Page
    from generator.check.view import Shape

    body = Shape("Body", "text", (100, 100, 400, 100), text="Lagen (2010:630) att driva")
    inside = [Word("Lagen", (110, 110, 150, 130)), Word("(2010:630)", (155, 110, 220, 130))]
    number = Word("2", (745, 415, 757, 438))
    assert _Page([body], 1.0, 960, 540, 2).measure([*inside, number]) == []
    [(severity, message)] = _Page([body], 1.0, 960, 540, 3).measure([*inside, number])
    assert (severity, message) == (
        "error",
        "text overflows its box 'Body' by 257 pt (1 word outside it)",
    )

"""check's `fonts` rule, and preview's warning: a font this machine shows as another of other
widths (fontconfig's fc-match), so that the overflow check and the preview measure text that
PowerPoint does not show. The decks are built in test brands of their own, not the regions'."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from generator.check.fonts import fonts, metric_twins, shown_as
from generator.check.view import read_fonts

from .preview_support import Project, needs_renderers

FC_MATCH = shutil.which("fc-match")
needs_fc_match = pytest.mark.skipif(
    FC_MATCH is None, reason="needs fontconfig's fc-match: apt-get install fontconfig"
)
#: A font no machine has: fontconfig always shows another in its place.
NOWHERE = "Deckgen Provtypsnitt"
#: Each brand's heading and body fonts.
BRANDS = {"provtypsnitt": (NOWHERE, "Calibri"), "office": ("Arial", "Calibri")}
#: The advice each finding ends with.
ADVICE = (
    "the overflow check and the preview measure another font than PowerPoint shows; install "
    "it, or choose a font with a free twin of the same widths (Arial, Calibri, Cambria, "
    "Courier New, Times New Roman)"
)


def brand(name: str) -> str:
    heading, body = BRANDS[name]
    return f"""name: Provmärke
colors:
  dk1: 1C2430
  lt1: FFFFFF
  dk2: 12355B
  lt2: EEF3F8
  accent1: 0A64A4
  accent2: C8102E
  accent3: 2E7D32
  accent4: B26A00
  accent5: 6A4C93
  accent6: 00796B
  hlink: 0B5394
  folHlink: 6A4C93
fonts:
  heading: {heading}
  body: {body}
logo: logos/provmarke.png
"""


def shown(font: str) -> str:
    """What fontconfig shows for `font` here, asked directly."""
    assert FC_MATCH is not None
    command = [FC_MATCH, "-f", "%{family[0]}", font]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The national deck built in each test brand."""
    project = Project(tmp_path_factory.mktemp("fonts"))
    logo = Image.new("RGB", (480, 120), "#12355B")
    logo.save(project.root / "templates" / "brands" / "logos" / "provmarke.png")
    for name in BRANDS:
        (project.root / "templates" / "brands" / f"{name}.yaml").write_text(brand(name), "utf-8")
        result = project.run("build", "--brand", name)
        assert result.exit_code == 0, result.output
    return project


def deck(project: Project, name: str) -> Path:
    return project.output / f"regionen-i-rorelse.{name}.pptx"


@needs_fc_match
def test_a_theme_font_shown_as_a_font_of_other_widths_warns(project: Project):
    instead = shown(NOWHERE)
    found = fonts([read_fonts(deck(project, "provtypsnitt"))])
    assert [str(f) for f in found] == [
        f"{deck(project, 'provtypsnitt').as_posix()}: deck: warning: theme font {NOWHERE!r} is "
        f"shown as {instead!r}, whose widths differ: {ADVICE} [fonts]"
    ]


@needs_fc_match
def test_a_deck_in_arial_and_calibri_does_not_warn(project: Project):
    if (shown("Arial"), shown("Calibri")) != ("Liberation Sans", "Carlito"):
        pytest.skip(
            "needs Liberation Sans and Carlito: apt-get install fonts-liberation "
            "fonts-crosextra-carlito"
        )
    assert fonts([read_fonts(deck(project, "office"))]) == []


@needs_fc_match
def test_a_font_a_slide_names_itself_warns_on_that_slide(project: Project, tmp_path: Path):
    prs = Presentation(str(deck(project, "office")))
    title = prs.slides[1].shapes.title
    assert title is not None
    title.text_frame.paragraphs[0].runs[0].font.name = NOWHERE
    changed = tmp_path / "named.pptx"
    prs.save(str(changed))
    found = fonts([read_fonts(changed)])
    slide_id = prs.slides[1].element.cSld.get("name")
    assert [str(f) for f in found] == [
        f"{changed.as_posix()}: slide 2 ({slide_id}): warning: font {NOWHERE!r} of "
        f"{title.name!r} is shown as {shown(NOWHERE)!r}, whose widths differ: {ADVICE} [fonts]"
    ]


def test_without_fc_match_it_says_so_once(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", str(tmp_path))
    decks = [read_fonts(deck(project, name)) for name in BRANDS]
    assert [str(f) for f in fonts(decks)] == [
        f"{deck(project, 'provtypsnitt').as_posix()}: deck: warning: font substitution not "
        "checked: fontconfig's fc-match is missing (apt-get install fontconfig) [fonts]"
    ]


@pytest.mark.parametrize(
    ("font", "shown_font", "twins"),
    [
        ("Arial", "Liberation Sans", True),
        ("Helvetica", "Nimbus Sans", True),
        ("Helvetica", "Liberation Sans", True),
        ("Times New Roman", "Liberation Serif", True),
        ("Courier New", "Liberation Mono", True),
        ("Calibri", "Carlito", True),
        ("Cambria", "Caladea", True),
        ("calibri", "CARLITO", True),
        ("Trebuchet MS", "Trebuchet MS", True),
        ("Trebuchet MS", "DejaVu Sans", False),
        ("Calibri", "Liberation Sans", False),
        ("Cambria", "Liberation Serif", False),
        ("Arial", "", False),
    ],
)
def test_metric_twins_are_the_font_itself_or_one_made_to_its_widths(
    font: str, shown_font: str, twins: bool
):
    assert metric_twins(font, shown_font) is twins


@needs_fc_match
def test_a_font_name_is_a_family_to_fc_match_not_an_option_or_a_pattern():
    assert FC_MATCH is not None
    default = shown_as(FC_MATCH, NOWHERE)
    assert shown_as(FC_MATCH, "-V") == default  # not fc-match's version
    assert shown_as(FC_MATCH, "Liberation Sans:bold") == default  # not a style


@needs_fc_match
def test_check_reports_the_substituted_font(project: Project):
    result = project.run("check", "--brand", "provtypsnitt")
    line = (
        f"{deck(project, 'provtypsnitt').as_posix()}: deck: warning: theme font {NOWHERE!r} is "
        f"shown as {shown(NOWHERE)!r}, whose widths differ: {ADVICE} [fonts]"
    )
    assert line in result.stdout.splitlines(), result.output


@needs_fc_match
@needs_renderers
def test_preview_prints_the_same_warning(project: Project):
    result = project.run("preview", "--brand", "provtypsnitt")
    assert result.exit_code == 0, result.output
    line = (
        f"{deck(project, 'provtypsnitt').as_posix()}: deck: warning: theme font {NOWHERE!r} is "
        f"shown as {shown(NOWHERE)!r}, whose widths differ: {ADVICE} [fonts]"
    )
    assert result.stderr.splitlines() == [line]

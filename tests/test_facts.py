"""The facts slide's figures: a written value with its source, or a data file's table total,
read once the deck is resolved; a figure whose table the file lists as missing is left out,
and the row of 1 to 4 figures keeps to the grid (issue 13, point 5)."""

from __future__ import annotations

import pytest
from pptx import Presentation

from .conftest import Scratch

FIGURES = """\
unit: invånare
tables:
  norr:
    name: Norra länet
    source: Egen räkning, 2023
    url: https://example.se/norr
    total: 1234567
    rows:
      - {label: Ett, value: 1000000}
      - {label: Två, value: 234567}
  syd:
    source: Egen räkning
    total: 2500
missing:
  vast: no figures for väst were found
"""

DECK = """\
title: Testdäck
authors: [Anna Andersson]
organisation: SKR
date: 2026-01-15
brand: skr
slides:
  - id: fakta
    kind: facts
    title: Fakta
    lead: Siffrorna.
    figures:
FIGURES"""

FROM_DATA = """\
      - data: data/figures.yaml
        table: "TABLE"
        label: invånare
"""
WRITTEN = """\
      - value: "12"
        label: kommuner
        source: SCB:s läns- och kommunindelning
"""


def facts_deck(scratch: Scratch, figures: str, data: str = FIGURES) -> Scratch:
    folder = scratch.content.parent / "data"
    folder.mkdir(exist_ok=True)
    (folder / "figures.yaml").write_text(data, encoding="utf-8")
    return scratch.write(DECK.replace("FIGURES", figures))


def shown(scratch: Scratch) -> dict[str, str]:
    slide = Presentation(str(scratch.output / "testdack.pptx")).slides[0]
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


def test_a_figure_from_data_is_its_tables_total_grouped_with_its_source_linked(scratch: Scratch):
    result = facts_deck(scratch, FROM_DATA.replace("TABLE", "norr") + WRITTEN).run("build")
    assert result.exit_code == 0, result.stderr
    texts = shown(scratch)
    assert (texts["Figure 1"], texts["Label 1"]) == ("1\u00a0234\u00a0567", "invånare")
    assert (texts["Figure 2"], texts["Label 2"]) == ("12", "kommuner")
    assert texts["Source"] == "Källor: Egen räkning, 2023 · SCB:s läns- och kommunindelning"
    slide = Presentation(str(scratch.output / "testdack.pptx")).slides[0]
    (source,) = [shape for shape in slide.shapes if shape.name == "Source"]
    links = [(r.text, r.hyperlink.address) for p in source.text_frame.paragraphs for r in p.runs]
    assert ("Egen räkning, 2023", "https://example.se/norr") in links


def test_a_table_with_a_total_alone_gives_a_figure(scratch: Scratch):
    assert facts_deck(scratch, FROM_DATA.replace("TABLE", "syd")).run("build").exit_code == 0
    texts = shown(scratch)
    assert (texts["Figure 1"], texts["Source"]) == ("2\u00a0500", "Källa: Egen räkning")


def test_a_figure_whose_table_the_file_lists_as_missing_is_left_out(scratch: Scratch):
    figures = FROM_DATA.replace("TABLE", "vast") + WRITTEN
    assert facts_deck(scratch, figures).run("build").exit_code == 0
    texts = shown(scratch)
    assert [name for name in texts if name.startswith("Figure")] == ["Figure 1"]
    assert (texts["Figure 1"], texts["Source"]) == ("12", "Källa: SCB:s läns- och kommunindelning")


def test_a_facts_slide_without_sources_has_no_source_line(scratch: Scratch):
    figures = '      - {value: "3", label: delar}\n'
    assert facts_deck(scratch, figures).run("build").exit_code == 0
    assert "Source" not in shown(scratch)


ERRORS = {
    "unknown table": (
        FROM_DATA.replace("TABLE", "ost"),
        "content/deck.yaml:13:16: error: slides[0].figures[0].table: content/data/figures.yaml"
        " has no table 'ost' (it has: norr, syd)",
    ),
    "every figure missing": (
        FROM_DATA.replace("TABLE", "vast"),
        "content/deck.yaml:12:7: error: slides[0].figures: every figure's table is missing from"
        " its data file: no figure is left",
    ),
    "value and data": (
        FROM_DATA.replace("TABLE", "norr").replace("label:", "value: '5'\n        label:"),
        "content/deck.yaml:12:9: error: slides[0].figures[0]: give the figure a value or data,"
        " not both",
    ),
    "no total": (
        FROM_DATA.replace("TABLE", "norr"),
        "content/deck.yaml:13:16: error: slides[0].figures[0].table: 'data/figures.yaml': the"
        " table has no total to show",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_a_bad_figure_is_one_exact_line(scratch: Scratch, case: str):
    figures, expected = ERRORS[case]
    data = FIGURES.replace("    total: 1234567\n", "") if case == "no total" else FIGURES
    result = facts_deck(scratch, figures, data).run("build")
    assert result.exit_code == 1
    assert result.stderr == expected + "\ndeckgen: 1 error; nothing was written.\n"


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_the_row_of_figures_keeps_to_the_margins_and_clear_of_the_source(
    scratch: Scratch, count: int
):
    """The figures stand on the grid from the left margin, four columns each (three for four
    figures, which then reach the right margin), a gutter apart, at one size."""
    figures = FROM_DATA.replace("TABLE", "norr") + WRITTEN * (count - 1)
    assert facts_deck(scratch, figures).run("build").exit_code == 0
    slide = Presentation(str(scratch.output / "testdack.pptx")).slides[0]
    boxes = {shape.name: shape for shape in slide.shapes}
    pt = 12700
    values = [boxes[f"Figure {i}"] for i in range(1, count + 1)]
    span = 272 if count <= 3 else 200
    assert [v.left for v in values] == [(56 + i * (span + 16)) * pt for i in range(count)]
    assert {v.width for v in values} == {span * pt}
    if count == 4:
        assert values[-1].left + values[-1].width == (960 - 56) * pt
    labels = [boxes[f"Label {i}"] for i in range(1, count + 1)]
    assert all(label.top + label.height <= boxes["Source"].top for label in labels)
    sizes = {
        run.font.size
        for box in values
        for p in box.text_frame.paragraphs
        for r in [p.runs]
        for run in r
    }
    assert len(sizes) == 1  # one size for the row

"""The chart slide kind: a native chart of a table of figures that content names, its source
on the slide and its alt text; and the regional decks' chart of their municipalities."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from generator.pipeline import Pipeline
from generator.render.chart import dated_workbook, number_axes
from generator.source.variant import Options, Variant

from .conftest import CONTENT, ROOT, Scratch

DATA = ROOT / "content" / "data" / "folkmangd-2023.yaml"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def region_files() -> dict[str, dict]:
    """Each region file's data, by slug."""
    return {
        path.stem: yaml.safe_load(path.read_text("utf-8"))
        for path in sorted((ROOT / "content" / "regions").glob("*.yaml"))
    }


def charted() -> dict[str, str]:
    """The regions whose file adds a chart, with the table of the data file it names."""
    return {
        slug: slide["table"]
        for slug, data in region_files().items()
        for slide in (data.get("slides") or {}).values()
        if slide.get("kind") == "chart"
    }


@pytest.fixture(scope="module")
def tables() -> dict[str, dict]:
    return yaml.safe_load(DATA.read_text("utf-8"))["tables"]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every region's deck and the national one (''), built once for the module."""
    output = tmp_path_factory.mktemp("chart-decks")
    pipeline = Pipeline(Options(ROOT / "templates"))
    slugs = ["", *region_files()]
    return {
        slug: pipeline.build(Variant(CONTENT, region=slug or None), output).path for slug in slugs
    }


def charts(deck: Path) -> list:
    """The graphic frames of `deck` that hold a chart, with their slide."""
    return [
        (slide, shape)
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_chart
    ]


def test_every_county_with_all_municipalities_is_charted(tables):
    complete = {key for key, table in tables.items() if table.get("rows")}
    assert set(charted().values()) == complete
    assert len(complete) == 10
    assert len(tables["09"]["rows"]) == 1  # Gotland's county is one municipality: one bar
    codes = {slug: data["region"]["scb_county_code"] for slug, data in region_files().items()}
    assert all(codes[slug] == table for slug, table in charted().items())


def test_a_regional_chart_is_a_native_chart_part_of_the_data_sorted(decks, tables):
    codes = charted()
    assert len(codes) == 10
    for slug, code in codes.items():
        found = charts(decks[slug])
        assert len(found) == 1, slug
        slide, frame = found[0]
        assert frame.shape_type == MSO_SHAPE_TYPE.CHART  # a chart, not a picture of one
        assert frame.chart.part.content_type.endswith("drawingml.chart+xml")
        rows = sorted(tables[code]["rows"], key=lambda row: -row["value"])
        plot = frame.chart.plots[0]
        assert list(plot.categories) == [row["label"] for row in rows]
        assert list(plot.series[0].values) == [row["value"] for row in rows]
        assert slide.element.cSld.get("name") == "kommuner"


def test_the_chart_shows_its_source_and_its_alt_text_names_the_extremes(decks):
    slide, frame = charts(decks["varmland"])[0]
    alt = frame.element.xpath("./p:nvGraphicFramePr/p:cNvPr/@descr")[0]
    assert alt == (
        "Liggande stapeldiagram: Invånare per kommun i Värmlands län, 16 värden."
        " Störst: Karlstad, 97\u00a0233 invånare. Minst: Munkfors, 3\u00a0669 invånare."
    )
    source = next(shape for shape in slide.shapes if shape.name == "Source")
    assert source.text_frame.text == "Källa: SCB, Folkmängd 31 december 2023, via Regionfakta"
    link = source.text_frame.paragraphs[0].runs[-1].hyperlink.address
    assert link.startswith("https://www.regionfakta.com/Varmlands-lan/")


def test_the_secondary_source_is_said_on_the_slide(decks):
    slide, _ = charts(decks["dalarna"])[0]
    source = next(shape for shape in slide.shapes if shape.name == "Source")
    assert "andrahandskälla" in source.text_frame.text


def test_the_chart_uses_theme_colours_and_fonts_and_positive_axis_ids(decks):
    _, frame = charts(decks["halland"])[0]
    space = frame.chart.element
    assert not list(space.iter(f"{A}srgbClr"))  # a re-brand recolours it
    assert {e.get("val") for e in space.iter(f"{A}schemeClr")} == {"accent1", "tx1"}
    assert {e.get("typeface") for e in space.iter(f"{A}latin")} == {"+mn-lt"}
    ids = [int(e.get("val")) for e in space.iter(f"{C}axId", f"{C}crossAx")]
    assert ids
    assert all(value > 0 for value in ids)
    assert {e.get("lang") for e in space.iter() if e.get("lang")} == {"sv-SE"}
    # a figure stays on one line: LibreOffice wrapped "61 029" beside Gotland's only bar
    labels = space.find(f".//{C}dLbls/{C}txPr/{A}bodyPr")
    assert labels.get("wrap") == "none"


def test_regions_without_complete_data_and_the_national_deck_have_no_chart(decks):
    for slug in ("", "stockholm", "skane", "jonkoping", "vastra-gotaland"):
        assert charts(decks[slug]) == [], slug
        with zipfile.ZipFile(decks[slug]) as package:
            assert not [name for name in package.namelist() if "chart" in name]


def test_the_embedded_workbook_is_dated_with_the_deck_not_the_build(decks):
    _, frame = charts(decks["orebro"])[0]
    blob = frame.chart.part.chart_workbook.xlsx_part.blob
    with zipfile.ZipFile(io.BytesIO(blob)) as workbook:
        core = workbook.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-26T00:00:00Z<' in core


def test_a_chart_deck_is_the_same_bytes_when_built_again(decks, tmp_path: Path):
    again = Pipeline(Options(ROOT / "templates")).build(
        Variant(CONTENT, region="norrbotten"), tmp_path
    )
    assert again.path.read_bytes() == decks["norrbotten"].read_bytes()


def test_axis_ids_are_numbered_from_one_in_the_order_the_chart_names_them():
    space = etree.fromstring(
        f'<c:chartSpace xmlns:c="{C[1:-1]}"><c:barChart><c:axId val="-20"/>'
        '<c:axId val="-7"/></c:barChart><c:catAx><c:axId val="-20"/><c:crossAx val="-7"/>'
        '</c:catAx><c:valAx><c:axId val="-7"/><c:crossAx val="-20"/></c:valAx></c:chartSpace>'
    )
    number_axes(space)
    values = [e.get("val") for e in space.iter(f"{C}axId", f"{C}crossAx")]
    assert values == ["1", "2", "1", "2", "2", "1"]


def test_the_embedded_workbook_is_dated_with_the_decks_moment():
    import datetime

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as made:
        made.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:dcterms="http://purl.org/dc/terms/">'
            "<dcterms:created>2031-05-06T07:08:09Z</dcterms:created>"
            "<dcterms:modified>2031-05-06T07:08:09Z</dcterms:modified></cp:coreProperties>",
        )
    moment = datetime.datetime(2026, 11, 26, tzinfo=datetime.UTC)
    dated = dated_workbook(out.getvalue(), moment)
    with zipfile.ZipFile(io.BytesIO(dated)) as workbook:
        core = workbook.read("docProps/core.xml").decode()
        assert workbook.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)
    assert core.count("2026-11-26T00:00:00Z") == 2
    assert "2031" not in core
    assert dated_workbook(out.getvalue(), moment) == dated


def test_each_charts_workbook_holds_its_own_figures_when_kept_for_the_next_deck():
    """A chart's workbook is written once per process for the same figures and kept
    (`chart._KeptWorkbook`): a chart with other figures gets a workbook of its own, and one
    with the same figures gets bytes equal to a freshly written one."""
    from pptx.chart.data import CategoryChartData

    from generator.render import chart

    def written(kept: bool, values: tuple[float, ...]) -> bytes:
        data = (chart._KeptWorkbook if kept else CategoryChartData)(number_format="#,##0")
        data.categories = ["Karlstad", "Arvika", "Åmål"]
        data.add_series("Invånare", values)
        with zipfile.ZipFile(io.BytesIO(data.xlsx_blob)) as workbook:
            return workbook.read("xl/worksheets/sheet1.xml")

    chart._WORKBOOKS.clear()
    first = written(True, (97233, 26000, 12345))
    other = written(True, (1, 2, 3))
    assert first != other
    assert first == written(True, (97233, 26000, 12345)) == written(False, (97233, 26000, 12345))
    assert other == written(False, (1, 2, 3))
    assert b"<v>97233</v>" in first
    assert b"<v>3</v>" in other
    assert len(chart._WORKBOOKS) == 2


# --- the content: a chart slide in a deck of one's own, and what goes wrong ------------------

DECK = """\
title: Testdäck
authors: [Anna Andersson]
organisation: SKR
date: 2026-01-15
brand: skr
slides:
  - id: start
    kind: title
    title: "{{ deck.title }}"
  - id: diagram
    kind: chart
    title: Invånare per kommun
    chart: CHART
    data: DATA
    table: 'TABLE'
    sort: descending
"""

FIGURES = """\
unit: invånare
tables:
  a:
    source: Egen räkning
    total: 60
    rows:
      - {label: Norr, value: 10}
      - {label: Söder, value: 30}
      - {label: Väster, value: 20}
  b:
    source: Egen räkning
    rows:
      - {label: Ett, value: 1}
missing:
  c: no figures for c were found
"""


def chart_deck(
    scratch: Scratch,
    chart: str = "bar",
    data: str = "data/figures.yaml",
    table: str = "a",
    figures: str = FIGURES,
) -> Scratch:
    folder = scratch.content.parent / "data"
    folder.mkdir(exist_ok=True)
    (folder / "figures.yaml").write_text(figures, encoding="utf-8")
    deck = DECK.replace("CHART", chart).replace("DATA", data).replace("TABLE", table)
    return scratch.write(deck)


@pytest.mark.parametrize("chart", ["bar", "column", "line", "pie"])
def test_regional_staff_can_chart_their_own_figures(scratch: Scratch, chart: str):
    result = chart_deck(scratch, chart).run("build")
    assert result.exit_code == 0, result.stderr
    ((_, frame),) = charts(scratch.output / "testdack.pptx")
    plot = frame.chart.plots[0]
    assert list(plot.categories) == ["Söder", "Väster", "Norr"]
    assert list(plot.series[0].values) == [30, 20, 10]
    alt = frame.element.xpath("./p:nvGraphicFramePr/p:cNvPr/@descr")[0]
    assert alt.endswith("3 värden. Störst: Söder, 30 invånare. Minst: Norr, 10 invånare.")


def test_a_pies_slices_take_the_accents_in_turn(scratch: Scratch):
    assert chart_deck(scratch, "pie").run("build").exit_code == 0
    ((_, frame),) = charts(scratch.output / "testdack.pptx")
    fills = [e.get("val") for e in frame.chart.element.iter(f"{A}schemeClr")]
    assert fills[:3] == ["accent1", "accent2", "accent3"]


ERRORS = {
    "missing file": (
        {"data": "data/figurs.yaml"},
        "content/deck.yaml:14:11: error: slides[1].data: data file not found: 'data/figurs.yaml'"
        " (looked in content/)",
    ),
    "unknown table": (
        {"table": "d"},
        "content/deck.yaml:15:12: error: slides[1].table: content/data/figures.yaml has no"
        " table 'd' (it has: a, b)",
    ),
    "missing table": (
        {"table": "c"},
        "content/deck.yaml:15:12: error: slides[1].table: content/data/figures.yaml has no"
        " table 'c': no figures for c were found",
    ),
    "outside": (
        {"data": "../figures.yaml"},
        "content/deck.yaml:14:11: error: slides[1].data: '..' is not allowed in a path:"
        " '../figures.yaml'",
    ),
    "unknown chart": (
        {"chart": "donut"},
        "content/deck.yaml:13:12: error: slides[1].chart: unknown value 'donut' (allowed: bar,"
        " column, line, pie)",
    ),
    "bad figure": (
        {"figures": FIGURES.replace("value: 30", "value: many")},
        "content/data/figures.yaml:8:31: error: tables.a.rows[1].value: expected a number, got"
        " text 'many'",
    ),
    "wrong total": (
        {"figures": FIGURES.replace("total: 60", "total: 61")},
        "content/data/figures.yaml:5:12: error: tables.a.total: the rows add up to 60, not 61",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_a_bad_chart_or_data_file_is_one_exact_line(scratch: Scratch, case: str):
    changes, expected = ERRORS[case]
    result = chart_deck(scratch, **changes).run("build")
    assert result.exit_code == 1
    assert result.stderr == expected + "\ndeckgen: 1 error; nothing was written.\n"
    assert not (scratch.output / "testdack.pptx").exists()


def test_a_chart_of_a_table_with_a_total_alone_says_it_has_no_rows(scratch: Scratch):
    """Six counties have only their total (content/data): a facts slide shows it, a chart
    has nothing to draw."""
    figures = FIGURES.replace("missing:", "  t:\n    source: Egen räkning\n    total: 5\nmissing:")
    result = chart_deck(scratch, table="t", figures=figures).run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        "content/deck.yaml:15:12: error: slides[1].table: 'data/figures.yaml': the table has no"
        " rows to draw, only its total\ndeckgen: 1 error; nothing was written.\n"
    )

"""Native charts: a `ChartShape` drawn as a PowerPoint chart part, with its workbook.

The chart's colours are scheme colours and its type the theme's fonts, so a brand's theme
recolours it, as it does every other shape. python-pptx writes what ECMA-376 and a
reproducible build do not allow, and `draw_chart` puts it right: negative axis ids (the
schema's `c:axId` is an unsigned int) and an embedded workbook dated with the time of the
build (`fix_workbooks` dates it with the deck's moment).
"""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from typing import Any

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import ColorFormat
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.slide import Slide
from pptx.text.text import Font
from pptx.util import Emu, Pt

from generator.layout.spec import ChartShape, ShapeStyle
from generator.render.package import set_language
from generator.render.xml import emu, sub

_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
}
_LABELS = {
    "bar": XL_LABEL_POSITION.OUTSIDE_END,
    "column": XL_LABEL_POSITION.OUTSIDE_END,
    "line": XL_LABEL_POSITION.ABOVE,
    "pie": XL_LABEL_POSITION.OUTSIDE_END,
}
_THEME_COLORS = {
    "tx1": MSO_THEME_COLOR.TEXT_1,
    "bg1": MSO_THEME_COLOR.BACKGROUND_1,
    "tx2": MSO_THEME_COLOR.TEXT_2,
    "bg2": MSO_THEME_COLOR.BACKGROUND_2,
    "hlink": MSO_THEME_COLOR.HYPERLINK,
    "folHlink": MSO_THEME_COLOR.FOLLOWED_HYPERLINK,
    **{f"accent{n}": getattr(MSO_THEME_COLOR, f"ACCENT_{n}") for n in range(1, 7)},
}
_FONTS = {"major": "+mj-lt", "minor": "+mn-lt"}
#: How far the value axis of a bar or column chart reaches past its largest figure, for its
#: label: 1.12 leaves room for a label of seven characters at 14 pt beside an 848 pt bar.
HEADROOM = 1.12
#: The first id the axes of a chart get, numbered in the order the chart names them.
FIRST_AXIS_ID = 1


def draw_chart(slide: Slide, shape: ChartShape, style: ShapeStyle, language: str) -> None:
    """Add `shape` to `slide` as a native chart in `style`'s type, with its alt text."""
    if shape.size is not None:
        style = style.model_copy(update={"size": shape.size})
    data: Any = _KeptWorkbook(number_format=shape.number_format)  # type: ignore[no-untyped-call]
    data.categories = shape.categories
    data.add_series(shape.series, shape.values)
    x, y, width, height = (Emu(emu(value)) for value in shape.box)
    frame: Any = slide.shapes.add_chart(_TYPES[shape.chart], x, y, width, height, data)
    names = frame.element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0]
    names.set("name", shape.name)
    names.set("descr", shape.alt)
    chart: Chart = frame.chart
    chart.has_title = False  # the slide's title says it; one series would show its name
    _text(chart.font, style)
    _series(chart, shape)
    _labels(chart, shape, style)
    chart.has_legend = False  # one series; a pie's slices say their names themselves
    if shape.chart != "pie":
        _axes(chart, shape, style)
    space = chart.element
    _no_frame(space)
    number_axes(space)
    set_language(space, language)


class _KeptWorkbook(CategoryChartData):
    """Chart data whose embedded workbook XlsxWriter writes once per process for the same
    categories, series and number format: writing one is a third of drawing a chart, and a
    deck drawn again (`deckgen serve`'s rebuild) has the same chart. `fix_workbooks` dates it
    for the deck afterwards, so the bytes are what a fresh workbook gives."""

    @property
    def xlsx_blob(self) -> bytes:
        key = repr(  # not a tuple of values: -0.0 == 0.0, but the workbook writes -0
            (
                [c.label for c in self.categories],
                [(series.name, list(series.values)) for series in self],
                self.number_format,
            )
        )
        if key not in _WORKBOOKS:
            if len(_WORKBOOKS) >= 64:
                del _WORKBOOKS[next(iter(_WORKBOOKS))]
            _WORKBOOKS[key] = super().xlsx_blob
        return _WORKBOOKS[key]


_WORKBOOKS: dict[str, bytes] = {}


def _color(color: ColorFormat, scheme: str) -> None:
    color.theme_color = _THEME_COLORS[scheme]


def _text(font: Font, style: ShapeStyle) -> None:
    if style.size is not None:
        font.size = Pt(style.size)
    if style.font is not None:
        font.name = _FONTS[style.font]
    if style.color is not None:
        _color(font.color, style.color)


def _series(chart: Chart, shape: ChartShape) -> None:
    plot = chart.plots[0]
    series = plot.series[0]
    if shape.chart == "pie":
        plot.vary_by_categories = True
        for index in range(len(shape.values)):
            fill = series.points[index].format.fill
            fill.solid()
            _color(fill.fore_color, shape.colors[index % len(shape.colors)])
        return
    plot.vary_by_categories = False
    if shape.chart == "line":
        series.smooth = False
        _color(series.format.line.color, shape.colors[0])
        series.format.line.width = Pt(2.5)
        series.marker.format.fill.solid()
        _color(series.marker.format.fill.fore_color, shape.colors[0])
        return
    plot.gap_width = 40
    series.format.fill.solid()
    _color(series.format.fill.fore_color, shape.colors[0])


def _labels(chart: Chart, shape: ChartShape, style: ShapeStyle) -> None:
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = shape.number_format
    labels.number_format_is_linked = False
    labels.position = _LABELS[shape.chart]
    labels.show_value = True
    if shape.chart == "pie":  # outside the slices, on the slide's background, where text reads
        labels.show_category_name = True
        for found in chart.element.iter(qn("c:dLbls")):
            separator = found.makeelement(qn("c:separator"), {})
            separator.text = "\n"  # the name over its figure, not "Halmstad; 105 796"
            found.find(qn("c:showBubbleSize")).addnext(separator)
    _text(labels.font, style)
    # A figure is one line: LibreOffice wraps a label wider than it thinks there is room for
    # ("61 029" as "61 / 02 / 9" beside a chart's only bar), PowerPoint does not.
    for body in chart.element.iter(qn("c:dLbls")):
        body.find(qn("c:txPr")).find(qn("a:bodyPr")).set("wrap", "none")


def _axes(chart: Chart, shape: ChartShape, style: ShapeStyle) -> None:
    """Categories along one axis in the labels' type; the figures are data labels, so the
    value axis and its grid are not drawn."""
    values = chart.value_axis
    values.visible = False
    values.has_major_gridlines = False
    values.has_minor_gridlines = False
    categories = chart.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.minor_tick_mark = XL_TICK_MARK.NONE
    categories.has_major_gridlines = False
    _text(categories.tick_labels.font, style)
    line = categories.format.line
    _color(line.color, style.color or "tx1")
    line.width = Pt(0.75)
    if shape.chart == "bar":
        categories.reverse_order = True  # the first category on top, as it reads
    if shape.chart != "line" and min(shape.values) >= 0:
        # The longest bar nearly fills the plot, with room for its label: the axis would
        # round up to the next step (120 000 for 97 233) and leave a fifth of it empty.
        values.minimum_scale = 0
        values.maximum_scale = max(shape.values) * HEADROOM or 1


def _no_frame(space: Any) -> None:
    """Draw the chart without a fill or an outline of its own, on the slide's background;
    PowerPoint rounds a chart's corners unless told not to."""
    rounded = space.find(qn("c:roundedCorners"))
    if rounded is None:
        rounded = space.makeelement(qn("c:roundedCorners"), {})
        later = ("c:style", "c:clrMapOvr", "c:pivotSource", "c:protection", "c:chart")
        next(space.iterchildren(*map(qn, later))).addprevious(rounded)  # the schema's order
    rounded.set("val", "0")
    properties = space.makeelement(qn("c:spPr"), {})
    sub(properties, "a:noFill")
    sub(sub(properties, "a:ln"), "a:noFill")
    space.find(qn("c:chart")).addnext(properties)


def number_axes(space: Any) -> None:
    """Give the chart's axes ids from `FIRST_AXIS_ID` up, in the order the chart names them:
    python-pptx writes negative ones, which ECMA-376 (an unsigned int) does not allow."""
    ids: dict[str, str] = {}
    for node in space.iter(qn("c:axId"), qn("c:crossAx")):
        old = node.get("val")
        ids.setdefault(old, str(FIRST_AXIS_ID + len(ids)))
        node.set("val", ids[old])


def fix_workbooks(prs: Presentation, moment: datetime.datetime) -> None:
    """Date each chart's embedded workbook with `moment`, not the time it was built, so the
    same input gives the same bytes."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False):
                workbook = shape.chart.part.chart_workbook
                blob = workbook.xlsx_part.blob
                workbook.update_from_xlsx_blob(dated_workbook(blob, moment))


_W3CDTF = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


@functools.lru_cache(maxsize=64)
def dated_workbook(blob: bytes, moment: datetime.datetime) -> bytes:
    """Return the workbook `blob` with its created and modified dates set to `moment`, each
    member at the zip's fixed time and in the same order."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
            member = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, data)
    return out.getvalue()

"""The design system of templates/masters/default.yaml: every box on the grid, every size on the
type scale, in the master's own definitions and in built decks, read back with python-pptx."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from generator.layout.engine import load_master
from generator.layout.spec import Decoration, MasterSpec
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, TEMPLATES

MASTER = load_master(TEMPLATES)
#: Shapes whose type is fitted to their box, so may step between the scale's sizes: the core's
#: longest word to its circle, a panel's names and roles to their columns, initials to their
#: circle, a bar chart's labels to its bars.
FITTED = ("Core", "Name ", "Role ", "Initials ", "Chart")


def _starts(master: MasterSpec) -> set[float]:
    return {round(x, 3) for x in master.columns()}


def _ends(master: MasterSpec) -> set[float]:
    return {round(x + master.column_width, 3) for x in master.columns()}


def off_grid(
    master: MasterSpec, box: tuple[float, float, float, float], hang: float = 0
) -> list[str]:
    """What about `box` is off `master`'s grid: its left edge (where its text starts, `hang`
    points in), its right edge, its top or its height; nothing for a box that bleeds off the
    slide or is centred on it."""
    x, y, width, height = box
    slide_width, slide_height = master.size
    if x <= 0 or y <= 0 or x + width >= slide_width or y + height >= slide_height:
        return []
    problems = []
    centred = abs(x + width / 2 - slide_width / 2) < 0.01
    if not centred and round(x + hang, 3) not in _starts(master):
        problems.append(f"left edge {x + hang:g} is not where a column starts")
    if not centred and round(x + width, 3) not in _ends(master):
        problems.append(f"right edge {x + width:g} is not where a column ends")
    unit = master.grid.unit
    for name, value in (("top", y), ("height", height)):
        if abs(value / unit - round(value / unit)) > 0.01:
            problems.append(f"{name} {value:g} is not a multiple of {unit:g} pt")
    return problems


def test_the_grid_has_twelve_columns_of_56_pt_between_the_margins():
    assert MASTER.column_width == 56
    assert MASTER.columns()[:3] == [56, 128, 200]
    assert MASTER.columns()[-1] + MASTER.column_width == 960 - 56


def test_the_checker_of_the_grid_finds_a_box_off_it():
    assert off_grid(MASTER, (56, 40, 848, 84)) == []
    assert off_grid(MASTER, (60, 42, 800, 84)) == [
        "left edge 60 is not where a column starts",
        "right edge 860 is not where a column ends",
        "top 42 is not a multiple of 4 pt",
    ]
    assert off_grid(MASTER, (40, 48, 792, 256), hang=16) == []
    assert off_grid(MASTER, (0, 0, 16, 540)) == []  # bleeds


def _outer(decoration: Decoration) -> tuple[float, float, float, float]:
    """A decoration's box out to the outer edge of its outline, which is centred on it."""
    style = MASTER.styles[decoration.style]
    half = style.line_width / 2 if style.line else 0
    x, y, width, height = decoration.box
    return (x - half, y - half, width + 2 * half, height + 2 * half)


def test_every_placeholder_and_decoration_of_the_master_is_on_the_grid():
    boxes = [
        (f"master {p.name}", p.box, p.hang or 0) for p in (MASTER.master.title, MASTER.master.body)
    ]
    boxes += [(f"master {d.name}", _outer(d), 0) for d in MASTER.master.decorations]
    for layout in MASTER.layouts:
        boxes += [(f"{layout.name} {p.name}", p.box, p.hang or 0) for p in layout.placeholders]
        boxes += [(f"{layout.name} {d.name}", _outer(d), 0) for d in layout.decorations]
    problems = {name: off_grid(MASTER, box, hang) for name, box, hang in boxes}
    assert {name: found for name, found in problems.items() if found} == {}
    assert len(boxes) == 25


def test_the_logo_stands_on_the_right_margin():
    x, y, width, height = MASTER.master.logo
    assert x + width == 960 - 56
    assert (y + height) % MASTER.grid.unit == 0


def test_every_size_and_line_spacing_of_the_master_is_on_the_type_scale():
    scale = {name: step for name, step in MASTER.type_scale}
    assert [step.size for step in scale.values()] == [54, 32, 24, 18, 14]
    sizes = {step.size for step in scale.values()}
    spacings = {step.line_spacing for step in scale.values()}
    styles = [MASTER.master.title, MASTER.master.body]
    styles += [p for layout in MASTER.layouts for p in layout.placeholders]
    named = [(getattr(s, "name", ""), s) for s in styles]
    named += list(MASTER.styles.items())
    off = {
        name: (style.size, style.line_spacing)
        for name, style in named
        if (style.size is not None and style.size not in sizes)
        or (style.line_spacing is not None and style.line_spacing not in spacings)
    }
    assert off == {}


def _shapes(deck: Path) -> list[tuple[int, str, tuple[float, float, float, float]]]:
    found = []
    for number, slide in enumerate(Presentation(str(deck)).slides, start=1):
        for shape in slide.shapes:
            if shape.shape_type is not None and shape.shape_type == 9:  # a line: its ends
                continue
            if shape.is_placeholder or shape.left is None:
                continue  # on the layout's grid, checked above
            box = tuple(Emu(v).pt for v in (shape.left, shape.top, shape.width, shape.height))
            found.append((number, shape.name, box))
    return found


def _placed(shape: str, problems: list[str]) -> list[str]:
    """The problems of a shape's place: a fitted shape (a circle that shrinks to leave its texts
    room) need only start on the grid."""
    if shape.startswith((*FITTED, "Photo ")):
        return [p for p in problems if p.startswith(("left edge", "top"))]
    return problems


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    output = tmp_path_factory.mktemp("design")
    pipeline = Pipeline(Options(TEMPLATES))
    return {
        name: pipeline.build(Variant(CONTENT, region=region), output).path
        for name, region in (("national", None), ("varmland", "varmland"), ("gotland", "gotland"))
    }


@pytest.mark.parametrize("name", ["national", "varmland", "gotland"])
def test_every_shape_that_a_layout_template_draws_is_on_the_grid(decks, name):
    shapes = [s for s in _shapes(decks[name]) if not s[1].startswith("Link ")]
    off = {
        f"slide {number} {shape}": problems
        for number, shape, box in shapes
        if (problems := _placed(shape, off_grid(MASTER, box)))
    }
    assert off == {}
    assert len(shapes) >= 8


@pytest.mark.parametrize("name", ["national", "varmland", "gotland"])
def test_every_type_size_in_a_built_deck_is_on_the_scale_or_fitted(decks, name):
    sizes = {step.size for _, step in MASTER.type_scale}
    off = set()
    for number, slide in enumerate(Presentation(str(decks[name])).slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.name.startswith(FITTED):
                continue
            for run_size in shape.text_frame._txBody.xpath(".//a:rPr/@sz | .//a:endParaRPr/@sz"):
                if int(run_size) / 100 not in sizes:
                    off.add((number, shape.name, int(run_size) / 100))
    assert off == set()


def test_preview_grid_draws_the_columns_over_each_slide_and_leaves_the_gutters(tmp_path):
    from PIL import Image

    from generator.output.raster import contact_sheet, grid_columns

    slide = tmp_path / "slide-01.png"
    Image.new("RGB", (960, 540), (255, 255, 255)).save(slide)
    columns = grid_columns(960, MASTER.columns(), MASTER.column_width)
    assert columns[0] == (56 / 960, 112 / 960)
    contact_sheet([slide], tmp_path / "plain.png", "Plain", "")
    contact_sheet([slide], tmp_path / "grid.png", "Grid", "", grid=columns)
    plain, gridded = Image.open(tmp_path / "plain.png"), Image.open(tmp_path / "grid.png")
    # the sheet's one tile is 480 px wide at (40, 112): half the slide's points
    top = 40 + 72 + 100
    inside, gutter, margin = 40 + 42, 40 + 60, 40 + 10  # column 1, its gutter, the margin
    assert plain.getpixel((inside, top)) == (255, 255, 255)
    assert gridded.getpixel((inside, top)) != (255, 255, 255)
    assert gridded.getpixel((gutter, top)) == gridded.getpixel((margin, top)) == (255, 255, 255)

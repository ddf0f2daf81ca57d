"""The panel: 1 to 4 people over the content width, photos cropped into circles, and names that
keep clear of their roles, read back from the built deck and from LibreOffice's rendering."""

from __future__ import annotations

import json
import shutil

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation

from generator.check.overflow import pdf_words
from generator.layout.engine import load_master
from generator.officexml import EMU_PER_POINT

from .conftest import TEMPLATES, Scratch
from .test_layout import boxes, lay_out
from .test_panel_photos import PANEL

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

#: Names long enough to take two lines in a column of four, and roles of three.
PEOPLE = [
    {
        "name": "Ett Långt Dubbelnamn Efternamnsson",
        "role": "Regional utvecklingsdirektör i en region med ett långt namn",
    },
    {"name": "Två Namn", "role": "Roll två"},
    {
        "name": "Tre Förnamn Mellannamn Efternamn",
        "role": "Avdelningschef för tillväxt och regional utveckling",
    },
    {"name": "Fyra Namn", "role": "Roll fyra"},
]

DECK = PANEL


MASTER = load_master(TEMPLATES)


def _deck(people: list[dict[str, str]]) -> str:
    rows = [
        "      - {"
        + ", ".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in person.items()
        )
        + "}"
        for person in people
    ]
    return DECK + "\n".join(rows) + "\n"


def _photo(scratch: Scratch, name: str, size: tuple[int, int]) -> str:
    """Save a photo of `size` pixels beside the content; return its path as content names it."""
    folder = scratch.content.parent / "img"
    folder.mkdir(exist_ok=True)
    Image.new("RGB", size, (90, 120, 160)).save(folder / name)
    return f"img/{name}"


def _points(value: int) -> float:
    return value / EMU_PER_POINT


@pytest.mark.parametrize(
    ("size", "crop"),
    [
        ((300, 400), {"t": "12500", "b": "12500"}),  # 3:4 portrait: an eighth off top and bottom
        ((400, 300), {"l": "12500", "r": "12500"}),  # 4:3 landscape: off the sides
        ((200, 400), {"t": "25000", "b": "25000"}),  # 1:2: a quarter off top and bottom
        ((300, 300), None),  # square: nothing to crop
    ],
)
def test_a_photo_is_cropped_from_the_centre_into_a_circle_not_stretched(
    scratch: Scratch, size: tuple[int, int], crop: dict[str, str] | None
):
    photo = _photo(scratch, "portrait.png", size)
    people = [{"name": "Ett Namn", "role": "Roll", "photo": photo}, PEOPLE[1]]
    result = scratch.write(_deck(people)).run("build")
    assert result.exit_code == 0, result.stderr

    slide = Presentation(str(scratch.output / "panel.pptx")).slides[0]
    picture = next(shape for shape in slide.shapes if shape.name == "Photo 1")
    source = picture.element.blipFill.find(f"{A}srcRect")
    assert (dict(source.attrib) if source is not None else None) == crop
    assert picture.width == picture.height  # a square box: the crop makes it fill undistorted
    [geometry] = picture.element.spPr.findall(f"{A}prstGeom")
    assert geometry.get("prst") == "ellipse"
    assert picture.element.nvPicPr.cNvPr.get("descr") == "Ett Namn"


def test_a_person_without_a_photo_gets_their_initials_in_a_circle_hidden_from_screen_readers(
    scratch: Scratch,
):
    result = scratch.write(_deck([{"name": "**Eva** von Berg", "role": "Roll"}])).run("build")
    assert result.exit_code == 0, result.stderr
    slide = Presentation(str(scratch.output / "panel.pptx")).slides[0]
    initials = next(shape for shape in slide.shapes if shape.name == "Initials 1")
    assert initials.text_frame.text == "EB"
    assert initials.width == initials.height
    assert b"decorative" in etree.tostring(initials.element.nvSpPr.cNvPr)


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_a_panel_spreads_its_people_over_the_content_width_and_keeps_names_off_roles(
    count: int,
):
    """Each column is a span of the grid's columns (2 people six each, 3 four, 4 three, with
    the 16 pt gutter between) and the last ends
    at the right margin (one person's text runs to it beside the circle); each name box has
    room for the two lines a long name takes and ends above its role."""
    [spec] = lay_out({"id": "p", "kind": "panel", "title": "Fråga?", "people": PEOPLE[:count]})
    names, roles = boxes(spec, "Name "), boxes(spec, "Role ")
    assert len(names) == len(roles) == count
    assert names[0].box[0] == 56 if count > 1 else names[0].box[0] > 56
    assert max(b.box[0] + b.box[2] for b in names) == pytest.approx(904, abs=0.5)
    width = {1: 848, 2: 416, 3: 272, 4: 200}[count]
    assert width == (848 - (count - 1) * 16) / count
    if count > 1:
        lefts = [56 + i * (width + 16) for i in range(count)]
        assert [n.box[0] for n in names] == pytest.approx(lefts, abs=0.5)
        assert {round(n.box[2], 1) for n in names} == {round(width, 1)}
    for name, role in zip(names, roles, strict=True):
        _, y, _, height = name.box
        size = name.size or MASTER.styles[name.style].size
        assert height >= 2 * 1.1 * size  # two lines of the name, at its size
        assert y + height <= role.box[1]  # the role starts below the name's box
        assert role.box[1] + role.box[3] <= 470  # clear of the logo's band (482)
    circles = boxes(spec, "Initials ")
    assert [c.box[0] for c in circles] == pytest.approx(
        [56 + i * (width + 16) for i in range(count)], abs=0.5
    )
    for name, circle in zip(names, circles, strict=True):
        assert circle.box[2] == circle.box[3]
        if count == 1:  # one person is set across: the circle on the left
            assert circle.box[0] + circle.box[2] < name.box[0]
        else:
            assert circle.box[1] + circle.box[3] <= name.box[1]  # the circle ends above


RENDERS = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="the names' lines are measured on LibreOffice's PDF: apt-get install "
    "libreoffice-impress poppler-utils (.ci/run installs them)",
)


@RENDERS
def test_four_people_with_two_line_names_and_photos_render_clear_of_their_roles(
    scratch: Scratch,
):
    """Rendered by LibreOffice: every word of each name stands above every word of its role,
    the two long names do take two lines, and `deckgen check` finds nothing on the slide."""
    people = [
        {**person, "photo": _photo(scratch, f"p{i}.png", (300, 400))}
        for i, person in enumerate(PEOPLE)
    ]
    scratch.write(_deck(people))
    assert scratch.run("build").exit_code == 0
    checked = scratch.run("check")
    assert checked.stdout.splitlines() == ["1 deck checked: 0 errors, 0 warnings"], checked.stdout

    [(_, _, words)] = pdf_words(scratch.output / "panel.pdf")
    deck = Presentation(str(scratch.output / "panel.pptx"))
    shapes = {shape.name: shape for shape in deck.slides[0].shapes}
    for number, person in enumerate(PEOPLE, 1):
        name = _words_in(words, shapes[f"Name {number}"], person["name"])
        role = _words_in(words, shapes[f"Role {number}"], person["role"])
        assert max(w.box[3] for w in name) < min(w.box[1] for w in role)
        lines = {round(w.box[1]) for w in name}
        assert len(lines) == (2 if len(person["name"]) > 20 else 1), person["name"]


def _words_in(words, shape, text: str):
    """The rendered words of `text` that lie within `shape`'s columns."""
    left, right = _points(shape.left), _points(shape.left + shape.width)
    found = [
        w
        for w in words
        if w.text in text.split() and left - 3 <= w.box[0] and w.box[2] <= right + 3
    ]
    assert len(found) >= len(text.split()), (text, found)
    return found

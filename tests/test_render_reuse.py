"""Drawing many decks in one process reuses what they share, to the byte: the notes slides
after a deck's first (`pptx_private.notes_slide`) and the built-in master (`render._base`)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from .conftest import ROOT, TEMPLATES


def test_notes_slides_made_from_the_first_are_python_pptxs_own_to_the_byte():
    """`pptx_private.notes_slide` copies a presentation's first notes slide for the rest,
    instead of cloning the notes master's placeholders each time: the package must come out as
    python-pptx's own `Slide.notes_slide` writes it."""
    from generator.render.pptx_private import notes_slide

    def deck(ours: bool) -> bytes:
        prs = Presentation()
        blanks: dict[int, object] = {}
        for number in range(6):
            slide = prs.slides.add_slide(prs.slide_layouts[number % 2])
            if number == 2:
                continue  # a slide without notes between them
            if number == 4:  # a notes slide that python-pptx names: the next must not take it
                page = slide.notes_slide
            else:
                page = notes_slide(slide, blanks) if ours else slide.notes_slide
            page.notes_text_frame.text = f"Anteckning {number} – å ä ö"
        out = io.BytesIO()
        prs.save(out)
        return out.getvalue()

    ours, theirs = deck(True), deck(False)
    with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(io.BytesIO(theirs)) as b:
        assert a.namelist() == b.namelist()
        assert sum(name.startswith("ppt/notesSlides/notesSlide") for name in a.namelist()) == 5
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_a_stored_package_holds_what_python_pptx_saves_in_its_order():
    """`render` returns the package stored, not deflated (the save stage compresses it once):
    the same entries, in the same order, with the same bytes as `Presentation.save` writes."""
    from generator.render.pptx_private import stored_package

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Regionen i rörelse"
    slide.notes_slide.notes_text_frame.text = "Anteckning – å ä ö"
    saved = io.BytesIO()
    prs.save(saved)
    stored = stored_package(prs)
    with zipfile.ZipFile(io.BytesIO(stored)) as package:
        kinds = {info.compress_type for info in package.infolist()}
    assert kinds == {zipfile.ZIP_STORED}
    assert list(members(stored).items()) == list(members(saved.getvalue()).items())
    assert len(members(stored)) > 20


def test_python_pptxs_xpaths_run_compiled_with_the_same_results():
    """The render layer makes python-pptx evaluate its XPath expressions compiled once
    (`pptx_private.compile_xpaths`): each gives what lxml's own `xpath` gives for it."""
    from lxml import etree
    from pptx.oxml.xmlchemy import BaseOxmlElement

    import generator.render  # noqa: F401  (installs the compiled XPaths)
    from generator.render.pptx_private import _NAMESPACES, _compiled_xpath

    assert BaseOxmlElement.xpath is _compiled_xpath
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.add_textbox(0, 0, 100, 100).text = "Ruta"
    expressions = ["./*[1]/p:nvPr/p:ph", "./p:nvSpPr/p:cNvPr/@id", "//a:t/text()", "./p:txBody"]
    seen = 0
    for shape in slide.shapes:
        for expression in expressions:
            theirs = etree._Element.xpath(shape.element, expression, namespaces=_NAMESPACES)
            ours = shape.element.xpath(expression)
            assert ours == theirs, expression
            seen += bool(ours)
    assert seen >= 5  # placeholders found, ids read, the text box's text read
    assert [shape.is_placeholder for shape in slide.shapes] == [True, True, False]


def members(blob: bytes) -> dict[str, bytes]:
    """The parts of a package, by name, in the order it holds them."""
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_a_master_drawn_before_is_reused_and_a_changed_logo_is_not(tmp_path: Path):
    """`render._base` keeps each built-in master as a package by what it was made from: a
    second deck on it is the same bytes as the first, and a logo whose bytes changed is a new
    master, though its path is the same."""
    from generator import render
    from generator.pipeline import Pipeline
    from generator.source.variant import Options, Variant

    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    pipeline = Pipeline(Options(tmp_path / "templates"))
    variant = Variant(tmp_path / "content" / "deck.yaml", "varmland")
    render._BASES.clear()
    first = pipeline.draw(variant)[1]
    second = pipeline.draw(variant)[1]
    # `draw` gives python-pptx's zip, dated when it was written (the save stage fixes the
    # dates): the parts are what must be the same
    assert list(members(first).items()) == list(members(second).items())
    assert len(render._BASES) == 1
    logo = tmp_path / "templates" / "brands" / "logos" / "varmland.png"
    with Image.open(logo) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(logo)
    third = pipeline.draw(variant)[1]
    assert len(render._BASES) == 2
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(third)) as b:
        assert a.namelist() == b.namelist()
        changed = [name for name in a.namelist() if a.read(name) != b.read(name)]
    assert "ppt/media/image1.png" in changed  # the new logo, not the kept one


def test_slides_drawn_before_on_a_kept_master_come_out_as_drawn_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`draw_slides` adds a slide whose spec was drawn before on the same kept master as the
    XML drawn then (what `deckgen serve`'s rebuild after an edit relies on): every deck comes
    out part for part as it does in a process that drew nothing before, and only the slides
    that relate to more than their layout (a chart, a QR code, a link) are drawn again."""
    from generator import render
    from generator.pipeline import Pipeline
    from generator.render import chart, slides
    from generator.source.variant import Options, Variant

    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    deck = tmp_path / "content" / "deck.yaml"
    variants = [
        Variant(deck, "varmland"),
        Variant(deck, "varmland", (tmp_path / "content" / "overlays" / "exempel.yaml",)),
    ]
    pipeline = Pipeline(Options(tmp_path / "templates"))
    afresh = []
    for variant in variants:
        render._BASES.clear()
        chart._WORKBOOKS.clear()
        chart.dated_workbook.cache_clear()
        afresh.append(list(members(pipeline.draw(variant)[1]).items()))

    drew: list[str] = []
    real = slides._draw

    def counted(slide, spec, *rest):
        drew.append(spec.id)
        return real(slide, spec, *rest)

    monkeypatch.setattr(slides, "_draw", counted)
    render._BASES.clear()
    for variant, expected in [*zip(variants, afresh, strict=True)] * 2:
        for _ in range(2):  # as drawn after the other variant, then after itself
            drew.clear()
            plan, blob = pipeline.draw(variant)
            assert list(members(blob).items()) == expected
        [(_, _, _, kept)] = render._BASES.values()
        ids = [spec.id for spec in plan.specs]
        again = [id for id in ids if id not in kept]
        assert drew == again  # drawn after itself: only these
        assert "kommuner" in again  # the chart
        assert len(again) <= 3 < len(ids)


SIGNED = """\
title: T
authors: [A]
organisation: SKR
date: 2026-11-26
brand: skr
slides:
  - id: s1
    kind: chart
    title: {title}
    chart: column
    data:
      name: Serie
      source: Källa X
      rows:
        - {{label: Ett, value: 5}}
        - {{label: Två, value: {zero}}}
        - {{label: Tre, value: 3}}
"""


def test_minus_zero_drawn_after_zero_is_minus_zero_as_drawn_afresh(tmp_path: Path):
    """The kept layouts, slides and workbooks tell -0.0 from 0.0 (which == does not): a deck
    with -0.0 drawn after one with 0.0 is what a process that drew nothing before draws."""
    from generator import render
    from generator.pipeline import Pipeline
    from generator.render import chart
    from generator.source.variant import Options, Variant

    content = tmp_path / "content"
    content.mkdir()
    decks = {}
    for name, title, zero in (
        ("a", "Diagram", "0.0"),
        ("b", "Diagram", "-0.0"),
        ("c", "Annat", "-0.0"),
    ):
        decks[name] = content / f"deck-{name}.yaml"
        decks[name].write_text(SIGNED.format(title=title, zero=zero), encoding="utf-8")

    def afresh(name: str) -> list[tuple[str, bytes]]:
        render._BASES.clear()
        chart._WORKBOOKS.clear()
        chart.dated_workbook.cache_clear()
        drawn = Pipeline(Options(TEMPLATES)).draw(Variant(decks[name]))[1]
        return list(members(drawn).items())

    expected = {name: afresh(name) for name in decks}
    assert expected["a"] != expected["b"]  # the sign shows: in the chart, its workbook, alt text
    pipeline = Pipeline(Options(TEMPLATES))
    render._BASES.clear()
    chart._WORKBOOKS.clear()
    for name in ("a", "b", "c", "a"):
        assert list(members(pipeline.draw(Variant(decks[name]))[1]).items()) == expected[name]

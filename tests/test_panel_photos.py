"""A panel with photos: pictures with alt text above each person's name."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from .conftest import Scratch
from .test_package import audit

#: A deck of one panel slide, to which a test adds its people.
PANEL = """\
title: Panel
authors: [Anna Andersson]
organisation: SKR
date: 2026-01-15
brand: skr
slides:
  - id: panel
    kind: panel
    title: Hur leder vi?
    people:
"""
DECK = (
    PANEL
    + """\
      - {name: Ett Namn, role: Roll ett, photo: img/ett.png, alt: Porträtt av Ett Namn}
      - {name: Två Namn, role: Roll två, photo: img/tva.jpg}
      - {name: Tre Namn, role: Roll tre}
"""
)


def test_photos_become_pictures_with_alt_text_in_three_columns(scratch: Scratch):
    images = scratch.content.parent / "img"
    images.mkdir()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(images / "ett.png")
    Image.new("RGB", (40, 40), (30, 30, 200)).save(images / "tva.jpg")
    result = scratch.write(DECK).run("build")
    assert result.exit_code == 0, result.stderr

    slide = Presentation(str(scratch.output / "panel.pptx")).slides[0]
    pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [(p.name, p._element.nvPicPr.cNvPr.get("descr")) for p in pictures] == [
        ("Photo 1", "Porträtt av Ett Namn"),
        ("Photo 2", "Två Namn"),
    ]
    names = [s for s in slide.shapes if s.name.startswith("Name ")]
    assert [n.text_frame.text for n in names] == ["Ett Namn", "Två Namn", "Tre Namn"]
    assert len({n.left for n in names}) == 3
    assert all(n.top > p.top + p.height for n, p in zip(names, pictures, strict=False))
    assert audit(scratch.output / "panel.pptx").returncode == 0


def test_the_content_folder_is_where_photos_are_looked_up(scratch: Scratch):
    result = scratch.write(DECK).run("validate")
    assert result.stderr.splitlines()[:2] == [
        "content/deck.yaml:11:49: error: slides[0].people[0].photo: image file not found: "
        "'img/ett.png' (looked in content/)",
        "content/deck.yaml:12:49: error: slides[0].people[1].photo: image file not found: "
        "'img/tva.jpg' (looked in content/)",
    ]
    assert not Path(scratch.output).exists()

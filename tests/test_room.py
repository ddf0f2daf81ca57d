"""A QR code that would cover a template placeholder holding the slide's text is left out,
with a warning (`theme.room`)."""

from __future__ import annotations

from pathlib import Path

from generator.layout.spec import (
    Fill,
    MasterInfo,
    PlaceholderInfo,
    QrShape,
    SlideSpec,
    TemplateInfo,
    TemplatePlan,
)
from generator.source.load import parse_yaml
from generator.theme.room import clear_of_text

BRAND = """name: corp
template:
  file: corp/corp.pptx
  layouts:
    closing:
      layout: Two columns
"""
#: LibreOffice's Midnightblue: two columns under the title, the link in the right one.
LEFT = PlaceholderInfo(1, "body", "PlaceHolder 2", (269.3, 255.1, 242.0, 60.8))
RIGHT = PlaceholderInfo(2, "body", "PlaceHolder 3", (523.5, 255.1, 242.0, 60.8))


def clear(qr_box: tuple[float, float, float, float]) -> tuple[list[SlideSpec], list[str]]:
    spec = SlideSpec(
        id="tack",
        layout="closing",
        placeholders={"Title": Fill(text="Tack!"), "Link": Fill(text="skr.se")},
        shapes=[QrShape(type="qr", name="QR", data="https://skr.se/", box=qr_box, alt="QR")],
        reading_order=["Title", "Link", "QR"],
    )
    plan = TemplatePlan(
        path=Path("corp.pptx"), layouts={"closing": ("Two columns", {"Title": 0, "Link": 2})}
    )
    master = MasterInfo(1, "Master 1", {"Two columns": [LEFT, RIGHT]})
    info = TemplateInfo(size=(793.75, 446.5), masters=[master])
    source = parse_yaml(BRAND, Path("corp.yaml"), "corp.yaml")
    specs, warnings = clear_of_text([spec], plan, info, source)
    return specs, [str(w) for w in warnings]


def test_a_qr_code_over_the_link_is_left_out_with_a_warning_that_says_why():
    [spec], warnings = clear((560.0, 240.0, 165.0, 165.0))
    assert (spec.shapes, spec.reading_order) == ([], ["Title", "Link"])
    assert warnings == [
        "corp.yaml:6:7: warning: template.layouts.closing: slide 'tack': its QR code is left"
        " out, as it would cover the slide's text in the placeholder idx 2 ('PlaceHolder 3') of"
        " the template's layout 'Two columns'; the link is still on the slide. To keep the"
        " code, map 'closing' to a template layout with room beside its texts"
    ]


def test_a_qr_code_over_an_empty_placeholder_or_in_free_room_is_kept():
    # over the left column, which holds none of the slide's texts here, and below both
    for box in ((280.0, 240.0, 165.0, 165.0), (600.0, 330.0, 100.0, 100.0)):
        [spec], warnings = clear(box)
        assert ([s.name for s in spec.shapes], warnings) == (["QR"], [])

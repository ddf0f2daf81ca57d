"""`deckgen check`: each planted defect gives its exact finding; the clean deck gives none."""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from generator.app.cli import main
from generator.check import Finding
from generator.check.access import accessibility
from generator.check.fidelity import fidelity
from generator.check.overlap import overlap
from generator.check.package import package
from generator.check.view import read_deck
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, TEMPLATES, Scratch

RENDERS = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="overflow is measured on LibreOffice's PDF: apt-get install libreoffice-impress "
    "poppler-utils (.ci/run installs them)",
)


def run(scratch: Scratch, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--templates", str(TEMPLATES)])


def rewrite(deck: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of the package at `deck` in place."""
    with zipfile.ZipFile(deck) as source:
        entries = [(entry, source.read(entry)) for entry in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry, data in entries:
            target.writestr(entry, change(data) if entry.filename == part else data)
    deck.write_bytes(buffer.getvalue())


def lines(findings: list[Finding], root: Path) -> list[str]:
    return [str(f).replace(f"{root}/", "") for f in findings]


@pytest.fixture
def national(tmp_path: Path) -> Path:
    """The national deck, built into tmp_path."""
    return Pipeline(Options(TEMPLATES)).build(Variant(CONTENT), tmp_path).path


@RENDERS
def test_the_real_decks_have_no_findings(scratch: Scratch):
    """The closing slide shows short text for its 147-character link, which LibreOffice broke
    inside itself on every deck (a warning each) while the slide showed the address."""
    shutil.copytree(CONTENT.parent / "regions", scratch.content.parent / "regions")
    shutil.copytree(CONTENT.parent / "data", scratch.content.parent / "data")  # the charts'
    shutil.copyfile(CONTENT, scratch.content)
    assert run(scratch, "build", "--region", "varmland").exit_code == 0
    assert run(scratch, "build").exit_code == 0
    for args in ((), ("--region", "varmland")):
        result = run(scratch, "check", *args)
        assert (result.exit_code, result.stdout) == (0, "1 deck checked: 0 errors, 0 warnings\n")


def _long_quote() -> str:
    """The real content with slide 7's quote made far too long for its box."""
    text = CONTENT.read_text(encoding="utf-8")
    long = "Det här är ett mycket långt citat som fortsätter och fortsätter. " * 60
    return text.replace("”Legitimiteten får man först", f"”{long}Legitimiteten får man först")


@RENDERS
def test_a_quote_too_long_for_its_box_overflows(scratch: Scratch):
    scratch.write(_long_quote())
    assert run(scratch, "build").exit_code == 0
    result = run(scratch, "check")
    assert result.exit_code == 3
    [line, summary] = result.stdout.splitlines()
    assert line.startswith(
        "output/regionen-i-rorelse.pptx: slide 7 (citat-legitimitet): error: text overflows its "
        "box 'Title' by "
    )
    assert line.endswith(" words outside it) [overflow]")
    assert summary == "1 deck checked: 1 error, 0 warnings"


def test_a_picture_without_alt_text_is_an_error(scratch: Scratch):
    images = scratch.content.parent / "img"
    images.mkdir()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(images / "ett.png")
    scratch.write(
        "title: Panel\nauthors: [A]\norganisation: SKR\ndate: 2026-01-15\nbrand: skr\nslides:\n"
        "  - {id: panel, kind: panel, title: Vem?, people: [{name: Ett, role: Roll, "
        "photo: img/ett.png}]}\n"
    )
    assert run(scratch, "build").exit_code == 0
    deck = scratch.output / "panel.pptx"
    rewrite(deck, "ppt/slides/slide1.xml", lambda xml: xml.replace(b' descr="Ett"', b""))
    assert lines(accessibility(read_deck(deck)), scratch.root) == [
        "output/panel.pptx: slide 1 (panel): error: picture 'Photo 1' has no alt text [access]"
    ]


def test_a_low_contrast_brand_forced_past_its_check_is_an_error(national: Path, tmp_path: Path):
    # The brand check refuses such a palette, so the theme is changed in the built deck.
    rewrite(
        national,
        "ppt/theme/theme1.xml",
        lambda xml: xml.replace(
            b'<a:accent1><a:srgbClr val="037B95"/>', b'<a:accent1><a:srgbClr val="9FC5E8"/>'
        ),
    )
    assert lines(accessibility(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): error: text in 'Core' has contrast "
        "1.81:1 (#FFFFFF on #9FC5E8); WCAG AA needs 3:1 for large text [access]",
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): error: text in 'Section' has contrast "
        "1.81:1 (#9FC5E8 on #FFFFFF); WCAG AA needs 3:1 for large text [access]",
        # the second and fourth quotes are on the dark ground, their attributions in bg2
        "regionen-i-rorelse.pptx: slide 5 (citat-omstallning): error: text in 'Attribution' has "
        "contrast 1.66:1 (#9FC5E8 on #EDF7FB); WCAG AA needs 3:1 for large text [access]",
        "regionen-i-rorelse.pptx: slide 7 (citat-legitimitet): error: text in 'Attribution' has "
        "contrast 1.66:1 (#9FC5E8 on #EDF7FB); WCAG AA needs 3:1 for large text [access]",
    ]


def test_a_file_link_is_an_error(national: Path, tmp_path: Path):
    rewrite(
        national,
        "ppt/slides/_rels/slide9.xml.rels",
        lambda xml: xml.replace(b'Target="https://skr.se/', b'Target="file:///etc/passwd#'),
    )
    [line] = lines(package(national), tmp_path)
    assert line.startswith(
        "regionen-i-rorelse.pptx: deck: error: a link on slide 9 goes to 'file:///etc/passwd#"
    )
    assert line.endswith("': only http, https and mailto links are allowed [links]")


def test_a_duplicate_title_is_a_warning(national: Path, tmp_path: Path):
    rewrite(
        national,
        "ppt/slides/slide3.xml",
        lambda xml: xml.replace("Uppdraget är samhällsutveckling".encode(), b"Vad handlar det om?"),
    )
    assert lines(accessibility(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): warning: the title 'Vad handlar det om?' "
        "is also slide 2's: make it unique [access]"
    ]


def test_a_slide_without_a_title_is_an_error(national: Path, tmp_path: Path):
    rewrite(
        national, "ppt/slides/slide2.xml", lambda xml: xml.replace(b'type="title"', b'type="body"')
    )
    assert lines(accessibility(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 2 (vad-handlar-det-om): error: the slide has no title: "
        "put its title in a title placeholder [access]"
    ]


def test_a_broken_relationship_is_an_error(national: Path, tmp_path: Path):
    rewrite(
        national,
        "ppt/slides/_rels/slide4.xml.rels",
        lambda xml: xml.replace(
            b"../slideLayouts/slideLayout4.xml", b"../slideLayouts/slideLayout99.xml"
        ),
    )
    assert lines(package(national), tmp_path) == [
        "regionen-i-rorelse.pptx: deck: error: ppt/slides/_rels/slide4.xml.rels: relationship "
        "rId1 points to ppt/slideLayouts/slideLayout99.xml, which is not in the package [package]"
    ]


def test_a_part_that_breaks_the_schema_is_an_error(national: Path, tmp_path: Path):
    rewrite(
        national,
        "ppt/slides/slide2.xml",
        lambda xml: xml.replace(b"<p:spTree>", b"<p:spTree><p:bogus/>", 1),
    )
    assert (
        "regionen-i-rorelse.pptx: deck: error: ppt/slides/slide2.xml: Unexpected element "
        "'bogus' found (at /sld[1]/cSld[1]/spTree[1]) [package]"
    ) in lines(package(national), tmp_path)


def test_duplicate_shape_ids_and_untyped_parts_are_errors(national: Path, tmp_path: Path):
    rewrite(national, "ppt/slides/slide2.xml", lambda xml: xml.replace(b'id="3"', b'id="2"'))
    rewrite(
        national,
        "[Content_Types].xml",
        lambda xml: xml.replace(b'<Default Extension="png" ContentType="image/png"/>', b""),
    )
    assert lines(package(national), tmp_path) == [
        "regionen-i-rorelse.pptx: deck: error: ppt/media/image1.png: the part has no content "
        "type in [Content_Types].xml [package]",
        "regionen-i-rorelse.pptx: deck: error: ppt/media/image2.png: the part has no content "
        "type in [Content_Types].xml [package]",  # quote-dark's negative logo
        "regionen-i-rorelse.pptx: deck: error: ppt/media/image3.png: the part has no content "
        "type in [Content_Types].xml [package]",  # the closing slide's QR code
        "regionen-i-rorelse.pptx: deck: error: ppt/slides/slide2.xml: shape id 2 is used 2 "
        "times [package]",
    ]


def test_text_a_layout_template_forgets_is_a_fidelity_error(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    closing = templates / "layouts" / "closing.yaml.j2"
    closing.write_text(
        closing.read_text(encoding="utf-8")
        .replace("  Call to action:", "  Forgotten:")
        .replace("{% if slide.call_to_action %}", "{% if false %}"),
        encoding="utf-8",
    )
    pipeline = Pipeline(Options(templates))
    ready = pipeline.plan(Variant(CONTENT))
    deck = pipeline.build(Variant(CONTENT), tmp_path / "output").path
    assert lines(fidelity(read_deck(deck), ready.deck, ready.specs, None), tmp_path) == [
        "output/regionen-i-rorelse.pptx: slide 9 (tack): error: 10 words of the content are not "
        "in the deck: 'Den nya skriften och arbetsmaterial hittar du på …' [fidelity]"
    ]


def test_check_on_a_deck_that_is_not_built_says_so(scratch: Scratch):
    scratch.use("valid-minimal.yaml")
    result = run(scratch, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "output/manifest.json: error: not built yet: national; run deckgen build first"
    )


@RENDERS
def test_warnings_fail_the_check_only_with_fail_on_warning(scratch: Scratch):
    text = CONTENT.read_text(encoding="utf-8")
    scratch.write(
        text.replace("title: Uppdraget är samhällsutveckling", "title: Vad handlar det om?")
    )
    assert run(scratch, "build").exit_code == 0
    finding = (
        "output/regionen-i-rorelse.pptx: slide 3 (uppdraget): warning: the title 'Vad handlar "
        "det om?' is also slide 2's: make it unique [access]"
    )
    lenient = run(scratch, "check")
    assert (lenient.exit_code, lenient.stdout.splitlines()) == (
        0,
        [finding, "1 deck checked: 0 errors, 1 warning"],
    )
    strict = run(scratch, "check", "--fail-on", "warning")
    assert (strict.exit_code, strict.stdout.splitlines()[0]) == (3, finding)


def test_a_zip_entry_held_twice_is_an_error(national: Path, tmp_path: Path):
    """A reader keeps one of two entries of one name, and which one differs between readers
    (python-pptx once wrote docProps/core.xml twice from a LibreOffice .potx)."""
    with zipfile.ZipFile(national, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name"
        archive.writestr("docProps/core.xml", archive.read("docProps/core.xml"))
    assert lines(package(national), tmp_path)[0] == (
        "regionen-i-rorelse.pptx: deck: error: docProps/core.xml: the package holds 2 zip"
        " entries of this name [package]"
    )


@RENDERS
def test_a_hidden_slide_is_measured_too(scratch: Scratch):
    """The PDF beside a deck leaves hidden slides out, as the show skips them; a speaker may
    unhide one during a talk, so its overflow is measured on a PDF of every slide."""
    text = _long_quote().replace(
        "  - id: citat-legitimitet\n", "  - id: citat-legitimitet\n    hidden: true\n"
    )
    scratch.write(text)
    assert run(scratch, "build").exit_code == 0
    result = run(scratch, "check")
    assert result.exit_code == 3
    [line, summary] = result.stdout.splitlines()
    assert line.startswith(
        "output/regionen-i-rorelse.pptx: slide 7 (citat-legitimitet): error: text overflows its "
        "box 'Title' by "
    )
    assert line.endswith(" words outside it) (a hidden slide) [overflow]")
    assert summary == "1 deck checked: 1 error, 0 warnings"


def test_a_shape_over_the_title_is_an_overlap_error(national: Path, tmp_path: Path):
    """The diagram's core moved up over the slide's title hides it: the boxes say so."""
    rewrite(
        national,
        "ppt/slides/slide3.xml",
        lambda xml: xml.replace(
            b'<a:off x="4064000" y="1828800"/>', b'<a:off x="4064000" y="762000"/>'
        ),
    )
    assert lines(overlap(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): error: text 'Core' overlaps the title "
        "'Title' by 320 x 64 pt: move or shrink one of them [overlap]"
    ]


def test_the_real_decks_overlap_nothing(national: Path):
    assert overlap(read_deck(national)) == []


def test_text_set_off_the_slide_or_in_a_box_with_no_room_is_an_error(
    national: Path, tmp_path: Path
):
    """A template may place a placeholder past the slide's edge (a portrait slide with a
    landscape layout's boxes) or give it no height; what deckgen puts there is never seen."""

    def moved(xml: bytes) -> bytes:
        core = b'<a:off x="4064000" y="1828800"/>'  # 144 pt from the top, 320 pt high
        xml = xml.replace(core, b'<a:off x="4064000" y="6997700"/>')  # from 551 pt
        part = b'<a:off x="711200" y="1828800"/><a:ext cx="2540000" cy="1879600"/>'
        return xml.replace(part, b'<a:off x="711200" y="1828800"/><a:ext cx="2540000" cy="0"/>')

    rewrite(national, "ppt/slides/slide3.xml", moved)
    found = lines(overlap(read_deck(national)), tmp_path)
    assert sorted(found) == [
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): error: text 'Core' runs off the slide:"
        " its box reaches 331 pt past the slide's edge; move or shrink it [overlap]",
        "regionen-i-rorelse.pptx: slide 3 (uppdraget): error: text 'Part 1' is set in a box of"
        " 200 x 0 pt, which shows nothing: give the box room [overlap]",
    ]


def test_a_picture_over_text_is_an_overlap_error(national: Path, tmp_path: Path):
    """The closing slide's QR code moved onto its link hides the link's text."""
    from pptx import Presentation

    prs = Presentation(str(national))
    shapes = {shape.name: shape for shape in prs.slides[8].shapes}
    assert overlap(read_deck(national)) == []
    shapes["QR"].left, shapes["QR"].top = shapes["Link"].left, shapes["Link"].top
    prs.save(str(national))
    assert lines(overlap(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 9 (tack): error: picture 'QR' overlaps 'Link' by 200 x"
        " 36 pt: move or shrink one of them [overlap]"
    ]


def test_a_picture_out_of_its_images_proportions_is_an_error(national: Path, tmp_path: Path):
    """The QR code is square; drawn 25% wider than tall, it is stretched. A crop that takes
    the same share off the image's height mends it (srcRect), as PowerPoint's Crop to fill does."""
    from pptx import Presentation

    from generator.check.pictures import distorted

    assert distorted(read_deck(national)) == []
    prs = Presentation(str(national))
    qr = next(shape for shape in prs.slides[8].shapes if shape.name == "QR")
    qr.width = int(qr.height * 1.25)
    prs.save(str(national))
    assert lines(distorted(read_deck(national)), tmp_path) == [
        "regionen-i-rorelse.pptx: slide 9 (tack): error: picture 'QR' is stretched to 1.25 times"
        " its image's width for its height: crop the image (PowerPoint's Crop to fill, a srcRect)"
        " or give its box the image's proportions [pictures]"
    ]
    qr.crop_top = qr.crop_bottom = 0.1  # shows 80% of the height: 1 / 0.8 = 1.25
    prs.save(str(national))
    assert distorted(read_deck(national)) == []

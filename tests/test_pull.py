"""`deckgen pull`: a deck edited as PowerPoint edits one, back to an overlay that rebuilds it."""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Pt

from generator.app.cli import main
from generator.pull.markdown import Piece, canonical, faithful, markdown
from generator.pull.overlay import _moves

from .conftest import ROOT, TEMPLATES

Texts = list[tuple[str, bool, dict[str, str], str]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's content in a scratch folder, which is the working directory."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--templates", str(TEMPLATES)])


def build(*args: str) -> Path:
    result = run("build", "--output", "output", "--force", *args)
    assert result.exit_code == 0, result.output
    return Path(result.stdout.split()[1])


def texts(path: Path) -> Texts:
    """Each slide's name, hidden flag, text by shape name, and notes, read with python-pptx."""
    found = []
    for slide in Presentation(str(path)).slides:
        shapes = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        hidden = slide.element.get("show") == "0"
        found.append((slide.element.cSld.get("name") or "", hidden, shapes, notes))
    return found


def by_name(prs: Any) -> dict[str, Any]:
    return {slide.element.cSld.get("name"): slide for slide in prs.slides}


def set_text(shape: Any, text: str) -> None:
    """Type over a shape's text as PowerPoint does: the first run keeps its look."""
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)


def duplicate(prs: Any, slide: Any) -> Any:
    """PowerPoint's Duplicate Slide: a copy of the slide, its name and notes included, right
    after it."""
    copied = prs.slides.add_slide(slide.slide_layout)
    tree = copied.shapes._spTree
    for element in list(tree)[2:]:
        tree.remove(element)
    for element in list(slide.shapes._spTree)[2:]:
        tree.append(copy.deepcopy(element))
    copied.element.cSld.set("name", slide.element.cSld.get("name"))
    copied.notes_slide.notes_text_frame.text = slide.notes_slide.notes_text_frame.text
    ids = prs.slides._sldIdLst
    new = list(ids)[-1]
    ids.remove(new)
    list(ids)[list(prs.slides).index(slide)].addnext(new)
    return copied


def move(prs: Any, slide_id: str, before: str) -> None:
    ids = prs.slides._sldIdLst
    names = [s.element.cSld.get("name") for s in prs.slides]
    entries = list(ids)
    moving = entries[names.index(slide_id)]
    ids.remove(moving)
    entries[names.index(before)].addprevious(moving)


def delete(prs: Any, slide_id: str) -> None:
    ids = prs.slides._sldIdLst
    names = [s.element.cSld.get("name") for s in prs.slides]
    entry = list(ids)[names.index(slide_id)]
    prs.part.drop_rel(entry.rId)
    ids.remove(entry)


def edit_national(deck: Path, edited: Path) -> None:
    """Two quotes' texts, a slide's notes, a slide hidden, one moved, one deleted, and a quote
    duplicated with a text of its own."""
    prs = Presentation(str(deck))
    slides = by_name(prs)
    set_text(slides["citat-trygghet"].shapes[0], "”Trygghet kommer av att veta vad man vill.”")
    set_text(slides["citat-legitimitet"].shapes[1], "– Kommunalråd i Värmland")
    slides["vad-handlar-det-om"].notes_slide.notes_text_frame.text = "Börja med en fråga."
    slides["panel"]._element.set("show", "0")
    copied = duplicate(prs, slides["citat-uthallighet"])  # before a deletion: python-pptx
    set_text(copied.shapes[0], "”Vårt eget citat, med å, ä och ö.”")  # would reuse its part
    move(prs, "tack", before="panel")
    delete(prs, "uppdraget")
    prs.save(str(edited))


def test_a_round_trip_gives_the_edited_texts_back(project: Path):
    deck = build()
    edit_national(deck, project / "edited.pptx")
    result = run("pull", "edited.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote content/overlays/anna.yaml (7 slides changed)\n"
    written = (project / "content/overlays/anna.yaml").read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=../overlay.schema.json\n")
    assert "text: ”Vårt eget citat, med å, ä och ö.”\n" in written
    pulled = yaml.safe_load(written)
    assert list(pulled) == ["slides", "drop", "hide", "quotes"]
    assert pulled["drop"] == ["uppdraget"]
    assert pulled["hide"] == ["panel"]
    assert pulled["slides"]["citat-trygghet"] == {
        "text": "”Trygghet kommer av att veta vad man vill.”"
    }
    assert pulled["slides"]["citat-legitimitet"] == {"attribution": "Kommunalråd i Värmland"}
    assert pulled["slides"]["vad-handlar-det-om"] == {"notes": "Börja med en fråga."}
    assert pulled["slides"]["citat-uthallighet-kopia"]["kind"] == "quote"
    assert pulled["slides"]["tack"] == {"after": "vad-handlar-det-om"}
    assert pulled["quotes"] == [
        "citat-omstallning",
        "citat-trygghet",
        "citat-legitimitet",
        "citat-uthallighet",
        "citat-uthallighet-kopia",
    ]
    rebuilt = build("--overlay", "content/overlays/anna.yaml")
    edited = texts(project / "edited.pptx")
    again = texts(rebuilt)
    assert [slide[0] for slide in again] == [
        name if position != 8 else "citat-uthallighet-kopia"
        for position, (name, *_) in enumerate(edited)
    ]
    for (_, hidden, shapes, notes), (_, hidden_again, shapes_again, notes_again) in zip(
        edited, again, strict=True
    ):
        assert (hidden_again, shapes_again, notes_again) == (hidden, shapes, notes)


def test_a_regional_deck_maps_markdown_and_reports_jinja(project: Path):
    deck = build("--region", "varmland")
    prs = Presentation(str(deck))
    slides = by_name(prs)
    body = slides["vad-handlar-det-om"].shapes[1].text_frame.paragraphs[0]
    first = body.runs[0]
    words = first.text.split(" ")
    first.text = " ".join(words[2:])
    bold = body.add_run()  # the speaker types two words in bold before the rest
    bold.text = " ".join(words[:2]) + " "
    bold.font.bold = True
    first._r.addprevious(bold._r)
    set_text(slides["title"].shapes[0], "Region Värmlands egen rubrik")
    set_text(slides["citat-omstallning"].shapes[0], "”Ett *kort* citat.”")
    prs.save("edited.pptx")
    result = run("pull", "edited.pptx", "--region", "varmland", "--into", "ut/varmland.yaml")
    assert result.exit_code == 3, result.output
    assert result.stdout.splitlines() == [
        "edited.pptx: slide 1: cannot map: the text of 'Title' ('Region Värmlands egen rubrik')"
        " (it comes from the Jinja expression '{{ deck.title }}')",
        "wrote ut/varmland.yaml (2 slides changed; 1 edit not mapped)",
    ]
    pulled = yaml.safe_load((project / "ut/varmland.yaml").read_text(encoding="utf-8"))
    assert pulled["slides"]["vad-handlar-det-om"]["body"].startswith(
        f"**{' '.join(words[:2])}** {' '.join(words[2:])[:20]}"
    )
    assert pulled["slides"]["citat-omstallning"] == {"text": "”Ett \\*kort\\* citat.”"}
    rebuilt = build("--region", "varmland", "--overlay", "ut/varmland.yaml")
    edited, again = texts(project / "edited.pptx"), texts(rebuilt)
    assert edited[1:] == again[1:]
    # a region's deck has no kicker (its byline names the region): the title is shape 0
    assert edited[0][2]["Title"] != again[0][2]["Title"] == "Regionen i rörelse"


def test_added_notes_a_shown_slide_and_a_link_text_are_pulled_and_a_move_is_reported(
    project: Path,
):
    overlay = ("--overlay", "content/overlays/exempel.yaml")  # it hides the panel
    prs = Presentation(str(build(*overlay)))
    slides = by_name(prs)
    notes = slides["tack"].notes_slide.notes_text_frame
    notes.add_paragraph().text = "Tillagt stycke."  # a paragraph after the deck's notes
    slides["panel"]._element.attrib.pop("show")
    link = next(s for s in slides["tack"].shapes if s.name == "Link")
    link.text_frame.paragraphs[0].runs[0].text = "skr.se/skriften"
    title = slides["vad-handlar-det-om"].shapes[0]
    title.left = Pt(100)
    prs.save("edited.pptx")
    result = run("pull", "edited.pptx", *overlay, "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "edited.pptx: slide 2: cannot map: the shape 'Title' (it was moved or resized)",
        "wrote content/overlays/anna.yaml (2 slides changed; 1 edit not mapped)",
    ]
    pulled = yaml.safe_load((project / "content/overlays/anna.yaml").read_text("utf-8"))
    assert pulled == {
        "slides": {"panel": {"hidden": False}, "tack": {"link": {"text": "skr.se/skriften"}}},
        "notes": {"tack": "Tillagt stycke."},
    }
    rebuilt = build(*overlay, "--overlay", "content/overlays/anna.yaml")
    assert texts(rebuilt) == texts(project / "edited.pptx")


def test_a_chart_and_its_source_are_reported_where_their_data_file_holds_them(project: Path):
    prs = Presentation(str(build("--region", "varmland")))
    slide = by_name(prs)["kommuner"]
    shapes = {shape.name: shape for shape in slide.shapes}
    run_ = shapes["Source"].text_frame.paragraphs[0].runs[-1]
    run_.text += " (rättad)"
    values = shapes["Chart"].chart._chartSpace.findall(".//{*}numCache/{*}pt/{*}v")
    values[-1].text = "1"  # a figure typed over in the chart's cache
    prs.save("edited.pptx")
    result = run("pull", "edited.pptx", "--region", "varmland", "--into", "ut/anna.yaml")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        "edited.pptx: slide 5: cannot map: the chart 'Chart' (the chart is drawn from the"
        " slide's data: change the data instead)",
        "edited.pptx: slide 5: cannot map: the field data.source (it comes from the file"
        " 'data/folkmangd-2023.yaml': change it there)",
        "wrote ut/anna.yaml (0 slides changed; 2 edits not mapped)",
    ]


def test_a_drawn_text_box_is_reported_and_the_rest_is_written(project: Path):
    prs = Presentation(str(build()))
    slides = by_name(prs)
    box = slides["panel"].shapes.add_textbox(Pt(40), Pt(40), Pt(200), Pt(40))
    box.text_frame.text = "Min egen rad"
    slides["tack"]._element.set("show", "0")
    prs.save("edited.pptx")
    result = run("pull", "edited.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == (
        "edited.pptx: slide 4: cannot map: text box 'TextBox 8' ('Min egen rad')"
        " (deckgen did not draw it, and no content field holds it)"
    )
    pulled = yaml.safe_load((project / "content/overlays/anna.yaml").read_text("utf-8"))
    assert pulled == {"hide": ["tack"]}


def test_a_deck_resaved_by_libreoffice_is_reported_not_pulled(project: Path, tmp_path: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice's soffice is not installed: cannot re-save a deck with it")
    deck = build()
    saved = tmp_path / "libreoffice"
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"  # not a shared one
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pptx", "--outdir", str(saved), str(deck)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = run("pull", str(saved / deck.name), "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "libreoffice/regionen-i-rorelse.pptx: error: none of its slides has a slide id of the"
        " deck built from this content"
    )
    assert lines[2] == (
        "libreoffice/regionen-i-rorelse.pptx: slide 1: cannot map: the whole slide (it has no"
        " slide id: a slide added in PowerPoint, or a deck saved by a program that drops slide"
        " names, such as LibreOffice)"
    )
    assert len(lines) == 2 + len(texts(deck))
    assert not (project / "content/overlays/anna.yaml").exists()


def test_an_overlay_is_overwritten_only_with_force(project: Path):
    deck = build()
    edit_national(deck, project / "edited.pptx")
    into = project / "content/overlays/exempel.yaml"
    before = into.read_bytes()
    result = run("pull", "edited.pptx", "--into", "content/overlays/exempel.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "content/overlays/exempel.yaml: error: the overlay exists; pull never overwrites one:"
        " add --force, or name a new file\ndeckgen: 1 error; nothing was written.\n"
    )
    assert into.read_bytes() == before
    result = run("pull", "edited.pptx", "--into", "content/overlays/exempel.yaml", "--force")
    assert result.exit_code == 0, result.output
    assert "citat-uthallighet-kopia" in into.read_text(encoding="utf-8")


def test_an_unchanged_deck_gives_an_overlay_of_comments_only(project: Path):
    deck = build()
    result = run("pull", str(deck), "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote content/overlays/anna.yaml (0 slides changed)\n"
    written = (project / "content/overlays/anna.yaml").read_text(encoding="utf-8")
    assert written.splitlines()[-1] == "# No differences from the built deck were found."
    assert yaml.safe_load(written) is None


def test_into_an_overlay_the_deck_is_built_with_is_a_usage_error(project: Path):
    overlay = "content/overlays/exempel.yaml"
    result = run("pull", "edited.pptx", "--overlay", overlay, "--into", overlay, "--force")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: --into names an overlay the deck is built with; pull writes only the edits made"
        " since, to go after it: name a new file"
    )


def test_a_missing_deck_or_one_that_is_no_pptx_is_an_error(project: Path):
    result = run("pull", "saknas.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "saknas.pptx: error: no such file\ndeckgen: 1 error; nothing was written.\n"
    )
    (project / "text.pptx").write_text("inte en presentation", encoding="utf-8")
    result = run("pull", "text.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "text.pptx: error: not a PowerPoint deck (.pptx) that can be read: "
    )
    with zipfile.ZipFile(project / "ut.pptx", "w") as package:
        package.writestr("../utanför.xml", "<x/>")
    result = run("pull", "ut.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "ut.pptx: error: the deck is refused: the part name '../utanför.xml' leads out of the"
        " package"
    )
    assert not (project / "content/overlays/anna.yaml").exists()


def test_pull_help_teaches_with_examples():
    result = CliRunner().invoke(main, ["pull", "--help"])
    assert result.exit_code == 0
    assert "deckgen pull talk.pptx --region varmland --into content/overlays/anna.yaml" in (
        result.stdout
    )
    assert "3   the overlay was written; the edits listed could not be mapped" in result.stdout
    assert (
        "pull      An edited deck back to an overlay" in CliRunner().invoke(main, ["--help"]).stdout
    )


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        (
            [Piece("Ett "), Piece("komplext", bold=True), Piece(" uppdrag")],
            "Ett **komplext** uppdrag",
        ),
        ([Piece("kursiv ", italic=True), Piece("text")], "*kursiv* text"),
        ([Piece("2*3 och [a]_b")], "2\\*3 och \\[a\\]\\_b"),
        ([Piece("rad ett"), Piece("\n"), Piece("rad två")], "rad ett\nrad två"),
        ([Piece("skr.se", link="https://skr.se")], "[skr.se](https://skr.se)"),
        ([Piece("rad ett "), Piece("\n"), Piece("  rad två")], "rad ett\nrad två"),
    ],
)
def test_runs_come_back_as_the_markdown_that_reads_as_them(pieces: list[Piece], expected: str):
    assert markdown([pieces]) == expected
    assert faithful(expected, [pieces])
    assert canonical(expected) == expected


def test_moves_keep_the_longest_run_in_place():
    assert _moves(["a", "b", "c", "d"], ["a", "d", "b", "c"]) == {"d": ("after", "a")}
    assert _moves(["a", "b", "c"], ["c", "a", "b"]) == {"c": ("before", "a")}
    assert _moves(["a", "b"], ["a", "b", "new"]) == {"new": ("after", "b")}


def test_a_transition_animations_and_a_background_are_reported_not_dropped(project: Path):
    prs = Presentation(str(build()))
    slides = by_name(prs)
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    slide = slides["uppdraget"]._element
    transition = etree.SubElement(slide, f"{{{p}}}transition", spd="slow")
    etree.SubElement(transition, f"{{{p}}}fade")
    timing = etree.SubElement(slide, f"{{{p}}}timing")
    etree.SubElement(timing, f"{{{p}}}tnLst")
    slides["tack"].background.fill.solid()  # the slide's own background, over its layout's
    slides["tack"].background.fill.fore_color.rgb = RGBColor(0xFF, 0xEE, 0xDD)
    prs.save("edited.pptx")
    result = run("pull", "edited.pptx", "--into", "content/overlays/anna.yaml")
    assert result.exit_code == 3
    reason = (
        "(an overlay has no field for it: the next build leaves it out; set it on the brand's"
        " template layout instead)"
    )
    assert result.stdout.splitlines() == [
        f"edited.pptx: slide 3: cannot map: its animations {reason}",
        f"edited.pptx: slide 3: cannot map: its transition {reason}",
        f"edited.pptx: slide 9: cannot map: its background {reason}",
        "wrote content/overlays/anna.yaml (0 slides changed; 3 edits not mapped)",
    ]

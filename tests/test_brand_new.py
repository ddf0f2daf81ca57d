"""`deckgen brand new NAME --template PATH`: a starter mapping, and the `text box` target."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pptx import Presentation

from generator.app.cli import main
from generator.layout.engine import load_master
from generator.theme.starter import draws_shapes

from .conftest import CONTENT, TEMPLATES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    shutil.copytree(CONTENT.parent, tmp_path / "content")
    return tmp_path


def _new(project: Path, *args: str):
    return CliRunner().invoke(
        main, ["brand", "new", *args, "--templates", str(project / "templates")]
    )


def test_the_layouts_that_draw_their_own_shapes_are_found_from_their_geometry():
    master = load_master(TEMPLATES)
    drawing = [layout.name for layout in master.layouts if draws_shapes(layout, master.size)]
    assert drawing == ["diagram", "panel", "facts", "chart"]


def test_brand_new_copies_the_template_and_writes_a_complete_commented_mapping(
    project: Path, made: dict[str, Path]
):
    content = project / "content" / "deck.yaml"
    result = _new(
        project, "corp", "--template", str(made["pp-footers.pptx"]), "--content", str(content)
    )
    assert result.exit_code == 0, result.output
    copy = project / "templates" / "brands" / "corp" / "pp-footers.pptx"
    assert result.output.splitlines() == [
        f"copied {made['pp-footers.pptx'].as_posix()} to {copy.as_posix()}",
        f"wrote {(project / 'templates' / 'brands' / 'corp.yaml').as_posix()} (8 layouts"
        " mapped, 3 texts drawn as text boxes)",
        f"tried on {content.as_posix()}'s national deck: no problem found",
        "next: deckgen build --brand corp && deckgen preview --brand corp",
    ]
    assert copy.read_bytes() == made["pp-footers.pptx"].read_bytes()
    text = (project / "templates" / "brands" / "corp.yaml").read_text(encoding="utf-8")
    brand = yaml.safe_load(text)
    assert brand["template"]["file"] == "corp/pp-footers.pptx"
    master = load_master(TEMPLATES)
    layouts = brand["template"]["layouts"]
    # every layout but quote-dark, another look of quote, which goes where quote goes
    ours = [layout for layout in master.layouts if layout.variant_of is None]
    assert [layout.name for layout in master.layouts if layout not in ours] == ["quote-dark"]
    assert list(layouts) == [layout.name for layout in ours]
    for layout in ours:  # every placeholder of every layout has a place
        assert list(layouts[layout.name]["placeholders"]) == [p.name for p in layout.placeholders]
    assert layouts["diagram"] == {
        "layout": "Title Only",
        "placeholders": {"Title": 0, "Section": "text box"},
    }
    assert layouts["statement"] == {
        "layout": "Title and Content",
        "placeholders": {"Title": 0, "Body": 1},
    }
    # no footer, date or slide-number placeholder is ever a guess: they keep no text
    footers = {10, 11, 12}
    for mapping in layouts.values():
        assert not footers & set(mapping["placeholders"].values())
    assert "        Section: text box    # drawn by deckgen; or null" in text.splitlines()


def test_brand_new_never_overwrites_a_brand(project: Path, made: dict[str, Path]):
    brand = project / "templates" / "brands" / "skr.yaml"
    before = brand.read_bytes()
    result = _new(project, "skr", "--template", str(made["pp-footers.pptx"]))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{brand.as_posix()}: error: the brand exists already; deckgen does not overwrite a"
        " brand file: choose another name, or remove the file first"
    )
    assert brand.read_bytes() == before
    assert not (project / "templates" / "brands" / "skr").exists()


def test_brand_new_refuses_a_name_that_is_not_a_brand_name(project: Path, made: dict[str, Path]):
    result = _new(project, "Corp X", "--template", str(made["pp-footers.pptx"]))
    assert result.exit_code == 2
    assert "'Corp X' is not a brand name" in result.stderr


def test_brand_new_says_a_missing_template_is_not_found(project: Path):
    result = _new(project, "corp", "--template", str(project / "nowhere.potx"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith("nowhere.potx: error: the template is not found")
    assert not (project / "templates" / "brands" / "corp.yaml").exists()


def test_a_text_box_target_draws_the_text_as_deckgens_own_box_below_the_title(
    project: Path, made: dict[str, Path]
):
    assert _new(project, "corp", "--template", str(made["pp-default-4x3.pptx"])).exit_code == 0
    output = project / "output"
    args = ["build", "--brand", "corp", "--content", str(project / "content" / "deck.yaml")]
    args += ["--templates", str(project / "templates"), "--output", str(output)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    deck = Presentation(str(output / "regionen-i-rorelse.corp.pptx"))
    diagram = next(slide for slide in deck.slides if slide.name == "uppdraget")
    section = [shape for shape in diagram.shapes if shape.name == "Section"]
    assert [(s.is_placeholder, s.text_frame.text) for s in section] == [
        (False, "Vad handlar det om?")
    ]
    title = diagram.shapes.title
    assert section[0].top >= title.top + title.height  # below the template's title
    assert section[0].left + section[0].width <= deck.slide_width


def test_deckgens_shapes_keep_clear_of_a_logo_on_the_templates_master(
    project: Path, made: dict[str, Path]
):
    """pp-logo-bottom-right has a picture at 798, 414 pt (144 x 108) on its master: the
    diagram, the panel and the facts are fitted into the room below the title that it leaves."""
    assert (
        _new(project, "corp", "--template", str(made["pp-logo-bottom-right.pptx"])).exit_code == 0
    )
    output = project / "output"
    args = ["build", "--brand", "corp", "--region", "varmland"]
    args += ["--content", str(project / "content" / "deck.yaml")]
    args += ["--templates", str(project / "templates"), "--output", str(output)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    deck = Presentation(str(output / "regionen-i-rorelse-varmland.corp.pptx"))
    logo = (798 * 12700, 414 * 12700, 942 * 12700, 522 * 12700)
    drawn = [
        (slide.name, shape.name)
        for slide in deck.slides
        if slide.name in ("uppdraget", "panel", "regionen")
        for shape in slide.shapes
        if not shape.is_placeholder
        and shape.left < logo[2]
        and shape.left + shape.width > logo[0]
        and shape.top < logo[3]
        and shape.top + shape.height > logo[1]
    ]
    assert drawn == []
    shapes = [s for s in deck.slides if s.name == "uppdraget"][0].shapes
    assert len([s for s in shapes if not s.is_placeholder]) > 5  # the diagram is there


def test_brand_new_tries_the_brand_on_the_national_deck_and_lists_what_check_finds(
    project: Path, made: dict[str, Path], libreoffice: dict[str, Path]
):
    content = ["--content", str(project / "content" / "deck.yaml")]
    good = _new(project, "corp", "--template", str(made["pp-footers.pptx"]), *content)
    assert good.exit_code == 0, good.output
    deck = (project / "content" / "deck.yaml").as_posix()
    assert f"tried on {deck}'s national deck: no problem found" in good.output.splitlines()
    # LibreOffice's Piano has a picture on its master with no alt text, which no mapping mends
    bad = _new(project, "piano", "--template", str(libreoffice["lo-Piano.pptx"]), *content)
    assert bad.exit_code == 0, bad.output  # the starter is written; the problems are listed
    lines = bad.output.splitlines()
    said = next(line for line in lines if line.startswith("tried on "))
    assert said.startswith(f"tried on {deck}'s national deck: ")
    assert said.endswith(" problems:")
    assert "  deck: error: picture '' on the slide master has no alt text" in lines
    assert (project / "templates" / "brands" / "piano.yaml").is_file()


def test_brand_new_keeps_the_templates_placeholders_that_its_art_lies_under_for_last(
    project: Path, tmp_path: Path
):
    """A 4 x 2.5 in logo lies over the right of the body placeholder of 'Title and Content':
    the statement's body goes into 'Two Content''s left placeholder instead, clear of it."""
    from . import corpus

    logo = corpus.made(tmp_path / "made", {"logo.pptx": corpus.big_logo_over_the_body})
    content = ["--content", str(project / "content" / "deck.yaml")]
    result = _new(project, "logo", "--template", str(logo["logo.pptx"]), *content)
    assert result.exit_code == 0, result.output
    deck = (project / "content" / "deck.yaml").as_posix()
    assert f"tried on {deck}'s national deck: no problem found" in result.output.splitlines()
    brand = yaml.safe_load((project / "templates" / "brands" / "logo.yaml").read_text("utf-8"))
    assert brand["template"]["layouts"]["statement"] == {
        "layout": "Two Content",
        "placeholders": {"Title": 0, "Body": 1},
    }


def test_brand_new_refuses_a_name_whose_folder_holds_other_files(
    project: Path, made: dict[str, Path]
):
    """templates/brands/logos/ holds the brands' logos: a brand called logos would put its
    template among them."""
    result = _new(project, "logos", "--template", str(made["pp-footers.pptx"]))
    assert result.exit_code == 1
    folder = (project / "templates" / "brands" / "logos").as_posix()
    assert result.stderr.splitlines()[0] == (
        f"{folder}: error: is there already, holding other files (blekinge-negative.png,"
        " blekinge.png, dalarna-negative.png …): choose another name for the brand"
    )
    assert not (project / "templates" / "brands" / "logos.yaml").exists()
    assert not (project / "templates" / "brands" / "logos" / "pp-footers.pptx").exists()


def test_the_files_brand_new_writes_are_readable_as_any_file_the_user_makes(
    project: Path, made: dict[str, Path]
):
    import os

    old = os.umask(0o022)
    try:
        assert _new(project, "corp", "--template", str(made["pp-footers.pptx"])).exit_code == 0
    finally:
        os.umask(old)
    brands = project / "templates" / "brands"
    modes = {
        p.name: p.stat().st_mode & 0o777
        for p in (brands / "corp.yaml", brands / "corp" / "pp-footers.pptx")
    }
    assert modes == {"corp.yaml": 0o644, "pp-footers.pptx": 0o644}


def test_a_slide_keeps_its_title_where_the_template_has_no_room_for_its_other_texts():
    """A template of one title slide and a blank: the closing slide's title goes into the
    title slide's title, though its other texts must then be drawn over the subtitle's place
    (check says so), rather than every text becoming a text box and the slide losing its
    title."""
    from generator.layout.spec import MasterInfo, PlaceholderInfo, TemplateInfo
    from generator.theme.starter import starter

    layouts = {
        "Title Slide": [
            PlaceholderInfo(0, "ctrTitle", "Title", (120, 88, 720, 188)),
            PlaceholderInfo(1, "subTitle", "Subtitle", (120, 284, 720, 130)),
        ],
        "Blank": [],
    }
    info = TemplateInfo(size=(960, 540), masters=[MasterInfo(1, "Master", layouts)])
    _, guesses = starter(info, load_master(TEMPLATES))
    assert guesses["closing"].layout == "Title Slide"
    assert guesses["closing"].targets["Title"] == 0


def test_a_master_with_a_photo_for_its_background_is_passed_over_for_one_without(
    tmp_path: Path,
):
    """LibreOffice's Candy fills its first master's background with a photo of sweets; text
    reads better on a master without one."""
    from generator.render.template import describe
    from generator.theme.starter import starter

    from . import corpus

    def made(prs) -> None:
        corpus.several_masters(prs, 2)
        corpus.dark_background_picture(prs)  # on the first master

    path = corpus.made(tmp_path, {"photo.pptx": made})["photo.pptx"]
    info = describe(path, (tmp_path,))
    assert info.masters[0].art == ((0.0, 0.0, 960.0, 540.0),)
    chosen, _ = starter(info, load_master(TEMPLATES))
    assert chosen.number == 2


def test_texts_below_deckgens_title_are_not_put_above_the_templates(tmp_path: Path):
    """python-pptx's default template has a "Section Header" whose text stands above its title:
    a quote's attribution there read before the quote, and the closing slide's link, drawn as
    a text box in the room above the title, stood first. Both now go on layouts whose texts lie
    below the title."""
    from generator.render.template import describe
    from generator.theme.starter import starter

    path = tmp_path / "default.pptx"
    Presentation().save(str(path))
    _, guesses = starter(describe(path, (tmp_path,)), load_master(TEMPLATES))
    quote, closing = guesses["quote"], guesses["closing"]
    assert (quote.layout, quote.targets) == ("Title and Content", {"Title": 0, "Attribution": 1})
    assert closing.layout == "Comparison"  # its title on top, its texts below it

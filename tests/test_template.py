"""A user's own corporate template (.pptx or .potx) in place of the built-in master."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Emu

from generator.app.cli import main
from generator.errors import DeckgenError
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, TEMPLATES

MAPPING = """\
name: Corporate
template:
  file: corporate.{ext}
  layouts:
    title:
      layout: Title Slide
      placeholders: {{Title: 0, Subtitle: 1, Byline: null, Kicker: null}}
    statement:
      layout: Title and Content
      placeholders: {{Title: 0, Body: Content Placeholder 2}}
    diagram:
      layout: Title Only
      placeholders: {{Title: 0, Section: null}}
    panel:
      layout: Title Only
      placeholders: {{Title: 0}}
    facts:
      layout: Title and Content
      placeholders: {{Title: 0, Lead: 1}}
    quote:
      layout: Title and Content
      placeholders: {{Title: 0, Attribution: 1}}
    closing:
      layout: Two Content
      placeholders: {{Title: 0, Call to action: 1, Link: 2, Contact: null}}
"""


def corporate_template(path: Path) -> None:
    """Write python-pptx's default template, at 16:9, as a stand-in for a corporate template;
    as a .potx where `path` says so."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    buffer = io.BytesIO()
    prs.save(buffer)
    blob = buffer.getvalue()
    if path.suffix == ".potx":
        source = zipfile.ZipFile(io.BytesIO(blob))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as target:
            for entry in source.infolist():
                data = source.read(entry)
                if entry.filename == "[Content_Types].xml":
                    data = data.replace(b"presentation.main+xml", b"template.main+xml")
                target.writestr(entry, data)
        blob = output.getvalue()
    path.write_bytes(blob)


def project(tmp_path: Path, ext: str = "pptx", mapping: str = MAPPING) -> tuple[Path, Path]:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    corporate_template(templates / "brands" / f"corporate.{ext}")
    (templates / "brands" / "corp.yaml").write_text(mapping.format(ext=ext), encoding="utf-8")
    content = tmp_path / "content" / "deck.yaml"
    shutil.copytree(CONTENT.parent, content.parent)
    content.write_text(
        content.read_text(encoding="utf-8").replace("brand: skr", "brand: corp"), encoding="utf-8"
    )
    return content, templates


@pytest.mark.parametrize("ext", ["pptx", "potx"])
def test_slides_go_on_the_templates_layouts_with_their_text(tmp_path: Path, ext: str):
    content, templates = project(tmp_path, ext)
    built = Pipeline(Options(templates)).build(Variant(content), tmp_path / "output")
    prs = Presentation(str(built.path))
    assert [slide.slide_layout.name for slide in prs.slides] == [
        "Title Slide",
        "Title and Content",
        "Title Only",
        "Title Only",
        "Title and Content",
        "Title and Content",
        "Title and Content",
        "Title and Content",
        "Two Content",
    ]
    # the template's own layouts, not deckgen's: every one of them, so that a slide added
    # later in PowerPoint can take any
    assert [layout.name for layout in prs.slide_layouts] == [
        "Title Slide",
        "Title and Content",
        "Section Header",
        "Two Content",
        "Comparison",
        "Title Only",
        "Blank",
        "Content with Caption",
        "Picture with Caption",
        "Title and Vertical Text",
        "Vertical Title and Text",
    ]
    title = {
        shape.placeholder_format.idx: shape.text_frame.text for shape in prs.slides[0].placeholders
    }
    assert title == {0: "Regionen i rörelse", 1: "– Att driva det regionala utvecklingsuppdraget"}
    quote = {
        shape.placeholder_format.idx: shape.text_frame.text for shape in prs.slides[7].placeholders
    }
    assert quote[1] == "– Förtroendevald"
    closing = {
        shape.placeholder_format.idx: shape.text_frame.text for shape in prs.slides[8].placeholders
    }
    assert closing[0] == "Tack för oss!"
    assert closing[1] == "Den nya skriften och arbetsmaterial hittar du på SKR:s hemsida"
    diagram = [shape.name for shape in prs.slides[2].shapes]
    assert "Core" in " ".join(diagram)  # deckgen's own shapes still come with the slide


def test_a_template_keeps_its_theme_unless_the_brand_sets_colours(tmp_path: Path):
    content, templates = project(tmp_path)
    built = Pipeline(Options(templates)).build(Variant(content), tmp_path / "output")
    with zipfile.ZipFile(built.path) as package:
        theme = package.read("ppt/theme/theme1.xml")
    assert b'<a:srgbClr val="1F497D"/>' in theme  # the default template's dk2, untouched


def errors(tmp_path: Path, mapping: str) -> list[str]:
    content, templates = project(tmp_path, mapping=mapping)
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(templates)).plan(Variant(content))
    return [str(d).replace(str(tmp_path), "TMP") for d in caught.value.diagnostics]


def test_a_layout_the_template_lacks_is_an_error_before_rendering(tmp_path: Path):
    mapping = MAPPING.replace("layout: Two Content", "layout: Two Contents")
    assert errors(tmp_path, mapping) == [
        "TMP/templates/brands/corp.yaml:24:15: error: template.layouts.closing.layout: unknown "
        "template layout 'Two Contents'; did you mean 'Two Content'? (the template has: Blank, "
        "Comparison, Content with Caption, Picture with Caption, Section Header, Title Only, "
        "Title Slide, Title and Content, Title and Vertical Text, Two Content, Vertical Title "
        "and Text)"
    ]


def test_a_slide_kind_with_no_template_layout_is_an_error(tmp_path: Path):
    mapping = MAPPING.replace(
        "    statement:\n      layout: Title and Content\n"
        "      placeholders: {{Title: 0, Body: Content Placeholder 2}}\n",
        "",
    )
    assert errors(tmp_path, mapping) == [
        "TMP/templates/brands/corp.yaml:4:3: error: template.layouts: no template layout for "
        "deckgen's layout 'statement', which slide 'vad-handlar-det-om' uses: map it under "
        "`layouts:` to a layout of the template with places for Title, Body"
    ]


def test_a_slide_kind_many_slides_use_is_said_once_with_what_it_needs(tmp_path: Path):
    mapping = MAPPING.replace(
        "    quote:\n      layout: Title and Content\n"
        "      placeholders: {{Title: 0, Attribution: 1}}\n",
        "",
    )
    assert mapping != MAPPING
    assert errors(tmp_path, mapping) == [
        "TMP/templates/brands/corp.yaml:4:3: error: template.layouts: no template layout for "
        "deckgen's layout 'quote', which slides 'citat-omstallning', 'citat-trygghet', "
        "'citat-legitimitet', 'citat-uthallighet' use: map it under `layouts:` to a layout of "
        "the template with places for Title, Attribution"
    ]


def test_a_placeholder_the_template_lacks_is_an_error(tmp_path: Path):
    mapping = MAPPING.replace("{{Title: 0, Lead: 1}}", "{{Title: 0, Lead: 7}}")
    assert errors(tmp_path, mapping) == [
        "TMP/templates/brands/corp.yaml:19:38: error: template.layouts.facts.placeholders.Lead: "
        "layout 'Title and Content' of the template has no placeholder 7 (it has: 0 (Title 1), "
        "1 (Content Placeholder 2), 10 (Date Placeholder 3), 11 (Footer Placeholder 4), "
        "12 (Slide Number Placeholder 5); or 'text box' to draw the text as deckgen's own text"
        " box)"
    ]


def test_text_the_mapping_gives_no_place_is_an_error_not_lost(tmp_path: Path):
    mapping = MAPPING.replace(", Attribution: 1}}", "}}")
    assert errors(tmp_path, mapping) == [
        "TMP/templates/brands/corp.yaml:20:5: error: template.layouts.quote: placeholder "
        "'Attribution' of layout 'quote' has no place in the template, so slide "
        "'citat-omstallning' would lose its text: map it to a placeholder's idx or name, to "
        "'text box', or to null to leave the text out"
    ]


def test_layouts_lists_a_templates_layouts_and_placeholders(tmp_path: Path):
    path = tmp_path / "corporate.potx"
    corporate_template(path)
    result = CliRunner().invoke(main, ["layouts", str(path)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path.as_posix()}: 960 x 540 pt, 11 layouts"
    assert lines[2:9] == [
        "layout 'Title Slide'",
        "  idx 0    ctrTitle  'Title 1'  at 54, 167.8 pt, 612 x 115.8 pt",
        "  idx 1    subTitle  'Subtitle 2'  at 108, 306 pt, 504 x 138 pt",
        "  idx 10   dt        'Date Placeholder 3'  at 36, 500.5 pt, 168 x 28.8 pt",
        "  idx 11   ftr       'Footer Placeholder 4'  at 246, 500.5 pt, 228 x 28.8 pt",
        "  idx 12   sldNum    'Slide Number Placeholder 5'  at 516, 500.5 pt, 168 x 28.8 pt",
        "",
    ]


def test_a_file_that_is_not_a_template_is_one_clear_error(tmp_path: Path):
    path = tmp_path / "notes.potx"
    path.write_text("not a zip", encoding="utf-8")
    result = CliRunner().invoke(main, ["layouts", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{path.as_posix()}: error: not a PowerPoint template (.pptx or .potx): "
    )


def test_a_layouts_other_look_goes_where_its_mapping_says_or_else_where_its_own_goes(
    tmp_path: Path,
):
    """quote-dark, every second quote's look, is `variant_of: quote`: a template brand that
    maps no layout for it puts those quotes on the quote's layout (the test above); one that
    maps it puts them there."""
    mapping = MAPPING + (
        "    quote-dark:\n"
        "      layout: Title Only\n"
        "      placeholders: {{Title: 0, Attribution: text box}}\n"
    )
    content, templates = project(tmp_path, mapping=mapping)
    built = Pipeline(Options(templates)).build(Variant(content), tmp_path / "output")
    layouts = [slide.slide_layout.name for slide in Presentation(str(built.path)).slides]
    assert layouts[4:8] == ["Title and Content", "Title Only", "Title and Content", "Title Only"]


def test_a_layout_that_is_another_look_of_no_layout_is_an_error(tmp_path: Path):
    from generator.layout.engine import load_master

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    master = templates / "masters" / "default.yaml"
    master.write_text(
        master.read_text(encoding="utf-8").replace("variant_of: quote", "variant_of: qoute"),
        encoding="utf-8",
    )
    with pytest.raises(DeckgenError) as caught:
        load_master(templates)
    [problem] = caught.value.diagnostics
    line = master.read_text(encoding="utf-8").splitlines().index("    variant_of: qoute") + 1
    assert (problem.line, problem.column) == (line, 17)
    assert problem.message == (
        "unknown layout 'qoute'; did you mean 'quote'? (known: chart, closing, diagram, facts,"
        " panel, quote, quote-dark, statement, title)"
    )

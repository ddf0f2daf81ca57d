"""The corpus of templates nobody tuned deckgen for (tests/corpus.py, issue 12): it is made,
and each template is what it claims to be."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.app.cli import main

from . import corpus
from .test_package import run


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The python-pptx half of the corpus, made once for the session."""
    return corpus.made(tmp_path_factory.mktemp("corpus-made"))


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LibreOffice's templates as .pptx and .potx, converted once for the session."""
    try:
        return corpus.libreoffice(tmp_path_factory.mktemp("corpus-lo"))
    except corpus.SofficeMissing as missing:
        pytest.skip(str(missing))


MADE = sorted(corpus.MADE)
LIBREOFFICE = [f"lo-{n}.{ext}" for n in corpus.LIBREOFFICE_TEMPLATES for ext in ("pptx", "potx")]


def test_the_corpus_holds_at_least_six_libreoffice_templates_in_both_formats(
    libreoffice: dict[str, Path],
):
    assert sorted(libreoffice) == sorted(LIBREOFFICE)
    assert len(corpus.LIBREOFFICE_TEMPLATES) >= 6


@pytest.mark.parametrize("name", MADE)
def test_a_made_template_is_a_valid_package(made: dict[str, Path], name: str, shared: Path):
    result = run(sys.executable, shared / "tools" / "validate_pptx.py", made[name])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_made_templates_show_what_they_are_made_for(made: dict[str, Path]):
    def open_(name: str):
        return Presentation(str(made[name]))

    assert (
        open_("pp-default-4x3.pptx").slide_width,
        open_("pp-default-4x3.pptx").slide_height,
    ) == (
        9144000,
        6858000,
    )
    masters = open_("pp-several-masters.pptx").slide_masters
    assert [m.element.cSld.get("name") for m in masters] == ["Master 1", "Master 2", "Master 3"]
    names = [[layout.name for layout in m.slide_layouts] for m in masters]
    assert names[0] == names[1] == names[2]
    assert "Title Slide" in names[0]
    dark = open_("pp-dark-master.pptx").slide_masters[0]
    assert str(dark.background.fill.fore_color.rgb) == "141E3C"
    band = open_("pp-dark-master-shape.pptx").slide_masters[0].shapes
    assert band[0].name == "Master band"
    assert band[0].width == 12192000
    logo = [
        s for s in open_("pp-logo-bottom-right.pptx").slide_masters[0].shapes if s.name == "Logo"
    ]
    assert len(logo) == 1
    assert logo[0].left + logo[0].width == 12192000 - 228600
    body = open_("pp-bulleted-body.pptx").slide_layouts.get_by_name("Title and Content")
    assert b"buAutoNum" in body.part.blob
    footers = open_("pp-footers.pptx").slide_layouts.get_by_name("Title, Text and Footers")
    assert sorted(s.placeholder_format.idx for s in footers.placeholders) == [0, 1, 10, 11, 12]


@pytest.mark.parametrize("name", MADE)
def test_layouts_reads_a_made_template(made: dict[str, Path], name: str):
    result = CliRunner().invoke(main, ["layouts", str(made[name])])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_layouts_reads_a_libreoffice_template(libreoffice: dict[str, Path], name: str):
    result = CliRunner().invoke(main, ["layouts", str(libreoffice[name])])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{libreoffice[name].as_posix()}: 793.75 x ")

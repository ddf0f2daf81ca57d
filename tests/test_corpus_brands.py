"""Issue 12's proof: for every template of the corpus (tests/corpus.py), what a user does,
with no hand-edited mapping: `deckgen brand new`, then `deckgen build --brand` for the national
deck and for Region Värmland. Every deck holds every word of its content, is a valid package
(openxml-audit and ../shared's validator), renders in LibreOffice with one page per slide, and
`deckgen check` finds no overlap, no text off the slide and no contrast error on it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.app.cli import main
from generator.check import check_decks
from generator.check.finding import Finding
from generator.output.manifest import Manifest
from generator.source.variant import Options, Variant

from . import corpus
from .conftest import CONTENT, TEMPLATES
from .preview_support import needs_renderers

LIBREOFFICE = [f"lo-{n}.{ext}" for n in corpus.LIBREOFFICE_TEMPLATES for ext in ("pptx", "potx")]
TEMPLATES_IN_CORPUS = [*LIBREOFFICE, *sorted(corpus.MADE)]
REGIONS = (None, "varmland")


def brand_of(template: str) -> str:
    """The brand name a user might give a template: `lo-Blue_Curve.potx` is `lo-blue-curve-potx`."""
    return re.sub(r"[^a-z0-9]+", "-", template.lower())


class Branded:
    """The corpus's decks, built as a user would, and what `deckgen check` says of them."""

    def __init__(self, folder: Path, templates: dict[str, Path]) -> None:
        self.templates = folder / "templates"
        self.content = folder / "content" / "deck.yaml"
        self.output = folder / "output"
        shutil.copytree(TEMPLATES, self.templates)
        shutil.copytree(CONTENT.parent, self.content.parent)
        self.results: dict[str, list[str]] = {}
        runner = CliRunner()
        for name, path in templates.items():
            brand = brand_of(name)
            common = ["--templates", str(self.templates)]
            new = ["brand", "new", brand, "--template", str(path), "--content", str(self.content)]
            made = runner.invoke(main, [*new, *common])
            self.results[name] = [made.output]
            for region in REGIONS:
                where = ["--region", region] if region else []
                args = ["build", "--brand", brand, "--content", str(self.content), *common]
                built = runner.invoke(main, [*args, "--output", str(self.output), *where])
                self.results[name].append(built.output)
        entries = Manifest(self.output).entries
        self.decks: dict[str, list[tuple[Variant, Path]]] = {}
        for name in templates:
            brand = brand_of(name)
            self.decks[name] = [
                (variant, self.output / entries[variant.key].file)
                for variant in (Variant(self.content, region, brand=brand) for region in REGIONS)
                if variant.key in entries
            ]
        every = [deck for decks in self.decks.values() for deck in decks]
        self.findings = check_decks(every, Options(self.templates))

    def of(self, name: str) -> list[Finding]:
        paths = {str(path) for _, path in self.decks[name]}
        return [f for f in self.findings if f.deck in paths]


@pytest.fixture(scope="module")
def branded(
    tmp_path_factory: pytest.TempPathFactory,
    made: dict[str, Path],
    libreoffice: dict[str, Path],
) -> Branded:
    return Branded(tmp_path_factory.mktemp("branded"), {**libreoffice, **made})


def _decks(branded: Branded, name: str) -> list[tuple[Variant, Path]]:
    decks = branded.decks[name]
    assert len(decks) == len(REGIONS), branded.results[name]
    return decks


@needs_renderers
@pytest.mark.parametrize("name", TEMPLATES_IN_CORPUS)
def test_brand_new_then_build_gives_both_decks_with_every_word(branded: Branded, name: str):
    decks = _decks(branded, name)
    made, *builds = branded.results[name]
    assert made.startswith(("wrote ", "copied ")), made
    for output in builds:
        assert output.startswith("wrote "), output
    assert [f.message for f in branded.of(name) if f.check == "fidelity"] == []
    # the regional deck's own words are there, on the template's slide size
    national, regional = (Presentation(str(path)) for _, path in decks)
    words = " ".join(
        shape.text_frame.text
        for slide in regional.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert "Region Värmland" in words
    assert regional.slide_width == national.slide_width


@needs_renderers
@pytest.mark.parametrize("name", TEMPLATES_IN_CORPUS)
def test_the_decks_are_valid_packages(branded: Branded, name: str, shared: Path):
    for _, path in _decks(branded, name):
        result = subprocess.run(
            [sys.executable, str(shared / "tools" / "validate_pptx.py"), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    package = [f.message for f in branded.of(name) if f.check == "package"]
    assert package == []  # openxml-audit, PowerPoint's rules included, and the zip's entries


@needs_renderers
@pytest.mark.parametrize("name", TEMPLATES_IN_CORPUS)
def test_the_decks_render_one_page_per_slide(branded: Branded, name: str):
    for _, path in _decks(branded, name):
        shown = [s for s in Presentation(str(path)).slides if s.element.get("show") != "0"]
        pdf = path.with_suffix(".pdf")  # what check had LibreOffice export
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
        assert pages is not None
        assert int(pages.group(1)) == len(shown) > 0


@needs_renderers
@pytest.mark.parametrize("name", TEMPLATES_IN_CORPUS)
def test_check_finds_no_overlap_text_off_the_slide_or_poor_contrast(branded: Branded, name: str):
    seen = [
        f"{Path(f.deck).name} slide {f.slide}: {f.message}"
        for f in branded.of(name)
        if f.severity == "error"
        and (
            f.check == "overlap"
            or "contrast" in f.message
            or "off the slide" in f.message
            or "runs off" in f.message
        )
    ]
    assert seen == []

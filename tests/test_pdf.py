"""The PDFs LibreOffice exports (`deckgen build --pdf`, `preview`, `check`) are accessible: tagged,
marked PDF/UA-1, titled and in the deck's language. Read back with poppler's pdfinfo and from
the PDF's catalog."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

import generator.output.pdf as pdf_module
from generator.output.pdf import export_pdfs

from .preview_support import SOFFICE, Project

PDFINFO = shutil.which("pdfinfo")
PDFIMAGES = shutil.which("pdfimages")
needs_soffice = pytest.mark.skipif(
    not (SOFFICE and PDFINFO),
    reason="needs LibreOffice and poppler's pdfinfo: apt-get install libreoffice-impress "
    "poppler-utils (.ci/run installs them)",
)


def pdfinfo(pdf: Path, *options: str) -> str:
    assert PDFINFO is not None
    command = [PDFINFO, *options, str(pdf)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def info(pdf: Path) -> dict[str, str]:
    """What `pdfinfo` says of `pdf`, by field: {"Tagged": "yes", "Pages": "9", ...}."""
    fields = (line.split(":", 1) for line in pdfinfo(pdf).splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in fields}


def catalog(pdf: Path) -> bytes:
    """The PDF's catalog dictionary (LibreOffice writes it as a plain object, not compressed)."""
    found = re.findall(rb"\bobj\s*<<\s*/Type\s*/Catalog\b.*?endobj", pdf.read_bytes(), re.S)
    assert len(found) == 1, f"{pdf} has {len(found)} catalogs"
    return bytes(found[0])


def assert_accessible(pdf: Path, title: str, pages: int) -> None:
    said = info(pdf)
    assert said["Tagged"] == "yes"
    assert said["Title"] == title
    assert said["Pages"] == str(pages)
    assert "<pdfuaid:part>1</pdfuaid:part>" in pdfinfo(pdf, "-meta")
    root = catalog(pdf)
    assert re.findall(rb"/Lang\s*\(([^)]*)\)", root) == [b"sv-SE"]
    assert re.search(rb"/DisplayDocTitle\s+true", root), root
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", root), root


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    if not (SOFFICE and PDFINFO):
        pytest.skip("needs LibreOffice and poppler's pdfinfo")
    return Project(tmp_path_factory.mktemp("pdf"))


@needs_soffice
def test_build_pdf_writes_a_tagged_pdf_ua_with_the_decks_title_and_language(project: Project):
    result = project.run("build", "--pdf")
    assert result.exit_code == 0, result.output
    deck = project.output / "regionen-i-rorelse.pptx"
    assert f"wrote {deck.with_suffix('.pdf').as_posix()}" in result.stdout.splitlines()
    properties = Presentation(str(deck)).core_properties
    assert (properties.title, properties.language) == ("Regionen i rörelse", "sv-SE")
    assert_accessible(deck.with_suffix(".pdf"), "Regionen i rörelse", pages=9)


@needs_soffice
def test_the_pdf_of_every_slide_is_accessible_too(project: Project, tmp_path: Path):
    """The PDF that preview and check make of a deck's hidden slides has the same options."""
    result = project.run("build", "--region", "varmland")
    assert result.exit_code == 0, result.output
    deck = project.output / "regionen-i-rorelse-varmland.pptx"
    assert export_pdfs([deck], folder=tmp_path, every_slide=True) == [
        tmp_path / "regionen-i-rorelse-varmland.pdf"
    ]
    assert_accessible(tmp_path / "regionen-i-rorelse-varmland.pdf", "Regionen i rörelse", 11)


@needs_soffice
@pytest.mark.skipif(
    PDFIMAGES is None, reason="needs poppler's pdfimages: apt-get install poppler-utils"
)
def test_the_pdfs_pictures_keep_their_pixels(project: Project, tmp_path: Path):
    """Each PNG of a deck (its logo) is in the PDF at its own size, losslessly, not
    resampled to 300 dpi or stored as a JPEG with artefacts round the letters."""
    assert project.run("build", "--region", "varmland").exit_code == 0
    deck = project.output / "regionen-i-rorelse-varmland.pptx"
    sizes = png_sizes(deck)
    assert sizes
    [pdf] = export_pdfs([deck], folder=tmp_path)
    assert pdf_images(pdf) == {(size, "image") for size in sizes}


@needs_soffice
def test_decks_in_two_languages_each_get_their_own(project: Project, tmp_path: Path):
    """LibreOffice writes its own locale as the PDF's language: it runs once per language."""
    assert project.run("build").exit_code == 0
    swedish = project.output / "regionen-i-rorelse.pptx"
    prs = Presentation(str(swedish))
    prs.core_properties.language = "en-GB"
    english = tmp_path / "in-english.pptx"
    prs.save(str(english))
    written = export_pdfs([swedish, english], folder=tmp_path / "pdf")
    assert sorted(pdf.name for pdf in written) == ["in-english.pdf", "regionen-i-rorelse.pdf"]
    languages = {pdf.name: re.findall(rb"/Lang\s*\(([^)]*)\)", catalog(pdf)) for pdf in written}
    assert languages == {"in-english.pdf": [b"en-GB"], "regionen-i-rorelse.pdf": [b"sv-SE"]}


def _counting_soffice_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Return the list that each soffice run (the decks it exports) is appended to."""
    runs: list[list[Path]] = []
    convert = pdf_module._convert

    def counted(
        soffice: str, options: str, decks: list[Path], outdir: Path, language: str
    ) -> subprocess.CompletedProcess[str]:
        runs.append(decks)
        return convert(soffice, options, decks, outdir, language)

    monkeypatch.setattr(pdf_module, "_convert", counted)
    return runs


@needs_soffice
def test_a_deck_built_again_to_the_same_bytes_keeps_its_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = Project(tmp_path)
    assert project.run("build").exit_code == 0
    (deck,) = project.output.glob("*.pptx")
    runs = _counting_soffice_runs(monkeypatch)
    (pdf,) = export_pdfs([deck])
    exported = pdf.read_bytes()
    assert project.run("build", "--force").exit_code == 0  # the same bytes, written again
    later = pdf.stat().st_mtime + 10
    os.utime(deck, (later, later))  # and newer than its PDF
    assert export_pdfs([deck]) == []
    assert pdf.read_bytes() == exported
    assert len(runs) == 1
    with zipfile.ZipFile(deck, "a") as package:  # other bytes: exported again
        package.comment = b"built again"
    assert export_pdfs([deck]) == [pdf]
    assert len(runs) == 2


@needs_soffice
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="preview needs poppler's pdftoppm")
def test_check_and_preview_share_the_pdfs_so_a_release_runs_libreoffice_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = Project(tmp_path)
    runs = _counting_soffice_runs(monkeypatch)
    for command in (["build", "--force"], ["check"], ["preview"]) * 2:
        result = project.run(*command)
        assert result.exit_code == 0, result.output
    assert len(runs) == 1  # the second release's decks have the first one's bytes
    assert [deck.name for deck in runs[0]] == ["regionen-i-rorelse.pptx"]


def test_an_interrupted_export_ends_soffice_and_what_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`soffice` is a script that starts soffice.bin: Ctrl-C in deckgen must not leave it
    writing PDFs. A stand-in starts a child and waits; the interruption ends both."""
    marker = f"deckgen-test-{os.getpid()}-{tmp_path.name}"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\n/bin/sh -c 'sleep 60; : {marker}' &\nsleep 61\n", "utf-8")
    fake.chmod(0o755)
    started = subprocess.Popen.communicate

    def interrupted(self: subprocess.Popen[str], *args: object, **kwargs: object) -> object:
        time.sleep(0.5)  # the stand-in has started its child
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pdf_module.run_alone([str(fake)])
    monkeypatch.setattr(subprocess.Popen, "communicate", started)
    time.sleep(0.2)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    assert left == ""


def png_sizes(deck: Path) -> set[tuple[int, int]]:
    """The pixel sizes of the PNG pictures in a deck's package."""
    with zipfile.ZipFile(deck) as package:
        return {
            Image.open(io.BytesIO(package.read(name))).size
            for name in package.namelist()
            if name.startswith("ppt/media/") and name.endswith(".png")
        }


def pdf_images(pdf: Path) -> set[tuple[tuple[int, int], str]]:
    """Each picture in a PDF (not its transparency masks) as poppler's `pdfimages -list` gives
    it: its pixel size and its encoding ("image" is lossless, "jpeg" is not)."""
    assert PDFIMAGES is not None
    listed = subprocess.run(
        [PDFIMAGES, "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]  # two header lines
    return {
        ((int(row[3]), int(row[4])), row[8]) for row in map(str.split, listed) if row[2] == "image"
    }

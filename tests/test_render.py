"""The deck renders in LibreOffice: a page per slide, with every character of its slide."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pptx import Presentation

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT),
    reason="needs LibreOffice and poppler: apt-get install libreoffice-impress poppler-utils "
    "(.ci/run installs them)",
)


@pytest.fixture(scope="module")
def pdf(built_deck: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(built_deck),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / (built_deck.stem + ".pdf")


def page_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        [PDFTOTEXT, *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def characters(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace())


def test_one_page_per_slide(pdf: Path):
    assert page_text(pdf).count("\f") == 9


def test_swedish_letters_and_typographic_quotes_survive(pdf: Path):
    text = " ".join(page_text(pdf).split())
    for phrase in (
        "Regionen i rörelse",
        "Eleonore Åkerlund",
        "”Att prata omställning",
        "får deras förtroende”.",
        "ska ge effekt.”",
        "Ett komplext OCH demokratiskt",
        "Tack för oss!",
    ):
        assert phrase in text


def test_each_page_shows_every_character_of_its_slide(pdf: Path, built_deck: Path):
    for number, slide in enumerate(Presentation(str(built_deck)).slides, start=1):
        expected = "".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert characters(page_text(pdf, number)) == characters(expected), f"slide {number}"

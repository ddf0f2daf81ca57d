"""Output is reproducible to the byte and written atomically."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import save as save_module
from generator.build import build
from generator.errors import DeckgenError

from .conftest import CONTENT, ROOT, TEMPLATES, Scratch


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, built_deck: Path):
    again = build(CONTENT, TEMPLATES, tmp_path).path
    assert again.read_bytes() == built_deck.read_bytes()


def test_zip_entries_carry_the_content_date(built_deck: Path):
    with zipfile.ZipFile(built_deck) as package:
        stamps = {info.date_time for info in package.infolist()}
        first = package.namelist()[0]
    assert stamps == {(2026, 11, 26, 0, 0, 0)}
    assert first == "[Content_Types].xml"


def test_source_date_epoch_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = build(CONTENT, TEMPLATES, tmp_path).path
    with zipfile.ZipFile(deck) as package:
        core = package.read("docProps/core.xml").decode()
        stamps = {info.date_time for info in package.infolist()}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z' in core
    assert stamps == {(2023, 11, 14, 22, 13, 20)}
    assert save_module.build_moment(datetime.date(2020, 1, 1)).year == 2023


def test_a_bad_source_date_epoch_is_an_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(DeckgenError) as caught:
        save_module.build_moment(datetime.date(2020, 1, 1))
    assert str(caught.value.diagnostics[0]) == (
        "environment: error: SOURCE_DATE_EPOCH must be whole seconds since 1970, got 'yesterday'"
    )


def test_a_failed_write_keeps_the_previous_deck_and_leaves_no_temporary_file(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch
):
    assert scratch.use("valid-minimal.yaml").run("build").exit_code == 0
    before = scratch.outputs()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(save_module.os, "replace", disk_full)
    scratch.write(scratch.content.read_text(encoding="utf-8").replace("Kort citat", "Nytt citat"))
    result = scratch.run("build")

    assert result.exit_code == 1
    assert result.stderr == (
        "output/testdack.pptx: error: cannot write: No space left on device\n"
        "deckgen: 1 error; nothing was written.\n"
    )
    assert scratch.outputs() == before


def test_an_unwritable_output_folder_is_a_clear_error(scratch: Scratch):
    scratch.use("valid-minimal.yaml")
    scratch.output.write_text("a file where the folder should be")
    result = scratch.run("build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "output/testdack.pptx: error: cannot write: File exists"


def test_the_deck_file_is_readable_by_everyone(tmp_path: Path):
    deck = build(CONTENT, TEMPLATES, tmp_path).path
    assert oct(os.stat(deck).st_mode & 0o777) == "0o644"


def test_separate_processes_give_the_same_bytes(tmp_path: Path, built_deck: Path):
    """Hash seeds differ between processes; the output must not depend on them."""
    decks = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--content",
                str(CONTENT),
                "--templates",
                str(TEMPLATES),
                "--output",
                str(out),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        decks.append((out / built_deck.name).read_bytes())
    assert decks[0] == decks[1] == built_deck.read_bytes()

"""Output is reproducible to the byte and written atomically."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.errors import DeckgenError
from generator.output import save as save_module
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, ROOT, TEMPLATES, Scratch


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, built_deck: Path):
    again = Pipeline(Options(TEMPLATES)).build(Variant(CONTENT), tmp_path).path
    assert again.read_bytes() == built_deck.read_bytes()


def test_zip_entries_carry_the_content_date(built_deck: Path):
    with zipfile.ZipFile(built_deck) as package:
        stamps = {info.date_time for info in package.infolist()}
        first = package.namelist()[0]
    assert stamps == {(2026, 11, 26, 0, 0, 0)}
    assert first == "[Content_Types].xml"


def test_source_date_epoch_sets_the_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = Pipeline(Options.from_environment(TEMPLATES)).build(Variant(CONTENT), tmp_path).path
    with zipfile.ZipFile(deck) as package:
        core = package.read("docProps/core.xml").decode()
        stamps = {info.date_time for info in package.infolist()}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z' in core
    assert stamps == {(2023, 11, 14, 22, 13, 20)}
    assert save_module.build_moment(datetime.date(2020, 1, 1), "1700000000").year == 2023


def test_a_bad_source_date_epoch_is_an_error():
    with pytest.raises(DeckgenError) as caught:
        save_module.build_moment(datetime.date(2020, 1, 1), "yesterday")
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
    deck = Pipeline(Options(TEMPLATES)).build(Variant(CONTENT), tmp_path).path
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


def _temporary(folder: Path, name: str, age: float) -> Path:
    """A leftover `.<name>.<random>.tmp`, last written `age` seconds ago."""
    path = folder / f".{name}.k3j_x9ab.tmp"
    path.write_bytes(b"half a deck")
    moment = path.stat().st_mtime - age
    os.utime(path, (moment, moment))
    return path


def test_a_save_removes_temporary_files_that_killed_saves_left(tmp_path: Path):
    old = _temporary(tmp_path, "deck.pptx", age=save_module.STALE_SECONDS + 60)
    other = _temporary(tmp_path, "other.pptx", age=3600)  # another target's: not ours to judge
    save_module.save(b"deck", tmp_path / "deck.pptx")
    assert not old.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.pptx.k3j_x9ab.tmp", "deck.pptx"]


def test_a_fresh_temporary_file_is_left_alone(tmp_path: Path):
    # Between creating its file and locking it, a living save holds no lock: the age covers it.
    fresh = _temporary(tmp_path, "deck.pptx", age=0)
    assert save_module.sweep(tmp_path / "deck.pptx") == []
    assert fresh.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_temporary_file_a_living_save_holds_is_left_alone(tmp_path: Path):
    held = _temporary(tmp_path, "deck.pptx", age=3600)
    # Another process locks it as a living save does, and keeps the lock until told to stop.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; h = os.open(sys.argv[1], os.O_RDWR); "
            "fcntl.flock(h, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            str(held),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        assert save_module.sweep(tmp_path / "deck.pptx") == []
        assert held.exists()
    finally:
        holder.communicate("")
    assert save_module.sweep(tmp_path / "deck.pptx") == [held]  # its holder is gone
    assert not held.exists()

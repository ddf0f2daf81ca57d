"""Each deck's file name and manifest key are its own: no region, overlay or title can make one
deck write another's file or take its entry (see `pipeline.file_name` and `Variant.key`)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pptx import Presentation

from generator.app.cli import main

from .conftest import ROOT


class Project:
    """A copy of the project's content and templates, built through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.regions = root / "content" / "regions"
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(ROOT / "templates", root / "templates")

    def run(self, *args: str) -> Result:
        options = ["--content", "content/deck.yaml", "--templates", "templates"]
        return CliRunner().invoke(main, [*args, *options, "--output", "output"])

    def region(self, slug: str, deck: str = "") -> Path:
        """Add a region `slug`: Värmland's facts, with `deck` added under `deck:`."""
        text = (self.regions / "varmland.yaml").read_text("utf-8")
        text = text.replace("slug: varmland", f"slug: {slug}") + deck
        path = self.regions / f"{slug}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def entries(self) -> dict[str, str]:
        decks = json.loads((self.root / "output" / "manifest.json").read_text("utf-8"))["decks"]
        return {key: entry["file"] for key, entry in decks.items()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


def test_a_region_whose_title_and_slug_spell_another_regions_name_gets_its_own_file(
    project: Project,
):
    project.region("rorelse-varmland", "  title: Regionen i\n")
    result = project.run("build", "--region", "rorelse-varmland")
    assert result.stdout == "wrote output/regionen-i-rorelse-varmland_741698058d.pptx (11 slides)\n"
    assert project.run("build", "--region", "varmland").exit_code == 0
    assert project.entries() == {
        "rorelse-varmland": "regionen-i-rorelse-varmland_741698058d.pptx",
        "varmland": "regionen-i-rorelse-varmland.pptx",
    }


def test_an_overlay_named_after_a_region_does_not_write_that_regions_file(project: Project):
    overlay = project.root / "content" / "overlays" / "varmland.yaml"
    shutil.copyfile(project.root / "content" / "overlays" / "exempel.yaml", overlay)
    result = project.run("build", "--overlay", "content/overlays/varmland.yaml")
    assert result.stdout == "wrote output/regionen-i-rorelse--varmland.pptx (8 slides)\n"
    assert project.run("build", "--region", "varmland").exit_code == 0
    assert project.entries() == {
        "national+varmland": "regionen-i-rorelse--varmland.pptx",
        "varmland": "regionen-i-rorelse-varmland.pptx",
    }


def test_a_region_may_not_be_slugged_national(project: Project):
    path = project.region("national")
    result = project.run("build", "--all")
    assert result.exit_code == 1
    assert result.stderr == (
        "content/regions/national.yaml:7:9: error: region.slug: 'national' is reserved for the"
        " national deck (its key in the manifest); rename the region's file and its slug\n"
        "deckgen: 1 error; 1 of 23 decks failed (national); the others were written.\n"
    )
    assert project.entries()["national"] == "regionen-i-rorelse.pptx"
    path.unlink()
    again = project.run("build", "--all")
    assert again.stdout.splitlines()[-1] == "0 written, 22 up to date, 0 failed"


def test_an_overlay_with_a_plus_in_its_name_has_a_key_of_its_own(project: Project):
    overlays = project.root / "content" / "overlays"
    for name in ("a+b.yaml", "a.yaml", "b.yaml"):
        shutil.copyfile(overlays / "exempel.yaml", overlays / name)
    assert project.run("build", "--overlay", "content/overlays/a+b.yaml").exit_code == 0
    two = ["--overlay", "content/overlays/a.yaml", "--overlay", "content/overlays/b.yaml"]
    assert project.run("build", *two).exit_code == 0
    assert project.entries() == {
        "national+a%2Bb": "regionen-i-rorelse-a-b_2b646f5892.pptx",
        "national+a+b": "regionen-i-rorelse--a--b.pptx",
    }


def test_a_255_character_title_gets_a_shortened_file_name(project: Project):
    deck = project.root / "content" / "deck.yaml"
    title = "Å" + "x" * 254
    text = deck.read_text("utf-8").replace("title: Regionen i rörelse", f"title: {title}", 1)
    deck.write_text(text, encoding="utf-8")
    result = project.run("build")
    name = "a" + "x" * 188 + "_400464e9e9.pptx"
    assert (result.exit_code, result.stdout) == (0, f"wrote output/{name} (9 slides)\n")
    assert project.entries() == {"national": name}


def test_a_deck_that_would_write_a_file_the_manifest_gives_another_deck_is_an_error(
    project: Project,
):
    assert project.run("build").exit_code == 0
    manifest = project.root / "output" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["decks"]["other"] = data["decks"]["national"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    before = (project.root / "output" / "regionen-i-rorelse.pptx").stat().st_mtime_ns
    result = project.run("build", "--force")
    assert (result.exit_code, result.stderr) == (
        1,
        "output/regionen-i-rorelse.pptx: error: the decks 'national' and 'other' would both be"
        " written to this file (output/manifest.json records 'other' in it); build one of them"
        " into another --output\ndeckgen: 1 error; nothing was written.\n",
    )
    assert (project.root / "output" / "regionen-i-rorelse.pptx").stat().st_mtime_ns == before


def test_two_overlays_of_one_name_in_different_folders_are_two_decks(project: Project):
    """Two speakers each keep a `talk.yaml` in a folder of their own, with a quote of their
    own: building both onto one region writes two decks, and neither is up to date for the
    other."""
    overlays = project.root / "content" / "overlays"
    for speaker in ("anna", "bo"):
        (overlays / speaker).mkdir()
        text = (overlays / "exempel.yaml").read_text("utf-8")
        text = text.replace("Här står ditt eget citat", f"Här står {speaker}s citat")
        (overlays / speaker / "talk.yaml").write_text(text, "utf-8")
    anna = ["--region", "dalarna", "--overlay", "content/overlays/anna/talk.yaml"]
    bo = ["--region", "dalarna", "--overlay", "content/overlays/bo/talk.yaml"]
    assert project.run("build", *anna).exit_code == 0
    second = project.run("build", *bo)
    assert second.exit_code == 0
    assert second.stdout.startswith("wrote ")  # not "up to date": it is another deck
    entries = project.entries()
    assert len(entries) == 2
    assert all(re.fullmatch(r"dalarna\+talk@[0-9a-f]{8}", key) for key in entries)
    assert len(set(entries.values())) == 2
    for file in entries.values():
        assert re.fullmatch(r"regionen-i-rorelse-dalarna-talk_[0-9a-f]{10}\.pptx", file)
    quotes = {key: deck_text(project.root / "output" / file) for key, file in entries.items()}
    assert sorted(
        ("Här står annas citat" in text, "Här står bos citat" in text) for text in quotes.values()
    ) == [(False, True), (True, False)]


def deck_text(path: Path) -> str:
    return "\n".join(
        shape.text_frame.text
        for slide in Presentation(str(path)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )

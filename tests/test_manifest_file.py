"""`output/manifest.json` as read back: a manifest that does not match its schema counts as
absent, and an entry whose file leads out of the output folder is not built."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.app.cli import main

from .conftest import ROOT


class Project:
    """A copy of the project's content and templates, with an output folder to spoil."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"
        self.manifest = self.output / "manifest.json"
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(ROOT / "templates", root / "templates")

    def run(self, *args: str) -> Result:
        options = ["--content", "content/deck.yaml", "--templates", "templates"]
        return CliRunner().invoke(main, [*args, *options, "--output", "output"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


ENTRY = {"sha256": "0", "slides": 9, "inputs": "0", "deckgen": "0"}


def test_a_manifest_that_does_not_match_its_schema_counts_as_absent(project: Project):
    project.output.mkdir()
    project.manifest.write_text('{"decks": []}', encoding="utf-8")
    built = project.run("build")
    assert (built.exit_code, built.stdout) == (
        0,
        "wrote output/regionen-i-rorelse.pptx (9 slides)\n",
    )
    assert list(json.loads(project.manifest.read_text("utf-8"))["decks"]) == ["national"]


def test_check_of_a_spoiled_manifest_says_the_deck_is_not_built(project: Project):
    project.output.mkdir()
    project.manifest.write_text(json.dumps({"decks": {"national": {**ENTRY, "file": 5}}}), "utf-8")
    result = project.run("check")
    assert (result.exit_code, result.stderr) == (
        1,
        "output/manifest.json: error: not built yet: national; run deckgen build first (with the"
        " same options)\ndeckgen: 1 error; nothing was written.\n",
    )


@pytest.mark.parametrize(
    "file", ["../outside.pptx", "{outside}", "output/../../outside.pptx", "link.pptx"]
)
@pytest.mark.parametrize("command", ["check", "preview"])
def test_an_entry_whose_file_leads_outside_the_output_folder_is_not_built(
    project: Project, command: str, file: str
):
    assert project.run("build").exit_code == 0
    outside = project.root / "outside.pptx"
    shutil.move(project.output / "regionen-i-rorelse.pptx", outside)
    (project.output / "link.pptx").symlink_to(outside)
    manifest = json.loads(project.manifest.read_text("utf-8"))
    (project.output / "output").mkdir()
    manifest["decks"]["national"]["file"] = file.format(outside=outside)
    project.manifest.write_text(json.dumps(manifest), encoding="utf-8")
    result = project.run(command)
    assert (result.exit_code, result.stderr) == (
        1,
        "output/manifest.json: error: not built yet: national; run deckgen build first (with the"
        " same options)\ndeckgen: 1 error; nothing was written.\n",
    )
    assert sorted(p.name for p in project.root.iterdir()) == [
        "content",
        "output",
        "outside.pptx",
        "templates",
    ]

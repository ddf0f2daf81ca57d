"""The input hash: everything that changes a deck's bytes changes its hash, so no stale deck is
called up to date; nothing else does, so unchanged decks are skipped."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.errors import DeckgenError
from generator.output.manifest import Inputs
from generator.source.variant import Options, Variant

from .conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def digest(project: Path, variant: Variant, options: Options | None = None) -> str:
    return Inputs(options or Options(project / "templates"), "1.0").digest(variant)


def test_every_option_is_in_the_hash(project: Path):
    variant = Variant(project / "content" / "deck.yaml")
    base = Options(project / "templates", None)
    other_templates = project / "other"
    shutil.copytree(project / "templates", other_templates)
    changed = {"templates": other_templates, "source_date_epoch": "1700000000"}
    assert sorted(changed) == sorted(field.name for field in dataclasses.fields(Options))
    for name, value in changed.items():
        assert digest(project, variant, dataclasses.replace(base, **{name: value})) != digest(
            project, variant, base
        ), name


def test_an_option_added_later_is_in_the_hash_without_more_code(project: Path):
    @dataclasses.dataclass(frozen=True)
    class Wider(Options):
        colour_mode: str = "colour"

    variant = Variant(project / "content" / "deck.yaml")
    templates = project / "templates"
    assert digest(project, variant, Wider(templates)) != digest(
        project, variant, Wider(templates, colour_mode="greyscale")
    )


def test_a_file_in_the_templates_folder_is_in_the_hash(project: Path):
    variant = Variant(project / "content" / "deck.yaml")
    before = digest(project, variant)
    (project / "templates" / "layouts" / "quote.yaml.j2").write_text("changed", encoding="utf-8")
    assert digest(project, variant) != before


def test_a_photo_beside_the_region_files_is_in_each_regions_hash(project: Path):
    variant = Variant(project / "content" / "deck.yaml", "varmland")
    before = digest(project, variant)
    photo = project / "content" / "regions" / "anna.jpg"
    photo.write_bytes(b"one")
    with_photo = digest(project, variant)
    photo.write_bytes(b"two")
    assert len({before, with_photo, digest(project, variant)}) == 3


def test_another_regions_file_is_not_in_the_hash(project: Path):
    variant = Variant(project / "content" / "deck.yaml", "varmland")
    before = digest(project, variant)
    other = project / "content" / "regions" / "gotland.yaml"
    other.write_text(other.read_text("utf-8") + "\n# changed\n", encoding="utf-8")
    assert digest(project, variant) == before


def test_a_file_larger_than_any_stage_reads_is_refused_not_read_whole(project: Path):
    variant = Variant(project / "content" / "deck.yaml")
    with (project / "content" / "huge.bin").open("wb") as stream:
        stream.truncate(50 * 1024 * 1024 + 1)  # sparse: no disk is used
    with pytest.raises(DeckgenError) as caught:
        digest(project, variant)
    assert [d.message for d in caught.value.diagnostics] == [
        "the file is larger than 50 MB, the limit for an input"
    ]
    assert caught.value.diagnostics[0].file.endswith("content/huge.bin")


def test_the_hash_is_of_the_bytes_read_each_file_read_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator.output import manifest

    reads: list[Path] = []
    read_input = manifest.read_input
    monkeypatch.setattr(manifest, "read_input", lambda p, *a: reads.append(p) or read_input(p, *a))
    inputs = Inputs(Options(project / "templates"), "1.0")
    for region in ("varmland", "gotland", None):
        inputs.digest(Variant(project / "content" / "deck.yaml", region))
    assert len(reads) == len(set(reads))
    assert project / "content" / "deck.yaml" in reads


def test_in_a_build_the_stages_load_the_bytes_that_the_hash_read(project: Path):
    from generator.files import read_once
    from generator.source.load import load_yaml

    deck = project / "content" / "deck.yaml"
    inputs = Inputs(Options(project / "templates"), "1.0")
    with read_once():
        hashed = inputs.digest(Variant(deck))
        deck.write_text(deck.read_text("utf-8").replace("Regionen i rörelse", "Ändrad"), "utf-8")
        assert load_yaml(deck).data["title"] == "Regionen i rörelse"  # as hashed
        assert inputs.digest(Variant(deck)) == hashed
    assert load_yaml(deck).data["title"] == "Ändrad"
    assert Inputs(Options(project / "templates"), "1.0").digest(Variant(deck)) != hashed

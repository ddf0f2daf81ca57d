"""The input hash: a deck's entry names the files its build read, and the rebuild check hashes
those files and no other. Everything that changes a deck's bytes changes its hash, so no stale
deck is called up to date; nothing else does, so unchanged decks are skipped."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from generator.files import read_input, read_once
from generator.output.manifest import MAX_INPUT_BYTES, Inputs, code_digest, folder_digest
from generator.pipeline import Built, Pipeline
from generator.source.variant import Options, Variant

from .conftest import ROOT

NATIONAL = Variant(Path("content/deck.yaml"))

#: What every deck on the built-in master reads, besides its own content, brand and logo (the
#: facts slide is only in regional decks).
SHARED = [
    "templates/layouts/closing.yaml.j2",
    "templates/layouts/diagram.yaml.j2",
    "templates/layouts/panel.yaml.j2",
    "templates/layouts/quote.yaml.j2",
    "templates/layouts/statement.yaml.j2",
    "templates/layouts/title.yaml.j2",
    "templates/masters/default.yaml",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)  # files are named relative to the working folder
    return tmp_path


def files(built: Built) -> list[str]:
    return [path for path, _ in built.inputs]


def now(variant: Variant, built: Built, options: Options | None = None) -> str | None:
    return Inputs(options or Options(Path("templates")), "1.0").now(variant, files(built))


def test_a_deck_is_built_from_the_files_it_reads_and_no_other(project: Path):
    pipeline = Pipeline(Options(Path("templates")))
    national = pipeline.build(Variant(Path("content/deck.yaml")), project / "output")
    varmland = pipeline.build(Variant(Path("content/deck.yaml"), "varmland"), project / "output")
    assert files(national) == sorted(
        [
            "content/deck.yaml",
            "templates/brands/logos/skr-negative.png",  # quote-dark's
            "templates/brands/logos/skr.png",
            "templates/brands/skr.yaml",
            *SHARED,
        ]
    )
    # The second deck of a pipeline gets the master, the layouts and the base deck from its
    # cache, and still names them: each deck knows its own inputs.
    assert files(varmland) == sorted(
        [
            "content/data/folkmangd-2023.yaml",
            "content/deck.yaml",
            "content/regions/varmland.yaml",
            "templates/brands/logos/varmland-negative.png",
            "templates/brands/logos/varmland.png",
            "templates/brands/varmland.yaml",
            "templates/layouts/chart.yaml.j2",
            "templates/layouts/facts.yaml.j2",
            *SHARED,
        ]
    )
    digests = dict(varmland.inputs)
    deck = (project / "content" / "deck.yaml").read_bytes()
    assert digests["content/deck.yaml"] == hashlib.sha256(deck).hexdigest()


def test_every_option_is_in_the_hash(project: Path):
    base = Options(Path("templates"), None)
    changed = {"templates": Path("other"), "source_date_epoch": "1700000000"}
    assert sorted(changed) == sorted(field.name for field in dataclasses.fields(Options))
    for name, value in changed.items():
        other = dataclasses.replace(base, **{name: value})
        assert Inputs(other, "1.0").digest(NATIONAL, ()) != Inputs(base, "1.0").digest(
            NATIONAL, ()
        ), name


def test_an_option_added_later_is_in_the_hash_without_more_code():
    @dataclasses.dataclass(frozen=True)
    class Wider(Options):
        colour_mode: str = "colour"

    templates = Path("templates")
    assert Inputs(Wider(templates), "1.0").digest(NATIONAL, ()) != Inputs(
        Wider(templates, colour_mode="greyscale"), "1.0"
    ).digest(NATIONAL, ())


def test_a_layout_template_the_deck_uses_is_in_the_hash_and_one_it_does_not_is_not(
    project: Path,
):
    variant = Variant(Path("content/deck.yaml"))
    built = Pipeline(Options(Path("templates"))).build(variant, project / "output")
    recorded = Inputs(Options(Path("templates")), "1.0").digest(variant, built.inputs)
    assert now(variant, built) == recorded
    (project / "templates" / "layouts" / "unused.yaml.j2").write_text("new", encoding="utf-8")
    assert now(variant, built) == recorded
    (project / "templates" / "layouts" / "quote.yaml.j2").write_text("changed", "utf-8")
    assert now(variant, built) != recorded


def test_a_photo_an_overlay_names_is_in_the_hash(project: Path):
    overlay = project / "content" / "overlays" / "foto.yaml"
    overlay.write_text(
        "slides:\n  panel:\n    people:\n      - {name: Ett Namn, role: Roll, photo: ett.png}\n",
        "utf-8",
    )
    photo = project / "tests-photo.png"
    shutil.copy(ROOT / "templates" / "brands" / "logos" / "skr.png", photo)
    shutil.copy(photo, project / "content" / "overlays" / "ett.png")
    variant = Variant(Path("content/deck.yaml"), None, (Path("content/overlays/foto.yaml"),))
    built = Pipeline(Options(Path("templates"))).build(variant, project / "output")
    assert "content/overlays/ett.png" in files(built)
    recorded = Inputs(Options(Path("templates")), "1.0").digest(variant, built.inputs)
    (project / "content" / "overlays" / "ett.png").write_bytes(photo.read_bytes()[:-1])
    assert now(variant, built) != recorded


def test_another_regions_file_is_not_in_the_hash(project: Path):
    variant = Variant(Path("content/deck.yaml"), "varmland")
    built = Pipeline(Options(Path("templates"))).build(variant, project / "output")
    before = now(variant, built)
    other = project / "content" / "regions" / "gotland.yaml"
    other.write_text(other.read_text("utf-8") + "\n# changed\n", encoding="utf-8")
    assert "content/regions/gotland.yaml" not in files(built)
    assert now(variant, built) == before


def test_a_recorded_file_outside_the_decks_folders_makes_the_deck_stale(project: Path):
    """A manifest edited by hand cannot make the rebuild check read another file."""
    variant = Variant(Path("content/deck.yaml"))
    inputs = Inputs(Options(Path("templates")), "1.0")
    assert inputs.now(variant, ["content/deck.yaml"]) is not None
    assert inputs.now(variant, ["/etc/passwd"]) is None
    assert inputs.now(variant, ["content/../../secret.env"]) is None


def test_a_file_larger_than_any_stage_reads_is_not_read_whole(project: Path):
    huge = project / "content" / "huge.bin"
    with huge.open("wb") as stream:
        stream.truncate(MAX_INPUT_BYTES + 1024)  # sparse: no disk is used
    assert len(read_input(huge, MAX_INPUT_BYTES, (project,))) == MAX_INPUT_BYTES + 1
    variant = Variant(Path("content/deck.yaml"))
    assert Inputs(Options(Path("templates")), "1.0").now(variant, ["content/huge.bin"]) == (
        Inputs(Options(Path("templates")), "1.0").digest(
            variant, [("content/huge.bin", "unreadable")]
        )
    )


def test_in_a_build_the_stages_load_the_bytes_that_the_hash_read(project: Path):
    from generator.source.load import load_yaml

    deck = project / "content" / "deck.yaml"
    variant = Variant(Path("content/deck.yaml"))
    roots = (project / "content",)
    with read_once():
        hashed = Inputs(Options(Path("templates")), "1.0").now(variant, ["content/deck.yaml"])
        deck.write_text(deck.read_text("utf-8").replace("Regionen i rörelse", "Ändrad"), "utf-8")
        assert load_yaml(deck, roots).data["title"] == "Regionen i rörelse"  # as hashed
    assert load_yaml(deck, roots).data["title"] == "Ändrad"
    again = Inputs(Options(Path("templates")), "1.0").now(variant, ["content/deck.yaml"])
    assert again != hashed


def test_which_deck_it_is_is_in_the_hash(project: Path):
    """Two decks that read the same files are not each other's: another content folder's
    national deck, or an overlay of the same name kept elsewhere."""
    inputs = Inputs(Options(Path("templates")), "1.0")
    shutil.copytree(project / "content", project / "other")
    other = Variant(Path("other/deck.yaml"))
    talk = Variant(Path("content/deck.yaml"), "dalarna", (Path("a/talk.yaml"),))
    moved = Variant(Path("content/deck.yaml"), "dalarna", (Path("b/talk.yaml"),))
    assert inputs.digest(NATIONAL, ()) != inputs.digest(other, ())
    assert inputs.digest(talk, ()) != inputs.digest(moved, ())
    assert inputs.digest(NATIONAL, ()) != inputs.digest(Variant(NATIONAL.content, "dalarna"), ())


def test_deckgens_own_code_is_in_the_hash(monkeypatch: pytest.MonkeyPatch):
    """A checkout that pulled new commits builds its decks again, though the version number
    stayed the same."""
    before = Inputs(Options(Path("templates")), "1.0").digest(NATIONAL, ())
    monkeypatch.setattr("generator.output.manifest.code_digest", lambda: "other code")
    assert Inputs(Options(Path("templates")), "1.0").digest(NATIONAL, ()) != before


def test_the_code_digest_reads_code_templates_and_fonts_not_caches(tmp_path: Path):
    package = tmp_path / "generator"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    first = folder_digest(str(package))
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "pipeline.cpython-311.pyc").write_bytes(b"compiled")
    (package / "notes.md").write_text("not code", encoding="utf-8")
    assert folder_digest(str(package)) == first
    page = package / "gallery" / "_page.html.j2"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert folder_digest(str(package)) != first
    assert code_digest() == folder_digest(str(ROOT / "generator"))

"""Shared fixtures: the project's own content and templates, and a scratch project to break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.app.cli import main
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content" / "deck.yaml"
TEMPLATES = ROOT / "templates"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default deck, built once for the whole session."""
    return (
        Pipeline(Options(TEMPLATES)).build(Variant(CONTENT), tmp_path_factory.mktemp("output")).path
    )


class Scratch:
    """A throwaway project folder with `content/deck.yaml`, run through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content" / "deck.yaml"
        self.output = root / "output"
        self.content.parent.mkdir(parents=True)

    def use(self, fixture: str) -> Scratch:
        shutil.copyfile(FIXTURES / fixture, self.content)
        return self

    def write(self, text: str) -> Scratch:
        self.content.write_text(text, encoding="utf-8")
        return self

    def run(self, *args: str, templates: Path = TEMPLATES) -> Result:
        return CliRunner().invoke(main, [*args, "--templates", str(templates)])

    def outputs(self) -> dict[str, bytes]:
        """Every file in the output folder, hidden ones too, with its bytes."""
        if not self.output.exists():
            return {}
        return {p.name: p.read_bytes() for p in sorted(self.output.iterdir())}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scratch:
    monkeypatch.chdir(tmp_path)
    return Scratch(tmp_path)


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "seed").is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): the seed text and validator live there")
    return SHARED


Builder = Callable[..., Path]


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The python-pptx half of the template corpus (tests/corpus.py), made once a session."""
    from . import corpus

    return corpus.made(tmp_path_factory.mktemp("corpus-made"))


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LibreOffice's templates as .pptx and .potx, converted once a session."""
    from . import corpus

    try:
        return corpus.libreoffice(tmp_path_factory.mktemp("corpus-lo"))
    except corpus.SofficeMissing as missing:
        pytest.skip(str(missing))

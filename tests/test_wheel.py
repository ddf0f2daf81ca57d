"""The wheel ships the whole package: built from the project's own files, installed into a
fresh virtual environment, its `deckgen build` and `deckgen check` work (a wheel that left out
a subpackage once shipped a `deckgen check` that crashed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="deckgen check measures overflow with LibreOffice (apt-get install libreoffice-impress)",
)


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the files a clean clone has: no caches, no egg-info."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "generator",
        source / "generator",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    dist = tmp_path_factory.mktemp("dist")
    built = _run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, source, cwd=source
    )
    assert built.returncode == 0, built.stderr
    (found,) = dist.glob("deckgen-*.whl")
    return found


def test_the_wheel_holds_every_module_and_template_of_the_package(wheel: Path):
    expected = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "generator").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("generator/")}
    assert shipped == expected


def test_the_installed_wheel_builds_and_checks_a_deck(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    installed = _run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "templates", project / "templates")
    deckgen = venv / "bin" / "deckgen"

    built = _run(deckgen, "build", cwd=project)
    assert (built.returncode, built.stdout) == (
        0,
        "wrote output/regionen-i-rorelse.pptx (9 slides)\n",
    ), built.stderr
    checked = _run(deckgen, "check", cwd=project)
    assert (checked.returncode, checked.stdout) == (
        0,
        "1 deck checked: 0 errors, 0 warnings\n",
    ), checked.stderr
    where = _run(
        venv / "bin" / "python", "-c", "import generator; print(generator.__file__)", cwd=project
    )
    assert where.stdout.startswith(str(venv))

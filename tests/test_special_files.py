"""Pipes and devices: a FIFO or a link to /dev/zero that a deck reads, and a pipe given as
`--overlay`, are refused with an error naming them, never waited on or read empty; one that
nothing names is never opened.

Each case runs deckgen in a subprocess with a timeout: before the fixes, the first two hung."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")

REFUSED = "not a regular file but {kind}: deckgen reads its inputs from regular files only"
SAVE = " (save what it holds as a file and name that)\n"
NOTHING = "deckgen: 1 error; nothing was written.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def deckgen(project: Path, *args: str, pass_fds: tuple[int, ...] = ()):
    output = ["--output", str(project / "output")] if args[0] == "build" else []
    return subprocess.run(
        [sys.executable, "-m", "generator", *args, *output],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        pass_fds=pass_fds,
    )


def refused(path: str, kind: str, advice: str = SAVE) -> str:
    return f"{path}: error: {REFUSED.format(kind=kind)}{advice}{NOTHING}"


def test_a_fifo_that_nothing_names_under_content_is_never_opened(project: Path):
    os.mkfifo(project / "content" / "stray.fifo")
    result = deckgen(project, "build")
    assert (result.returncode, result.stderr) == (0, "")
    assert (project / "output" / "regionen-i-rorelse.pptx").is_file()


def test_a_link_to_dev_zero_under_templates_that_nothing_names_is_never_opened(project: Path):
    os.symlink("/dev/zero", project / "templates" / "zero.yaml")
    result = deckgen(project, "build", "--all")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("22 written, 0 up to date, 0 failed\n")


def test_a_region_file_that_is_a_fifo_is_refused_not_waited_on(project: Path):
    os.mkfifo(project / "content" / "regions" / "fifo.yaml")
    result = deckgen(project, "build", "--region", "fifo")
    expected = refused("content/regions/fifo.yaml", "a pipe")
    assert (result.returncode, result.stderr) == (1, expected)
    assert not (project / "output").exists()


def test_a_photo_that_is_a_fifo_is_refused_at_its_line_not_called_missing(project: Path):
    overlays = project / "content" / "overlays"
    (overlays / "foto.yaml").write_text(
        "slides:\n  panel:\n    people:\n      - {name: Ett Namn, role: Roll, photo: ett.png}\n",
        "utf-8",
    )
    os.mkfifo(overlays / "ett.png")
    result = deckgen(project, "build", "--overlay", "content/overlays/foto.yaml")
    message = (
        "content/overlays/foto.yaml:4:45: error: slides.panel.people[0].photo: 'ett.png': "
        + REFUSED.format(kind="a pipe")
        + SAVE
    )
    assert (result.returncode, result.stderr) == (1, message + NOTHING)


@pytest.mark.parametrize("command", ["build", "validate"])
def test_an_overlay_given_as_a_pipe_is_refused_not_read_empty(project: Path, command: str):
    overlay = (project / "content" / "overlays" / "exempel.yaml").read_bytes()
    read, write = os.pipe()
    try:
        os.write(write, overlay)  # small enough for the pipe's buffer
        os.close(write)
        result = deckgen(project, command, "--overlay", f"/dev/fd/{read}", pass_fds=(read,))
    finally:
        os.close(read)
    assert (result.returncode, result.stderr) == (1, refused(f"/dev/fd/{read}", "a pipe"))
    assert not (project / "output").exists()

"""Pipes and devices: a FIFO or a link to /dev/zero under content/ or templates/, and a pipe
given as `--overlay`, are refused with an error naming them, never waited on or read empty.

Each case runs deckgen in a subprocess with a timeout: before the fix, the first two hung."""

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
MOVE = " (every file under the content and templates folders is an input: move it out)\n"
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


def test_a_fifo_that_nothing_names_under_content_is_refused_not_waited_on(project: Path):
    os.mkfifo(project / "content" / "stray.fifo")
    result = deckgen(project, "build")
    assert (result.returncode, result.stderr) == (1, refused("content/stray.fifo", "a pipe", MOVE))
    assert not (project / "output").exists()


def test_a_link_to_dev_zero_under_templates_is_refused_not_read_forever(project: Path):
    os.symlink("/dev/zero", project / "templates" / "zero.yaml")
    result = deckgen(project, "build", "--all")
    expected = refused("templates/zero.yaml", "a device", MOVE)
    assert (result.returncode, result.stderr) == (1, expected)
    assert not (project / "output").exists()


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

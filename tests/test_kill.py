"""A build killed with SIGKILL in the middle of writing leaves the previous deck and manifest as
they were: the save writes a temporary file beside the target and renames it over the target.

Each case builds the deck once, changes the content so that the next deck differs, and starts
`deckgen build --force` in a real process whose writes are slowed down: a small wrapper patches
`tempfile.mkstemp` and `os.fdopen` so that the write of the chosen file stops half-way (or, for
"rename", `os.replace` stops before the rename), touches a marker file and sleeps. The test
waits for the marker, kills the process with SIGKILL, and checks the folder.

What SIGKILL leaves behind: the temporary file it was writing, `.<name>.<random>.tmp` beside the
target (half the bytes, or all of them when killed before the rename). It is hidden, and no deck
or manifest reads it. The next save of the same target removes it once nobody holds its lock
and it is older than `save.STALE_SECONDS` (see `generator/save.py`); the tests age it to check.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from generator.app.cli import main
from generator.check.package import package
from generator.output import save

from .conftest import CONTENT, ROOT, TEMPLATES

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is a POSIX signal")

DECK = "regionen-i-rorelse.pptx"

#: Runs `deckgen` (the rest of argv) with the write of KILL_FILE slowed down: at KILL_WHEN
#: "write", the temporary file gets half its bytes, then the process sleeps; at "rename", it
#: sleeps before renaming the whole temporary file over the target. The marker file, written
#: just before the sleep, holds the temporary file's path.
WRAPPER = """\
import os, sys, tempfile, time
from pathlib import Path

marker = Path(os.environ["KILL_MARKER"])
wanted, when = os.environ["KILL_FILE"], os.environ["KILL_WHEN"]
names = {}
real_mkstemp, real_fdopen, real_replace = tempfile.mkstemp, os.fdopen, os.replace


def ours(name):
    return Path(name).name.startswith(f".{wanted}.") and str(name).endswith(".tmp")


def stop(name):
    marker.write_text(str(name))
    time.sleep(120)


def mkstemp(*args, **kwargs):
    handle, name = real_mkstemp(*args, **kwargs)
    names[handle] = name
    return handle, name


class HalfWritten:
    def __init__(self, stream, name):
        self.stream, self.name = stream, name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.stream.__exit__(*exc)

    def write(self, blob):
        self.stream.write(blob[: len(blob) // 2])
        self.stream.flush()
        os.fsync(self.stream.fileno())
        stop(self.name)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def fdopen(handle, *args, **kwargs):
    stream = real_fdopen(handle, *args, **kwargs)
    name = names.get(handle, "")
    return HalfWritten(stream, name) if when == "write" and ours(name) else stream


def replace(source, target, *args, **kwargs):
    if when == "rename" and ours(source):
        stop(source)
    return real_replace(source, target, *args, **kwargs)


tempfile.mkstemp, os.fdopen, os.replace = mkstemp, fdopen, replace
from generator.app.cli import main

main()
"""


def _build(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--content",
            str(root / "content" / "deck.yaml"),
            "--templates",
            str(TEMPLATES),
            "--output",
            str(root / "output"),
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _kill_while_writing(root: Path, file: str, when: str) -> tuple[str, list[str]]:
    """Start `deckgen build --force`, SIGKILL it while it writes `file`; return the temporary
    file it was writing and the hidden files left in the output folder."""
    marker = root / "marker"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "KILL_MARKER": str(marker),
        "KILL_FILE": file,
        "KILL_WHEN": when,
    }
    command = [sys.executable, "-c", WRAPPER, "build", "--force"]
    command += ["--content", "content/deck.yaml", "--templates", str(TEMPLATES)]
    process = subprocess.Popen(
        [*command, "--output", "output"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(
                    f"the build ended ({process.returncode}) before it wrote {file}:\n{out}{err}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"the build did not reach the write of {file} in 60 s")
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    hidden = sorted(p.name for p in (root / "output").iterdir() if p.name.startswith("."))
    return Path(marker.read_text()).name, hidden


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the content with the national deck and its manifest built once."""
    shutil.copytree(CONTENT.parent, tmp_path / "content")
    _build(tmp_path)
    deck = tmp_path / "content" / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    changed = text.replace("Presentera er själva", "Presentera er själva, kort,")
    assert changed != text
    deck.write_text(changed, encoding="utf-8")
    return tmp_path


def _age(path: Path) -> None:
    """Make `path` look older than `save.STALE_SECONDS`, as a leftover of a build long gone."""
    moment = time.time() - save.STALE_SECONDS - 60
    os.utime(path, (moment, moment))


def _assert_intact(output: Path) -> None:
    deck = output / DECK
    assert len(Presentation(str(deck)).slides) == 9
    assert [str(f) for f in package(deck) if f.severity == "error"] == []
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["decks"]["national"]["file"] == DECK


@pytest.mark.parametrize("when", ["write", "rename"])
def test_a_build_killed_while_writing_the_deck_leaves_the_previous_deck(
    project: Path, when: str
) -> None:
    output = project / "output"
    before = {name: (output / name).read_bytes() for name in (DECK, "manifest.json")}

    temporary, hidden = _kill_while_writing(project, DECK, when)

    assert temporary.startswith(f".{DECK}.")
    assert (output / DECK).read_bytes() == before[DECK]
    assert (output / "manifest.json").read_bytes() == before["manifest.json"]
    _assert_intact(output)
    assert hidden == [temporary]  # the killed build's temporary file (see the docstring)
    _age(output / temporary)

    assert _build(project).startswith("wrote ")  # the next build finishes the job
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == []
    assert (output / DECK).read_bytes() != before[DECK]
    _assert_intact(output)
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256((output / DECK).read_bytes()).hexdigest()
    assert manifest["decks"]["national"]["sha256"] == digest


@pytest.mark.parametrize("when", ["write", "rename"])
def test_a_build_killed_while_writing_the_manifest_leaves_the_previous_manifest(
    project: Path, when: str
) -> None:
    output = project / "output"
    before = {name: (output / name).read_bytes() for name in (DECK, "manifest.json")}

    temporary, hidden = _kill_while_writing(project, "manifest.json", when)

    assert temporary.startswith(".manifest.json.")
    assert (output / "manifest.json").read_bytes() == before["manifest.json"]
    # The new deck was renamed into place before the manifest was written: whole and valid.
    assert (output / DECK).read_bytes() != before[DECK]
    _assert_intact(output)
    assert hidden == [temporary]
    _age(output / temporary)
    # The old manifest does not vouch for the new deck, so the next build writes it again.
    manifest = json.loads(before["manifest.json"])
    digest = hashlib.sha256((output / DECK).read_bytes()).hexdigest()
    assert manifest["decks"]["national"]["sha256"] != digest

    assert _build(project).startswith("wrote ")
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == []
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["decks"]["national"]["sha256"] == digest
    assert _build(project).startswith("up to date ")

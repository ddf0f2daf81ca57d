"""Builds that run at the same time into one output folder: two `deckgen build --all --force`
processes, and `--all` shards side by side. Every deck they leave is whole and valid, and
`manifest.json` is valid JSON that records every deck with the sha256 of the file on disk.

Decks are byte-identical for identical input, so whichever process renames its deck last wins
and either is right. What must not happen: a half-written deck, a manifest that lost another
process's entries (a read-modify-write race), or a manifest that names the wrong bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from generator.check.package import package

from .conftest import CONTENT, ROOT, TEMPLATES

REGIONS = sorted(path.stem for path in (CONTENT.parent / "regions").glob("*.yaml"))
KEYS = sorted(["national", *REGIONS])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT.parent, tmp_path / "content")
    return tmp_path


def _together(root: Path, *runs: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start one `deckgen build` process per argument list at once; wait for all of them."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "generator", "build", "--content", "content/deck.yaml"]
    base += ["--templates", str(TEMPLATES), "--output", "output"]
    processes = [
        subprocess.Popen(
            [*base, *args],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    done = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def _assert_consistent(output: Path, *, validate: bool = True) -> None:
    """Every deck is whole (and, if `validate`, valid); the manifest records each one."""
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["decks"]
    assert sorted(entries) == KEYS
    decks = sorted(output.glob("*.pptx"))
    assert sorted(entry["file"] for entry in entries.values()) == [deck.name for deck in decks]
    for key, entry in entries.items():
        deck = output / entry["file"]
        assert entry["sha256"] == hashlib.sha256(deck.read_bytes()).hexdigest(), key
        assert len(Presentation(str(deck)).slides) == entry["slides"], key
        if validate:
            assert [str(f) for f in package(deck) if f.severity == "error"] == [], key
    leftovers = [p.name for p in output.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no process was killed: every temporary file was renamed


def test_two_builds_of_all_at_once_leave_valid_decks_and_a_whole_manifest(project: Path) -> None:
    first, second = _together(project, ["--all", "--force"], ["--all", "--force"])

    for run in (first, second):
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[-1] == "22 written, 0 up to date, 0 failed"
    assert len(list((project / "output").glob("*.pptx"))) == 22
    _assert_consistent(project / "output")


@pytest.mark.parametrize(
    "runs",
    [
        (["--all", "--force", "--shard", "1/2"], ["--all", "--force", "--shard", "2/2"]),
        (["--all", "--force"], ["--all", "--force", "--shard", "2/3"]),
    ],
    ids=["shards-1-and-2-of-2", "all-and-shard-2-of-3"],
)
def test_all_beside_another_shard_records_every_deck(
    project: Path, runs: tuple[list[str], ...]
) -> None:
    results = _together(project, *runs)

    for run in results:
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[-1].endswith(" up to date, 0 failed")
    _assert_consistent(project / "output", validate=False)  # the decks: see the test above

    again = _together(project, ["--all"])[0]  # and the manifest vouches for every deck
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert [line for line in lines[:-1] if not line.startswith("up to date")] == []
    assert lines[-1] == "0 written, 22 up to date, 0 failed"


def test_a_reader_that_goes_away_loses_no_deck(tmp_path: Path) -> None:
    """`deckgen build --all | head -1`: the lines after the first go nowhere, and every deck is
    still built and recorded (the manifest once kept only the decks reported before the pipe
    closed)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    deckgen = Path(sys.executable).parent / "deckgen"
    result = subprocess.run(
        f"'{deckgen}' build --all --force | head -n 1; echo \"status ${{PIPESTATUS[0]}}\"",
        shell=True,
        executable="/bin/bash",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (result.stdout.splitlines()[-1], result.stderr) == ("status 0", "")
    manifest = json.loads((tmp_path / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["decks"]) == 22
    assert len(list((tmp_path / "output").glob("*.pptx"))) == 22


def _start_all(root: Path, jobs: int = 2) -> subprocess.Popen[str]:
    """Start `deckgen build --all` in `jobs` processes and wait for its first deck."""
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    build = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "deckgen"),
            "build",
            "--all",
            "--force",
            "-j",
            str(jobs),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stdout is not None
    assert build.stdout.readline().startswith("wrote ")
    return build


@pytest.mark.parametrize("jobs", [2, 1])
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_stops_the_queue_and_records_every_deck_written(
    tmp_path: Path, signum: int, status: int, jobs: int
) -> None:
    build = _start_all(tmp_path, jobs)
    build.send_signal(signum)
    rest, errors = build.communicate(timeout=60)  # every worker has let go of standard output
    decks = sorted(path.name for path in (tmp_path / "output").glob("*.pptx"))
    manifest = json.loads((tmp_path / "output" / "manifest.json").read_text(encoding="utf-8"))
    recorded = sorted(entry["file"] for entry in manifest["decks"].values())
    assert (build.returncode, errors) == (status, "")
    assert rest.splitlines()[-1] == (
        f"interrupted: {len(decks)} written and recorded, the rest not started"
    )
    assert recorded == decks
    assert len(decks) < 22  # the queued decks were not started
    assert not list((tmp_path / "output").glob(".*.tmp"))


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    build = _start_all(tmp_path)
    build.kill()
    build.communicate(timeout=30)  # returns once no worker holds standard output open
    assert build.returncode == -signal.SIGKILL

"""Each class of failure has its own exit status, as `deckgen --help` lists them, so CI can
tell "your YAML" from "a tool is missing" from "deckgen crashed" (70: tests/test_cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pptx
import pytest
from click.testing import CliRunner

from generator.app.cli import main
from generator.errors import (
    EXIT_CONTENT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_TOOL,
    EXIT_USAGE,
)

from .conftest import Scratch

DECKGEN = Path(sys.executable).parent / "deckgen"
#: A PATH with Python but without LibreOffice or poppler.
NO_TOOLS = {"PATH": str(Path(sys.executable).parent)}


def test_the_codes_are_the_documented_ones():
    assert (EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_FINDINGS, EXIT_TOOL, EXIT_INTERNAL) == (
        0,
        1,
        2,
        3,
        4,
        70,
    )
    help_text = CliRunner().invoke(main, ["--help"]).stdout
    for line in (
        "0   success",
        "1   an error in the content, a region file, an overlay, a brand or a template",
        "2   a usage error: an unknown option, a missing argument, an empty --region",
        "3   deckgen check found problems at or above --fail-on",
        "4   an external tool (LibreOffice's soffice, poppler's pdftoppm) is missing or failed",
        "70  an internal error: a bug in deckgen (DECKGEN_TRACEBACK=1 shows where)",
    ):
        assert line in help_text


def test_success_is_0(scratch: Scratch):
    result = scratch.use("valid-minimal.yaml").run("validate")
    assert (result.exit_code, result.stdout) == (0, "content/deck.yaml: ok (2 slides)\n")


def test_a_content_error_is_1(scratch: Scratch):
    result = scratch.use("unknown-kind.yaml").run("build")
    assert result.exit_code == 1
    assert result.stderr.endswith("deckgen: 1 error; nothing was written.\n")


def test_a_usage_error_is_2(scratch: Scratch):
    result = scratch.use("valid-minimal.yaml").run("build", "--regoin", "varmland")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: No such option '--regoin'. Did you mean '--region'?\n")


def test_check_findings_are_3(scratch: Scratch, monkeypatch: pytest.MonkeyPatch):
    scratch.use("valid-minimal.yaml")
    assert scratch.run("build").exit_code == 0
    # Neither overflow nor the fonts can be measured: a warning each
    monkeypatch.setenv("PATH", NO_TOOLS["PATH"])
    lenient = scratch.run("check")
    strict = scratch.run("check", "--fail-on", "warning")
    assert (lenient.exit_code, strict.exit_code) == (0, 3)
    assert strict.stdout.splitlines()[-1] == "1 deck checked: 0 errors, 2 warnings"


def test_a_missing_tool_is_4_and_the_deck_is_still_written(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch
):
    scratch.use("valid-minimal.yaml")
    monkeypatch.setenv("PATH", NO_TOOLS["PATH"])
    result = scratch.run("build", "--pdf")
    assert result.exit_code == 4
    assert result.stdout == "wrote output/testdack.pptx (2 slides)\n"
    assert result.stderr == (
        "soffice: error: exporting decks to PDF needs LibreOffice's soffice: install it "
        "(apt-get install libreoffice-impress)\n"
        "deckgen: 1 error; the decks were written; their PDFs were not.\n"
    )
    assert (scratch.output / "testdack.pptx").is_file()


def test_ctrl_c_is_130_with_one_line_not_clicks_aborted(
    scratch: Scratch, monkeypatch: pytest.MonkeyPatch
):
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("generator.pipeline.Pipeline.plan", interrupted)
    result = scratch.use("valid-minimal.yaml").run("validate")
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr == "deckgen: interrupted\n"


@pytest.mark.skipif(not DECKGEN.exists(), reason=f"no deckgen script beside {sys.executable}")
@pytest.mark.parametrize("reader", ["head -n 1", "true"])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, reader: str):
    """`true` exits before deckgen writes, so every write meets a closed pipe."""
    template = Path(pptx.__file__).parent / "templates" / "default.pptx"
    result = subprocess.run(
        f"'{DECKGEN}' layouts '{template}' | {reader}; echo \"deckgen: $PIPESTATUS\"",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=os.environ,
    )
    first = f"{template.as_posix()}: 720 x 540 pt, 11 layouts\n" if reader != "true" else ""
    assert result.stdout in (first + "deckgen: 0\n", first + "deckgen: 1\n")
    assert result.stderr == ""

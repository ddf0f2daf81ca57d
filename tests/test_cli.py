"""The command line: help that teaches, a JSON Schema for editors, a build that says what it did."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.app.cli import main
from generator.content.models import SLIDE_MODELS

from .conftest import ROOT, Scratch


def test_help_lists_the_commands_with_an_example():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for line in (
        "deckgen build             write the deck to output/, named after its title",
        "build     Build decks: the national one, a region's, or all of them.",
        "validate  Check the content, brand and layouts without writing anything.",
        "schema    Print a content format as JSON Schema, for editors.",
    ):
        assert line in result.stdout


def test_the_schema_documents_each_key_and_every_kind():
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    kinds = schema["properties"]["slides"]["items"]["discriminator"]["mapping"]
    assert sorted(kinds) == sorted(SLIDE_MODELS)
    quote = schema["$defs"]["QuoteSlide"]
    assert quote["additionalProperties"] is False
    assert quote["properties"]["attribution"]["description"] == "Who said it: a name or a role."
    assert sorted(quote["required"]) == ["attribution", "id", "kind", "text"]


def test_build_says_where_the_deck_went(scratch: Scratch):
    result = scratch.use("valid-minimal.yaml").run("build")
    assert result.exit_code == 0
    assert result.stdout == "wrote output/testdack.pptx (2 slides)\n"
    assert list(scratch.outputs()) == ["manifest.json", "testdack.pptx"]


@pytest.mark.parametrize("kind", ["deck", "region", "overlay", "data"])
def test_the_committed_schemas_are_up_to_date(kind: str):
    committed = (ROOT / "content" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert CliRunner().invoke(main, ["schema", "--for", kind]).stdout == committed


def test_a_bug_is_one_line_without_a_traceback(scratch: Scratch, monkeypatch):
    import generator.pipeline

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.pipeline.Pipeline, "build", broken)
    monkeypatch.delenv("DECKGEN_TRACEBACK", raising=False)
    result = scratch.use("valid-minimal.yaml").run("build")
    assert result.exit_code == 70
    assert result.stderr == (
        "Error: internal error: RuntimeError: boom\n"
        "This is a bug in deckgen; run again with DECKGEN_TRACEBACK=1 to see where.\n"
    )


def test_validate_checks_every_variant(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", "--all"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 23
    assert lines[0] == "content/deck.yaml: ok (9 slides)"
    assert lines[-2] == "content/deck.yaml (vastra-gotaland): ok (10 slides)"
    assert lines[-1] == "22 decks valid"


def _commands() -> list[str]:
    return sorted(main.commands)  # type: ignore[attr-defined]


def test_help_shows_check_and_preview_in_typical_use_and_cuts_nothing_short():
    text = CliRunner().invoke(main, ["--help"]).stdout
    assert "deckgen check --all       read the built decks back" in text
    assert "deckgen preview --all     render them to PNG and write output/index.html" in text
    for command in _commands():
        assert "..." not in text.split(f"  {command}  ", 1)[1].splitlines()[0]


@pytest.mark.parametrize("command", _commands())
def test_each_commands_help_is_whole(command: str):
    text = CliRunner().invoke(main, [command, "--help"]).stdout
    usage, _, rest = text.partition("\n")
    assert "..." not in rest  # a group's usage line ends in click's own "COMMAND [ARGS]..."
    assert usage.startswith(f"Usage: main {command} ")


def test_the_overlay_in_builds_help_exists():
    text = CliRunner().invoke(main, ["build", "--help"]).stdout
    (example,) = [word for word in text.split() if word.startswith("content/overlays/")]
    assert (ROOT / example).is_file()


@pytest.mark.parametrize("region", ["", " "])
@pytest.mark.parametrize("command", ["build", "validate", "check", "preview"])
def test_an_empty_region_is_a_usage_error_not_the_national_deck(
    scratch: Scratch, command: str, region: str
):
    # CI that passes `--region "$REGION"` with REGION unset must not ship the national deck.
    scratch.use("valid-minimal.yaml")
    result = CliRunner().invoke(main, [command, "--region", region], prog_name="deckgen")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Usage: deckgen {command} [OPTIONS]\n"
        f"Try 'deckgen {command} --help' for help.\n\n"
        "Error: Invalid value for '--region': is empty; name a region, such as varmland, or "
        "leave --region out for the national deck\n"
    )
    assert result.stdout == ""
    assert not scratch.output.exists()


@pytest.mark.parametrize("command", [["schema"], ["logo", "SKR"]])
def test_a_file_that_cannot_be_written_is_an_error_not_a_bug(scratch: Scratch, command: list[str]):
    result = CliRunner().invoke(main, [*command, "-o", "missing/folder/file"])
    assert result.exit_code == 1
    assert result.stderr == (
        "missing/folder/file: error: cannot write: No such file or directory\n"
        "deckgen: 1 error; nothing was written.\n"
    )

"""Bad input: one line per problem at file:line:column, all of them, exit 1, nothing written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.content.models import SLIDE_MODELS

from .conftest import ROOT, TEMPLATES, Scratch

#: Every slide kind, as errors list them.
KNOWN_KINDS = ", ".join(sorted(SLIDE_MODELS))
SUMMARY_1 = "deckgen: 1 error; nothing was written.\n"
CASES = {
    "yaml-syntax-error.yaml": (
        "content/deck.yaml:3:13: error: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts at 2:10)\n"
    ),
    "unknown-kind.yaml": (
        "content/deck.yaml:11:11: error: slides[1].kind: unknown kind 'qoute'; did you mean "
        f"'quote'? (known: {KNOWN_KINDS})\n"
    ),
    "unknown-key.yaml": (
        "content/deck.yaml:10:5: error: slides[0].attributon: unknown key 'attributon'; did you "
        "mean 'attribution'? (allowed: attribution, hidden, id, kind, notes, only, text)\n"
    ),
    "wrong-type.yaml": (
        "content/deck.yaml:10:13: error: slides[0].people: expected a list, "
        "got text 'Eleonore Åkerlund'\n"
    ),
    "missing-field.yaml": (
        "content/deck.yaml:7:5: error: slides[0]: missing required field 'body'\n"
    ),
    "duplicate-id.yaml": (
        "content/deck.yaml:11:9: error: slides[1].id: duplicate slide id 'citat' "
        "(first used at content/deck.yaml:7:9)\n"
    ),
    "jinja-syntax-error.yaml": (
        "content/deck.yaml:9:12: error: slides[0].title: template syntax error: unexpected '}'\n"
    ),
    "undefined-variable.yaml": (
        "content/deck.yaml:9:12: error: slides[0].title: undefined variable: 'regoin' is "
        "undefined (available: deck.title, deck.subtitle, deck.authors, deck.speakers, "
        "deck.organisation, deck.language, deck.date, deck.brand, region (none in the national "
        "deck))\n"
    ),
    "pasted-quotes.yaml": (
        "content/deck.yaml:9:20: error: YAML syntax error: mapping values are not allowed here; "
        "the line has typographic quotes or dashes (“ ” –) pasted from a word processor, which "
        'YAML does not read as quotes: put the text in straight quotes ("...") or write it as a '
        "block scalar (>- and the text indented on the lines below)\n"
    ),
    "missing-image.yaml": (
        "content/deck.yaml:13:16: error: slides[0].people[0].photo: image file not found: "
        "'img/eleonore.png' (looked in content/)\n"
    ),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_bad_input_gives_one_exact_line_and_writes_nothing(scratch: Scratch, fixture: str):
    scratch.use("valid-minimal.yaml")
    assert scratch.run("build").exit_code == 0
    before = scratch.outputs()
    assert list(before) == ["manifest.json", "testdack.pptx"]

    result = scratch.use(fixture).run("build")

    assert result.exit_code == 1
    assert result.stderr == CASES[fixture] + SUMMARY_1
    assert result.stdout == ""
    assert scratch.outputs() == before


def test_every_problem_in_a_file_is_reported_in_one_run(scratch: Scratch):
    result = scratch.use("many-errors.yaml").run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/deck.yaml:6:1: error: colour: unknown key 'colour' (allowed: authors, brand, "
        "date, language, organisation, slides, speakers, subtitle, title)",
        "content/deck.yaml:9:11: error: slides[0].kind: unknown kind 'titel'; did you mean "
        f"'title'? (known: {KNOWN_KINDS})",
        "content/deck.yaml:14:5: error: slides[1].attributon: unknown key 'attributon'; did you "
        "mean 'attribution'? (allowed: attribution, hidden, id, kind, notes, only, text)",
        "content/deck.yaml:15:5: error: slides[2]: missing required field 'body'",
        "content/deck.yaml:15:9: error: slides[2].id: duplicate slide id 'citat' "
        "(first used at content/deck.yaml:11:9)",
        "deckgen: 5 errors; nothing was written.",
    ]


def test_validate_checks_without_writing(scratch: Scratch):
    result = scratch.use("valid-minimal.yaml").run("validate")
    assert result.exit_code == 0
    assert result.stdout == "content/deck.yaml: ok (2 slides)\n"
    assert not scratch.output.exists()


def test_an_unknown_brand_names_the_known_ones(scratch: Scratch):
    scratch.use("valid-minimal.yaml")
    scratch.write(scratch.content.read_text(encoding="utf-8").replace("brand: skr", "brand: skt"))
    result = scratch.run("build")
    assert result.exit_code == 1
    known = ", ".join(sorted(path.stem for path in (TEMPLATES / "brands").glob("*.yaml")))
    assert "skr, sormland" in known
    assert result.stderr.splitlines()[0] == (
        f"{TEMPLATES / 'brands' / 'skt.yaml'}: error: unknown brand 'skt'; "
        f"did you mean 'skr'? (known: {known})"
    )


def test_a_real_process_prints_no_traceback(scratch: Scratch):
    scratch.use("unknown-kind.yaml")
    process = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--templates", str(TEMPLATES)],
        capture_output=True,
        text=True,
        cwd=scratch.root,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert process.stderr == CASES["unknown-kind.yaml"] + SUMMARY_1


def test_a_bad_slide_id_and_link_say_what_is_allowed(scratch: Scratch):
    scratch.write(
        "title: T\nauthors: [A]\norganisation: SKR\ndate: 2026-01-01\nbrand: skr\nslides:\n"
        "  - id: Tack Så Mycket\n    kind: closing\n    message: Tack!\n"
        "    link: {url: 'file:///etc/passwd'}\n"
    )
    result = scratch.run("validate")
    assert result.stderr.splitlines()[:2] == [
        "content/deck.yaml:7:9: error: slides[0].id: expected up to 64 lower-case letters, "
        "digits and dashes, such as 'citat-1', got text 'Tack Så Mycket'",
        "content/deck.yaml:10:17: error: slides[0].link.url: expected an http, https or mailto "
        "address without spaces, '<' or '>', got text 'file:///etc/passwd'",
    ]


def test_a_link_with_angle_brackets_is_an_error_not_garbled_text(scratch: Scratch):
    scratch.write(
        "title: T\nauthors: [A]\norganisation: SKR\ndate: 2026-01-01\nbrand: skr\nslides:\n"
        "  - id: tack\n    kind: closing\n    message: Tack!\n"
        "    link: {url: 'https://x.se/a>b', text: Läs mer}\n"
    )
    result = scratch.run("validate")
    assert result.stderr.splitlines()[0] == (
        "content/deck.yaml:10:17: error: slides[0].link.url: expected an http, https or mailto "
        "address without spaces, '<' or '>', got text 'https://x.se/a>b'"
    )


def test_text_that_resolves_to_nothing_is_an_error(scratch: Scratch):
    scratch.use("valid-minimal.yaml")
    text = scratch.content.read_text(encoding="utf-8")
    scratch.write(text.replace('title: "{{ deck.title }}"', "title: \"{{ deck.subtitle or '' }}\""))
    result = scratch.run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        "content/deck.yaml:9:12: error: slides[0].title: expected text, got empty text, "
        "after resolving\n" + SUMMARY_1
    )


def test_limits_and_choices_are_said_in_deckgens_words_not_pydantics(scratch: Scratch):
    scratch.write(
        "title: ''\n"
        "authors: []\n"
        "organisation: SKR\n"
        "date: 1970-01-01\n"
        "brand: skr\n"
        "slides:\n"
        "  - id: start\n"
        "    kind: title\n"
        "    title: Start\n"
        "    only: both\n"
        "    hidden: maybe\n"
        "  - id: delar\n"
        "    kind: diagram\n"
        "    title: Delar\n"
        "    core: Kärna\n"
        "    parts: [{title: En, text: Ett}]\n"
    )
    result = scratch.run("validate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/deck.yaml:1:8: error: title: expected text, got empty text",
        "content/deck.yaml:2:10: error: authors: expected at least 1 item, got 0",
        "content/deck.yaml:4:7: error: date: expected a date on or after 1980-01-01, "
        "got the date 1970-01-01",
        "content/deck.yaml:10:11: error: slides[0].only: unknown value 'both' "
        "(allowed: national, region)",
        "content/deck.yaml:11:13: error: slides[0].hidden: expected true or false, "
        "got text 'maybe'",
        "content/deck.yaml:16:12: error: slides[1].parts: expected at least 2 items, got 1",
        "deckgen: 6 errors; nothing was written.",
    ]
    assert "should" not in result.stderr  # pydantic's "Input should be ..."


def test_a_number_for_a_date_asks_for_a_date(scratch: Scratch):
    text = (ROOT / "tests" / "fixtures" / "valid-minimal.yaml").read_text(encoding="utf-8")
    scratch.write(text.replace("date: 2026-01-15", "date: 5"))
    result = scratch.run("validate")
    assert result.stderr.splitlines() == [
        "content/deck.yaml:4:7: error: date: expected a date (YYYY-MM-DD), got a number 5",
        "deckgen: 1 error; nothing was written.",
    ]


def test_typographic_quotes_and_dashes_inside_straight_quotes_are_text(scratch: Scratch):
    result = scratch.use("quoted-typographic.yaml").run("validate")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "content/deck.yaml: ok (2 slides)\n"


FACTS = (
    "title: T\nauthors: [A]\norganisation: SKR\ndate: 2026-01-01\nbrand: skr\nslides:\n"
    "  - {{id: fakta, kind: facts, title: F, lead: L, figures: [{{value: {}, label: tid}}]}}\n"
)


@pytest.mark.parametrize(
    ("written", "got"),
    [("290", "a number 290"), ("020", "a number 20"), ("true", "true/false True")],
)
def test_a_number_where_text_belongs_says_to_quote_it(scratch: Scratch, written: str, got: str):
    result = scratch.write(FACTS.format(written)).run("validate")
    assert result.stderr.splitlines()[0] == (
        "content/deck.yaml:7:67: error: slides[0].figures[0].value: expected text, got "
        f"{got}; put it in quotes to keep it as text"
    )


@pytest.mark.parametrize("written", ["1:30", "no", "on", "yes", "off"])
def test_a_time_or_a_word_where_text_belongs_is_text_as_written(scratch: Scratch, written: str):
    """YAML 1.1 read these as 90 (base 60) and booleans; the 1.2 core schema reads them as text."""
    result = scratch.write(FACTS.format(written)).run("validate")
    assert (result.exit_code, result.stderr) == (0, "")

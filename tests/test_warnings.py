"""Warnings: merges that are allowed but rarely meant. Each names the overlay's file, line and
column; the CLI prints them on standard error, once per command, and they leave the exit status
alone."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from generator.app.report import Reporter
from generator.errors import Diagnostic, warning
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

from .conftest import CONTENT, TEMPLATES, Scratch

KEEP = "list every entry the deck should keep"
NATIONAL = "so the national deck leaves it out and this change is not in it"


def warnings(tmp_path: Path, *overlays: str, region: str | None = None) -> list[str]:
    """Plan the project's deck with `overlays` (YAML texts) as talk1.yaml, talk2.yaml, ...;
    return its warnings as printed, with tmp_path as TMP."""
    paths = []
    for number, text in enumerate(overlays, start=1):
        path = tmp_path / f"talk{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    ready = Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, region, tuple(paths)))
    return [str(d).replace(str(tmp_path), "TMP") for d in ready.warnings]


ONE_PANELIST = "slides:\n  panel:\n    people:\n      - {name: Elsmari Julin, role: Moderator}\n"


def test_a_diagnostic_says_whether_it_is_an_error_or_a_warning():
    assert str(Diagnostic("a.yaml", 4, 5, "m")) == "a.yaml:4:5: error: m"
    assert str(Diagnostic("a.yaml", 4, 5, "m", "warning")) == "a.yaml:4:5: warning: m"
    assert str(warning(Diagnostic("a.yaml", None, None, "m"))) == "a.yaml: warning: m"


def test_a_list_an_overlay_shortens_warns_and_names_the_entries_it_drops(tmp_path: Path):
    assert warnings(tmp_path, ONE_PANELIST) == [
        "TMP/talk1.yaml:4:7: warning: slides.panel.people: 1 entry replaces the deck's 2, so "
        f"'Eleonore Åkerlund' is dropped; {KEEP}"
    ]


def test_a_shortened_list_in_the_decks_metadata_warns_too(tmp_path: Path):
    assert warnings(tmp_path, "deck:\n  authors: [Anna Andersson]\n") == [
        "TMP/talk1.yaml:2:12: warning: deck.authors: 1 entry replaces the deck's 2, so "
        f"'Linda Nordberg' and 'Lisa Lindell' are dropped; {KEEP}"
    ]


def test_the_count_is_the_decks_as_merged_so_far(tmp_path: Path):
    three = "slides:\n  panel:\n    people:\n      - {name: A, role: R}\n" + (
        "      - {name: B, role: R}\n      - {name: C, role: R}\n"
    )
    two = "slides:\n  panel:\n    people: [{name: A, role: R}, {name: B, role: Ny}]\n"
    assert warnings(tmp_path, three, two) == [
        "TMP/talk2.yaml:3:13: warning: slides.panel.people: 2 entries replace the deck's 3, so "
        f"'C' is dropped; {KEEP}"
    ]


def test_entries_listed_twice_are_counted_when_none_is_missing(tmp_path: Path):
    twice = "deck:\n  speakers: [Anna, Anna]\n"
    assert warnings(tmp_path, twice, "deck:\n  speakers: [Anna]\n") == [
        "TMP/talk2.yaml:2:13: warning: deck.speakers: 1 entry replaces the deck's 2, so 1 of "
        f"its entries is dropped; {KEEP}"
    ]


@pytest.mark.parametrize(
    "overlay",
    [
        "slides:\n  panel:\n    people: [{name: A, role: R}, {name: B, role: R}]\n",
        "slides:\n  panel:\n    people: [{name: A, role: R}, {name: B, role: R}, "
        "{name: C, role: R}]\n",
        "deck:\n  subtitle: null\n  speakers: [Anna]\n",
        "slides:\n  panel:\n    kind: panel\n    title: Ny\n    people: [{name: A, role: R}]\n",
    ],
    ids=["as-many", "more", "null-and-new-list", "whole-slide"],
)
def test_lists_that_keep_their_length_or_grow_and_whole_slides_do_not_warn(
    tmp_path: Path, overlay: str
):
    assert warnings(tmp_path, overlay) == []


def test_a_change_to_a_region_only_slide_warns_in_the_national_deck(tmp_path: Path):
    overlay = "slides:\n  regionen:\n    title: Hej\nhide: [regionen]\nnotes:\n  regionen: Extra.\n"
    assert warnings(tmp_path, overlay) == [
        f"TMP/talk1.yaml:2:3: warning: slides.regionen: slide 'regionen' is marked "
        f"'only: region', {NATIONAL}",
        f"TMP/talk1.yaml:4:8: warning: hide[0]: slide 'regionen' is marked 'only: region', "
        f"{NATIONAL}",
        f"TMP/talk1.yaml:6:3: warning: notes.regionen: slide 'regionen' is marked "
        f"'only: region', {NATIONAL}",
    ]
    assert warnings(tmp_path, overlay, region="varmland") == []


def test_a_change_to_a_national_only_slide_warns_in_a_regions_deck(tmp_path: Path):
    added = (
        "slides:\n  nationellt:\n    kind: statement\n    title: Hela landet\n"
        "    body: Alla regioner.\n    only: national\n    after: title\n"
    )
    edit = "slides:\n  nationellt:\n    title: Hela Sverige\n"
    assert warnings(tmp_path, added, edit, region="varmland") == [
        "TMP/talk2.yaml:2:3: warning: slides.nationellt: slide 'nationellt' is marked "
        "'only: national', so a region's deck leaves it out and this change is not in it"
    ]
    assert warnings(tmp_path, added, edit) == []


def test_an_overlay_that_sets_only_or_drops_the_slide_itself_is_not_warned(tmp_path: Path):
    assert warnings(tmp_path, "slides:\n  panel:\n    only: region\n") == []
    assert warnings(tmp_path, "drop: [regionen]\n") == []


@pytest.fixture
def project(scratch: Scratch) -> Scratch:
    """A copy of the project's content with an overlay that drops a panelist and adds a note
    to the region-only slide, in content/overlays/talk.yaml."""
    shutil.copytree(CONTENT.parent, scratch.content.parent, dirs_exist_ok=True)
    talk = scratch.content.parent / "overlays" / "talk.yaml"
    talk.write_text(ONE_PANELIST + "notes:\n  regionen: Extra.\n", encoding="utf-8")
    return scratch


PANEL = (
    "content/overlays/talk.yaml:4:7: warning: slides.panel.people: 1 entry replaces the deck's "
    f"2, so 'Eleonore Åkerlund' is dropped; {KEEP}\n"
)
REGIONEN = (
    "content/overlays/talk.yaml:6:3: warning: notes.regionen: slide 'regionen' is marked "
    f"'only: region', {NATIONAL}\n"
)


def test_build_prints_the_warnings_on_stderr_and_succeeds(project: Scratch):
    result = project.run("build", "--overlay", "content/overlays/talk.yaml")
    assert result.exit_code == 0
    assert result.stdout == "wrote output/regionen-i-rorelse--talk.pptx (9 slides)\n"
    assert result.stderr == PANEL + REGIONEN


def test_validate_prints_the_warnings_on_stderr_and_succeeds(project: Scratch):
    result = project.run(
        "validate", "--region", "varmland", "--overlay", "content/overlays/talk.yaml"
    )
    assert result.exit_code == 0
    assert result.stdout == "content/deck.yaml (varmland+talk): ok (11 slides)\n"
    assert result.stderr == PANEL


def test_build_all_reports_each_warning_once_from_the_worker_processes(project: Scratch):
    args = ("build", "--all", "--jobs", "2", "--overlay", "content/overlays/talk.yaml")
    result = project.run(*args)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "22 written, 0 up to date, 0 failed"
    assert result.stderr == PANEL + REGIONEN
    again = project.run(*args)
    assert again.stdout.splitlines()[-1] == "0 written, 22 up to date, 0 failed"
    assert again.stderr == ""  # an up-to-date deck is not planned again


def test_validate_all_reports_each_warning_once(project: Scratch):
    result = project.run("validate", "--all", "--overlay", "content/overlays/talk.yaml")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "22 decks valid"
    assert result.stderr == PANEL + REGIONEN


def test_warnings_wait_under_a_progress_bar_until_it_is_taken_down(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    report = Reporter()
    found = warning(Diagnostic("a.yaml", 4, 5, "m"))
    report.start(2, "building")
    report.warnings([found, found])
    assert capsys.readouterr().err == ""
    report.stop()
    report.warnings([found])
    assert capsys.readouterr().err == "a.yaml:4:5: warning: m\n"

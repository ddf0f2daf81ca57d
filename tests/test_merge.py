"""Overlays and region files: one test per merge rule, and the one-line error of a bad overlay."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from generator.errors import DeckgenError, display_path
from generator.pipeline import Pipeline, Plan
from generator.source.variant import Options, Variant

from .conftest import CONTENT, ROOT, TEMPLATES, Scratch

BASE_IDS = [
    "title",
    "vad-handlar-det-om",
    "uppdraget",
    "panel",
    "citat-omstallning",
    "citat-trygghet",
    "citat-legitimitet",
    "citat-uthallighet",
    "tack",
]


def plan(tmp_path: Path, overlay: str | None = None, region: str | None = None) -> Plan:
    """Plan the project's deck with `overlay` (YAML text) written to tmp_path/talk.yaml."""
    overlays: tuple[Path, ...] = ()
    if overlay is not None:
        path = tmp_path / "talk.yaml"
        path.write_text(overlay, encoding="utf-8")
        overlays = (path,)
    return Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, region, overlays))


def errors(tmp_path: Path, overlay: str, region: str | None = None) -> list[str]:
    with pytest.raises(DeckgenError) as caught:
        plan(tmp_path, overlay, region)
    return [str(d).replace(str(tmp_path), "TMP") for d in caught.value.diagnostics]


def ids(ready: Plan) -> list[str]:
    return [slide.id for slide in ready.deck.slides]


def slide(ready: Plan, slide_id: str):  # noqa: ANN201 - a slide model of any kind
    return next(s for s in ready.deck.slides if s.id == slide_id)


def test_the_national_deck_leaves_out_region_only_slides_and_text(tmp_path: Path):
    ready = plan(tmp_path)
    assert ids(ready) == BASE_IDS
    assert slide(ready, "title").kicker is None
    assert slide(ready, "tack").contact is None


def test_a_region_adds_its_facts_slide_its_name_and_its_contact(tmp_path: Path):
    ready = plan(tmp_path, region="varmland")
    # Värmland's county has every municipality's population: its file adds their chart.
    assert ids(ready) == [*BASE_IDS[:3], "regionen", "kommuner", *BASE_IDS[3:]]
    facts = slide(ready, "regionen")
    assert facts.title == "Region Värmland"
    assert facts.lead.startswith("I Region Värmland samverkar vi med länets 16 kommuner, ")
    # the county's population, read from content/data, and its municipalities
    population, municipalities = facts.figures
    assert (population.data.total, population.label) == (283548, "invånare i Värmlands län")
    assert population.data.source == "SCB, Folkmängd 31 december 2023, via Regionfakta"
    assert (municipalities.value, municipalities.label) == ("16", "kommuner i länet")
    # the region speaks: the byline names it, so the kicker does not name it again
    assert (slide(ready, "title").kicker, slide(ready, "title").byline) == (None, "Region Värmland")
    assert slide(ready, "tack").contact is None  # Värmland's file names no contact
    assert ready.brand.name == "Region Värmland"


def test_the_closing_slide_names_a_contact_only_where_the_region_file_sets_one(tmp_path: Path):
    """No placeholder-like "Kontakt: Region X, regional utveckling" where there is none."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT.parent, content)
    region = content / "regions" / "varmland.yaml"
    text = region.read_text(encoding="utf-8")
    assert "  # contact: " in text
    region.write_text(
        text.replace("  # contact: ", "  contact: regional.utveckling@example.se\n  # "),
        encoding="utf-8",
    )
    ready = Pipeline(Options(TEMPLATES)).plan(Variant(content / "deck.yaml", "varmland"))
    assert slide(ready, "tack").contact == "Kontakt: regional.utveckling@example.se"


def test_gotland_is_both_municipality_and_region(tmp_path: Path):
    """Region Gotland is the municipality: it has no municipalities to work with (issue 13)."""
    facts = slide(plan(tmp_path, region="gotland"), "regionen")
    assert facts.lead == (
        "Region Gotland är både kommun och region. Vi samverkar med lärosäten, staten,"
        " näringslivet och civilsamhället för att driva det regionala utvecklingsuppdraget."
    )
    others = slide(plan(tmp_path, region="varmland"), "regionen")
    assert others.lead.startswith("I Region Värmland samverkar vi med länets 16 kommuner, lär")
    assert (facts.figures[1].value, facts.figures[1].label) == ("1", "kommun i länet")


def test_deck_metadata_merges_deeply_and_null_removes_a_key(tmp_path: Path):
    ready = plan(tmp_path, "deck:\n  speakers: [Anna Andersson, Per Persson]\n  subtitle: null\n")
    title = slide(ready, "title")
    assert title.byline == "Anna Andersson och Per Persson, SKR"
    assert title.subtitle is None
    assert ready.deck.authors == ["Linda Nordberg", "Lisa Lindell"]  # untouched


def test_a_slide_entry_without_kind_merges_into_the_slide(tmp_path: Path):
    ready = plan(tmp_path, "slides:\n  uppdraget:\n    title: Vårt uppdrag\n")
    diagram = slide(ready, "uppdraget")
    assert diagram.title == "Vårt uppdrag"
    assert diagram.core == "Ett komplext **OCH** demokratiskt hållbarhetsuppdrag"
    assert len(diagram.parts) == 4
    assert ids(ready) == BASE_IDS


def test_lists_in_a_slide_entry_replace_the_list(tmp_path: Path):
    overlay = "slides:\n  panel:\n    people:\n      - {name: Eva Exempel, role: Moderator}\n"
    panel = slide(plan(tmp_path, overlay), "panel")
    assert [person.name for person in panel.people] == ["Eva Exempel"]
    assert panel.title.startswith("Hur styr, leder")


def test_a_slide_entry_with_kind_replaces_the_whole_slide(tmp_path: Path):
    overlay = "slides:\n  panel:\n    kind: statement\n    title: Samtal\n    body: Fritt samtal.\n"
    ready = plan(tmp_path, overlay)
    assert ids(ready) == BASE_IDS
    replaced = slide(ready, "panel")
    assert (replaced.kind, replaced.title, replaced.notes) == ("statement", "Samtal", None)


def test_a_new_slide_goes_after_or_before_the_slide_it_names(tmp_path: Path):
    overlay = (
        "slides:\n"
        "  paus:\n    kind: statement\n    title: Paus\n    body: Tio minuter.\n"
        "    after: panel\n"
        "  agenda:\n    kind: statement\n    title: Agenda\n    body: Tre delar.\n"
        "    before: vad-handlar-det-om\n"
    )
    assert ids(plan(tmp_path, overlay)) == [
        "title",
        "agenda",
        "vad-handlar-det-om",
        "uppdraget",
        "panel",
        "paus",
        *BASE_IDS[4:],
    ]


def test_drop_leaves_slides_out(tmp_path: Path):
    ready = plan(tmp_path, "drop: [panel, citat-trygghet]\n")
    assert ids(ready) == [i for i in BASE_IDS if i not in ("panel", "citat-trygghet")]


def test_hide_keeps_the_slide_but_skips_it_in_the_show(scratch: Scratch):
    shutil.copytree(ROOT / "content" / "regions", scratch.content.parent / "regions")
    shutil.copyfile(CONTENT, scratch.content)
    talk = scratch.content.parent / "overlays" / "talk.yaml"
    talk.parent.mkdir()
    talk.write_text("hide: [panel]\n", encoding="utf-8")
    result = scratch.run("build", "--overlay", str(talk))
    assert result.exit_code == 0, result.stderr

    deck_path = scratch.output / "regionen-i-rorelse--talk.pptx"
    prs = Presentation(str(deck_path))
    shown = [s._element.get("show") for s in prs.slides]
    assert shown == [None, None, None, "0", None, None, None, None, None]
    with zipfile.ZipFile(deck_path) as deck:
        assert b"<HiddenSlides>1</HiddenSlides>" in deck.read("docProps/app.xml")


def test_quotes_picks_orders_and_adds_quotes_where_the_first_quote_stood(tmp_path: Path):
    overlay = (
        "quotes: [citat-uthallighet, mitt-citat, citat-omstallning]\n"
        "slides:\n"
        "  mitt-citat:\n    kind: quote\n    text: ”Eget citat.”\n    attribution: Talare\n"
    )
    ready = plan(tmp_path, overlay)
    assert ids(ready) == [
        *BASE_IDS[:4],
        "citat-uthallighet",
        "mitt-citat",
        "citat-omstallning",
        "tack",
    ]
    assert slide(ready, "mitt-citat").text == "”Eget citat.”"


def test_notes_add_a_paragraph_after_the_slides_own(tmp_path: Path):
    ready = plan(tmp_path, "notes:\n  panel: Fråga publiken först.\n  uppdraget: Ny anteckning.\n")
    assert slide(ready, "panel").notes == (
        "Låt panelen presentera sig innan frågan ställs.\n\nFråga publiken först."
    )
    assert slide(ready, "uppdraget").notes == "Ny anteckning."


def test_overlays_apply_after_the_region_and_in_order(tmp_path: Path):
    first = tmp_path / "first.yaml"
    second = tmp_path / "second.yaml"
    first.write_text("slides:\n  regionen:\n    title: Första\n", encoding="utf-8")
    second.write_text("slides:\n  regionen:\n    title: Andra\n", encoding="utf-8")
    ready = Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, "skane", (first, second)))
    assert slide(ready, "regionen").title == "Andra"
    assert slide(ready, "regionen").lead.startswith("I Region Skåne samverkar vi med länets 33")


def test_an_unknown_slide_id_names_it_at_its_line(tmp_path: Path):
    assert errors(tmp_path, "deck:\n  speakers: [A]\nslides:\n  panle:\n    title: X\n") == [
        "TMP/talk.yaml:4:3: error: slides.panle: unknown slide id 'panle'; did you mean "
        "'panel'? (known: citat-legitimitet, citat-omstallning, citat-trygghet, "
        "citat-uthallighet, panel, regionen, tack, title, uppdraget, vad-handlar-det-om)"
    ]


def test_an_unknown_quote_id_names_it_at_its_line(tmp_path: Path):
    assert errors(tmp_path, "quotes:\n  - citat-trygghet\n  - citat-trygghe\n") == [
        "TMP/talk.yaml:3:5: error: quotes[1]: unknown slide id 'citat-trygghe'; did you mean "
        "'citat-trygghet'? (known: citat-legitimitet, citat-omstallning, citat-trygghet, "
        "citat-uthallighet, panel, regionen, tack, title, uppdraget, vad-handlar-det-om)"
    ]


def test_a_quote_id_that_is_not_a_quote_is_an_error(tmp_path: Path):
    assert errors(tmp_path, "quotes: [panel]\n") == [
        "TMP/talk.yaml:1:10: error: quotes[0]: 'panel' is a panel slide, not a quote (quotes: "
        "citat-omstallning, citat-trygghet, citat-legitimitet, citat-uthallighet)"
    ]


def test_unknown_ids_in_drop_hide_and_notes_are_errors(tmp_path: Path):
    overlay = "drop: [tak]\nhide: [titel]\nnotes:\n  paneler: Hej.\n"
    known = (
        "(known: citat-legitimitet, citat-omstallning, citat-trygghet, citat-uthallighet, "
        "panel, regionen, tack, title, uppdraget, vad-handlar-det-om)"
    )
    assert errors(tmp_path, overlay) == [
        f"TMP/talk.yaml:1:8: error: drop[0]: unknown slide id 'tak'; did you mean 'tack'? {known}",
        f"TMP/talk.yaml:2:8: error: hide[0]: unknown slide id 'titel'; did you mean 'title'? "
        f"{known}",
        f"TMP/talk.yaml:4:3: error: notes.paneler: unknown slide id 'paneler'; did you mean "
        f"'panel'? {known}",
    ]


def test_a_new_slide_without_a_place_is_an_error(tmp_path: Path):
    overlay = "slides:\n  extra:\n    kind: statement\n    title: X\n    body: Y\n"
    assert errors(tmp_path, overlay) == [
        "TMP/talk.yaml:2:3: error: slides.extra: new slide 'extra' needs a place: add "
        "'after: <id>' or 'before: <id>', or list it under 'quotes'"
    ]


def test_an_unknown_key_in_an_overlay_is_one_line(tmp_path: Path):
    assert errors(tmp_path, "speakers: [Anna]\n") == [
        "TMP/talk.yaml:1:1: error: speakers: unknown key 'speakers' (allowed: deck, drop, "
        "hide, notes, quotes, slides)"
    ]


def test_an_error_in_merged_content_points_at_the_overlay(tmp_path: Path):
    overlay = "slides:\n  tack:\n    link: {url: 'ftp://example.org'}\n"
    assert errors(tmp_path, overlay) == [
        "TMP/talk.yaml:3:17: error: slides.tack.link.url: expected an http, https or mailto "
        "address without spaces, '<' or '>', got text 'ftp://example.org'"
    ]


def test_an_error_in_a_new_slide_names_it_by_id_as_the_overlay_does(tmp_path: Path):
    overlay = (
        "quotes: [eget]\nslides:\n  eget:\n    kind: quote\n    text: ”Citat”\n"
        "    attribution: Källa\n    colour: red\n"
    )
    assert errors(tmp_path, overlay) == [
        "TMP/talk.yaml:7:5: error: slides.eget.colour: unknown key 'colour' (allowed: "
        "attribution, hidden, id, kind, notes, only, text)"
    ]


def test_a_null_that_removes_a_required_field_is_blamed_on_its_own_line(tmp_path: Path):
    # The deck file has the panel's title and people; the overlay's `null`s removed them, so
    # the errors stand at those lines, not at the deck file's slide.
    overlay = "slides:\n  panel:\n    title: null\n    people: null\ndeck:\n  title: null\n"
    assert errors(tmp_path, overlay) == [
        "TMP/talk.yaml:3:5: error: slides.panel.title: a required field, which `null` cannot "
        "remove: give it a value",
        "TMP/talk.yaml:4:5: error: slides.panel.people: a required field, which `null` cannot "
        "remove: give it a value",
        "TMP/talk.yaml:6:3: error: deck.title: a required field, which `null` cannot remove: "
        "give it a value",
    ]


def test_a_key_given_again_after_a_null_is_not_blamed_on_the_null(tmp_path: Path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("slides:\n  panel:\n    people: null\n", encoding="utf-8")
    second.write_text(
        "slides:\n  panel:\n    people:\n      - {name: Anna Andersson}\n", encoding="utf-8"
    )
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, None, (first, second)))
    assert [str(d).replace(str(tmp_path), "TMP") for d in caught.value.diagnostics] == [
        "TMP/b.yaml:4:9: error: slides.panel.people[0]: missing required field 'role'"
    ]


def test_metadata_an_overlay_sets_is_named_as_the_overlay_writes_it(tmp_path: Path):
    overlay = "deck:\n  title: ''\n  authors: []\n"
    assert errors(tmp_path, overlay) == [
        "TMP/talk.yaml:2:10: error: deck.title: expected text, got empty text",
        "TMP/talk.yaml:3:12: error: deck.authors: expected at least 1 item, got 0",
    ]


def test_region_facts_are_undefined_in_the_national_deck(tmp_path: Path):
    overlay = "slides:\n  tack:\n    message: Tack från {{ region.name }}!\n"
    [line] = errors(tmp_path, overlay)
    assert line.startswith(
        "TMP/talk.yaml:3:14: error: slides.tack.message: undefined variable: 'None' has no "
        "attribute 'name'; the national deck has no region: guard the text with "
        "{% if region %} or mark the slide `only: region` (available: deck.title,"
    )


def test_an_unknown_region_names_the_known_ones(tmp_path: Path):
    with pytest.raises(DeckgenError) as caught:
        plan(tmp_path, region="varmlnd")
    [problem] = caught.value.diagnostics
    assert problem.message.startswith(
        "unknown region 'varmlnd'; did you mean 'varmland'? (known: blekinge, dalarna,"
    )
    assert problem.file == display_path(ROOT / "content" / "regions") + "/"
    assert problem.message.endswith("vastmanland, vastra-gotaland)")


def test_the_example_overlay_builds_on_a_region(tmp_path: Path):
    example = ROOT / "content" / "overlays" / "exempel.yaml"
    ready = Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, "dalarna", (example,)))
    assert ids(ready)[5:9] == ["panel", "citat-uthallighet", "eget-citat", "citat-legitimitet"]
    assert slide(ready, "panel").hidden is True
    assert slide(ready, "title").byline == "Förnamn Efternamn, Region Dalarna"


def _talk_with_a_photo(folder: Path) -> Path:
    """A speaker's overlay that puts themself on the panel, with a photo beside the file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "anna.png").write_bytes((TEMPLATES / "brands" / "logos" / "skr.png").read_bytes())
    path = folder / "talk.yaml"
    path.write_text(
        "slides:\n  panel:\n    people:\n      - name: Anna Andersson\n"
        "        role: Regionutvecklare\n        photo: anna.png\n        alt: Anna\n",
        encoding="utf-8",
    )
    return path


def test_an_overlay_outside_the_content_folder_is_told_where_its_photo_must_go(tmp_path: Path):
    talk = _talk_with_a_photo(tmp_path)
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(TEMPLATES)).plan(Variant(CONTENT, None, (talk,)))
    content, templates = display_path(CONTENT.parent), display_path(TEMPLATES)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{display_path(talk)}:6:16: error: slides.panel.people[0].photo: 'anna.png' leads outside "
        f"{content}/ or {templates}/ (images must lie there, and so must a file that names "
        f"them: move this file and its images under {content}/, such as {content}/overlays/)"
    ]


def test_an_overlay_in_the_content_folder_can_use_a_photo_beside_it(tmp_path: Path):
    shutil.copytree(CONTENT.parent, tmp_path / "content")
    talk = _talk_with_a_photo(tmp_path / "content" / "overlays")
    content = tmp_path / "content" / "deck.yaml"
    ready = Pipeline(Options(TEMPLATES)).plan(Variant(content, None, (talk,)))
    panel = slide(ready, "panel")
    assert [person.name for person in panel.people] == ["Anna Andersson"]
    assert [person.photo for person in panel.people] == [str(talk.parent / "anna.png")]


def test_an_error_after_a_left_out_slide_names_the_slides_place_in_the_deck_file(
    tmp_path: Path,
):
    # The national deck leaves out the region-only slide 3, so `tack` is 9th in the file and
    # 8th in the deck; the error must name the file's place.
    shutil.copytree(CONTENT.parent, tmp_path / "content")
    deck = tmp_path / "content" / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    message = "    message: Tack för oss!\n"
    assert message in text
    deck.write_text(text.replace(message, "    message: '{{ nope }}'\n"), encoding="utf-8")
    line = deck.read_text(encoding="utf-8").splitlines().index("    message: '{{ nope }}'") + 1
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(TEMPLATES)).plan(Variant(deck, None, ()))
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{display_path(deck)}:{line}:14: error: slides[9].message: undefined variable: "
        "'nope' is undefined (available: deck.title, deck.subtitle, deck.authors, "
        "deck.speakers, deck.organisation, deck.language, deck.date, deck.brand, "
        "region (none in the national deck))"
    ]

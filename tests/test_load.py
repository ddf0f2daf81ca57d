"""Loading YAML keeps the line and column of every key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import DeckgenError
from generator.source.load import Mark, load_yaml, parse_yaml


def parse(text: str):
    return parse_yaml(text, Path("deck.yaml"), "deck.yaml")


def test_it_records_where_each_value_and_key_stands():
    source = parse("title: Regionen\nslides:\n  - id: start\n    kind: title\n")
    assert source.data == {"title": "Regionen", "slides": [{"id": "start", "kind": "title"}]}
    assert source.values[("slides", 0, "kind")] == Mark(4, 11)
    assert source.keys[("slides", 0, "kind")] == Mark(4, 5)
    assert source.mark(("slides", 0, "missing")) == Mark(3, 5)


def test_a_duplicate_key_is_an_error_at_its_line():
    with pytest.raises(DeckgenError) as caught:
        parse("title: A\nbrand: skr\ntitle: B\n")
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.yaml:3:1: error: duplicate key 'title' (first at line 1)"
    ]


def test_text_that_is_not_utf8_names_the_byte_offset(tmp_path: Path):
    path = tmp_path / "deck.yaml"
    path.write_bytes(b"title: Regionen i r" + b"\xf6relse\n")
    with pytest.raises(DeckgenError) as caught:
        load_yaml(path, (tmp_path,))
    assert caught.value.diagnostics[0].message == "not valid UTF-8 at byte offset 19"


def test_a_missing_file_is_an_error(tmp_path: Path):
    with pytest.raises(DeckgenError) as caught:
        load_yaml(tmp_path / "nowhere.yaml", (tmp_path,))
    assert caught.value.diagnostics[0].message == "file not found"


def test_swedish_text_and_typographic_quotes_survive():
    source = parse("text: ”Både politik och organisation måste vara trygg”\n")
    assert source.data["text"] == "”Både politik och organisation måste vara trygg”"


HINT = (
    "the line has typographic quotes or dashes ({}) pasted from a word processor, which YAML "
    'does not read as quotes: put the text in straight quotes ("...") or write it as a block '
    "scalar (>- and the text indented on the lines below)"
)


def test_a_syntax_error_on_a_line_with_pasted_quotes_suggests_straight_quotes():
    with pytest.raises(DeckgenError) as caught:
        parse('title: "Regionen i rörelse”\nbrand: skr\n')
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.yaml:3:1: error: YAML syntax error: found unexpected end of stream (while "
        "scanning a quoted scalar that starts at 1:8); " + HINT.format("”")
    ]


def test_typographic_characters_inside_straight_quotes_get_no_hint():
    assert parse("title: 'Ett ”citat” – och ’så’'\n").data == {"title": "Ett ”citat” – och ’så’"}
    with pytest.raises(DeckgenError) as caught:
        parse('title: "Ett ”citat” – nu" brand: skr\n')
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.yaml:1:27: error: YAML syntax error: expected <block end>, but found '<scalar>' "
        "(while parsing a block mapping that starts at 1:1)"
    ]


def test_other_syntax_errors_get_no_hint():
    with pytest.raises(DeckgenError) as caught:
        parse("title: a: b\n")
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.yaml:1:9: error: YAML syntax error: mapping values are not allowed here"
    ]


def test_a_value_cut_short_by_a_hash_is_an_error_at_the_value():
    with pytest.raises(DeckgenError) as caught:
        parse("slides:\n  - title: Punkt #1\n    notes: Steg #2 av 3\n")
    assert [str(d) for d in caught.value.diagnostics] == [
        "deck.yaml:2:12: error: '#1' is read as a YAML comment, so the value is 'Punkt', not "
        "'Punkt #1': put the value in quotes to keep the '#' (\"Punkt #1\"), or a space after "
        "the '#' if it is a comment",
        "deck.yaml:3:12: error: '#2 av 3' is read as a YAML comment, so the value is 'Steg', "
        "not 'Steg #2 av 3': put the value in quotes to keep the '#' (\"Steg #2 av 3\"), or a "
        "space after the '#' if it is a comment",
    ]


def test_comments_with_a_space_after_the_hash_and_hashes_in_quotes_are_left_alone():
    source = parse("title: 'Punkt #1'  # the first\nbrand: skr ## a banner\ntext: \"#2\" #\n")
    assert source.data == {"title": "Punkt #1", "brand": "skr", "text": "#2"}

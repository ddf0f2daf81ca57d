"""Resolving: Jinja in slide text renders over the deck, in a sandbox, and fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.resolve import resolve
from generator.content.validate import validate
from generator.errors import DeckgenError
from generator.source.load import parse_yaml

HEAD = (
    "title: Regionen i rörelse\nauthors: [Linda Nordberg, Lisa Lindell]\norganisation: SKR\n"
    "date: 2026-11-26\nbrand: skr\nslides:\n"
)


def resolved(slide_yaml: str):
    source = parse_yaml(HEAD + slide_yaml, Path("deck.yaml"), "deck.yaml")
    return resolve(validate(source), source)


def test_text_uses_the_deck_metadata():
    deck = resolved(
        "  - id: t\n    kind: title\n    title: '{{ deck.title }}'\n"
        "    byline: \"{{ deck.authors | join(' och ') }}, {{ deck.organisation }}\"\n"
    )
    slide = deck.slides[0]
    assert (slide.title, slide.byline) == (
        "Regionen i rörelse",
        "Linda Nordberg och Lisa Lindell, SKR",
    )


def test_text_without_jinja_is_left_exactly_as_it_is():
    deck = resolved(
        "  - id: q\n    kind: quote\n    text: ”Citat { med } klamrar”\n"
        "    attribution: Tjänsteperson\n"
    )
    assert deck.slides[0].text == "”Citat { med } klamrar”"


def test_the_sandbox_refuses_python_internals():
    with pytest.raises(DeckgenError) as caught:
        resolved("  - id: t\n    kind: title\n    title: \"{{ ''.__class__.__mro__ }}\"\n")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (9, 12)
    assert problem.message == (
        "slides[0].title: not allowed: access to attribute '__class__' of 'str' object is unsafe."
    )


def test_a_problem_in_each_slide_is_reported_together():
    with pytest.raises(DeckgenError) as caught:
        resolved(
            "  - id: a\n    kind: title\n    title: '{{ region.name }}'\n"
            "  - id: b\n    kind: title\n    title: '{{ deck.title'\n"
        )
    assert [(d.line, d.message.split(":")[0]) for d in caught.value.diagnostics] == [
        (9, "slides[0].title"),
        (12, "slides[1].title"),
    ]


def test_what_python_doubts_in_the_code_jinja_makes_is_an_error_at_the_field():
    """`{{ 0[::-1] }}` makes Python warn while it compiles; the text is refused the same way on
    every interpreter, whatever its warning filters, instead of crashing the worker."""
    with pytest.raises(DeckgenError) as caught:
        resolved("  - id: t\n    kind: title\n    title: '{{ 0[::-1] }}'\n")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (9, 12)
    assert problem.message == (
        "slides[0].title: template error: 'int' object is not subscriptable; perhaps you missed"
        " a comma?"
    )

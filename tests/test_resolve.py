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


SPIN = "{% for i in range(1000) %}{{ ('ab ' * 33333) | wordwrap(2) | length }}{% endfor %}"


def test_the_deck_s_texts_share_one_cpu_budget(monkeypatch: pytest.MonkeyPatch):
    """Many texts that each spin just under a slide's budget cannot add up to hours: once the
    deck's allowance is spent, the next slide's text is not resolved, and nothing after it."""
    from generator.content import budget

    if not budget.can_fork():
        pytest.skip("the CPU budget needs the worker (fork)")
    monkeypatch.setattr(budget, "SLIDE_CPU_SECONDS", 1)
    monkeypatch.setattr(budget, "DECK_CPU_SECONDS", 2)
    slides = "".join(
        f'  - id: s{n}\n    kind: statement\n    title: T\n    body: "{SPIN}"\n' for n in range(4)
    )
    with pytest.raises(DeckgenError) as caught:
        resolved(slides)
    assert [(d.line, d.message) for d in caught.value.diagnostics] == [
        (10, "slides[0].body: not allowed: resolving it took more than 1 s of CPU time"),
        (14, "slides[1].body: not allowed: resolving it took more than 1 s of CPU time"),
        (
            18,
            "slides[2].body: not resolved: the deck's texts before it have used the 2 s of CPU"
            " time that resolving them may take",
        ),
    ]


def test_the_deck_s_texts_may_make_a_million_characters_in_all():
    """Each text may make 100,000 characters; a thousand such slides would hold gigabytes in
    the building process, so the deck's resolved texts are bounded as a whole."""
    slides = "".join(
        f"  - id: s{n}\n    kind: statement\n    title: T\n    body: \"{{{{ 'å' * 99999 }}}}\"\n"
        for n in range(12)
    )
    with pytest.raises(DeckgenError) as caught:
        resolved(slides)
    assert [(d.line, d.message) for d in caught.value.diagnostics] == [
        (
            50,
            "slides[10].body: not allowed: the deck's texts make more than 1000000 characters"
            " with this one",
        ),
        (
            54,
            "slides[11].body: not resolved: the deck's texts make more than 1000000 characters"
            " once resolved, before this one",
        ),
    ]

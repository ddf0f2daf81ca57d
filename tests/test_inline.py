"""Inline Markdown in slide text becomes runs: bold, italic, links and line breaks."""

from __future__ import annotations

from generator.content.inline import parse_inline


def runs(text: str) -> list[list[tuple[str, bool, bool, str | None]]]:
    return [[(r.text, r.bold, r.italic, r.link) for r in p.runs] for p in parse_inline(text)]


def test_bold_marks_one_word():
    assert runs("Ett komplext **OCH** demokratiskt") == [
        [
            ("Ett komplext ", False, False, None),
            ("OCH", True, False, None),
            (" demokratiskt", False, False, None),
        ]
    ]


def test_italic_and_links():
    assert runs("*se* [SKR](https://skr.se)") == [
        [
            ("se", False, True, None),
            (" ", False, False, None),
            ("SKR", False, False, "https://skr.se"),
        ]
    ]


def test_a_newline_is_a_line_break_and_a_blank_line_a_new_paragraph():
    assert runs("rad ett\nrad två\n\nnytt stycke") == [
        [
            ("rad ett", False, False, None),
            ("\n", False, False, None),
            ("rad två", False, False, None),
        ],
        [("nytt stycke", False, False, None)],
    ]


def test_list_and_html_syntax_stay_plain_text():
    assert runs("- Tjänsteperson <b>") == [[("- Tjänsteperson <b>", False, False, None)]]

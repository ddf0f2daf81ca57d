"""Inline Markdown in slide text becomes runs: bold, italic, links and line breaks."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.content.inline import Paragraph, Run, parse_inline, parsed


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


# The characters that matter to the parser, and some that do not, in every mix.
_TEXT = st.text(
    alphabet=st.sampled_from(list("ab ÅÄö*_[]()<>\\`&!#-+:.\n\r\t\x00\u00a0\u2028")),
    max_size=12,
)


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
@example("Regionen i rörelse")
@example("Hej  då")
@example("a\u00a0")
def test_plain_text_skips_the_parser_and_reads_as_it_does(text: str):
    fast = parse_inline(text)
    assert fast == parsed(text)
    if text and text == text.strip() and not set(text) & set("*_[<\\\n\r\t\x00\u2028"):
        assert fast == [Paragraph(runs=[Run(text=text)])]


def test_plain_text_does_not_import_markdown_it():
    code = (
        "import sys; from generator.content.inline import parse_inline;"
        " parse_inline('Regionen i rörelse, 2026: vad gör vi nu?');"
        " print('markdown_it' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "False\n"

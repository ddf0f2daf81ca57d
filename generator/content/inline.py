"""Inline Markdown in slide text: bold, italic, links and line breaks, as plain runs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from generator.content.base import Model

if TYPE_CHECKING:  # markdown-it loads only for text that may hold markup (`parse_inline`)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

LINE_BREAK = "\n"


class Run(Model):
    """A stretch of text with one format. A run whose text is "\\n" is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None


class Paragraph(Model):
    """One paragraph: a list of runs."""

    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "zero" has paragraphs and plain text only: no lists, headings or HTML, so a line such as
    # "- Tjänsteperson" stays text. A newline inside a paragraph is a line break.
    parser = MarkdownIt("zero", {"breaks": True})
    return parser.enable(["emphasis", "link", "autolink", "newline", "escape"])


#: Text that the parser gives back as one paragraph of one plain run, itself: one line of words
#: parted by spaces, without the characters that start emphasis (* _), a link ([ <) or an
#: escape (\\), NUL (which the parser makes U+FFFD) or other whitespace (a newline breaks the
#: line or the paragraph; the ends are stripped). tests/test_inline.py checks it on the parser.
_PLAIN = re.compile(r"[^\s\x00*_\[<\\]+(?: +[^\s\x00*_\[<\\]+)*")


def parse_inline(text: str) -> list[Paragraph]:
    """Return `text` as paragraphs of runs; a blank line separates paragraphs.

    Plain text (`_PLAIN`), most of a deck's, is one run without the parser: markdown-it is
    imported (about 0.04 s) and run only for text that may hold markup."""
    if _PLAIN.fullmatch(text):
        return [Paragraph(runs=[Run(text=text)])]
    return parsed(text)


def parsed(text: str) -> list[Paragraph]:
    """Return `text` as paragraphs of runs, as markdown-it parses it."""
    paragraphs = []
    for token in _parser().parse(text):
        if token.type == "inline":
            paragraphs.append(Paragraph(runs=_runs(token.children or [])))
    return paragraphs


def _runs(tokens: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    link: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "code_inline"):
            runs.append(
                Run(
                    text=token.content,
                    bold=bold > 0,
                    italic=italic > 0,
                    link=link[-1] if link else None,
                )
            )
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(text=LINE_BREAK))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            link.append(str(token.attrs["href"]))
        elif kind == "link_close":
            link.pop()
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs of the same format, so the deck has as few runs as it needs."""
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        same = last and (last.bold, last.italic, last.link) == (run.bold, run.italic, run.link)
        if last and same and LINE_BREAK not in (last.text, run.text):
            merged[-1] = last.model_copy(update={"text": last.text + run.text})
        else:
            merged.append(run)
    return merged

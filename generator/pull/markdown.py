"""Runs of text back to the inline Markdown of deckgen's content: `**bold**`, `*italic*`,
`[text](url)`, a newline for a line break and a blank line between paragraphs.

`generator.content.inline` reads this Markdown; `markdown` writes it, so that reading its
output gives the same text in the same format. Where it would not (a run Markdown cannot
delimit), `faithful` says so, and `pull` reports the text rather than change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.content.inline import LINE_BREAK, Run, parse_inline

#: Characters that inline Markdown would read as markup; a backslash keeps each one text.
_MARKUP = re.compile(r"([\\*_\[\]<>`])")
#: Spaces around a line break, which Markdown drops (two before one would make it a hard break).
_AROUND_BREAK = re.compile(r"[ \t]*\n[ \t]*")
#: Where a Markdown link's address needs angle brackets.
_BARE_URL = re.compile(r"^[^\s()<>]+$")


@dataclass(frozen=True)
class Piece:
    """A run of text with one format; "\\n" alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None


def markdown(paragraphs: list[list[Piece]]) -> str:
    """Return `paragraphs` as inline Markdown; empty paragraphs are left out."""
    kept = [pieces for pieces in paragraphs if "".join(p.text for p in pieces).strip()]
    return "\n\n".join(_paragraph(pieces) for pieces in kept)


def canonical(text: str) -> str:
    """Return Markdown `text` as `markdown` writes the same text in the same format, so that
    two ways of writing it (`__a__`, `**a**`) compare equal."""
    return markdown(pieces(text))


def pieces(text: str) -> list[list[Piece]]:
    """Return Markdown `text` as paragraphs of pieces, as deckgen draws it."""
    return [[_from_run(run) for run in paragraph.runs] for paragraph in parse_inline(text)]


def faithful(text: str, paragraphs: list[list[Piece]]) -> bool:
    """Return whether Markdown `text` reads back as `paragraphs`: the same characters, each
    visible one in the same format."""
    return _signature(pieces(text)) == _signature(paragraphs)


def _from_run(run: Run) -> Piece:
    return Piece(run.text, run.bold, run.italic, run.link)


def _signature(paragraphs: list[list[Piece]]) -> list[list[tuple[str, bool, bool, str | None]]]:
    found = []
    for paragraph in paragraphs:
        chars = [
            (char, piece.bold, piece.italic, piece.link)
            if not char.isspace()
            else (" " if char != LINE_BREAK else char, False, False, None)
            for piece in paragraph
            for char in piece.text
        ]
        text = "".join(c[0] for c in chars)
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if end > start:
            found.append(_collapsed(chars[start:end]))
    return found


def _collapsed(
    chars: list[tuple[str, bool, bool, str | None]],
) -> list[tuple[str, bool, bool, str | None]]:
    """Return `chars` with the spaces around a line break left out, as Markdown drops them."""
    kept: list[tuple[str, bool, bool, str | None]] = []
    for char in chars:
        if char[0] == LINE_BREAK:
            while kept and kept[-1][0] == " ":
                kept.pop()
        elif char[0] == " " and kept and kept[-1][0] == LINE_BREAK:
            continue
        kept.append(char)
    return kept


def _paragraph(pieces: list[Piece]) -> str:
    parts: list[str] = []
    for group in _grouped(pieces):
        parts.append(_formatted(group))
    return _AROUND_BREAK.sub("\n", "".join(parts)).strip()


def _grouped(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces of one format; line breaks stand alone."""
    grouped: list[Piece] = []
    for piece in pieces:
        last = grouped[-1] if grouped else None
        same = last is not None and (last.bold, last.italic, last.link) == (
            piece.bold,
            piece.italic,
            piece.link,
        )
        if last is not None and same and LINE_BREAK not in (last.text, piece.text):
            grouped[-1] = Piece(last.text + piece.text, last.bold, last.italic, last.link)
        else:
            grouped.append(piece)
    return grouped


def _formatted(piece: Piece) -> str:
    """Return one piece as Markdown; spaces at its ends stay outside its markers."""
    if piece.text == LINE_BREAK:
        return "\n"
    text = piece.text.replace("\v", "\n")
    core = text.strip()
    if not core:
        return text
    lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    marked = _MARKUP.sub(r"\\\1", core)
    marker = "*" * (2 * piece.bold + piece.italic)
    marked = f"{marker}{marked}{marker}"
    if piece.link is not None:
        address = piece.link if _BARE_URL.match(piece.link) else f"<{piece.link}>"
        marked = f"[{marked}]({address})"
    return f"{lead}{marked}{tail}"

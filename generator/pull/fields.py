"""Which content fields a shape's text came from, and what an edit makes of them.

The layout templates fill a shape from one or more text fields of its slide, sometimes with
text of their own around them (`"– " ~ slide.attribution`, `"**" ~ part.title ~ "**\\n" ~
part.text`). Rather than read the templates, `pull` finds each field's resolved text in the
shape's built text: what lies between the fields is the template's own (`Layout`). An edit
whose template text is unchanged gives each field its new text; any other edit cannot be
mapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.content.models import TextField, marked_fields
from generator.pull.markdown import canonical

FieldPath = tuple[str | int, ...]
#: What makes text Jinja: the overlay would render it, not keep it.
JINJA = ("{{", "{%", "{#")


@dataclass(frozen=True)
class Field:
    """A text field of a slide: where it is, its text as resolved and as written."""

    path: FieldPath
    shown: str
    """Its resolved text, as `markdown.canonical` writes it: what the deck shows."""
    written: str
    """Its text as the content file writes it, Jinja and all."""

    @property
    def templated(self) -> bool:
        return any(marker in self.written for marker in JINJA)


@dataclass(frozen=True)
class Layout:
    """A shape's built text as the template's own text around fields: `literals` has one more
    entry than `fields`, and the text is literals[0] + fields[0] + literals[1] + …"""

    literals: tuple[str, ...]
    fields: tuple[Field, ...]

    def values(self, text: str) -> dict[FieldPath, str] | None:
        """Return each field's text in `text`, or None where the template's own text changed
        or two fields meet with nothing between them to tell them apart."""
        if any(not literal for literal in self.literals[1:-1]):
            return None
        slots = ["(.*?)"] * (len(self.fields) - 1) + ["(.*)"]
        pattern = re.escape(self.literals[0]) + "".join(
            slot + re.escape(literal)
            for slot, literal in zip(slots, self.literals[1:], strict=True)
        )
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found is None:
            return None
        return {f.path: value.strip() for f, value in zip(self.fields, found.groups(), strict=True)}


def text_fields(resolved: BaseModel, written: BaseModel) -> list[Field]:
    """Return the text fields of a slide but its notes, resolved and as written."""
    return [
        Field(path, canonical(text), str(value_at(written, path)))
        for path, text in marked_fields(resolved, TextField)
        if path != ("notes",) and canonical(text)
    ]


def value_at(model: Any, path: FieldPath) -> Any:
    """Return the value at `path` of a model: fields by name, list items by index."""
    for step in path:
        model = model[step] if isinstance(step, int) else getattr(model, step)
    return model


#: How many ways of reading one shape's text `layouts_of` tries, where fields recur in it.
MAX_LAYOUTS = 64


def layouts_of(text: str, fields: list[Field]) -> list[Layout]:
    """Return the ways `text` can be made of `fields`, longest fields first, each at one of the
    places it stands (`skr.se` is a link's text and part of its address); none where no
    field's text is in it."""
    found: list[Layout] = []

    def place(index: int, taken: list[tuple[int, int, Field]]) -> None:
        if len(found) >= MAX_LAYOUTS:
            return
        if index == len(ordered):
            if taken:
                found.append(_layout(text, taken))
            return
        field = ordered[index]
        starts = [s for s in _starts(text, field.shown) if _free(taken, s, len(field.shown))]
        for start in starts:
            place(index + 1, [*taken, (start, start + len(field.shown), field)])
        if not starts:
            place(index + 1, taken)

    ordered = sorted(fields, key=lambda f: -len(f.shown))
    place(0, [])
    return found


def _starts(text: str, part: str) -> list[int]:
    starts, at = [], text.find(part)
    while at >= 0:
        starts.append(at)
        at = text.find(part, at + 1)
    return starts


def _free(taken: list[tuple[int, int, Field]], start: int, length: int) -> bool:
    return all(start + length <= s or start >= e for s, e, _ in taken)


def _layout(text: str, taken: list[tuple[int, int, Field]]) -> Layout:
    taken = sorted(taken, key=lambda t: t[0])
    bounds = [0, *(i for s, e, _ in taken for i in (s, e)), len(text)]
    literals = tuple(text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2))
    return Layout(literals, tuple(f for _, _, f in taken))

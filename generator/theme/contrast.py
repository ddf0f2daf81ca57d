"""Text contrast by WCAG 2.x: which colour pairs a master puts text in, and whether a palette
gives them the contrast that level AA asks for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.layout.spec import MasterSpec, PlaceholderDef, TextStyle

#: The theme slot behind each scheme colour that the master uses.
SLOTS = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}
#: WCAG AA: 4.5:1 for body text, 3:1 for large text (18 pt, or 14 pt bold).
BODY, LARGE = 4.5, 3.0


@dataclass(frozen=True)
class Pair:
    """Text in one scheme colour on a background in another, somewhere in the master."""

    text: str
    background: str
    large: bool
    where: str

    @property
    def needed(self) -> float:
        return LARGE if self.large else BODY


def slot(color: str) -> str:
    """Return the palette slot of a scheme colour: tx1 -> dk1, accent1 -> accent1."""
    return SLOTS.get(color, color)


def luminance(hex_color: str) -> float:
    """Return the relative luminance of an RRGGBB colour."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(first: str, second: str) -> float:
    """Return the contrast ratio of two RRGGBB colours, from 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _large(style: TextStyle) -> bool:
    size = style.size or 18
    return size >= 18 or (bool(style.bold) and size >= 14)


def _inherited(placeholder: PlaceholderDef, master: MasterSpec) -> TextStyle:
    """Return the placeholder's text style with the master title or body style filled in."""
    parent = (
        master.master.title if placeholder.type in ("title", "ctrTitle") else master.master.body
    )
    own = placeholder.model_dump(exclude_none=True, include=set(TextStyle.model_fields))
    return parent.model_copy(update=own)


def text_pairs(master: MasterSpec) -> Iterator[Pair]:
    """Yield every text colour on background colour that `master` sets text in.

    Placeholders are checked on their layout's background; a shape style on its fill, or on
    the master's background where it has none.
    """
    back = master.master.background
    for placeholder in (master.master.title, master.master.body):
        style = _inherited(placeholder, master)
        where = f"master, placeholder '{placeholder.name}'"
        yield Pair(style.color or "tx1", back, _large(style), where)
    for layout in master.layouts:
        for placeholder in layout.placeholders:
            style = _inherited(placeholder, master)
            where = f"layout '{layout.name}', placeholder '{placeholder.name}'"
            yield Pair(style.color or "tx1", layout.background or back, _large(style), where)
    for name, shape in master.styles.items():
        if shape.color is not None or shape.size is not None:
            yield Pair(shape.color or "tx1", shape.fill or back, _large(shape), f"style '{name}'")

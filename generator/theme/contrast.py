"""Text contrast by WCAG 2.x: which colour pairs a master puts text in, and whether a palette
gives them the contrast that level AA asks for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from generator.layout.spec import (
    TITLE_TYPES,
    LayoutDef,
    MasterSpec,
    PlaceholderDef,
    TemplateInfo,
    TemplatePlan,
    TextStyle,
)

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


def dark_ground(ground: str, colors: dict[str, str]) -> bool:
    """Whether the scheme colour `ground` is a dark background: light ink (lt1, a negative
    logo) has more contrast on it than dark ink (dk2, the positive logo)."""
    background = colors[slot(ground)]
    return ratio(colors["lt1"], background) > ratio(colors["dk2"], background)


def logo_on_dark(layout: LayoutDef, master: MasterSpec, colors: dict[str, str]) -> bool:
    """Whether `layout` shows the master's logo on a dark background (`dark_ground`), where
    the negative logo belongs."""
    return layout.master_shapes and dark_ground(
        layout.background or master.master.background, colors
    )


def _large(style: TextStyle) -> bool:
    size = style.size or 18
    return size >= 18 or (bool(style.bold) and size >= 14)


def _inherited(placeholder: PlaceholderDef, master: MasterSpec) -> TextStyle:
    """Return the placeholder's text style with the master title or body style filled in."""
    parent = master.master.title if placeholder.type in TITLE_TYPES else master.master.body
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


#: The scheme colours a shape's text may take instead of its own, where its own does not read.
TEXT_COLORS = ("tx1", "bg1", "tx2", "bg2")


def legible(master: MasterSpec, colors: dict[str, str], background: str | None) -> MasterSpec:
    """Return `master` with each shape style's text colour, where it reads at less than WCAG
    AA's 4.5:1 on its fill (or on `background` where it has none) in `colors`, a template's
    scheme colours, replaced by the one of `TEXT_COLORS` that reads best: deckgen's styles chose
    their colours for its own palettes, and a template's may turn white on accent1 into white
    on a pale blue. Hyperlinks, which take the theme's hyperlink colour, get the best of those
    as `link_color` where that colour does not read on `background` (blue on a dark master).
    Colours stay scheme colours, so a later re-brand still follows."""
    ground = background or colors.get("bg1")
    styles = {}
    for name, style in master.styles.items():
        if style.color is None and style.size is None and style.font is None:
            styles[name] = style  # a rule or a frame: no text to read
            continue
        behind = colors.get(style.fill) if style.fill else ground
        text = colors.get(style.color or "tx1")
        if behind is None or text is None or ratio(text, behind) >= BODY:
            styles[name] = style
            continue
        known = [c for c in TEXT_COLORS if c in colors]
        best = max(known, key=lambda c: ratio(colors[c], behind))
        styles[name] = style.model_copy(update={"color": best})
    update: dict[str, object] = {"styles": styles}
    link = colors.get("hlink")
    if ground is not None and link is not None and ratio(link, ground) < BODY:
        known = [c for c in TEXT_COLORS if c in colors]
        update["link_color"] = max(known, key=lambda c: ratio(colors[c], ground))
    return master.model_copy(update=update)


def legible_placeholders(plan: TemplatePlan, info: TemplateInfo) -> TemplatePlan:
    """Return `plan` with a scheme colour for each text that a mapped template placeholder
    would set in a colour that does not read on what stands behind it (WCAG AA: 3:1 for a
    title, 4.5:1 for other text): the one of `TEXT_COLORS` that reads best there. A template
    converted by LibreOffice may keep no text colours, so that its titles come out black on
    its own black band."""
    colors: dict[str, dict[str, str]] = {}
    for name, (layout, targets) in plan.layouts.items():
        drawn_on = info.masters[plan.masters.get(name, 0)]
        offered = {p.idx: p for p in drawn_on.layouts.get(layout, [])}
        for ours, idx in targets.items():
            theirs = offered.get(idx) if idx is not None else None
            if theirs is None or theirs.color is None or theirs.ground is None:
                continue
            needed = LARGE if theirs.type in TITLE_TYPES else BODY
            ground = theirs.ground
            if ratio(theirs.color, ground) >= needed:
                continue
            known = [c for c in TEXT_COLORS if c in drawn_on.colors]
            best = max(known, key=lambda c: ratio(drawn_on.colors[c], ground), default=None)
            if best is not None and ratio(drawn_on.colors[best], ground) > ratio(
                theirs.color, ground
            ):
                colors.setdefault(name, {})[ours] = best
    return replace(plan, colors=colors)

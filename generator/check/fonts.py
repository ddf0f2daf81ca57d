"""Fonts: a font the deck names that this machine shows as another, of other widths.

LibreOffice renders the PDFs that `overflow` measures and `deckgen preview` shows with this
machine's fonts, and fontconfig picks a stand-in for a font it lacks. A stand-in made to the
same widths (Carlito for Calibri, Liberation Sans for Arial) breaks every line where PowerPoint
does; any other (DejaVu Sans for Trebuchet MS, which is wider) does not, and the overflow check
and the preview then judge text that PowerPoint does not show. Each font the deck names is
looked up with fontconfig's `fc-match`: the theme's heading and body fonts, and those its
master's, layouts' and slides' text names itself. Without fc-match, nothing is looked up, and
the check says so once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from functools import cache

from generator.check.finding import Finding, finding
from generator.check.view import DeckFonts, FontUse

#: Fonts made to the same widths, glyph for glyph: fontconfig's own metric aliases
#: (30-metric-aliases.conf), and Google's Carlito and Caladea for Office's Calibri and Cambria.
METRIC_TWINS = (
    frozenset({"Arial", "Helvetica", "Liberation Sans", "Arimo", "Nimbus Sans"}),
    frozenset({"Times New Roman", "Times", "Liberation Serif", "Tinos", "Nimbus Roman"}),
    frozenset({"Courier New", "Courier", "Liberation Mono", "Cousine", "Nimbus Mono PS"}),
    frozenset({"Calibri", "Carlito"}),
    frozenset({"Cambria", "Caladea"}),
)
#: What a finding tells the user to do.
_ADVICE = (
    "the overflow check and the preview measure another font than PowerPoint shows; install "
    "it, or choose a font with a free twin of the same widths (Arial, Calibri, Cambria, "
    "Courier New, Times New Roman)"
)
#: What fontconfig's pattern syntax gives a meaning to in a family name: escaped with "\".
_SPECIAL = re.compile(r"([\\\-:,])")


def fonts(decks: Sequence[DeckFonts]) -> list[Finding]:
    """Return a warning for each font of `decks` that this machine shows as a font of other
    widths; or one warning, on the first deck, where fontconfig's fc-match is missing."""
    if not decks:
        return []
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        message = (
            "font substitution not checked: fontconfig's fc-match is missing "
            "(apt-get install fontconfig)"
        )
        return [finding(decks[0].path, "warning", message, "fonts")]
    shown = cache(lambda font: shown_as(fc_match, font))
    return [found for deck in decks for found in _substituted(deck, shown)]


def shown_as(fc_match: str, font: str) -> str:
    """Return the family fontconfig shows for `font` (its first name, where it has several),
    or "" where fc-match finds none (it has no fonts at all)."""
    pattern = _SPECIAL.sub(r"\\\1", font)
    command = [fc_match, "-f", "%{family}", pattern]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result.stdout.split(",")[0].strip() if result.returncode == 0 else ""


def metric_twins(font: str, shown: str) -> bool:
    """Whether `shown` has the widths of `font`: it is the font itself, or its metric twin."""
    if font.casefold() == shown.casefold():
        return True
    return any(
        {font.casefold(), shown.casefold()} <= {name.casefold() for name in twins}
        for twins in METRIC_TWINS
    )


def _substituted(deck: DeckFonts, shown: Callable[[str], str]) -> list[Finding]:
    """Return the findings of one deck: a finding per font and slide (0: the deck as a
    whole), naming what uses it there."""
    users: dict[tuple[int, str, str], list[FontUse]] = {}
    for use in deck.uses:
        users.setdefault((use.slide, use.slide_id, use.typeface), []).append(use)
    found = []
    for (slide, slide_id, font), uses in users.items():
        instead = shown(font)
        if metric_twins(font, instead):
            continue
        said = (
            f"is shown as {instead!r}, whose widths differ"
            if instead
            else "is shown in no font: fc-match finds none"
        )
        message = f"{_named(font, uses)} {said}: {_ADVICE}"
        found.append(finding(deck.path, "warning", message, "fonts", slide, slide_id))
    return found


def _named(font: str, uses: list[FontUse]) -> str:
    """Return how a finding names `font`: "theme font 'X'", or "font 'X' of 'Title 1'"."""
    if any(use.source == "theme" for use in uses):
        return f"theme font {font!r}"
    return f"font {font!r} of {', '.join(use.source for use in uses)}"

"""Logos: text logos shown at cap heights that differ, between decks or within one.

A logo's size is read by its type: a short name shown big and a long one small look like two
brands of different weight. Each picture named "Logo" on a deck's masters and layouts is
measured on its image: the ink height of its first glyph (in the first band of rows with ink,
the first run of columns with ink; `theme.logo.ink_cap_height`) times the points that a pixel
of the image is shown at. The decks checked together share one median; each deck with a logo
further than `TOLERANCE` from it gets one warning that names its logos' heights and the
median. Images that cannot be read, or that have no ink, are left out.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError

from generator.check.finding import Finding, finding
from generator.check.view import DeckView, LogoView
from generator.theme.logo import coverage, ink_cap_height

#: How far a logo's cap height may be from the median before it shows: 10 %.
TOLERANCE = 0.10


def logos(decks: Sequence[DeckView]) -> list[Finding]:
    """Return a warning for each deck with a logo whose cap height is more than `TOLERANCE`
    from the median of the logos of `decks`."""
    measured = {deck.path: _measured(deck.logos) for deck in decks}
    heights = [height for found in measured.values() for _, height in found]
    if not heights:
        return []
    middle = statistics.median(heights)
    found = []
    for deck in decks:
        if any(abs(h - middle) > TOLERANCE * middle for _, h in measured[deck.path]):
            said = ", ".join(f"{h:.1f} pt ({where})" for where, h in measured[deck.path])
            message = (
                f"logo cap heights differ by more than {TOLERANCE:.0%}: this deck's measure "
                f"{said}, the median of {len(heights)} logos is {middle:.1f} pt; make text "
                "logos with `deckgen logo --brand NAME`, which the master sets at one cap height"
            )
            found.append(finding(deck.path, "warning", message, "logos"))
    return found


def _measured(found: list[LogoView]) -> list[tuple[str, float]]:
    return [(logo.where, height) for logo in found if (height := cap_height(logo)) is not None]


def cap_height(logo: LogoView) -> float | None:
    """Return the cap height `logo` is shown at, in points; None where it cannot be measured."""
    try:
        with Image.open(io.BytesIO(logo.image)) as image:
            image.load()
            pixels = ink_cap_height(coverage(image))
            shown = image.height * logo.shown
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    if pixels is None or shown <= 0:
        return None
    return pixels * logo.height / shown

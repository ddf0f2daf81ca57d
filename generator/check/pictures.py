"""Pictures: a photo or logo shown out of its proportions.

A picture whose box has other proportions than the part of its image it shows (its crop) is
stretched: a portrait photo in a square reads as a squashed face. Each slide picture whose
proportions differ from its image's by more than `TOLERANCE` is an error that says how much and
how to mend it. Vector images (which the view cannot measure) are left out.
"""

from __future__ import annotations

from generator.check.finding import Finding, finding
from generator.check.view import DeckView

#: How far a picture's proportions may differ from its image's before it shows: 2%.
TOLERANCE = 0.02


def distorted(deck: DeckView) -> list[Finding]:
    """Return an error for each slide picture shown out of its image's proportions."""
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            stretch = shape.stretch
            if shape.kind != "picture" or stretch is None:
                continue
            if abs(stretch - 1) <= TOLERANCE:
                continue
            way = (
                f"{stretch:.2f} times its image's width for its height"
                if stretch > 1
                else f"{1 / stretch:.2f} times its image's height for its width"
            )
            message = (
                f"picture {shape.name!r} is stretched to {way}: crop the image (PowerPoint's"
                " Crop to fill, a srcRect) or give its box the image's proportions"
            )
            found.append(finding(deck.path, "error", message, "pictures", slide.number, slide.id))
    return found

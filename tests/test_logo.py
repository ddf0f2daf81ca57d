"""Text logos are made reproducibly, at a fixed height."""

from __future__ import annotations

import io

from PIL import Image

from generator.theme.logo import text_logo


def test_a_text_logo_is_reproducible_and_136_pixels_high():
    first, second = text_logo("SKR", "12355B"), text_logo("SKR", "12355B")
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.height, image.mode) == ("PNG", 136, "RGBA")
    assert (18, 53, 91, 255) in {color for _, color in image.getcolors(maxcolors=100000)}


def test_longer_text_gives_a_wider_logo():
    short = Image.open(io.BytesIO(text_logo("SKR", "12355B")))
    long = Image.open(io.BytesIO(text_logo("Region Värmland", "12355B")))
    assert long.width > 2 * short.width


def test_swedish_letters_are_drawn_not_boxes():
    # A font without å, ä and ö draws the same "missing glyph" box for each.
    assert len({text_logo(letter, "12355B") for letter in "aåäö"}) == 4

"""Text logos: a brand's name in its heading font, for brands with no artwork.

A text logo is a PNG of the name in one ink on a transparent ground, with no plate: a positive
(the brand's dk2) for light slides and a negative (lt1) for dark ones. Transparent pixels carry
the ink's colour at alpha 0, so that scaling blends the edges into the ink, not into black.
The name is set in a bundled font, the metric twin of the heading font, so that a logo is the
same on every machine. A name wider than `MAX_WIDTH` cap heights breaks onto two lines, at the
space that balances them best.

Each logo records its cap height in pixels in a PNG text chunk (`CAP_HEIGHT_KEY`): the master
sets every logo that has one at the same cap height (`MasterDef.logo_cap_height`), where a
logo of width-fitted artwork would make a short name big and a long one small. The image ends
one descent below its last baseline, so that logos set on one bottom line share a baseline.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont, PngImagePlugin

#: The PNG text chunk that holds a text logo's cap height, in pixels.
CAP_HEIGHT_KEY = "deckgen:cap-height"
#: The bundled fonts, by the heading font each is the metric twin of: SIL Open Font Licence
#: 1.1, the licence beside them in fonts/OFL.txt.
FONTS = {"Calibri": "Carlito-Bold.ttf", "Carlito": "Carlito-Bold.ttf"}
_FONT_FOLDER = Path(__file__).parent / "fonts"
#: The type size in pixels: a cap height of about 80 pixels, sharp at 4K on a 10 pt cap height.
_SIZE = 124
#: The widest a line may be, in cap heights, before the name breaks onto two lines:
#: "Region Västernorrland" (14.3) keeps one, "Västra Götalandsregionen" (16.5) takes two.
MAX_WIDTH = 15.0
#: From one baseline to the next, in ems: tight, as a logo is set, yet with room between a
#: descender and the accents of the line below.
LEADING = 1.1
#: The least coverage (alpha, 0-255) of a pixel that counts as ink.
INK = 128


class LogoFontMissing(Exception):
    """No bundled font stands in for the brand's heading font."""


def text_logo(text: str, color: str, font: str = "Calibri") -> bytes:
    """Return a PNG of `text` in `color` (RRGGBB) on a transparent ground, set in the bundled
    twin of the heading font `font`, with its cap height recorded; the same bytes each time."""
    face = _face(font)
    coverage = _set(_lines(text, face), face)
    ink = tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))
    image = Image.merge("RGBA", (*(Image.new("L", coverage.size, c) for c in ink), coverage))
    info = PngImagePlugin.PngInfo()
    info.add_text(CAP_HEIGHT_KEY, str(_cap_height(face)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, compress_level=9)
    return buffer.getvalue()


def reversed_logo(logo: bytes, color: str) -> bytes | None:
    """Return `logo` reversed out in `color` (RRGGBB): every pixel that colour, with the logo's
    own transparency, as a logo is shown on a dark ground; its cap-height record is kept. None
    for a logo with no transparency, whose silhouette would be a plain block."""
    with Image.open(io.BytesIO(logo)) as image:
        image.load()
        recorded = image.info.get(CAP_HEIGHT_KEY)
        alpha = image.convert("RGBA").getchannel("A")
    if alpha.getextrema()[0] == 255:
        return None
    ink = tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))
    reversed_image = Image.merge("RGBA", (*(Image.new("L", alpha.size, c) for c in ink), alpha))
    info = PngImagePlugin.PngInfo()
    if recorded is not None:
        info.add_text(CAP_HEIGHT_KEY, str(recorded))
    buffer = io.BytesIO()
    reversed_image.save(buffer, format="PNG", pnginfo=info, compress_level=9)
    return buffer.getvalue()


def _face(font: str) -> ImageFont.FreeTypeFont:
    """Return the bundled font that stands in for `font`."""
    if font not in FONTS:
        known = ", ".join(sorted(FONTS))
        raise LogoFontMissing(
            f"no bundled font for the heading font {font!r}: text logos are set in {known}"
            " (Carlito Bold); give the brand a logo of its own"
        )
    return ImageFont.truetype(str(_FONT_FOLDER / FONTS[font]), _SIZE)


def _lines(text: str, face: ImageFont.FreeTypeFont) -> list[str]:
    """Return `text` in one line, or in two where one is wider than `MAX_WIDTH` cap heights."""
    limit = MAX_WIDTH * _cap_height(face)
    return balanced(text, face.getlength, limit)


def balanced(text: str, width: Callable[[str], float], limit: float) -> list[str]:
    """Return `text` as one line if it is at most `limit` wide, else as two, broken at the
    space that makes the wider of them narrowest; a text without spaces stays one line."""
    if width(text) <= limit or " " not in text.strip():
        return [text]
    words = text.split()
    splits = [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
    return min(splits, key=lambda pair: max(width(line) for line in pair))


def _set(lines: list[str], face: ImageFont.FreeTypeFont) -> Image.Image:
    """Return the lines' coverage (mode L), left-aligned, cropped to the ink across and at the
    top, ending one descent below the last baseline."""
    ascent, descent = face.getmetrics()
    pitch = round(LEADING * _SIZE)
    width = round(max(face.getlength(line) for line in lines)) + 2 * _SIZE
    height = 2 * ascent + pitch * (len(lines) - 1) + descent
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    baseline = 2 * ascent  # room above for accents over capitals (Å, Ö)
    for number, line in enumerate(lines):
        draw.text((_SIZE, baseline + number * pitch), line, fill=255, font=face, anchor="ls")
    left, top, right, _ = canvas.getbbox() or (0, 0, 1, 1)
    return canvas.crop((left, top, right, height))


def _cap_height(face: ImageFont.FreeTypeFont) -> int:
    """Return the cap height of `face` in pixels: the ink height of an H, measured as
    `ink_cap_height` measures a logo."""
    canvas = Image.new("L", (2 * _SIZE, 2 * _SIZE), 0)
    ImageDraw.Draw(canvas).text((_SIZE // 2, _SIZE), "H", fill=255, font=face, anchor="ls")
    measured = ink_cap_height(canvas)
    assert measured is not None
    return measured


def recorded_cap_height(image: Image.Image) -> float | None:
    """Return the cap height in pixels that a text logo records, or None for other images."""
    value = image.info.get(CAP_HEIGHT_KEY)
    try:
        found = float(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return found if found is not None and 0 < found <= image.height else None


def coverage(image: Image.Image) -> Image.Image:
    """Return how much ink each pixel of `image` holds (mode L, 255 for full ink): its alpha,
    or, for an image without one, how far it is from the colour of its top-left corner."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA").getchannel("A")
    grey = image.convert("L")
    ground = Image.new("L", grey.size, grey.getpixel((0, 0)))
    return ImageChops.difference(grey, ground).point(lambda v: min(255, 2 * v))


def ink_cap_height(ink: Image.Image) -> int | None:
    """Return the ink height in pixels of the first glyph in `ink` (coverage, mode L): in the
    first band of rows with ink, the first run of columns with ink; None where there is none."""
    solid = ink.point(lambda v: 255 if v >= INK else 0)
    box = solid.getbbox()
    if box is None:
        return None
    top = box[1]
    bottom = _run_end(top, solid.height, lambda y: _any(solid, (0, y, solid.width, y + 1)))
    band = solid.crop((0, top, solid.width, bottom))
    left = box[0]
    right = _run_end(left, band.width, lambda x: _any(band, (x, 0, x + 1, band.height)))
    glyph = band.crop((left, 0, right, band.height)).getbbox()
    assert glyph is not None
    return glyph[3] - glyph[1]


def _run_end(start: int, end: int, inked: Callable[[int], bool]) -> int:
    """Return the first index from `start` on (before `end`) that has no ink, else `end`."""
    return next((i for i in range(start, end) if not inked(i)), end)


def _any(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return image.crop(box).getbbox() is not None

"""Text logos made with Pillow: a brand's name on a white badge, for brands with no artwork."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

_HEIGHT = 136
_PADDING = 36


#: Sans-serif fonts with Swedish letters, by file name; Pillow looks in the system's font
#: folders (Debian: fonts-liberation, fonts-dejavu-core; Windows and macOS: Arial).
_FONTS = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "arial.ttf", "Arial.ttf")
_BOLD_FONTS = ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "arialbd.ttf", "Arial Bold.ttf")


def system_font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | None:
    """Return an installed sans-serif font with å, ä and ö at `size`, or None."""
    for name in _BOLD_FONTS if bold else _FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return None


def _font(text: str) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    font = system_font(88, bold=True)
    if font is not None:
        return font
    if not text.isascii():
        # Pillow's own font has no å, ä or ö: it would draw boxes.
        raise LogoFontMissing(f"no font with the letters of {text!r}: install fonts-liberation")
    return ImageFont.load_default(size=88)


class LogoFontMissing(Exception):
    """No installed font can draw the logo's text."""


def text_logo(text: str, color: str) -> bytes:
    """Return a PNG of `text` in `color` (RRGGBB) on a white rounded badge, reproducibly."""
    font = _font(text)
    left, top, right, bottom = font.getbbox(text)
    width = round(right - left) + 2 * _PADDING
    image = Image.new("RGBA", (width, _HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, width - 1, _HEIGHT - 1), radius=18, fill=(255, 255, 255, 255))
    ink = tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))
    y = (_HEIGHT - (bottom - top)) // 2 - top
    draw.text((_PADDING - left, y), text, font=font, fill=(*ink, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

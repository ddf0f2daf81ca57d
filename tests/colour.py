"""Colour science for the palette tests: sRGB to CIELAB, and CIEDE2000 colour difference.

CIEDE2000 follows Sharma, Wu and Dalal, "The CIEDE2000 Color-Difference Formula:
Implementation Notes, Supplementary Test Data, and Mathematical Observations" (Color Research
and Application 30(1), 2005), equations 1 to 22, with kL = kC = kH = 1; `tests/test_colour.py`
checks it against the paper's 34 test pairs. It lives with the tests because only they need it:
deckgen itself judges colours by WCAG contrast (`generator.theme.contrast`).
"""

from __future__ import annotations

import math

Lab = tuple[float, float, float]

#: D65 white (the sRGB white point), XYZ scaled so that Y = 1.
_WHITE = (0.95047, 1.0, 1.08883)
#: Linear sRGB to XYZ (IEC 61966-2-1).
_SRGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _f(t: float) -> float:
    return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116


def lab(hex_color: str) -> Lab:
    """Return the CIELAB (D65) coordinates of an RRGGBB sRGB colour."""
    rgb = [_linear(int(hex_color[i : i + 2], 16) / 255) for i in (0, 2, 4)]
    x, y, z = (sum(m * c for m, c in zip(row, rgb, strict=True)) for row in _SRGB_TO_XYZ)
    fx, fy, fz = _f(x / _WHITE[0]), _f(y / _WHITE[1]), _f(z / _WHITE[2])
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def lch(hex_color: str) -> tuple[float, float, float]:
    """Return lightness L*, chroma C*ab and hue angle h_ab (degrees, 0 to 360) of a colour."""
    lightness, a, b = lab(hex_color)
    return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360


def _hue(b: float, a: float) -> float:
    return 0.0 if a == b == 0 else math.degrees(math.atan2(b, a)) % 360


def _mean_hue(h1: float, h2: float, c1: float, c2: float) -> float:
    if c1 * c2 == 0:
        return h1 + h2
    if abs(h1 - h2) <= 180:
        return (h1 + h2) / 2
    return (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2


def _hue_difference(h1: float, h2: float, c1: float, c2: float) -> float:
    if c1 * c2 == 0:
        return 0.0
    dh = h2 - h1
    return dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh


def ciede2000(first: Lab, second: Lab) -> float:
    """Return the CIEDE2000 colour difference ΔE00 of two CIELAB colours."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = _hue(b1, a1), _hue(b2, a2)
    dh = _hue_difference(h1, h2, c1, c2)
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp, mean_h = (l1 + l2) / 2, (c1 + c2) / 2, _mean_hue(h1, h2, c1, c2)
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c = 1 + 0.045 * mean_cp
    s_h = 1 + 0.015 * mean_cp * t
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    lightness, chroma, hue = d_l / s_l, d_c / s_c, d_h / s_h
    return math.sqrt(lightness**2 + chroma**2 + hue**2 + r_t * chroma * hue)


def difference(first: str, second: str) -> float:
    """Return ΔE00 between two RRGGBB sRGB colours."""
    return ciede2000(lab(first), lab(second))

"""Brands: a palette, a heading font, a body font and a logo, applied through the theme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from .contrast import ratio, slot, text_pairs
from .errors import DeckgenError, Diagnostic, fail_if_any, unknown
from .load import Source, display_path, load_yaml
from .models import Model, pattern
from .spec import MasterSpec
from .validate import validate_model

Hex = Annotated[str, pattern(r"^[0-9A-Fa-f]{6}$", "an RRGGBB hex colour such as 0A64A4")]
FontName = Annotated[str, pattern(r"^[^<>&\"]+$", 'a font name without <, >, & or "')]


class Palette(Model):
    """The theme's twelve colours, as RRGGBB hex."""

    dk1: Hex
    """Dark 1: body text on light backgrounds."""
    lt1: Hex
    """Light 1: the usual background, and text on dark backgrounds."""
    dk2: Hex
    """Dark 2: headings and dark backgrounds."""
    lt2: Hex
    """Light 2: tinted backgrounds."""
    accent1: Hex
    """The main accent: rules, diagram core, highlights."""
    accent2: Hex
    accent3: Hex
    accent4: Hex
    accent5: Hex
    accent6: Hex
    hlink: Hex
    """Hyperlinks."""
    folHlink: Hex  # noqa: N815 - the theme's own name
    """Followed hyperlinks."""


class Fonts(Model):
    heading: FontName
    """The theme's major font: titles and headings."""
    body: FontName
    """The theme's minor font: body text."""


class Brand(Model):
    """A brand file: `templates/brands/<name>.yaml`."""

    name: str = Field(min_length=1)
    """The brand's display name; also the theme's name."""
    colors: Palette
    fonts: Fonts
    logo: str = Field(min_length=1)
    """A PNG logo, relative to the brand file. It sits on the slide master."""


def brand_names(templates: Path) -> list[str]:
    """Return the names of the brands under `templates/brands/`."""
    return sorted(path.stem for path in (templates / "brands").glob("*.yaml"))


def _read(templates: Path, name: str) -> tuple[Source, Brand]:
    path = templates / "brands" / f"{name}.yaml"
    if not path.is_file():
        message = unknown("brand", name, brand_names(templates))
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)])
    source = load_yaml(path)
    return source, validate_model(source, Brand)


def read_brand(templates: Path, name: str) -> tuple[Brand, Path]:
    """Return the brand called `name` and where its logo goes, without checking it further."""
    source, brand = _read(templates, name)
    return brand, source.path.parent / brand.logo


def load_brand(templates: Path, name: str, master: MasterSpec) -> tuple[Brand, Path]:
    """Return the brand called `name` and its logo's path; raise `DeckgenError` if it is bad,
    including when a text colour fails WCAG AA contrast on `master`."""
    source, brand = _read(templates, name)
    fail_if_any(contrast_problems(source, brand, master))
    logo = source.path.parent / brand.logo
    if not logo.is_file():
        message = f"logo: image file not found: '{brand.logo}'"
        raise DeckgenError([source.diagnostic(("logo",), message)])
    return brand, logo


def contrast_problems(source: Source, brand: Brand, master: MasterSpec) -> list[Diagnostic]:
    """Return an error for each text/background pair of `master` that `brand`'s palette gives
    less than WCAG AA contrast, at the text colour's line."""
    colors = brand.colors.model_dump()
    found: list[Diagnostic] = []
    seen: set[tuple[str, str, float]] = set()
    for pair in text_pairs(master):
        text, background = slot(pair.text), slot(pair.background)
        if (text, background, pair.needed) in seen:
            continue
        seen.add((text, background, pair.needed))
        value = ratio(colors[text], colors[background])
        if value >= pair.needed:
            continue
        kind = "large text" if pair.large else "body text"
        message = (
            f"text colour {text} #{colors[text].upper()} on {background} "
            f"#{colors[background].upper()} has contrast {value:.2f}:1; WCAG AA needs "
            f"{pair.needed:g}:1 for {kind} ({pair.where})"
        )
        found.append(source.error(("colors", text), message))
    return found

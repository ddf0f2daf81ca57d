"""Brands: a palette, a heading font, a body font and a logo, applied through the theme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from .errors import DeckgenError, Diagnostic, unknown
from .load import display_path, load_yaml
from .models import Model, pattern
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


def load_brand(templates: Path, name: str) -> tuple[Brand, Path]:
    """Return the brand called `name` and its logo's path; raise `DeckgenError` if it is bad."""
    path = templates / "brands" / f"{name}.yaml"
    if not path.is_file():
        message = unknown("brand", name, brand_names(templates))
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)])
    source = load_yaml(path)
    brand = validate_model(source, Brand)
    logo = path.parent / brand.logo
    if not logo.is_file():
        message = f"logo: image file not found: '{brand.logo}'"
        raise DeckgenError([source.diagnostic(("logo",), message)])
    return brand, logo

"""The pipeline: load → validate → resolve → lay out → render → save."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .brand import Brand, load_brand
from .layout import LayoutEngine, load_master
from .load import load_yaml
from .models import Deck
from .resolve import resolve
from .save import build_moment, normalize_zip, save
from .spec import MasterSpec, SlideSpec
from .validate import validate


@dataclass(frozen=True)
class Plan:
    """Everything a deck needs before rendering: checked content, specs, master and brand."""

    deck: Deck
    specs: list[SlideSpec]
    master: MasterSpec
    brand: Brand
    logo: Path


@dataclass(frozen=True)
class Built:
    """A deck that was written."""

    path: Path
    slides: int


def plan(content: Path, templates: Path) -> Plan:
    """Load, validate, resolve and lay out `content`; raise `DeckgenError` on any problem."""
    source = load_yaml(content)
    deck = resolve(validate(source), source)
    master = load_master(templates)
    brand, logo = load_brand(templates, deck.brand)
    specs = LayoutEngine(templates, master).lay_out(deck, content.parent)
    return Plan(deck=deck, specs=specs, master=master, brand=brand, logo=logo)


def build(content: Path, templates: Path, output: Path) -> Built:
    """Build the deck in `content` into `output/`; return where it went."""
    ready = plan(content, templates)
    from .render import render  # python-pptx loads only when there is a deck to draw

    moment = build_moment(ready.deck.date)
    blob = render(ready.deck.meta(), ready.specs, ready.master, ready.brand, ready.logo, moment)
    target = output / f"{slug(ready.deck.title)}.pptx"
    save(normalize_zip(blob, moment), target)
    return Built(path=target, slides=len(ready.specs))


def slug(text: str) -> str:
    """Return `text` as a file name: "Regionen i rörelse" -> "regionen-i-rorelse"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "deck"

"""The pipeline: load → validate → resolve → lay out → render → save."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from generator.content.models import Deck, Overlay, RegionFacts, RegionFile
from generator.content.resolve import resolve
from generator.content.validate import figure_data, validate, validate_model
from generator.errors import DeckgenError, Diagnostic, display_path, fail_if_any, shown, unknown
from generator.files import note_used, track
from generator.layout.engine import LayoutEngine, load_master
from generator.layout.fit import as_text_boxes, fitted
from generator.layout.spec import MasterSpec, SlideSpec, TemplateInfo, TemplatePlan
from generator.output.manifest import MANIFEST, Manifest
from generator.output.save import build_moment, normalize_zip, save
from generator.source.load import Source, load_yaml
from generator.source.merge import Inputs, merge
from generator.source.variant import NATIONAL, Options, Variant, overlay_roots, region_paths
from generator.theme.brand import Brand, Branding, load_brand, template_plan
from generator.theme.contrast import legible, legible_placeholders
from generator.theme.room import clear_of_text
from generator.theme.words import fit_long_words, follow_leads

OverlayT = TypeVar("OverlayT", bound=Overlay)
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """Everything a deck needs before rendering: checked content, specs, master and brand."""

    deck: Deck
    specs: list[SlideSpec]
    master: MasterSpec
    brand: Brand
    logo: Path | None
    region: RegionFacts | None
    brand_name: str
    """The brand's name, `templates/brands/<brand_name>.yaml`: the variant's, or the content's."""
    template: TemplatePlan | None = None
    warnings: tuple[Diagnostic, ...] = ()
    """What the merge of its region file and overlays warned of; the deck is built anyway."""
    logo_negative: Path | None = None
    """The logo for layouts on a dark background, where the brand has one."""
    written: Deck | None = None
    """The deck as its files write it, merged and checked but with its Jinja not resolved:
    what `deckgen pull` maps a slide's text back to."""
    sources: Inputs | None = None
    """The base deck, the region file and the overlays, as loaded."""


@dataclass(frozen=True)
class Built:
    """A deck that was written, and the warnings of its plan (the CLI prints them)."""

    path: Path
    slides: int
    warnings: tuple[Diagnostic, ...] = ()
    name: str | None = None
    """The region's name, "Region Värmland"; None for the national deck."""
    inputs: tuple[tuple[str, str], ...] = ()
    """Every file the deck was built from, by path as read, with the sha256 of the bytes read:
    what the rebuild check hashes again (`generator.output.manifest.Inputs`)."""


#: A check of a deck just drawn, before it is written: its bytes, its plan and the brand
#: file; it returns what is wrong. The app layer gives `check.fidelity.lost_on_template`,
#: which reads the deck back (a later layer than this one).
Verify = Callable[[bytes, Plan, Path], list[Diagnostic]]


class Pipeline:
    """The pipeline for decks built with one set of options, loading each shared input once.

    The master, the layout templates, the base deck and the brands are read and checked the first
    time a deck needs them and kept for the next: `deckgen build --all` makes one pipeline per
    worker process. Each kept value remembers the files it was made from, and a deck that uses
    it notes them again (`files.track`), so every deck knows its own inputs.
    """

    def __init__(self, options: Options, verify: Verify | None = None) -> None:
        self.options = options
        self.verify = verify
        self.templates = options.templates
        self._engine: LayoutEngine | None = None
        self._kept: dict[object, tuple[Any, dict[str, str]]] = {}

    def _keep(self, key: object, make: Callable[[], T]) -> T:
        """Return `make()`, made the first time only; each time, note the files it was made
        from as read by the deck being built."""
        if key not in self._kept:
            with track() as used:
                value = make()
            self._kept[key] = (value, used)
        value, used = self._kept[key]
        note_used(used)
        return cast(T, value)

    @property
    def master(self) -> MasterSpec:
        return self._keep("master", lambda: load_master(self.templates))

    @property
    def engine(self) -> LayoutEngine:
        if self._engine is None:
            self._engine = LayoutEngine(self.templates, self.master)
        return self._engine

    def base(self, content: Path) -> Source:
        """Return the base deck, loaded and checked alone so that its errors point at it."""
        return self._base(content)[0]

    def base_title(self, content: Path) -> str:
        """Return the national deck's title, which decks' file names start with (see
        `file_name`). The title is plain text, which neither merging nor resolving changes."""
        return self._base(content)[1]

    def _base(self, content: Path) -> tuple[Source, str]:
        def load() -> tuple[Source, str]:
            source = load_yaml(content, (content.parent,))
            return source, validate(source, (content.parent, self.templates)).title

        return self._keep(("base", content), load)

    def brand(self, name: str) -> Branding:
        return self._keep(("brand", name), lambda: load_brand(self.templates, name, self.master))

    def template(self, path: Path) -> TemplateInfo:
        """Return what a user template offers; python-pptx reads it."""

        def load() -> TemplateInfo:
            from generator.render.template import describe

            return describe(path, (self.templates,))

        return self._keep(("template", path), load)

    def plan(self, variant: Variant) -> Plan:
        """Load, merge, validate, resolve and lay out a variant; raise `DeckgenError` on any
        problem."""
        base = self.base(variant.content)
        region = load_region(variant.content, variant.region) if variant.region else None
        overlays = [
            load_overlay(path, Overlay, overlay_roots(variant.content, path))[0]
            for path in variant.overlays
        ]
        inputs = Inputs(base, region[0] if region else None, tuple(overlays))
        # the module's own `merge`, which tests/test_properties.py replaces to inject faults
        merged = merge(inputs.base, list(inputs.overlays), region=inputs.region)
        source = merged.source
        facts = region[1].region if region else None
        roots = (variant.content.parent, self.templates)
        written = validate(source, roots)
        deck = figure_data(resolve(written, source, facts), source, roots)
        master = self.master
        brand_name = variant.brand or deck.brand
        branding = self.brand(brand_name)
        specs = self.engine.lay_out(deck, variant.content.parent)
        template = None
        left_out: list[Diagnostic] = []
        if branding.template is not None:
            info = self.template(branding.template)
            assert branding.brand.template is not None
            specs = master.as_mapped(specs, set(branding.brand.template.layouts))
            template = template_plan(branding, info, master, specs)
            specs, master = as_text_boxes(specs, master, template.boxes)
            # deckgen's shapes into the template's own geometry: its size, below its titles
            specs, master = fitted(specs, master, info.size, template.areas)
            specs = fit_long_words(specs, template, info)
            specs = follow_leads(specs, template, info)
            specs, left_out = clear_of_text(specs, template, info, branding.source)
            drawn_on = info.masters[next(iter(template.masters.values()), 0)]
            master = legible(master, drawn_on.colors, drawn_on.background)
            template = legible_placeholders(template, info)
        return Plan(
            deck=deck,
            specs=specs,
            master=master,
            brand=branding.brand,
            logo=branding.logo,
            logo_negative=branding.logo_negative,
            region=facts,
            brand_name=brand_name,
            template=template,
            warnings=(*merged.warnings, *left_out),
            written=written,
            sources=inputs,
        )

    def draw(self, variant: Variant) -> tuple[Plan, bytes]:
        """Plan and render a variant in memory: its plan and the deck's bytes, nothing
        written (what `deckgen pull` compares an edited deck with)."""
        ready, blob, _ = self._draw(variant)
        return ready, blob

    def _draw(self, variant: Variant) -> tuple[Plan, bytes, datetime.datetime]:
        ready = self.plan(variant)
        from generator.render import render  # python-pptx loads only for a deck to draw

        moment = build_moment(ready.deck.date, self.options.source_date_epoch)
        blob = render(
            ready.deck.meta(),
            ready.specs,
            ready.master,
            ready.brand,
            ready.logo,
            moment,
            ready.template,
            (variant.content.parent, self.templates),
            ready.logo_negative,
        )
        return ready, blob, moment

    def build(self, variant: Variant, output: Path) -> Built:
        """Build a variant into `output/`; return where it went and what it was built from."""
        with track() as used:
            ready, blob, moment = self._draw(variant)
            base_title = self.base_title(variant.content)
        if ready.template is not None and self.verify is not None:
            brand_file = self.templates / "brands" / f"{ready.brand_name}.yaml"
            fail_if_any(self.verify(blob, ready, brand_file))  # before anything is written
        target = output / file_name(ready.deck.title, base_title, variant)
        _refuse_another_decks_file(target, variant)
        save(normalize_zip(blob, moment), target)
        name = ready.region.name if ready.region else None
        return Built(
            path=target,
            slides=len(ready.specs),
            warnings=ready.warnings,
            name=name,
            inputs=tuple(sorted(used.items())),
        )


#: The longest file name (less `.pptx`) a deck gets: under the file systems' 255 bytes with
#: room for what is written beside it (`.<name>.pptx.<random>.tmp`, `<name>-sheet.png`).
MAX_STEM = 200
#: How many hex digits of a hash a file name ends with when it is not the plain name.
HASH_DIGITS = 10


def file_name(title: str, base_title: str, variant: Variant) -> str:
    """Return the deck's file name, unique to its variant by construction.

    The plain name is the title, then the region, then each overlay after `--`:
    `regionen-i-rorelse.pptx`, `regionen-i-rorelse-varmland.pptx`,
    `regionen-i-rorelse-dalarna--exempel.pptx`. A slug holds no `--` and no `_`, so the plain
    names of one content folder differ from each other: the title is the national deck's, the
    same for every deck, the region is what follows it up to the first `--`, and each overlay
    is what stands between two `--`. A deck gets its plain name only where that reading holds:
    its title's slug is the national deck's (no region file or overlay changed it), the region
    and overlays' names are slugs already (`dalarna`, not `Anna` or `a--b`), the overlays lie
    in the content folder's `overlays/` (two elsewhere may share a name), and it is at most
    `MAX_STEM` characters. Any other deck is named by its slug cut short, `_` and a hash of its
    manifest key (`Variant.key`, unique to the variant): `regionen-i_3f2a9c01d4.pptx`. No
    plain name holds `_`, so the two kinds never meet.

    A deck built in a brand of the user's choice (`Variant.brand`) gets `.` and the brand's
    name before `.pptx`: `regionen-i-rorelse.corp.pptx`, `regionen-i-rorelse-varmland.corp.pptx`,
    `regionen-i_3f2a9c01d4.corp.pptx` (the hash is of the key, which holds the brand). Neither
    a slug nor a hash holds `.`, so the brand is what follows the only `.` before `.pptx`: a
    branded name never meets a name without a brand, nor one of another brand. Its stem, brand
    included, is at most `MAX_STEM` characters too, so a branded deck may get the hashed name
    where the deck without a brand has its plain one.
    """
    brand = f".{variant.brand}" if variant.brand is not None else ""
    room = MAX_STEM - len(brand)
    region = [variant.region] if variant.region else []
    overlays = [path.stem for path in variant.overlays]
    plain = "-".join([slug(title), *region]) + "".join(f"--{name}" for name in overlays)
    if (
        slug(title) == slug(base_title)
        and all(slug(name) == name for name in [*region, *overlays])
        and all(variant.in_overlays(path) for path in variant.overlays)
        and len(plain) <= room
    ):
        return f"{plain}{brand}.pptx"
    digest = hashlib.sha256(variant.key.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    readable = slug(" ".join([title, *region, *overlays]))[: room - HASH_DIGITS - 1]
    return f"{readable.rstrip('-')}_{digest}{brand}.pptx"


def _refuse_another_decks_file(target: Path, variant: Variant) -> None:
    """Raise `DeckgenError` if the manifest records another deck in `target` (built from
    another content folder, or by an older deckgen), naming both, before anything is written."""
    entries = Manifest(target.parent).entries
    others = [key for key, e in entries.items() if e.file == target.name and key != variant.key]
    if others and target.is_file():
        message = (
            f"the decks '{variant.key}' and '{others[0]}' would both be written to this file"
            f" ({display_path(target.parent / MANIFEST)} records '{others[0]}' in it); build"
            " one of them into another --output"
        )
        raise DeckgenError([Diagnostic(display_path(target), None, None, message)])


def load_region(content: Path, name: str) -> tuple[Source, RegionFile]:
    """Load and check `regions/<name>.yaml` beside the deck file."""
    paths = region_paths(content)
    if name not in paths:
        message = unknown("region", name, paths)
        where = display_path(content.parent / "regions") + "/"
        raise DeckgenError([Diagnostic(where, None, None, message)])
    source, region = load_overlay(paths[name], RegionFile, (content.parent,))
    if region.region.slug == NATIONAL:
        message = (
            f"region.slug: '{NATIONAL}' is reserved for the national deck (its key in the"
            " manifest); rename the region's file and its slug"
        )
        raise DeckgenError([source.diagnostic(("region", "slug"), message)])
    if region.region.slug != name:
        message = (
            f"region.slug: expected '{name}', the file's name, got {shown(region.region.slug)}"
        )
        raise DeckgenError([source.diagnostic(("region", "slug"), message)])
    return source, region


def load_overlay(
    path: Path, model: type[OverlayT], roots: tuple[Path, ...]
) -> tuple[Source, OverlayT]:
    """Load an overlay or region file and check it alone, before it is merged."""
    source = load_yaml(path, roots)
    if source.data is None:
        source.data = {}
    return source, validate_model(source, model)


def slug(text: str) -> str:
    """Return `text` as a file name: "Regionen i rörelse" -> "regionen-i-rorelse"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "deck"

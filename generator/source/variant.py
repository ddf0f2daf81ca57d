"""Which deck to build: the base content, a region's file and speakers' overlays.

A `Variant` names a deck's inputs; the region files live beside the deck file, in `regions/`.
Standard library only: `deckgen build` with nothing to do must answer without loading the
pipeline (pydantic, Jinja, python-pptx).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: The national deck's name and manifest key; no region may take it.
NATIONAL = "national"
#: What a brand's name is (`brand:` in the content, `--brand`): the name of a file in
#: `templates/brands/` without `.yaml`, the pattern of every name in the content.
BRAND_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Variant:
    """One deck to build: the base content, then a region's file, then speakers' overlays, in
    the brand that the content and region file name, or in `brand`."""

    content: Path
    region: str | None = None
    overlays: tuple[Path, ...] = ()
    brand: str | None = None
    """The brand to build in instead of the one the content names: `templates/brands/<brand>.yaml`
    (`--brand`); None for the content's own."""

    def __post_init__(self) -> None:
        if self.brand is not None and not BRAND_NAME.fullmatch(self.brand):
            raise ValueError(f"not a brand name: {self.brand!r}")  # `Variant.key` relies on it

    @property
    def name(self) -> str:
        """The variant's name: "national" or the region's slug."""
        return self.region or NATIONAL

    @property
    def key(self) -> str:
        """The manifest's key: the name, then each overlay's file name: `dalarna+anna`; an
        overlay kept elsewhere than the content folder's `overlays/` adds `@` and a hash of
        where it is: `dalarna+talk@3f2a9c01`. A deck built in another brand than its content's
        starts with the brand and `:`: `corp:national`, `corp:varmland+anna`.

        Unique to the variant by construction: a region's slug holds no `+` and no `:`
        (lower-case letters, digits and dashes) and may not be `national`, which is reserved
        for the national deck (`pipeline.load_region` refuses it); an overlay's `+`, `@` and
        `%` are written `%2B`, `%40` and `%25`, so `+` only ever separates and `@` only ever
        starts a place; two overlays of one name are one file only in `overlays/`; and a
        brand's name holds neither `+` nor `:` (`BRAND_NAME`), so a `:` before the first `+`
        ends the brand and only a brand puts one there. A deck without a brand keeps the key
        it had before brands could be chosen.
        """
        key = "+".join([self.name, *(self._overlay_key(path) for path in self.overlays)])
        return f"{self.brand}:{key}" if self.brand is not None else key

    def in_overlays(self, overlay: Path) -> bool:
        """Whether `overlay` lies in the content folder's `overlays/` (links not resolved)."""
        home = os.path.abspath(self.content.parent / "overlays")
        return os.path.dirname(os.path.abspath(overlay)) == home

    def _overlay_key(self, overlay: Path) -> str:
        name = overlay.stem.replace("%", "%25").replace("+", "%2B").replace("@", "%40")
        if self.in_overlays(overlay):
            return name
        where = os.path.abspath(overlay).encode("utf-8", "surrogateescape")
        return f"{name}@{hashlib.sha256(where).hexdigest()[:8]}"


def overlay_roots(content: Path, overlay: Path) -> tuple[Path, ...]:
    """Return where the overlay file `overlay` may lie once its symbolic links are resolved:
    the content folder (the one `content`, the deck file, is in), or the folder it is named
    in: a speaker's overlay may come from their own folder, but a link there may not lead
    elsewhere."""
    return (content.parent, overlay.parent)


def region_paths(content: Path) -> dict[str, Path]:
    """Return the region files beside the deck file, by slug: `regions/<slug>.yaml`."""
    folder = content.parent / "regions"
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


@dataclass(frozen=True)
class Options:
    """Everything besides a variant's own files that changes the bytes of its deck.

    The rebuild hash covers every field (`generator.output.manifest.Inputs`): a path by the
    files under it, anything else by its value. An option added here is in the hash from the
    start, so it cannot leave a stale deck looking up to date.
    """

    templates: Path
    """The folder of layout rules, masters and brands."""
    source_date_epoch: str | None = None
    """`SOURCE_DATE_EPOCH`: the decks' timestamp, in seconds since 1970; the content's `date`
    where it is not set."""

    @classmethod
    def from_environment(cls, templates: Path) -> Options:
        """Return the options for `templates`, with `SOURCE_DATE_EPOCH` read from the
        environment."""
        return cls(templates, os.environ.get("SOURCE_DATE_EPOCH") or None)

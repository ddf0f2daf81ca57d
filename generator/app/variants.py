"""Which decks a command names: the national deck, a region's, every one, or a shard of them."""

from __future__ import annotations

from pathlib import Path

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.output.manifest import MANIFEST, Manifest
from generator.source.variant import Variant, region_paths


def every_variant(
    content: Path, overlays: tuple[Path, ...] = (), brand: str | None = None
) -> list[Variant]:
    """Return the national deck, then each region's, in the order of their slugs; in `brand`
    where it is given, instead of their own."""
    regions = [None, *region_paths(content)]
    return [Variant(content, region, overlays, brand) for region in regions]


def select(
    content: Path,
    region: str | None,
    overlays: tuple[Path, ...] = (),
    *,
    every: bool = False,
    part: tuple[int, int] | None = None,
    brand: str | None = None,
) -> list[Variant]:
    """Return the variants a command names: every one (or shard `part` of them), or one; in
    `brand` where it is given."""
    if every:
        variants = every_variant(content, overlays, brand)
        return select_shard(variants, *part) if part is not None else variants
    return [Variant(content, region, overlays, brand)]


def built(output: Path, variants: list[Variant]) -> list[tuple[Variant, Path]]:
    """Return each variant's deck in `output`, from the manifest; raise `DeckgenError` naming
    the decks that are not built."""
    entries = Manifest(output).entries
    found = [(v, output / entries[v.key].file) for v in variants if v.key in entries]
    missing = [
        v.key
        for v in variants
        if v.key not in entries or not (output / entries[v.key].file).is_file()
    ]
    if missing:
        message = (
            f"not built yet: {', '.join(missing)}; run deckgen build first (with the same options)"
        )
        brands = sorted(  # the same decks, built with --brand: `corp:national`
            {key.split(":", 1)[0] for key in entries for m in missing if key.endswith(f":{m}")}
        )
        if brands:
            message += f", or give --brand {' or --brand '.join(brands)}, which built it"
        raise DeckgenError([Diagnostic(display_path(output / MANIFEST), None, None, message)])
    return found


def select_shard(variants: list[Variant], part: int, parts: int) -> list[Variant]:
    """Return shard `part` of `parts` (1-based): every `parts`-th variant in a fixed order, so
    the shards are disjoint, their union is all variants, and their sizes differ by one at most."""
    ordered = sorted(variants, key=lambda variant: variant.key)
    return [variant for index, variant in enumerate(ordered) if index % parts == part - 1]

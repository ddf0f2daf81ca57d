"""The options that several commands share, and the decks they name."""

from __future__ import annotations

from pathlib import Path

import click

from generator.app.variants import select
from generator.source.variant import BRAND_NAME, Variant

CONTENT = click.option(
    "--content",
    type=click.Path(path_type=Path),
    default=Path("content/deck.yaml"),
    show_default=True,
    help="The deck's content file.",
)
TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path),
    default=Path("templates"),
    show_default=True,
    help="Layout rules, masters and brands.",
)


REGION = click.option(
    "--region",
    metavar="SLUG",
    help="A region's variant: content/regions/SLUG.yaml, such as varmland.",
)
OVERLAYS = click.option(
    "--overlay",
    "overlays",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A speaker's overlay file, applied after the region; repeat for more, in order.",
)
BRAND = click.option(
    "--brand",
    metavar="NAME",
    help="The decks in the brand of templates/brands/NAME.yaml instead of the content's and"
    " region files' own; their file names end in .NAME.pptx.",
)


OUTPUT = click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder of the built decks and manifest.json.",
)
EVERY = click.option("--all", "every", is_flag=True, help="The national deck and every region's.")


class Shard(click.ParamType):  # type: ignore[type-arg]
    """`K/N`: the K-th of N parts, 1-based."""

    name = "K/N"

    def convert(self, value: object, param: click.Parameter | None, ctx: object) -> object:
        if isinstance(value, tuple):
            return value
        part, _, parts = str(value).partition("/")
        if not (part.isdigit() and parts.isdigit() and 1 <= int(part) <= int(parts)):
            self.fail(f"expected K/N with 1 <= K <= N, such as 2/4, got {value!r}", param)
        return int(part), int(parts)


def variants(
    content: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    every: bool,
    shard: tuple[int, int] | None = None,
    brand: str | None = None,
) -> list[Variant]:
    """Return the decks that the options name; refuse options that contradict each other, and
    a brand that is not a brand's name."""
    if region is not None and every:
        raise click.UsageError("use --region or --all, not both")
    if region is not None and not region.strip():
        raise click.BadParameter(
            "is empty; name a region, such as varmland, or leave --region out for the "
            "national deck",
            param_hint="'--region'",
        )
    if brand is not None and not BRAND_NAME.fullmatch(brand):
        raise click.BadParameter(
            f"{brand!r} is not a brand's name: up to 64 lower-case letters, digits and dashes,"
            " such as corp, the name of a file in templates/brands/ without .yaml",
            param_hint="'--brand'",
        )
    return select(content, region, overlays, every=every, part=shard, brand=brand)

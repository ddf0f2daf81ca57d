"""The `deckgen` command line: it parses options and calls the pipeline in `build`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from . import __version__

_CONTENT = click.option(
    "--content",
    type=click.Path(path_type=Path),
    default=Path("content/deck.yaml"),
    show_default=True,
    help="The deck's content file.",
)
_TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path),
    default=Path("templates"),
    show_default=True,
    help="Layout rules, masters and brands.",
)


class _Group(click.Group):
    """Turns an unexpected exception into one line; DECKGEN_TRACEBACK=1 shows the traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except Exception as exc:
            if os.environ.get("DECKGEN_TRACEBACK"):
                raise
            message = (
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in deckgen; run again with DECKGEN_TRACEBACK=1 to see where."
            )
            raise click.ClickException(message) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def main() -> None:
    """Build editable, brandable PowerPoint decks from YAML content.

    \b
    Typical use, from the project folder:
      deckgen validate          check content/deck.yaml; write nothing
      deckgen build             write output/<deck title>.pptx
      deckgen schema -o deck.schema.json
                                JSON Schema of the content, for editors

    Errors name file:line:column; deckgen reports them all, then exits with status 1.
    """


@main.command()
@_CONTENT
@_TEMPLATES
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the built deck.",
)
def build(content: Path, templates: Path, output: Path) -> None:
    """Build the deck into the output folder.

    The deck is written atomically: a failed build leaves the previous deck in place. The same
    input gives the same bytes; set SOURCE_DATE_EPOCH to fix the file's dates, which are
    otherwise the content's `date`.
    """
    from .build import build as run_build

    built = run_build(content, templates, output)
    click.echo(f"wrote {built.path.as_posix()} ({built.slides} slides)")


@main.command()
@_CONTENT
@_TEMPLATES
def validate(content: Path, templates: Path) -> None:
    """Check the content, brand and layouts without writing anything."""
    from .build import plan

    ready = plan(content, templates)
    click.echo(f"{content.as_posix()}: ok ({len(ready.specs)} slides)")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the schema to this file instead of standard output.",
)
def schema(output: Path | None) -> None:
    """Print the content format as JSON Schema, for editors."""
    from .models import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output.as_posix()}")


@main.command()
@click.argument("text")
@click.option("--color", default="12355B", show_default=True, help="Text colour, RRGGBB.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The PNG file to write."
)
def logo(text: str, color: str, output: Path) -> None:
    """Make a text logo PNG for a brand with no artwork.

    deckgen ships no real logos: brands use text logos made with this command.

    \b
    Example:
      deckgen logo SKR --color 12355B -o templates/brands/logos/skr.png
    """
    import re

    from .logo import text_logo

    if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
        raise click.BadParameter(f"{color!r} is not an RRGGBB colour", param_hint="--color")
    output.write_bytes(text_logo(text, color))
    click.echo(f"wrote {output.as_posix()}")

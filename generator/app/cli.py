"""The `deckgen` command line: it parses options and calls the pipeline in `build`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import __version__
from generator.app import options
from generator.app.report import Reporter
from generator.errors import EXIT_FINDINGS, EXIT_INTERNAL, counted, display_path
from generator.source.variant import Options

if TYPE_CHECKING:  # the command line loads pydantic only when a command needs it
    from generator.layout.spec import PlaceholderInfo


class _InternalError(click.ClickException):
    exit_code = EXIT_INTERNAL


class _Group(click.Group):
    """Turns an unexpected exception into one line and exit status 70; DECKGEN_TRACEBACK=1
    shows the traceback. A closed pipe (`deckgen layouts X | head`) ends quietly: click
    handles it."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, BrokenPipeError):
            raise
        except KeyboardInterrupt:
            # Not click's "Aborted!" and status 1: one line, and the status a shell expects.
            click.echo("deckgen: interrupted", err=True)
            raise click.exceptions.Exit(130) from None
        except Exception as exc:
            if os.environ.get("DECKGEN_TRACEBACK"):
                raise
            message = (
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in deckgen; run again with DECKGEN_TRACEBACK=1 to see where."
            )
            raise _InternalError(message) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def main() -> None:
    """Build editable, brandable PowerPoint decks from YAML content.

    \b
    Typical use, from the project folder:
      deckgen validate --all    check every deck's content; write nothing
      deckgen build             write the deck to output/, named after its title
      deckgen build --region varmland
                                a region's deck, in its brand, with its facts
      deckgen build --brand corp
                                the deck in templates/brands/corp.yaml's brand instead
      deckgen build --all       every deck, in parallel; unchanged ones are skipped
      deckgen check --all       read the built decks back: overflow, accessibility, links
      deckgen preview --all     render them to PNG and write output/index.html, a gallery
      deckgen schema -o content/deck.schema.json
                                JSON Schema of the content, for editors
      deckgen pull edited.pptx --into content/overlays/anna.yaml
                                a deck edited in PowerPoint back to an overlay file
      deckgen serve             a web page on which speakers edit their overlay and
                                see the deck: http://127.0.0.1:8000/

    Errors name file:line:column; deckgen reports them all, then exits.

    \b
    Exit status:
      0   success
      1   an error in the content, a region file, an overlay, a brand or a template
      2   a usage error: an unknown option, a missing argument, an empty --region, a
          --brand that is not a brand's name
      3   deckgen check found problems at or above --fail-on; deckgen pull wrote an
          overlay but could not map some edits
      4   an external tool (LibreOffice's soffice, poppler's pdftoppm) is missing or failed
      70  an internal error: a bug in deckgen (DECKGEN_TRACEBACK=1 shows where)
      130       stopped by Ctrl-C (SIGINT)
      130, 143  build --all stopped by SIGINT or SIGTERM; written decks recorded
    """


@main.command()
@options.CONTENT
@options.TEMPLATES
@options.OUTPUT
@options.REGION
@options.OVERLAYS
@options.BRAND
@click.option("--all", "every", is_flag=True, help="Build the national deck and every region's.")
@click.option(
    "--shard",
    type=options.Shard(),
    help="With --all, build only the K-th of N fixed parts, such as 1/4, for a CI matrix.",
)
@click.option("--force", is_flag=True, help="Build even the decks that are up to date.")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also export each deck to an accessible PDF (tagged, PDF/UA) with LibreOffice (soffice).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes to build with; all the cores this process may use by default.",
)
def build(
    content: Path,
    templates: Path,
    output: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    brand: str | None,
    every: bool,
    shard: tuple[int, int] | None,
    force: bool,
    pdf: bool,
    jobs: int | None,
) -> None:
    """Build decks: the national one, a region's, or all of them.

    \b
    Examples:
      deckgen build                          the national deck
      deckgen build --region varmland        Region Värmland's deck
      deckgen build --region dalarna --overlay content/overlays/exempel.yaml
      deckgen build --brand corp             the national deck in templates/brands/corp.yaml's
                                             brand: output/regionen-i-rorelse.corp.pptx
      deckgen build --all --pdf              every deck, and a PDF of each
      deckgen build --all --shard 2/4        the second quarter of them

    A deck is rebuilt only when what it is built from (content, region file, overlays,
    templates, deckgen's version) changed since output/manifest.json recorded it; --force
    rebuilds it anyway. Decks are written atomically: a failed build leaves the previous deck
    in place, and with --all the other decks are still built. The same input gives the same
    bytes; set SOURCE_DATE_EPOCH to fix the file's dates, which are otherwise the content's
    `date`.
    """
    from generator.app.build import Request, build_decks

    if shard and not every:
        raise click.UsageError("--shard splits --all: add --all")
    variants = options.variants(content, region, overlays, every, shard, brand)
    request = Request(output=output, force=force, pdf=pdf, jobs=jobs)
    build_decks(variants, Options.from_environment(templates), request, Reporter())


@main.command()
@options.CONTENT
@options.TEMPLATES
@options.REGION
@options.OVERLAYS
@options.BRAND
@click.option("--all", "every", is_flag=True, help="Check the national deck and every region's.")
def validate(
    content: Path,
    templates: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    brand: str | None,
    every: bool,
) -> None:
    """Check the content, brand and layouts without writing anything.

    Every deck is planned as far as rendering: content, region files and overlays, brand,
    layouts. Errors name file:line:column; warnings do not change the exit status.

    \b
    Examples:
      deckgen validate                       the national deck
      deckgen validate --all                 every deck: "22 decks valid"
      deckgen validate --region dalarna --overlay content/overlays/exempel.yaml
      deckgen validate --all --brand corp    every deck, in templates/brands/corp.yaml's brand
    """
    from generator.errors import DeckgenError
    from generator.pipeline import Pipeline

    variants = options.variants(content, region, overlays, every, brand=brand)
    pipeline = Pipeline(Options.from_environment(templates))
    report = Reporter()
    problems = []
    valid = 0
    for variant in variants:
        try:
            ready = pipeline.plan(variant)
        except DeckgenError as exc:
            problems += [d for d in exc.diagnostics if d not in problems]
            continue
        report.warnings(ready.warnings)
        valid += 1
        name = "" if variant.key == "national" else f" ({variant.key})"
        click.echo(f"{content.as_posix()}{name}: ok ({len(ready.specs)} slides)")
    if len(variants) > 1:
        invalid = len(variants) - valid
        click.echo(f"{counted(valid, 'deck')} valid" + (f", {invalid} not" if invalid else ""))
    if problems:
        raise DeckgenError(problems)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the schema to this file instead of standard output.",
)
@click.option(
    "--for",
    "kind",
    type=click.Choice(["deck", "region", "overlay", "data"]),
    default="deck",
    show_default=True,
    help="Which file's format: the deck, a region file, a speaker's overlay or a chart's data.",
)
def schema(output: Path | None, kind: str) -> None:
    """Print a content format as JSON Schema, for editors.

    \b
    The committed schemas:
      deckgen schema -o content/deck.schema.json
      deckgen schema --for region -o content/region.schema.json
      deckgen schema --for overlay -o content/overlay.schema.json
      deckgen schema --for data -o content/data.schema.json
    """
    from generator.content.schema import json_schema

    text = json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text.encode("utf-8"))
        click.echo(f"wrote {output.as_posix()}")


@main.command(short_help="Render built decks to PNG in a web gallery, output/index.html.")
@options.CONTENT
@options.TEMPLATES
@options.OUTPUT
@options.REGION
@options.OVERLAYS
@options.BRAND
@options.EVERY
@click.option(
    "--grid",
    is_flag=True,
    help="Also write preview/<deck>-grid.png: the contact sheet with the built-in master's "
    "12 columns drawn over every slide, to see what stands off the grid.",
)
def preview(
    content: Path,
    templates: Path,
    output: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    brand: str | None,
    every: bool,
    grid: bool,
) -> None:
    """Render built decks to PNG and write output/index.html, a gallery of them, in Swedish.

    LibreOffice (soffice) exports the decks to PDF in one run, and poppler's pdftoppm turns the
    pages into PNG. Each deck also gets a contact sheet, one PNG with every slide, for reviews.
    The page keeps every deck previewed before: --region updates that deck's section only.
    output/compare/<slide>.html shows one slide of every deck side by side. Where this machine
    shows a deck's font as one of other widths (fontconfig's fc-match), it warns, as check does.

    \b
    Examples:
      deckgen build --all && deckgen preview --all
      deckgen preview --region varmland
      deckgen preview --brand corp           the deck built with deckgen build --brand corp
      deckgen preview --grid                 and preview/regionen-i-rorelse-grid.png
    """
    from generator.app.variants import built
    from generator.check.fonts import fonts
    from generator.check.view import read_fonts
    from generator.gallery import write_gallery
    from generator.layout.engine import load_master
    from generator.output.raster import Columns, grid_columns

    decks = built(output, options.variants(content, region, overlays, every, brand=brand))
    columns: Columns = ()
    if grid:
        master = load_master(templates)
        columns = grid_columns(master.size[0], master.columns(), master.column_width)
    gallery = write_gallery(decks, output, Reporter().line, grid=columns)
    click.echo(f"wrote {gallery.page.as_posix()} ({counted(gallery.decks, 'deck')})")
    for finding in fonts([read_fonts(path) for _, path in decks]):
        click.echo(str(finding), err=True)


@main.command(short_help="Check built decks: overflow, accessibility, package, links.")
@options.CONTENT
@options.TEMPLATES
@options.OUTPUT
@options.REGION
@options.OVERLAYS
@options.BRAND
@options.EVERY
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Exit non-zero on errors only, or on warnings too (for strict CI).",
)
def check(
    content: Path,
    templates: Path,
    output: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    brand: str | None,
    every: bool,
    fail_on: str,
) -> None:
    """Check built decks: overflow, accessibility, package validity, links, fidelity, fonts.

    Prints one line per finding: the deck, the slide number and id, error or warning, and what
    is wrong. Exits with status 3 if there is an error (or, with --fail-on warning, a warning).
    Overflow is measured on the decks rendered to PDF by LibreOffice (soffice); fontconfig's
    fc-match says whether the fonts it rendered them in have the widths of the deck's fonts.

    \b
    Examples:
      deckgen build --all && deckgen check --all
      deckgen check --region varmland --fail-on warning
      deckgen check --all --brand corp       the decks of deckgen build --all --brand corp
    """
    from generator.app.variants import built
    from generator.check import check_decks

    decks = built(output, options.variants(content, region, overlays, every, brand=brand))
    findings = check_decks(decks, Options.from_environment(templates))
    for finding in findings:
        click.echo(str(finding))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    summary = ", ".join((counted(errors, "error"), counted(warnings, "warning")))
    click.echo(f"{counted(len(decks), 'deck')} checked: {summary}")
    if errors or (fail_on == "warning" and warnings):
        raise click.exceptions.Exit(EXIT_FINDINGS)


@main.command(short_help="An edited deck back to an overlay: pull EDITED.pptx --into FILE.")
@click.argument("edited", type=click.Path(path_type=Path))
@click.option(
    "--into",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The overlay file to write, such as content/overlays/anna.yaml.",
)
@click.option("--force", is_flag=True, help="Overwrite the overlay file if it exists.")
@options.CONTENT
@options.TEMPLATES
@options.REGION
@options.OVERLAYS
@options.BRAND
def pull(
    edited: Path,
    into: Path,
    force: bool,
    content: Path,
    templates: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    brand: str | None,
) -> None:
    """Write the edits made to a deck in PowerPoint as an overlay file.

    Give the options the deck was built with: pull builds that deck in memory and compares
    the edited one with it, slide by slide (by the slide ids deckgen writes as slide names)
    and shape by shape. It writes what an overlay can say: changed texts, each in the content
    field it came from (bold and italic as **bold** and *italic*), notes, hidden slides,
    deleted slides, the slide order, and slides copied with Duplicate Slide, such as a quote
    (each a new slide, `<id>-kopia`). Build with the same options and the overlay after them
    to get the edited texts back.

    Edits an overlay cannot say are listed, one line each, and left out of it: a text box or
    picture the speaker added, a changed picture or chart, a moved shape, a text that comes
    from a Jinja expression (the region's name) or a data file, a slide without an id (added
    in PowerPoint, or the whole deck re-saved by LibreOffice, which drops slide names). An
    existing overlay is never overwritten without --force.

    \b
    Examples:
      deckgen pull ~/Hämtade/talk.pptx --into content/overlays/anna.yaml
      deckgen pull talk.pptx --region varmland --into content/overlays/anna.yaml
      deckgen build --region varmland --overlay content/overlays/anna.yaml

    \b
    Exit status:
      0   the overlay was written and holds every edit
      1   an error: no such file, not a .pptx, no slide ids, the overlay exists
      2   a usage error, such as --into naming one of the --overlay files
      3   the overlay was written; the edits listed could not be mapped
    """
    from generator.pull import pull as pull_deck

    if any(into.resolve() == overlay.resolve() for overlay in overlays):
        raise click.UsageError(
            "--into names an overlay the deck is built with; pull writes only the edits made"
            " since, to go after it: name a new file"
        )
    (variant,) = options.variants(content, region, overlays, False, brand=brand)
    pulled = pull_deck(edited, variant, Options.from_environment(templates), into, force=force)
    for line in pulled.unmapped:
        click.echo(line)
    left = f"; {counted(len(pulled.unmapped), 'edit')} not mapped" if pulled.unmapped else ""
    changed = counted(pulled.changes, "slide")
    click.echo(f"wrote {display_path(pulled.path)} ({changed} changed{left})")
    if pulled.unmapped:
        raise click.exceptions.Exit(EXIT_FINDINGS)


@main.command(short_help="A web page on which speakers edit their overlay and see the deck.")
@options.CONTENT
@options.TEMPLATES
@click.option(
    "--host",
    default=None,
    metavar="HOST",
    help="The address to listen on; 127.0.0.1 (this computer only) unless given.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port."
)
@click.option(
    "--allow-host",
    "also",
    multiple=True,
    metavar="NAME",
    help="With --host: another name the page may be opened by, such as a proxy's; repeat for"
    " more. This computer's own names and addresses are allowed already.",
)
def serve(
    content: Path, templates: Path, host: str | None, port: int, also: tuple[str, ...]
) -> None:
    """Serve a page on which a speaker picks a deck, edits their overlay and downloads it.

    The page shows every slide as a thumbnail, lets a speaker pick, order and edit the quotes,
    hide slides, write notes, name the speakers and upload a panel photo, and downloads the
    deck (.pptx, .pdf) and the overlay. Saved overlays are written to content/overlays/, checked
    as deckgen build checks them. A change to a file under content/ or templates/ rebuilds the
    open decks. --content may name the deck file or its folder.

    \b
    Examples:
      deckgen serve                          http://127.0.0.1:8000/, this computer only
      deckgen serve --host 0.0.0.0 --port 8080
                                             reachable from the network: say so
    """
    from generator.app.serve.server import LOCAL_HOST, Bind
    from generator.app.serve.server import serve as run

    if content.is_dir():
        content = content / "deck.yaml"

    def announce(bound: Bind) -> None:
        click.echo(bound.notice(), err=not bound.local)

    run(content, templates, Bind(host or LOCAL_HOST, port, also), announce)


@main.command()
@click.argument("template", type=click.Path(path_type=Path, dir_okay=False))
def layouts(template: Path) -> None:
    """List a .pptx or .potx template's layouts and their placeholders.

    Use the names and indexes to map deckgen's layouts onto the template in a brand file
    (`template:` in templates/brands/NAME.yaml; the README shows how).

    \b
    Example:
      deckgen layouts corporate.potx
    """
    from generator.render.template import describe

    info = describe(template, (template.parent,))  # named here: its own folder
    width, height = info.size
    count = sum(len(master.layouts) for master in info.masters)
    masters = f"{len(info.masters)} masters, " if len(info.masters) > 1 else ""
    click.echo(f"{template.as_posix()}: {width:g} x {height:g} pt, {masters}{count} layouts")
    for master in info.masters:
        if len(info.masters) > 1:
            click.echo(f"\nmaster {master.number} {master.name!r}")
        for name, placeholders in master.layouts.items():
            _describe_layout(name, placeholders)


def _describe_layout(name: str, placeholders: list[PlaceholderInfo]) -> None:
    click.echo(f"\nlayout {name!r}")
    if not placeholders:
        click.echo("  (no placeholders)")
    for placeholder in placeholders:
        where = ""
        if placeholder.box is not None:
            x, y, w, h = (round(value, 1) for value in placeholder.box)
            where = f"  at {x:g}, {y:g} pt, {w:g} x {h:g} pt"
        line = f"  idx {placeholder.idx:<4} {placeholder.type:<9} {placeholder.name!r}{where}"
        click.echo(line)


@main.group(short_help="Make brands: brand new NAME --template PATH.")
def brand() -> None:
    """Make brands: `deckgen brand new NAME --template PATH`.

    A brand is templates/brands/NAME.yaml: a palette, fonts and a logo on deckgen's own
    master, or a corporate template's masters and layouts with a mapping of deckgen's layouts
    onto them. Build with one, without editing any content file:
    `deckgen build --brand NAME`.
    """


@brand.command(name="new", short_help="A starter brand for a corporate template.")
@click.argument("name")
@click.option(
    "--template",
    "template",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The corporate .pptx or .potx to map deckgen's layouts onto.",
)
@options.TEMPLATES
@options.CONTENT
def brand_new(name: str, template: Path, templates: Path, content: Path) -> None:
    """Write a starter brand for a corporate template: templates/brands/NAME.yaml.

    For each of deckgen's layouts (one per slide kind), deckgen guesses a layout of the
    template and, for each text, a placeholder, from their types, positions and sizes; each
    choice is commented with the alternatives. A text with no placeholder left is drawn as
    deckgen's own text box. Accepted as it is, the mapping loses no text. A template outside
    templates/brands/ is copied into templates/brands/NAME/. An existing brand file is never
    overwritten. The national deck is then built with the brand in a scratch folder, and what
    the build and check's accessibility and overlap rules find is listed, to edit the mapping
    by (the brand file stays as written).

    \b
    Examples:
      deckgen brand new region-x --template ~/Mallar/Region-X.potx
      deckgen build --brand region-x && deckgen preview --brand region-x
    """
    from generator.app.brands import BRAND_NAME, new_brand, tried

    if not BRAND_NAME.fullmatch(name):
        raise click.BadParameter(
            f"{name!r} is not a brand name: up to 64 lower-case letters, digits and dashes,"
            " such as 'region-x'",
            param_hint="'NAME'",
        )
    made = new_brand(templates, name, template)
    if made.copied:
        click.echo(f"copied {template.as_posix()} to {made.template.as_posix()}")
    boxes = f", {counted(made.text_boxes, 'text')} drawn as text boxes" if made.text_boxes else ""
    click.echo(f"wrote {made.brand.as_posix()} ({made.layouts} layouts mapped{boxes})")
    if content.is_file():
        found = tried(templates, name, content)
        said = f"{counted(len(found), 'problem')}:" if found else "no problem found"
        click.echo(f"tried on {content.as_posix()}'s national deck: {said}")
        for line in found:
            click.echo(f"  {line}")
    click.echo(f"next: deckgen build --brand {name} && deckgen preview --brand {name}")


@main.command()
@click.argument("text", required=False)
@click.option("--color", default="12355B", show_default=True, help="Text colour, RRGGBB.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The PNG file to write.")
@click.option(
    "--brand",
    metavar="NAME",
    help="Make the logos of templates/brands/NAME.yaml: its name in its heading font, in its"
    " dk2 colour (its logo path) and in lt1 (its negative logo path).",
)
@options.TEMPLATES
def logo(
    text: str | None, color: str, output: Path | None, brand: str | None, templates: Path
) -> None:
    """Make text logo PNGs for a brand with no artwork.

    deckgen ships no real logos: brands use text logos made with this command, set in
    Carlito Bold (Calibri's metric twin, bundled), on a transparent ground. The master sets
    every text logo at the same cap height; a name too long for one line takes two. With
    --brand, a positive logo (dark ink) and a negative one (light ink, for dark backgrounds)
    are written.

    \b
    Examples:
      deckgen logo SKR --color 025365 -o templates/brands/logos/skr.png
      deckgen logo --brand varmland
    """
    import re

    from generator.theme.logo import LogoFontMissing, text_logo

    made: list[tuple[Path, str]] = []
    font = "Calibri"
    if brand is not None:
        from generator.theme.brand import negative_logo_path, read_brand

        found, output = read_brand(templates, brand)
        text = found.name
        font = found.fonts.heading if found.fonts is not None else font
        if found.colors is not None:
            color = found.colors.dk2
            made.append((negative_logo_path(templates, brand, found), found.colors.lt1))
    if text is None or output is None:
        raise click.UsageError("give TEXT and -o FILE, or --brand NAME")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
        raise click.BadParameter(f"{color!r} is not an RRGGBB colour", param_hint="--color")
    for path, ink in [(output, color), *made]:
        try:
            _write(path, text_logo(text, ink, font))
        except LogoFontMissing as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {path.as_posix()}")


def _write(path: Path, data: bytes) -> None:
    """Write a file a command was asked for; a path that cannot be written is the user's error."""
    from generator.errors import DeckgenError, Diagnostic, display_path

    try:
        path.write_bytes(data)
    except OSError as exc:
        message = f"cannot write: {exc.strerror or exc}"
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)]) from None

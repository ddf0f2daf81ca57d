"""`deckgen build`: build the decks that are out of date, record them, report each one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import __version__
from generator.app.report import Reporter
from generator.errors import DeckgenError, InternalError, counted, display_path
from generator.files import read_once
from generator.output.manifest import Entry, Inputs, Manifest, manifest_entry, record
from generator.source.variant import Options, Variant

if TYPE_CHECKING:
    from generator.app.jobs import Outcome
    from generator.pipeline import Built


@dataclass(frozen=True)
class Request:
    """What `deckgen build` was asked for, beyond the decks themselves."""

    output: Path
    force: bool = False
    pdf: bool = False
    jobs: int | None = None


def build_decks(
    variants: list[Variant], options: Options, request: Request, report: Reporter
) -> None:
    """Build what is out of date, report each deck and a summary, update the manifest; raise
    `DeckgenError` with every failing deck's diagnostics if any failed.

    Each input file is read once: the stages load the bytes that the rebuild check hashed, and
    a deck's entry records the hash of the bytes its build read."""
    with read_once():
        _build_decks(variants, options, request, report)


def _build_decks(
    variants: list[Variant], options: Options, request: Request, report: Reporter
) -> None:
    output = request.output
    inputs = Inputs(options, __version__)
    manifest = Manifest(output)
    todo = []
    for variant in variants:
        current = None if request.force else manifest.current(variant, inputs)
        if current is None:
            todo.append(variant)
        else:
            report.line(
                f"up to date {display_path(output / current.file)} ({current.slides} slides)"
            )
    up_to_date = len(variants) - len(todo)
    failed: list[Outcome] = []
    if len(variants) == 1 and todo:
        _build_one(todo[0], options, output, inputs, report)
    elif todo:
        failed = _build(todo, options, output, inputs, request.jobs, report)
        failed.sort(key=lambda outcome: variants.index(outcome.variant))  # not finishing order
    if len(variants) > 1:
        written = len(todo) - len(failed)
        report.line(f"{written} written, {up_to_date} up to date, {len(failed)} failed")
    if failed:
        error = InternalError if any(outcome.internal for outcome in failed) else DeckgenError
        # An error in what decks share (the base deck, an overlay) is said once, not per deck.
        diagnostics = list(dict.fromkeys(d for outcome in failed for d in outcome.diagnostics))
        names = ", ".join(outcome.variant.key for outcome in failed)
        others = _others(len(todo) - len(failed), up_to_date)
        raise error(
            diagnostics,
            summary=f"{len(failed)} of {len(variants)} decks failed ({names}); {others}",
        )
    if request.pdf:
        _export(output, variants, report)


def _others(written: int, up_to_date: int) -> str:
    """Return what became of the decks that did not fail, for the error summary."""
    if written and up_to_date:
        return "the others were written or up to date."
    if up_to_date:
        return "the others were up to date."
    return "the others were written." if written else "nothing was written."


def _build_one(
    variant: Variant, options: Options, output: Path, inputs: Inputs, report: Reporter
) -> None:
    """Build one deck in this process: its errors, and deckgen's bugs, are the command's own."""
    from generator.app.jobs import verified_pipeline  # loads the pipeline: there is work

    built = verified_pipeline(options).build(variant, output)
    record(output, [(variant.key, _wrote(variant, built, output, inputs, report))])


def _wrote(variant: Variant, built: Built, output: Path, inputs: Inputs, report: Reporter) -> Entry:
    """Report a deck that was written, with its warnings; return its manifest entry."""
    read = (inputs.digest(variant, built.inputs), [path for path, _ in built.inputs])
    entry = manifest_entry(output, built.path, built.slides, read, __version__, built.name)
    report.advance(f"wrote {display_path(built.path)} ({built.slides} slides)")
    report.warnings(built.warnings)
    return entry


def _build(
    variants: list[Variant],
    options: Options,
    output: Path,
    inputs: Inputs,
    jobs: int | None,
    report: Reporter,
) -> list[Outcome]:
    """Build `variants`, one line each; record the written ones; return the failed ones."""
    from generator.app.jobs import Interrupted, cpu_count, run  # loads the pipeline: there is work

    updates: list[tuple[str, Entry]] = []
    failed: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        built = outcome.built
        if built is None:
            failed.append(outcome)
            errors = counted(len(outcome.diagnostics), "error")
            report.advance(f"failed {outcome.variant.key} ({errors}, listed below)")
            return
        entry = _wrote(outcome.variant, built, output, inputs, report)
        updates.append((outcome.variant.key, entry))

    report.start(len(variants), "building")
    try:
        run(variants, options, output, jobs or cpu_count(), done)
    except Interrupted as stop:
        report.stop()
        report.line(f"interrupted: {len(updates)} written and recorded, the rest not started")
        raise click.exceptions.Exit(stop.status) from None
    finally:
        report.stop()
        if updates:
            record(output, updates)
    return failed


def _export(output: Path, variants: list[Variant], report: Reporter) -> None:
    """Export the built decks to PDF; a missing LibreOffice leaves the decks written."""
    from generator.output.pdf import export_pdfs

    entries = Manifest(output).entries
    decks = [output / entries[v.key].file for v in variants if v.key in entries]
    try:
        written = export_pdfs(decks)
    except DeckgenError as exc:
        exc.summary = "the decks were written; their PDFs were not."
        raise
    for pdf in written:
        report.line(f"wrote {display_path(pdf)}")

"""`deckgen pull`: a deck a speaker edited in PowerPoint, back to an overlay file.

Runs after the pipeline, like `check`: it builds the variant in memory, reads both decks
(`read.py`), compares them slide by slide and shape by shape (`diff.py`), maps each changed
text back to the content field it came from (`fields.py`), and writes the changes as an
overlay (`overlay.py`) once the overlay has passed the checks every overlay passes and gives
the edited slide order. What cannot be mapped is returned, one line each, never dropped.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.errors import DeckgenError, Diagnostic, InternalError, counted, display_path
from generator.output.save import save
from generator.pipeline import Pipeline, Plan
from generator.pull.diff import Built, Changes, Unmapped, compare
from generator.pull.overlay import overlay_data, overlay_yaml
from generator.pull.read import read_blob, read_edited
from generator.source.load import parse_yaml
from generator.source.variant import Options, Variant


@dataclass(frozen=True)
class Pulled:
    """An overlay that `pull` wrote, and what it could not map."""

    path: Path
    changes: int
    """How many slides it changes, adds, moves, drops or hides (`quotes:` aside)."""
    unmapped: list[str]
    """One line per edit it could not map: `EDITED.pptx: slide N: cannot map: what (why)`."""


def pull(
    edited: Path, variant: Variant, options: Options, into: Path, *, force: bool = False
) -> Pulled:
    """Write to `into` the overlay that makes `variant`'s deck into the `edited` one; raise
    `DeckgenError` if `into` exists (unless `force`), if `edited` is no deck, or if none of its
    slides carries an id of the deck."""
    if into.exists() and not force:
        message = "the overlay exists; pull never overwrites one: add --force, or name a new file"
        raise DeckgenError([Diagnostic(display_path(into), None, None, message)])
    slides, digest = read_edited(edited)
    pipeline = Pipeline(options)
    plan, built = _built(pipeline, variant)
    changes = compare(built, slides, _taken(plan))
    lines = [_line(edited, u) for u in changes.unmapped]
    if not changes.order:
        reason = "none of its slides has a slide id of the deck built from this content"
        raise DeckgenError(
            [Diagnostic(display_path(edited), None, None, reason)],
            summary="nothing was written; the slides it could not map:\n" + "\n".join(lines),
        )
    data = _ordered(changes, plan, [b.read.id for b in built], edited, lines)
    header = _header(data, edited, digest, variant, into, len(lines))
    text = _checked(header, data, into)
    _verify(pipeline, variant, into, text)
    save(text.encode("utf-8"), into)
    return Pulled(into, _counted(data), lines)


def _built(pipeline: Pipeline, variant: Variant) -> tuple[Plan, list[Built]]:
    """Build the variant in memory; return its plan and each slide read back, with its
    content resolved, as written, and as the merged files give it."""
    plan, blob = pipeline.draw(variant)
    assert plan.written is not None
    assert plan.sources is not None
    raw = plan.sources.merged().source.data["slides"]
    slides = zip(read_blob(blob), plan.deck.slides, plan.written.slides, raw, strict=True)
    return plan, [Built(*slide) for slide in slides]


def _ordered(
    changes: Changes, plan: Plan, ids: list[str], edited: Path, lines: list[str]
) -> dict[str, Any]:
    """Return the overlay's data in the edited order; where no order the overlay format has
    gives it, in the built order, with a line saying so added to `lines`."""
    assert plan.sources is not None
    data = overlay_data(changes, ids, plan.sources)
    if data is None:
        lines.append(_line(edited, Unmapped(0, "the slide order", "no overlay order gives it")))
        data = overlay_data(_unordered(changes, ids), ids, plan.sources)
    if data is None:
        message = "no overlay gives even the built deck's order with the changes"
        raise InternalError([Diagnostic(display_path(edited), None, None, message)])
    return data


def _taken(plan: Plan) -> set[str]:
    """Return every slide id the content files name, kept in this deck or not."""
    assert plan.sources is not None
    base = plan.sources.base.data
    taken = {str(s.get("id")) for s in base.get("slides", []) if isinstance(s, dict)}
    for overlay in plan.sources.files():
        taken |= set((overlay.data or {}).get("slides") or {})
    return taken


def _unordered(changes: Changes, ids: list[str]) -> Changes:
    """Return `changes` in the built deck's order, copies after their originals' place."""
    order = [i for i in ids if i in changes.order]
    order += [i for i in changes.order if i not in order]
    return replace(changes, order=order)


def _line(edited: Path, unmapped: Unmapped) -> str:
    where = f"slide {unmapped.slide}: " if unmapped.slide else ""
    return f"{display_path(edited)}: {where}cannot map: {unmapped.what} ({unmapped.reason})"


def _counted(data: dict[str, Any] | None) -> int:
    """Return how many slides the overlay changes, adds, moves, drops, hides or adds notes to."""
    data = data or {}
    return len({i for key in ("slides", "drop", "hide", "notes") for i in data.get(key, ())})


def _header(
    data: object, edited: Path, digest: str, variant: Variant, into: Path, unmapped: int
) -> list[str]:
    """Return the overlay's header: what it was pulled from, and how to build with it."""
    options = [f"--content {display_path(variant.content)}"]
    options += [f"--region {variant.region}"] if variant.region else []
    options += [f"--overlay {display_path(path)}" for path in variant.overlays]
    options += [f"--brand {variant.brand}"] if variant.brand else []
    schema = variant.content.parent / "overlay.schema.json"
    inside = into.resolve().is_relative_to(variant.content.parent.resolve())
    header = [f"yaml-language-server: $schema={os.path.relpath(schema, into.parent)}"] * inside
    header += [
        f"Pulled by deckgen pull from {display_path(edited)} (sha256 {digest[:12]}…): its",
        "differences from the deck built from the same content. Build the edited deck with:",
        f"  deckgen build {' '.join(options)} --overlay {display_path(into)}",
    ]
    if unmapped:
        header.append(
            f"{counted(unmapped, 'edit')} could not be mapped (deckgen pull listed them)."
        )
    if not data:
        header.append("No differences from the built deck were found.")
    return header


def _checked(header: list[str], data: dict[str, object] | None, into: Path) -> str:
    """Return the YAML, in double quotes where deckgen's YAML 1.2 would read a text as
    something else (`0o17`)."""
    for quoted in (False, True):
        text = overlay_yaml(data, header, quoted=quoted)
        if (parse_yaml(text, into, display_path(into)).data or None) == (data or None):
            return text
    raise InternalError([Diagnostic(display_path(into), None, None, "the YAML does not load")])


def _verify(pipeline: Pipeline, variant: Variant, into: Path, text: str) -> None:
    """Plan the deck with the overlay, as `deckgen build` would, before it is written."""
    into.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{into.stem}.", suffix=".yaml", dir=into.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        trial = replace(variant, overlays=(*variant.overlays, Path(name)))
        try:
            pipeline.plan(trial)
        except DeckgenError as exc:
            where = display_path(into)
            found = [
                replace(d, file=where) if d.file.endswith(Path(name).name) else d
                for d in exc.diagnostics
            ]
            raise InternalError(
                found,
                summary="pull made an overlay that does not build; "
                "nothing was written (a bug in deckgen)",
            ) from None
    finally:
        Path(name).unlink(missing_ok=True)

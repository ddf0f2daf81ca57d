"""An edited deck against the deck built from the same content: the changes an overlay can
carry, and the edits it cannot, each with its slide and the reason.

Slides are matched by id (the slide's name). The first slide of an id is that slide; a later
one of the same id is a copy (PowerPoint's Duplicate Slide copies the name), which becomes a
new slide with its own id. Within a slide, shapes are matched by name.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.content.models import DataFileField, ImageField, marked_fields
from generator.errors import shown
from generator.pull.fields import JINJA, FieldPath, Layout, layouts_of, text_fields
from generator.pull.read import ShapeRead, SlideRead
from generator.source.load import dotted


@dataclass(frozen=True)
class Unmapped:
    """An edit an overlay cannot carry: on which slide of the edited deck, what and why."""

    slide: int
    what: str
    reason: str


@dataclass
class Changes:
    """What the edited deck changes, in the overlay's terms."""

    slides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Entries by slide id: fields to change, or a whole new slide (with `kind`)."""
    drop: list[str] = field(default_factory=list)
    hide: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    """The ids in the edited deck's order, copies included."""
    kinds: dict[str, str] = field(default_factory=dict)
    """Each slide's kind, by id, copies included."""
    unmapped: list[Unmapped] = field(default_factory=list)


@dataclass(frozen=True)
class Built:
    """A slide of the built deck: how it reads, its content resolved and as written."""

    read: SlideRead
    resolved: BaseModel
    written: BaseModel
    raw: dict[str, Any] = field(default_factory=dict)
    """The slide as the merged files give it, before validation loads what it names (a
    chart's data file)."""


def compare(built: list[Built], edited: list[SlideRead], taken: set[str]) -> Changes:
    """Return the changes from `built` to `edited`; `taken` holds every id the content uses,
    which a copy's new id must not."""
    by_id = {slide.read.id: slide for slide in built}
    changes = Changes(kinds={b.read.id: str(getattr(b.resolved, "kind", "")) for b in built})
    seen: set[str] = set()
    for slide in edited:
        original = by_id.get(slide.id)
        if original is None:
            changes.unmapped.append(_stranger(slide))
        elif slide.id in seen:
            _copy(changes, original, slide, taken)
        else:
            seen.add(slide.id)
            changes.order.append(slide.id)
            _edit(changes, original, slide)
    changes.drop = [b.read.id for b in built if b.read.id not in seen]
    return changes


def _stranger(slide: SlideRead) -> Unmapped:
    if not slide.id:
        reason = (
            "it has no slide id: a slide added in PowerPoint, or a deck saved by a program"
            " that drops slide names, such as LibreOffice"
        )
        return Unmapped(slide.number, "the whole slide", reason)
    reason = f"its name {shown(slide.id)} is no slide id of the built deck"
    return Unmapped(slide.number, "the whole slide", reason)


def _edit(changes: Changes, original: Built, slide: SlideRead) -> None:
    """Record the changes to a slide that the edited deck keeps in place."""
    slide_id = original.read.id
    values = _mapped(changes, original, slide)
    patch = _patch(changes, original, slide, values) if values else {}
    if slide.hidden and not original.read.hidden:
        changes.hide.append(slide_id)
    elif original.read.hidden and not slide.hidden:
        patch["hidden"] = False
    _notes(changes, original, slide, patch)
    if patch:
        changes.slides[slide_id] = patch
    for what in sorted(set(original.read.looks) | set(slide.looks)):
        if original.read.looks.get(what) != slide.looks.get(what):
            reason = (
                "an overlay has no field for it: the next build leaves it out; set it on the"
                " brand's template layout instead"
            )
            changes.unmapped.append(Unmapped(slide.number, f"its {what}", reason))


def _copy(changes: Changes, original: Built, slide: SlideRead, taken: set[str]) -> None:
    """Record a copy of a slide as a new slide of the original's kind."""
    if _has_files(original.written):
        reason = "a copy of a slide with pictures or data cannot be added by an overlay"
        changes.unmapped.append(Unmapped(slide.number, f"a copy of {original.read.id!r}", reason))
        return
    new_id = _new_id(original.read.id, taken)
    taken.add(new_id)
    entry = _dump(original.written)
    for path, value in _mapped(changes, original, slide).items():
        _set(entry, path, value)
    entry.pop("hidden", None)
    if slide.hidden:
        entry["hidden"] = True
    if any(marker in slide.notes for marker in JINJA) or not slide.notes_exact:
        reason = "they hold Jinja marks ({{, {%, {#) or formatting inline Markdown cannot say"
        changes.unmapped.append(Unmapped(slide.number, "the notes of the copy", reason))
    elif slide.notes != original.read.notes:
        entry.pop("notes", None)
        if slide.notes:
            entry["notes"] = slide.notes
    changes.slides[new_id] = entry
    changes.order.append(new_id)
    changes.kinds[new_id] = str(entry["kind"])


def _new_id(original: str, taken: set[str]) -> str:
    """Return `<original>-kopia`, or `-kopia-2`, … : an id no slide has."""
    for number in range(1, 1000):
        suffix = "-kopia" if number == 1 else f"-kopia-{number}"
        candidate = original[: 64 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free id for a copy of {original!r}")


def _dump(written: BaseModel) -> dict[str, Any]:
    data = written.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {"kind": written.kind, **data}  # type: ignore[attr-defined]
    for key in ("id", "only"):
        data.pop(key, None)
    return data


def _set(data: dict[str, Any], path: FieldPath, value: Any) -> None:
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _patch(
    changes: Changes, original: Built, slide: SlideRead, values: dict[FieldPath, str]
) -> dict[str, Any]:
    """Return a slide entry that sets `values`: a field by name; a list whole, as lists
    replace in an overlay, with its other items as written."""
    patch: dict[str, Any] = {}
    full = _dump(original.written)
    for path, value in values.items():
        top = str(path[0])
        if len(path) == 1:
            patch[top] = value
            continue
        if not isinstance(original.raw.get(top), dict | list):
            reason = f"it comes from the file {shown(str(original.raw.get(top)))}: change it there"
            changes.unmapped.append(Unmapped(slide.number, f"the field {dotted(path)}", reason))
            continue
        if isinstance(full.get(top), list) and _has_files(getattr(original.written, top)):
            reason = "its list also holds pictures or data files, which an overlay names anew"
            changes.unmapped.append(Unmapped(slide.number, f"the field {dotted(path)}", reason))
            continue
        if isinstance(full.get(top), list):
            patch.setdefault(top, copy.deepcopy(full[top]))
            _set(patch, path, value)
        else:  # a mapping merges deeply: only the changed key
            nested = patch.setdefault(top, {})
            for step in path[1:-1]:
                nested = nested.setdefault(str(step), {})
            nested[str(path[-1])] = value
    return patch


def _has_files(value: Any) -> bool:
    """Return whether `value` names a picture or a data file anywhere in it."""
    return any(any(marked_fields(value, marker)) for marker in (ImageField, DataFileField))


def _notes(changes: Changes, original: Built, slide: SlideRead, patch: dict[str, Any]) -> None:
    """Record changed notes: a paragraph added at the end as `notes:`, else the whole notes."""
    before, after = original.read.notes, slide.notes
    if after == before:
        return
    slide_id = original.read.id
    if not slide.notes_exact:
        reason = "their formatting has no inline Markdown (bold, italic, links) to say it"
        changes.unmapped.append(Unmapped(slide.number, "the notes", reason))
        return
    if before and after.startswith(before + "\n\n"):
        changes.notes[slide_id] = after[len(before) + 2 :]
        return
    written = getattr(original.written, "notes", None) or ""
    if any(marker in written for marker in JINJA):
        reason = f"the notes come from the Jinja expression {shown(written)}"
        changes.unmapped.append(Unmapped(slide.number, "the notes", reason))
        return
    if any(marker in after for marker in JINJA):
        reason = "the new notes hold '{{', '{%' or '{#', which an overlay would read as Jinja"
        changes.unmapped.append(Unmapped(slide.number, "the notes", reason))
        return
    patch["notes"] = after or None


def _mapped(changes: Changes, original: Built, slide: SlideRead) -> dict[FieldPath, str]:
    """Return the new text of each field the slide's edits change; add what cannot be mapped
    to `changes`."""
    values: dict[FieldPath, str] = {}
    built = original.read.shapes
    if slide.layout != original.read.layout:
        reason = f"the layout template chooses it ({original.read.layout!r})"
        changes.unmapped.append(Unmapped(slide.number, f"the layout {slide.layout!r}", reason))
    for name in [*built, *(n for n in slide.shapes if n not in built)]:
        have, now = built.get(name), slide.shapes.get(name)
        for what, reason in _shape_edits(have, now):
            changes.unmapped.append(Unmapped(slide.number, what, reason))
        if have is not None and now is not None and have.text != now.text:
            for path, value in _text_edit(changes, original, slide, have, now).items():
                if values.get(path, value) != value:
                    reason = "another shape changes the same text differently"
                    changes.unmapped.append(Unmapped(slide.number, f"the text of {name!r}", reason))
                values[path] = value
    for extra in slide.unnamed:
        reason = "a second shape of that name, which deckgen did not draw"
        changes.unmapped.append(Unmapped(slide.number, _described(extra), reason))
    return values


def _shape_edits(have: ShapeRead | None, now: ShapeRead | None) -> list[tuple[str, str]]:
    """Return the edits to one shape that no content field holds."""
    if now is None:
        assert have is not None
        return [(_named(have), "it was deleted; the layout template draws it")]
    if have is None:
        return [(_described(now), "deckgen did not draw it, and no content field holds it")]
    found = []
    if now.box is not None and now.box != have.box:
        found.append((_named(now), "it was moved or resized"))
    if now.content != have.content:
        reason = (
            "the chart is drawn from the slide's data: change the data instead"
            if now.kind == "chart"
            else "the picture was changed; name a new one in the content instead"
        )
        found.append((_named(now), reason))
    if now.looks - have.looks:
        found.append((f"the look of {now.name!r}", "Markdown has bold and italic only"))
    return found


def _described(shape: ShapeRead) -> str:
    """Return how a report names a shape deckgen did not draw, with its text if it has one."""
    if shape.kind == "text" and shape.text:
        return f"text box {shape.name!r} ({shown(shape.text)})"
    return _named(shape)


def _named(shape: ShapeRead) -> str:
    """Return "the shape 'Title'", "the picture 'Photo 1'": a shape by its kind and name."""
    kind = shape.kind if shape.kind in ("picture", "chart", "connector", "group") else "shape"
    return f"the {kind} {shape.name!r}"


def _text_edit(
    changes: Changes, original: Built, slide: SlideRead, have: ShapeRead, now: ShapeRead
) -> dict[FieldPath, str]:
    """Return the fields that an edit of one shape's text changes, or add why not."""
    what = f"the text of {now.name!r} ({shown(now.text)})"

    def cannot(reason: str) -> dict[FieldPath, str]:
        changes.unmapped.append(Unmapped(slide.number, what, reason))
        return {}

    if not now.exact:
        return cannot("its formatting has no inline Markdown (bold, italic, links) to say it")
    layouts = layouts_of(have.text, text_fields(original.resolved, original.written))
    if not layouts:
        return cannot("no content field fills it: the layout template writes it")
    readings = [_reading(layout, now.text) for layout in layouts]
    found = [r for r in readings if isinstance(r, dict)]
    if not found:
        return cannot(str(readings[0]))
    if any(r != found[0] for r in found[1:]):
        return cannot("its fields' texts can be read out of it in more than one way")
    return found[0]


def _reading(layout: Layout, text: str) -> dict[FieldPath, str] | str:
    """Return the fields that `text` changes, read with `layout`, or why it cannot be."""
    if any(not literal for literal in layout.literals[1:-1]):
        return "two of its fields meet with nothing between them to tell them apart"
    values = layout.values(text)
    if values is None:
        literals = " and ".join(shown(lit) for lit in layout.literals if lit.strip())
        return f"the layout template's own text ({literals}) changed"
    changed = {}
    for field_ in layout.fields:
        value = values[field_.path]
        if value == field_.shown:
            continue
        if field_.templated:
            return f"it comes from the Jinja expression {shown(field_.written)}"
        if not value:
            return "the text was emptied; delete the slide or write a text"
        if any(marker in value for marker in JINJA):
            return "it holds '{{', '{%' or '{#', which an overlay would read as Jinja"
        changed[field_.path] = value
    return changed

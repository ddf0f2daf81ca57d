"""Stage 1, load (continued): merge the base deck, the region file and overlays into one source.

The merge works on loaded YAML, before validation, and keeps each value's file, line and column,
so an error in the merged deck points at the file that brought the value in. The rules are in
the README ("Regions and overlays"); in short, per overlay, in this order:

1. `deck:` merges deeply into the deck's metadata (mappings merge, lists and values replace,
   `null` removes a key);
2. `slides:` by id: an entry with `kind` is a whole slide that replaces the slide with that id or
   is added at `after:`/`before:`; an entry without `kind` merges deeply into the slide;
3. `drop:` leaves slides out; 4. `hide:` hides them in the slide show;
5. `quotes:` picks the quote slides and their order, where the first quote stood;
6. `notes:` adds a paragraph to each slide's notes.

A region's deck first speaks as its region: its organisation is the region's name and it names
no speakers but those its region file or overlays give. Last, slides marked `only: region` leave
a national deck and `only: national` a regional one.

Some merges are allowed but rarely meant, so `merge` returns them as warnings at the overlay's
value: a list that an overlay replaces with fewer entries (the panel loses a panelist), and a
change to a slide that the deck then leaves out for its `only:`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.errors import Diagnostic, fail_if_any, shown, unknown, warning
from generator.source.load import DataPath, Mark, Source

#: Keys of a slide entry in an overlay that place it, rather than being part of it.
_PLACES = ("after", "before")


@dataclass
class Node:
    """A loaded YAML value with its place in its file: the unit the merge moves around."""

    value: Any  # dict[str, Node], list[Node] or a scalar
    mark: Mark
    key: Mark | None = None
    removed: dict[str, Node] = field(default_factory=dict)
    """In a mapping: the `null`s that removed its keys, so that an error about a key that is
    gone points at the line that removed it, not at the deck that had it."""


def tree(source: Source, path: DataPath = ()) -> Node:
    """Return the data of `source` at `path` as `Node`s that know their file."""
    data: Any = source.data
    for step in path:
        data = data[step]
    return _node(source, source.path.parent, data, path)


def _node(source: Source, folder: Path, data: Any, path: DataPath) -> Node:
    mark = _stamp(source, folder, source.mark(path))
    key = source.keys.get(path)
    key = _stamp(source, folder, key) if key is not None else None
    if isinstance(data, dict):
        value: Any = {k: _node(source, folder, v, (*path, k)) for k, v in data.items()}
    elif isinstance(data, list):
        value = [_node(source, folder, v, (*path, i)) for i, v in enumerate(data)]
    else:
        value = data
    return Node(value, mark, key)


def _stamp(source: Source, folder: Path, mark: Mark) -> Mark:
    if mark.file is not None:
        return mark
    return replace(mark, file=source.display, folder=folder)


def flatten(node: Node, base: Source) -> Source:
    """Return a `Source` with the data of `node` and the marks of every value in it."""
    merged = Source(path=base.path, display=base.display, data=None)
    merged.data = _flatten(node, (), merged)
    slides = base.data.get("slides") if isinstance(base.data, dict) else None
    for index, slide in enumerate(slides if isinstance(slides, list) else []):
        if isinstance(slide, dict) and isinstance(slide.get("id"), str):
            merged.places.setdefault(slide["id"], index)
    return merged


def _flatten(node: Node, path: DataPath, merged: Source) -> Any:
    merged.values[path] = node.mark
    if node.key is not None:
        merged.keys[path] = node.key
    if isinstance(node.value, dict):
        for k, gone in node.removed.items():  # no value, but a place: the `null`'s
            merged.values[(*path, k)] = gone.mark
            if gone.key is not None:
                merged.keys[(*path, k)] = gone.key
        return {k: _flatten(v, (*path, k), merged) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_flatten(v, (*path, i), merged) for i, v in enumerate(node.value)]
    return node.value


#: Told of each list that a merge replaces with a shorter one: its path, the old, the new.
Shortened = Callable[[DataPath, Node, Node], None]


def deep_merge(
    base: Node, patch: Node, path: DataPath = (), shortened: Shortened | None = None
) -> Node:
    """Return `patch` merged into `base`: mappings merge key by key, anything else replaces,
    and a `null` in `patch` removes the key. `shortened` hears of every list that `patch`
    replaces with fewer entries, at its `path` in `patch`."""
    if not (isinstance(base.value, dict) and isinstance(patch.value, dict)):
        both_lists = isinstance(base.value, list) and isinstance(patch.value, list)
        if shortened is not None and both_lists and len(patch.value) < len(base.value):
            shortened(path, base, patch)
        return patch
    merged = dict(base.value)
    removed = dict(base.removed)
    for key, item in patch.value.items():
        if item.value is None:
            if merged.pop(key, None) is not None:
                removed[key] = item
        elif key in merged:
            merged[key] = deep_merge(merged[key], item, (*path, key), shortened)
        else:
            merged[key] = item
            removed.pop(key, None)
    return Node(merged, base.mark, base.key, removed)


def _shortened_message(old: Node, new: Node) -> str:
    """Return "1 entry replaces the deck's 2, so 'Elsmari Julin' is dropped; ...": the entries
    of `old` that `new` does not list again, by name where they have one."""
    kept = {_label(item) for item in new.value}
    gone = [
        label or f"entry {index + 1}"
        for index, item in enumerate(old.value)
        if (label := _label(item)) is None or label not in kept
    ]
    count = len(gone) or len(old.value) - len(new.value)
    if not gone:  # the entries it lists again are the deck's twice over
        gone = [f"{count} of its entries"]
    entries = "1 entry replaces" if len(new.value) == 1 else f"{len(new.value)} entries replace"
    names = ", ".join(gone[:-1]) + " and " + gone[-1] if len(gone) > 1 else gone[0]
    verb = "is" if count == 1 else "are"
    return (
        f"{entries} the deck's {len(old.value)}, so {names} {verb} dropped; "
        "list every entry the deck should keep"
    )


def _label(item: Node) -> str | None:
    """Return how a user names a list entry: a value itself, or a mapping's name, id, title or
    label."""
    value = item.value
    if isinstance(value, dict):
        named = next((value[key] for key in ("name", "id", "title", "label") if key in value), None)
        value = named.value if named is not None else None
    if value is None or isinstance(value, dict | list):
        return None
    return shown(str(value))


@dataclass(frozen=True)
class _Edit:
    """A place in an overlay that changes slide `slide_id`."""

    slide_id: str
    overlay: Source
    path: DataPath
    key: bool = False


class _Deck:
    """The deck being merged: its top-level mapping and its slides, found by id; what the
    overlays changed, and the warnings so far."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.slides: list[Node] = root.value["slides"].value
        self.edits: list[_Edit] = []
        self.warnings: list[Diagnostic] = []

    def shortened(self, overlay: Source) -> Shortened:
        """Return what warns of a list that `overlay` replaces with fewer entries."""

        def warn(path: DataPath, old: Node, new: Node) -> None:
            diagnostic = overlay.error(path, _shortened_message(old, new))
            self.warnings.append(warning(diagnostic))

        return warn

    def ids(self) -> list[str]:
        return [_slide_id(slide) for slide in self.slides]

    def find(self, slide_id: str) -> int | None:
        ids = self.ids()
        return ids.index(slide_id) if slide_id in ids else None


def _slide_id(slide: Node) -> str:
    if isinstance(slide.value, dict) and "id" in slide.value:
        return str(slide.value["id"].value)
    return ""


@dataclass(frozen=True)
class Merged:
    """The merged deck, and the warnings of its merge: shortened lists in the order the
    overlays gave them, then changes to slides that the deck leaves out."""

    source: Source
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Inputs:
    """The files one deck is merged from, as loaded: its base deck, its region file (for a
    region's deck) and its overlays, in order."""

    base: Source
    region: Source | None = None
    overlays: tuple[Source, ...] = ()

    def merged(self, *more: Source) -> Merged:
        """Merge them, with `more` overlays applied after the deck's own."""
        return merge(self.base, [*self.overlays, *more], region=self.region)

    def files(self) -> tuple[Source, ...]:
        """The region file and the overlays, in the order they apply."""
        return (*([self.region] if self.region else []), *self.overlays)


def merge(base: Source, overlays: list[Source], *, region: Source | None = None) -> Merged:
    """Return `base` with the region file `region` applied, then each overlay in order, then
    `only:` slides kept or left out (a deck with a region file is a region's deck).

    A region's deck speaks as its region (`_speak_as_region`) before its region file and
    overlays apply, so either may still name its organisation and speakers. `base` must be a
    mapping with a list of slides, and each overlay must have passed its own validation; raise
    `DeckgenError` with every slide id that an overlay names but the deck lacks.
    """
    deck = _Deck(tree(base))
    if region is not None:
        _speak_as_region(deck, region)
    for overlay in [region, *overlays] if region is not None else overlays:
        problems: list[Diagnostic] = []
        _apply(deck, overlay, problems)
        fail_if_any(problems)
    unwanted = "national" if region is not None else "region"
    left_out = {_slide_id(slide) for slide in deck.slides if _only(slide) == unwanted}
    deck.slides[:] = [slide for slide in deck.slides if _only(slide) != unwanted]
    for edit in deck.edits:
        if edit.slide_id in left_out:
            deck.warnings.append(_left_out(edit, unwanted))
    return Merged(flatten(deck.root, base), deck.warnings)


def _speak_as_region(deck: _Deck, region: Source) -> None:
    """Make the deck's organisation the region's name (`region.name`, at its place in the
    region file) and leave out the deck's speakers: a region's deck speaks as the region, and
    the people the base deck names (its authors, its speakers) are its own organisation's,
    whom a region's name must not be put beside. `resolve.context_for` gives a region's deck
    no speakers but those its region file or overlays name."""
    deck.root.value["organisation"] = tree(region, ("region", "name"))
    deck.root.value.pop("speakers", None)


def _left_out(edit: _Edit, only: str) -> Diagnostic:
    which = "a region's deck leaves" if only == "national" else "the national deck leaves"
    message = (
        f"slide {shown(edit.slide_id)} is marked 'only: {only}', so {which} it out "
        "and this change is not in it"
    )
    return warning(edit.overlay.error(edit.path, message, key=edit.key))


def _only(slide: Node) -> Any:
    only = slide.value.get("only") if isinstance(slide.value, dict) else None
    return only.value if only is not None else None


def _apply(deck: _Deck, overlay: Source, problems: list[Diagnostic]) -> None:
    data = overlay.data or {}
    if "deck" in data and data["deck"] is not None:
        slides = deck.root.value["slides"]
        deck.root = deep_merge(
            deck.root, tree(overlay, ("deck",)), ("deck",), deck.shortened(overlay)
        )
        deck.root.value["slides"] = slides
    quotes = data.get("quotes") or []
    for slide_id in data.get("slides") or {}:
        _slide_entry(deck, overlay, slide_id, quotes, problems)
    for index, slide_id in enumerate(data.get("drop") or []):
        found = _known(deck, overlay, ("drop", index), slide_id, problems)
        if found is not None:
            del deck.slides[found]
    for index, slide_id in enumerate(data.get("hide") or []):
        found = _known(deck, overlay, ("hide", index), slide_id, problems)
        if found is not None:
            deck.edits.append(_Edit(slide_id, overlay, ("hide", index)))
            slide = deck.slides[found]
            mark = overlay.mark(("hide", index))
            slide.value["hidden"] = Node(True, _stamp(overlay, overlay.path.parent, mark))
    if "quotes" in data and data["quotes"] is not None:
        _pick_quotes(deck, overlay, problems)
    for slide_id in data.get("notes") or {}:
        _add_notes(deck, overlay, slide_id, problems)


def _known(
    deck: _Deck,
    overlay: Source,
    path: DataPath,
    slide_id: str,
    problems: list[Diagnostic],
    *,
    key: bool = False,
) -> int | None:
    """Return the index of slide `slide_id`, or add an error at `path` of the overlay."""
    found = deck.find(slide_id)
    if found is None:
        problems.append(overlay.error(path, unknown("slide id", slide_id, deck.ids()), key=key))
    return found


def _slide_entry(
    deck: _Deck, overlay: Source, slide_id: str, quotes: list[str], problems: list[Diagnostic]
) -> None:
    path: DataPath = ("slides", slide_id)
    entry = tree(overlay, path)
    if not isinstance(entry.value, dict):
        problems.append(overlay.error(path, "expected a mapping of slide fields"))
        return
    places = {name: entry.value.pop(name) for name in _PLACES if name in entry.value}
    found = deck.find(slide_id)
    if "only" not in entry.value:  # an overlay that sets `only:` leaves the slide out itself
        deck.edits.append(_Edit(slide_id, overlay, path, key=True))
    if "kind" in entry.value:
        entry.value = {"id": Node(slide_id, entry.key or entry.mark), **entry.value}
        if found is not None:
            deck.slides[found] = entry
        elif places or slide_id in quotes:
            deck.slides.append(entry)  # placed below, or by `quotes`
        else:
            message = (
                f"new slide {shown(slide_id)} needs a place: add 'after: <id>' or 'before: <id>',"
                " or list it under 'quotes'"
            )
            problems.append(overlay.error(path, message, key=True))
            return
    elif found is None:
        _known(deck, overlay, path, slide_id, problems, key=True)
        return
    else:
        deck.slides[found] = deep_merge(deck.slides[found], entry, path, deck.shortened(overlay))
    if len(places) > 1:
        problems.append(overlay.error(path, "use 'after' or 'before', not both", key=True))
        return
    for name, where in places.items():
        _place(deck, overlay, slide_id, name, where, problems)


def _place(
    deck: _Deck,
    overlay: Source,
    slide_id: str,
    name: str,
    where: Node,
    problems: list[Diagnostic],
) -> None:
    """Move slide `slide_id` to just `name` ("after" or "before") the slide `where` names."""
    path: DataPath = ("slides", slide_id, name)
    target = str(where.value)
    if target == slide_id:
        problems.append(overlay.error(path, f"a slide cannot go {name} itself"))
        return
    if _known(deck, overlay, path, target, problems) is None:
        return
    moving = deck.slides.pop(deck.find(slide_id) or 0)
    anchor = deck.find(target)
    assert anchor is not None
    deck.slides.insert(anchor + 1 if name == "after" else anchor, moving)


def _pick_quotes(deck: _Deck, overlay: Source, problems: list[Diagnostic]) -> None:
    chosen: list[Node] = []
    for index, slide_id in enumerate(overlay.data["quotes"]):
        path: DataPath = ("quotes", index)
        found = _known(deck, overlay, path, slide_id, problems)
        if found is None:
            continue
        slide = deck.slides[found]
        if _kind(slide) != "quote":
            quotes = ", ".join(_slide_id(s) for s in deck.slides if _kind(s) == "quote")
            message = f"{shown(slide_id)} is a {_kind(slide)} slide, not a quote (quotes: {quotes})"
            problems.append(overlay.error(path, message))
            continue
        deck.edits.append(_Edit(slide_id, overlay, path))
        chosen.append(slide)
    if problems:
        return
    first = next((i for i, s in enumerate(deck.slides) if _kind(s) == "quote"), len(deck.slides))
    rest = [s for s in deck.slides[first:] if _kind(s) != "quote"]
    deck.slides[:] = [*deck.slides[:first], *chosen, *rest]


def _kind(slide: Node) -> Any:
    kind = slide.value.get("kind") if isinstance(slide.value, dict) else None
    return kind.value if kind is not None else None


def _add_notes(deck: _Deck, overlay: Source, slide_id: str, problems: list[Diagnostic]) -> None:
    path: DataPath = ("notes", slide_id)
    found = _known(deck, overlay, path, slide_id, problems, key=True)
    if found is None:
        return
    deck.edits.append(_Edit(slide_id, overlay, path, key=True))
    slide = deck.slides[found]
    added = tree(overlay, path)
    earlier = slide.value.get("notes")
    if earlier is not None and isinstance(earlier.value, str):
        added = Node(f"{earlier.value}\n\n{added.value}", added.mark, added.key)
    slide.value["notes"] = added

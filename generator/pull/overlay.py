"""The pulled changes as an overlay: its data in the overlay format's key order, the slide
order said with what the format offers, and its YAML text.

Order is said two ways, and the one that gives the edited order is kept, as the merge itself
(`source.merge`) reads it: `quotes:` (the quote slides, in order, where the first stood) with
`after:` for other slides that moved, or `after:`/`before:` alone. A slide that keeps its place
relative to the others (the longest run of them in the built order) is not moved.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import yaml

from generator.content.models import Overlay
from generator.errors import DeckgenError
from generator.pull.diff import Changes
from generator.source.load import Source
from generator.source.merge import Inputs

#: The kind whose slides `quotes:` orders (see `source.merge`).
QUOTE = "quote"


def overlay_data(changes: Changes, built: Sequence[str], sources: Inputs) -> dict[str, Any] | None:
    """Return the overlay that makes the built deck (ids `built`) into the edited one, in the
    overlay format's key order, or None where no way of saying its order gives it."""
    base = {
        "slides": {k: dict(v) for k, v in changes.slides.items()},
        "drop": changes.drop,
        "hide": changes.hide,
        "notes": changes.notes,
    }
    start = [slide_id for slide_id in built if slide_id not in changes.drop]
    quotes = [i for i in changes.order if changes.kinds.get(i) == QUOTE]
    candidates = []
    if quotes != [i for i in start if changes.kinds.get(i) == QUOTE]:
        others = [i for i in changes.order if i not in quotes]
        moves = _moves([i for i in start if i not in quotes], others)
        candidates.append(_with_order(base, changes.order, moves, quotes))
    candidates.append(_with_order(base, changes.order, _moves(start, changes.order), None))
    for data in candidates:
        try:
            if _merged_ids(data, sources) == changes.order:
                return data
        except DeckgenError:
            continue  # an order the merge refuses is not the edited one
    return None


def _with_order(
    base: dict[str, Any],
    order: list[str],
    moves: dict[str, tuple[str, str]],
    quotes: list[str] | None,
) -> dict[str, Any]:
    slides = {k: dict(v) for k, v in base["slides"].items()}
    for slide_id, (where, anchor) in moves.items():
        if quotes is not None and slide_id in quotes:
            continue
        slides.setdefault(slide_id, {})[where] = anchor
    ordered = {i: slides[i] for i in order if i in slides}  # the merge applies them in turn
    data = {"slides": ordered, **{k: v for k, v in base.items() if k != "slides"}}
    data["quotes"] = quotes
    keys = list(Overlay.model_fields)
    return {k: data[k] for k in keys if data.get(k)}


def _moves(start: list[str], target: list[str]) -> dict[str, tuple[str, str]]:
    """Return the slides of `target` to move, each `after` the slide before it there (`before`
    the first that stays, for the first), leaving the longest run that `start` already has in
    order where it is; applied in `target`'s order, they give `target`."""
    place = {slide_id: index for index, slide_id in enumerate(start)}
    staying = _longest_run([i for i in target if i in place], place)
    moves: dict[str, tuple[str, str]] = {}
    first_staying = next((i for i in target if i in staying), None)
    for index, slide_id in enumerate(target):
        if slide_id in staying:
            continue
        if index > 0:
            moves[slide_id] = ("after", target[index - 1])
        elif first_staying is not None:
            moves[slide_id] = ("before", first_staying)
    return moves


def _longest_run(ids: list[str], place: dict[str, int]) -> set[str]:
    """Return the longest subsequence of `ids` whose places rise (patience sorting)."""
    tails: list[int] = []  # the place of the last id of the best run of each length
    tail_ids: list[int] = []
    before: list[int] = [-1] * len(ids)
    for index, slide_id in enumerate(ids):
        length = bisect.bisect_left(tails, place[slide_id])
        if length == len(tails):
            tails.append(place[slide_id])
            tail_ids.append(index)
        else:
            tails[length] = place[slide_id]
            tail_ids[length] = index
        before[index] = tail_ids[length - 1] if length > 0 else -1
    kept: set[str] = set()
    at = tail_ids[-1] if tail_ids else -1
    while at >= 0:
        kept.add(ids[at])
        at = before[at]
    return kept


def _merged_ids(data: dict[str, Any], sources: Inputs) -> list[str]:
    """Return the slide ids, in order, of the deck that `sources` and the overlay `data` make."""
    overlay = Source(path=sources.base.path.parent / "pulled.yaml", display="pulled", data=data)
    merged = sources.merged(overlay)
    return [str(slide["id"]) for slide in merged.source.data["slides"]]


class _Dumper(yaml.SafeDumper):
    """Writes text of several lines as a block (`|`), the way people write it by hand."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def overlay_yaml(data: dict[str, Any] | None, header: list[str], *, quoted: bool = False) -> str:
    """Return the overlay as YAML under `header`'s comment lines; `quoted` puts every text in
    double quotes, for text that YAML 1.2 would otherwise read as a number or a boolean."""
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header)
    if not data:
        return comments
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
        default_style='"' if quoted else None,
    )
    return f"{comments}\n{body}"

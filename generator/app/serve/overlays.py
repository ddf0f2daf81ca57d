"""Overlay files as the page reads and writes them: by name, inside `content/overlays/`, each
version named by a hash of its bytes, written back with a hand-edited file's comments.

A speaker may edit the same overlay in a text editor and on the page. The page sends the whole
overlay as JSON; the file is updated in place with ruamel.yaml's round trip, so the comments,
the key order and the untouched values' quoting stay as the speaker wrote them, and only what
changed is written anew.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

#: What an overlay's name is: the file's name in `content/overlays/` without `.yaml`.
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
#: The header of an overlay the page creates: the schema editors complete it with.
HEADER = "# yaml-language-server: $schema=../overlay.schema.json\n"


class BadName(ValueError):
    """A name that is not an overlay's, or a path that would leave the content folder."""


def overlay_path(content_dir: Path, name: str) -> Path:
    """Return `content/overlays/<name>.yaml`; raise `BadName` for anything but `[a-z0-9-]`
    names, and for a path that leads outside `content_dir` once its links are resolved (the
    file system is not touched for a refused name)."""
    if not NAME.fullmatch(name):
        raise BadName(
            f"not an overlay's name: {name[:80]!r}; use lower-case letters, digits and dashes"
        )
    path = content_dir / "overlays" / f"{name}.yaml"
    if not path.resolve().is_relative_to(content_dir.resolve()):
        raise BadName(f"the overlay {name!r} leads outside {content_dir.name}/")
    return path


def version(data: bytes) -> str:
    """Return the ETag of a file's bytes: a strong validator, quoted, as HTTP writes it."""
    return '"' + hashlib.sha256(data).hexdigest()[:24] + '"'


def as_json(value: Any) -> Any:
    """Return loaded YAML data as JSON data: dates as ISO text, the rest as it is."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, key order and scalar styles are kept
    yaml.width = 4096  # a long quote stays on one line, as people write it
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def updated_text(old: str | None, new: dict[str, Any]) -> str:
    """Return the YAML of overlay `new`, written over the text `old` (None for a new file):
    what is unchanged keeps its comments, order and style; what changed is written anew."""
    yaml = _yaml()
    document = yaml.load(old) if old else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    _update_map(document, new)
    stream = io.StringIO()
    if old is None:
        stream.write(HEADER)
    yaml.dump(document, stream)
    return stream.getvalue()


def _update_map(target: CommentedMap, new: dict[str, Any]) -> None:
    for key in [k for k in target if k not in new]:
        del target[key]
    for key, value in new.items():
        if key in target:
            target[key] = _updated(target[key], value)
        else:
            target[key] = _fresh(value)


def _update_seq(target: CommentedSeq, new: list[Any]) -> None:
    if _plain(target) and _plain(new) and len(set(map(repr, new))) == len(new):
        _reorder_scalars(target, new)
        return
    if 0 < len(new) < len(target):
        # The blank line or comment after a list belongs to its last item: keep it at the end.
        last = target.ca.items.pop(len(target) - 1, None)
        if last is not None:
            target.ca.items[len(new) - 1] = last
    del target[len(new) :]
    for index, value in enumerate(new):
        if index < len(target):
            target[index] = _updated(target[index], value)
        else:
            target.append(_fresh(value))


def _plain(values: list[Any]) -> bool:
    return all(not isinstance(value, dict | list) for value in values)


def _reorder_scalars(target: CommentedSeq, new: list[Any]) -> None:
    """Make the list of ids (or other plain values) `target` read `new`, each comment going
    with the value it stood beside, not staying at its place: `quotes:` reordered keeps
    "# Annas favorit" on Anna's quote. The blank lines after the list stay at its end."""
    comments = {repr(value): target.ca.items.get(index) for index, value in enumerate(target)}
    tail = ""
    last = target.ca.items.get(len(target) - 1)
    spare = copy.copy(last[0]) if last and last[0] is not None else None
    if last and last[0] is not None:
        text = last[0].value
        body = text.rstrip("\n")
        tail = text[len(body) + 1 :] if body else text[1:]  # the newlines after its own
        last[0].value = body + "\n" if body else ""
    kept = {repr(value): value for value in target}
    target.ca.items.clear()
    del target[:]
    for index, value in enumerate(new):
        target.append(kept.get(repr(value), _fresh(value)))
        comment = comments.get(repr(value))
        if comment is not None and comment[0] is not None and comment[0].value:
            target.ca.items[index] = comment
    if tail and new:
        end = target.ca.items.get(len(new) - 1)
        if end is not None and end[0] is not None:
            end[0].value += tail
        elif spare is not None:  # a blank line alone, on a copy of the old last comment
            spare.value = "\n" + tail
            target.ca.items[len(new) - 1] = [spare, None, None, None]


def _updated(old: Any, new: Any) -> Any:
    """Return `old` changed into `new` in place where both are mappings or lists (keeping
    their comments), `old` itself where it equals `new` (keeping its quotes), else `new`."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _update_map(old, new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _update_seq(old, new)
        return old
    if type(new) is not bool and not isinstance(old, bool) and old == new:
        return old
    return _fresh(new)


def _fresh(value: Any) -> Any:
    """Return JSON data as ruamel writes it: text of several lines as a literal block."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        _update_map(mapping, value)
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq()
        _update_seq(sequence, value)
        return sequence
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value

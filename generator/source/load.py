"""Stage 1, load: read a YAML file into plain data, keeping the line and column of every node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DeckgenError, Diagnostic, display_path, shown
from generator.files import read_input
from generator.source.core_schema import strict

#: A path into the loaded data: mapping keys and sequence indexes, from the root.
DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a source file; in a merged source, also which file."""

    line: int
    column: int
    file: str | None = None
    """The file's display name, where it is not the source's own (see `merge`)."""
    folder: Path | None = None
    """The folder that paths in the file are relative to, where it is not the source's own."""


@dataclass
class Source:
    """A loaded YAML file: its data and where each value and key stands in the file."""

    path: Path
    display: str
    data: Any
    values: dict[DataPath, Mark] = field(default_factory=dict)
    keys: dict[DataPath, Mark] = field(default_factory=dict)
    places: dict[str, int] = field(default_factory=dict)
    """In a merged source: each slide id's index in the deck file's list of slides."""

    def mark(self, path: DataPath, *, key: bool = False) -> Mark:
        """Return where `path` stands; its key's place if `key`, else the nearest known value."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return Mark(1, 1)

    def diagnostic(self, path: DataPath, message: str, *, key: bool = False) -> Diagnostic:
        """Return a diagnostic for `path` in this file."""
        where = self.mark(path, key=key)
        return Diagnostic(where.file or self.display, where.line, where.column, message)

    def folder(self, path: DataPath) -> Path:
        """Return the folder that a relative path found at `path` is relative to."""
        return self.mark(path).folder or self.path.parent

    def error(self, path: DataPath, message: str, *, key: bool = False) -> Diagnostic:
        """Return a diagnostic at `path` whose message names it: `slides[3].kind: <message>`.

        In a merged source (see `merge`), the path is written as the file the error stands in
        has it. The deck file lists its slides, so a slide there is named by its place in that
        file, which is not its place in the merged deck once slides are added, moved or left
        out. Overlays and region files name slides by id and hold metadata under `deck:`:
        `slides.panel.people[0].photo`, `deck.title`."""
        prefix = f"{dotted(self._as_written(path, key=key))}: " if path else ""
        return self.diagnostic(path, f"{prefix}{message}", key=key)

    def _as_written(self, path: DataPath, *, key: bool) -> DataPath:
        where = self.mark(path, key=key).file
        if where is None:
            return path  # a file as loaded, not merged
        in_deck_file = where == self.display
        if path[0] != "slides":
            return path if in_deck_file else ("deck", *path)
        if len(path) < 2 or not isinstance(path[1], int):
            return path
        slides = self.data.get("slides") if isinstance(self.data, dict) else None
        slide = slides[path[1]] if isinstance(slides, list) and path[1] < len(slides) else None
        slide_id = slide.get("id") if isinstance(slide, dict) else None
        if not isinstance(slide_id, str) or not slide_id:
            return path
        if in_deck_file:
            place = self.places.get(slide_id)
            return path if place is None else ("slides", place, *path[2:])
        return ("slides", slide_id, *path[2:])


#: The largest YAML file deckgen reads: content files are small; a bigger one is a mistake.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: How many values a file may hold once its aliases are expanded ("billion laughs" stop here).
MAX_VALUES = 100_000
#: How deeply mappings and lists may nest.
MAX_DEPTH = 50
#: The tags a content file may use: plain data. A python tag is never constructed.
_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
#: Characters a deck cannot hold: those XML 1.0 forbids (C0 controls but tab, newline and
#: carriage return; lone surrogates; U+FFFE, U+FFFF), and DEL and the C1 controls but U+0085,
#: which XML discourages and YAML refuses.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character(text: str) -> str | None:
    """Return "U+0007" for the first character of `text` that a deck cannot hold, or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def load_yaml(path: Path, roots: tuple[Path, ...]) -> Source:
    """Load one YAML file, which must lie inside one of `roots` once its symbolic links are
    resolved; raise `DeckgenError` for a missing, undecodable, oversized or malformed file, or
    one that leads outside `roots` (nothing of it is read, nor shown)."""
    return parse_yaml(read_text(path, roots), path, display_path(path))


def read_text(path: Path, roots: tuple[Path, ...]) -> str:
    """Return the text of the YAML file `load_yaml` loads, as read (`files.read_input`: noted
    as an input of the deck being built); raise `DeckgenError` as `load_yaml` does for a file
    that cannot be read."""
    display = display_path(path)
    try:
        raw = read_input(path, MAX_FILE_BYTES, roots)  # a pipe or a device is never waited on
    except FileNotFoundError:
        raise DeckgenError([Diagnostic(display, None, None, "file not found")]) from None
    except OSError as exc:
        raise DeckgenError(
            [Diagnostic(display, None, None, f"cannot read: {exc.strerror}")]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the limit"
        raise DeckgenError([Diagnostic(display, None, None, message)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 at byte offset {exc.start}"
        raise DeckgenError([Diagnostic(display, None, None, message)]) from None
    return text


def parse_yaml(text: str, path: Path, display: str) -> Source:
    """Parse YAML `text` into a `Source`; syntax errors and duplicate keys raise `DeckgenError`.

    libyaml (C) parses when PyYAML has it, for speed; a file it refuses is parsed again by the
    pure-Python parser, whose words the syntax errors use, so messages are the same everywhere.
    """
    if _FAST_LOADER is not None:
        try:
            return _parse(_FAST_LOADER, text, path, display)
        except DeckgenError:
            pass  # say it in the pure-Python parser's words
    return _parse(_LOADER, text, path, display)


#: The pure-Python safe loader, reading scalars by the YAML 1.2 core schema (see `core_schema`).
_LOADER = strict(yaml.SafeLoader)
#: libyaml's safe loader, where PyYAML was built with it, reading scalars the same way.
_FAST_LOADER: type[yaml.SafeLoader] | None = (
    strict(yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else None
)


def _parse(loader_type: Any, text: str, path: Path, display: str) -> Source:
    loader = None
    try:
        loader = loader_type(text)  # the pure-Python reader checks every character here
        node = loader.get_single_node()
        source = Source(path=path, display=display, data=None)
        problems: list[Diagnostic] = []
        if node is not None:
            source.data = _construct(node, (), loader, source, problems, [MAX_VALUES])
            problems += _cut_by_comments(node, text.split("\n"), display)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"the control character U+{exc.character:04X} is not allowed"
        raise DeckgenError([Diagnostic(display, line, column, message)]) from None
    except yaml.MarkedYAMLError as exc:
        diagnostic = _syntax_diagnostic(display, exc)
        hint = _pasted_hint(text, exc)
        if hint:
            diagnostic = replace(diagnostic, message=f"{diagnostic.message}; {hint}")
        raise DeckgenError([diagnostic]) from None
    except yaml.YAMLError as exc:
        raise DeckgenError([Diagnostic(display, None, None, f"YAML error: {exc}")]) from None
    except RecursionError:
        message = f"the YAML nests too deeply (the limit is {MAX_DEPTH} levels)"
        raise DeckgenError([Diagnostic(display, None, None, message)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if problems:
        raise DeckgenError(problems)
    return source


def _syntax_diagnostic(display: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        problem = f"{problem}: indent with spaces, not tabs"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        start = exc.context_mark
        problem = f"{problem} ({exc.context} that starts at {start.line + 1}:{start.column + 1})"
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    if mark is None:
        return Diagnostic(display, None, None, f"YAML syntax error: {problem}")
    return Diagnostic(display, mark.line + 1, mark.column + 1, f"YAML syntax error: {problem}")


#: Quotes and dashes that a word processor types for ' " and -, which YAML reads as plain text.
_TYPOGRAPHIC = "“”„‘’‚–—"
#: A straight-quoted YAML string on one line: typographic characters inside it are just text.
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")


def _pasted_hint(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """Return a hint for a syntax error on a line that holds typographic quotes or dashes
    outside straight quotes (text pasted from a word processor), or None."""
    lines = text.split("\n")
    found: list[str] = []
    for mark in (exc.problem_mark, exc.context_mark):
        if mark is None or mark.line >= len(lines):
            continue
        unquoted = _QUOTED.sub("", lines[mark.line])
        found += [c for c in unquoted if c in _TYPOGRAPHIC and c not in found]
    if not found:
        return None
    return (
        f"the line has typographic quotes or dashes ({' '.join(found)}) pasted from a word "
        "processor, which YAML does not read as quotes: put the text in straight quotes "
        '("...") or write it as a block scalar (>- and the text indented on the lines below)'
    )


#: A comment that follows a plain value on its line and starts straight after its "#": "#1"
#: in `title: Punkt #1` reads as a number, not as a comment, to whoever wrote it.
_CUT = re.compile(r"[ \t]+#([^\s#][^\n]*)")


def _cut_by_comments(node: yaml.Node, lines: list[str], display: str) -> list[Diagnostic]:
    """Return an error for each unquoted value that a " #" cuts short: YAML reads the rest of
    the line as a comment, so `title: Punkt #1` is "Punkt", silently. A comment with a space
    after its "#" is taken as meant."""
    found: list[Diagnostic] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.MappingNode):
            stack += [part for pair in item.value for part in pair]
        elif isinstance(item, yaml.SequenceNode):
            stack += item.value
        elif isinstance(item, yaml.ScalarNode) and not item.style and item.value:
            end = item.end_mark
            cut = _CUT.match(lines[end.line], end.column) if end.line < len(lines) else None
            if cut is None:
                continue
            whole = f"{item.value} #{cut.group(1).rstrip()}"
            message = (
                f"'#{cut.group(1).rstrip()}' is read as a YAML comment, so the value is "
                f"{shown(item.value)}, not {shown(whole)}: put the value in quotes to keep "
                f"the '#' (\"{whole}\"), or a space after the '#' if it is a comment"
            )
            start = item.start_mark
            found.append(Diagnostic(display, start.line + 1, start.column + 1, message))
    return sorted(found, key=lambda d: (d.line or 0, d.column or 0))


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(
    node: yaml.Node,
    path: DataPath,
    loader: yaml.SafeLoader,
    source: Source,
    problems: list[Diagnostic],
    budget: list[int],
) -> Any:
    """Return the data of `node`, counting each value against `budget` (aliases count every
    time they are used), and refusing tags other than plain data's and characters a deck
    cannot hold."""
    where = _mark(node)
    source.values[path] = where
    budget[0] -= 1
    if budget[0] < 0:
        message = (
            f"more than {MAX_VALUES} values once aliases are expanded: the file is refused "
            "(is it an alias bomb?)"
        )
        raise DeckgenError([Diagnostic(source.display, where.line, where.column, message)])
    if len(path) > MAX_DEPTH:
        message = f"the YAML nests more than {MAX_DEPTH} levels deep here"
        raise DeckgenError([Diagnostic(source.display, where.line, where.column, message)])
    if node.tag not in _TAGS:
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        message = f"the tag '{shown}' is not allowed: a content file holds plain data only"
        problems.append(Diagnostic(source.display, where.line, where.column, message))
        return None
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(node, path, loader, source, problems, budget)
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, index), loader, source, problems, budget)
            for index, item in enumerate(node.value)
        ]
    value = _scalar(node, loader, source, problems)
    if isinstance(value, str):
        _check_characters(value, where, source, problems)
    return value


def _scalar(
    node: yaml.Node, loader: yaml.SafeLoader, source: Source, problems: list[Diagnostic]
) -> Any:
    """Return the value of a scalar node, or None with a problem if it does not fit its tag
    (`!!int abc`, a date such as 2026-13-45)."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, KeyError, AttributeError, IndexError, TypeError, OverflowError) as exc:
        where = _mark(node)
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        reason = str(exc) or type(exc).__name__
        message = f"the value cannot be read as {shown}: {reason}"
        problems.append(Diagnostic(source.display, where.line, where.column, message))
        return None


def _check_characters(text: str, where: Mark, source: Source, problems: list[Diagnostic]) -> None:
    found = control_character(text)
    if found:
        message = f"the text holds the control character {found}, which a deck cannot hold"
        problems.append(Diagnostic(source.display, where.line, where.column, message))


def _construct_mapping(
    node: yaml.MappingNode,
    path: DataPath,
    loader: yaml.SafeLoader,
    source: Source,
    problems: list[Diagnostic],
    budget: list[int],
) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        where = _mark(key_node)
        if key_node.tag not in _TAGS:
            shown = key_node.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"the tag '{shown}' is not allowed: a content file holds plain data only"
            problems.append(Diagnostic(source.display, where.line, where.column, message))
            continue
        key = _scalar(key_node, loader, source, problems)
        if not isinstance(key, str):
            message = f"keys must be text, got {type(key).__name__} {key!r}"
            problems.append(Diagnostic(source.display, where.line, where.column, message))
            continue
        _check_characters(key, where, source, problems)
        if key in result:
            first = source.keys[(*path, key)]
            message = f"duplicate key '{key}' (first at line {first.line})"
            problems.append(Diagnostic(source.display, where.line, where.column, message))
            continue
        source.keys[(*path, key)] = where
        result[key] = _construct(value_node, (*path, key), loader, source, problems, budget)
    return result


def dotted(path: DataPath) -> str:
    """Return `path` as a user reads it: `slides[3].people[0].name`; a key that is not a plain
    name is quoted: `slides['två ord']`."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif not _PLAIN_KEY.match(step):
            text += f"[{shown(step)}]"
        else:
            text += f".{step}" if text else step
    return text


_PLAIN_KEY = re.compile(r"^[A-Za-z_][\w-]{0,63}$")


def set_at(data: Any, path: DataPath, value: Any) -> None:
    """Set the value at `path` in nested lists and mappings `data`."""
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value

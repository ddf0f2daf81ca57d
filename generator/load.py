"""Stage 1, load: read a YAML file into plain data, keeping the line and column of every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DeckgenError, Diagnostic, display_path

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
        """Return a diagnostic at `path` whose message names it: `slides[3].kind: <message>`."""
        return self.diagnostic(path, f"{dotted(path) or 'deck'}: {message}", key=key)


def load_yaml(path: Path) -> Source:
    """Load one YAML file; raise `DeckgenError` for a missing, undecodable or malformed file."""
    display = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DeckgenError([Diagnostic(display, None, None, "file not found")]) from None
    except OSError as exc:
        raise DeckgenError(
            [Diagnostic(display, None, None, f"cannot read: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not valid UTF-8 at byte offset {exc.start}"
        raise DeckgenError([Diagnostic(display, None, None, message)]) from None
    return parse_yaml(text, path, display)


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
    return _parse(yaml.SafeLoader, text, path, display)


#: libyaml's safe loader, where PyYAML was built with it.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _parse(loader_type: Any, text: str, path: Path, display: str) -> Source:
    loader = loader_type(text)
    try:
        node = loader.get_single_node()
        source = Source(path=path, display=display, data=None)
        problems: list[Diagnostic] = []
        if node is not None:
            source.data = _construct(node, (), loader, source, problems)
    except yaml.MarkedYAMLError as exc:
        raise DeckgenError([_syntax_diagnostic(display, exc)]) from None
    except yaml.YAMLError as exc:
        raise DeckgenError([Diagnostic(display, None, None, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise DeckgenError(problems)
    return source


def _syntax_diagnostic(display: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        start = exc.context_mark
        problem = f"{problem} ({exc.context} that starts at {start.line + 1}:{start.column + 1})"
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    if mark is None:
        return Diagnostic(display, None, None, f"YAML syntax error: {problem}")
    return Diagnostic(display, mark.line + 1, mark.column + 1, f"YAML syntax error: {problem}")


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(
    node: yaml.Node,
    path: DataPath,
    loader: yaml.SafeLoader,
    source: Source,
    problems: list[Diagnostic],
) -> Any:
    source.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(node, path, loader, source, problems)
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, index), loader, source, problems)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def _construct_mapping(
    node: yaml.MappingNode,
    path: DataPath,
    loader: yaml.SafeLoader,
    source: Source,
    problems: list[Diagnostic],
) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        where = _mark(key_node)
        if not isinstance(key, str):
            message = f"keys must be text, got {type(key).__name__} {key!r}"
            problems.append(Diagnostic(source.display, where.line, where.column, message))
            continue
        if key in result:
            first = source.keys[(*path, key)]
            message = f"duplicate key '{key}' (first at line {first.line})"
            problems.append(Diagnostic(source.display, where.line, where.column, message))
            continue
        source.keys[(*path, key)] = where
        result[key] = _construct(value_node, (*path, key), loader, source, problems)
    return result


def dotted(path: DataPath) -> str:
    """Return `path` as a user reads it: `slides[3].people[0].name`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def set_at(data: Any, path: DataPath, value: Any) -> None:
    """Set the value at `path` in nested lists and mappings `data`."""
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value

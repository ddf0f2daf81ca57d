"""The layout templates' contract: what they see, and how what they write becomes data.

Templates see the slide, the deck and the master as records: `slide.items` is the slide's field
`items`, never a method of a mapping, and a name a record lacks is an error that lists its
fields. Every `{{ … }}` writes one value, never YAML syntax: the environment's `finalize` puts a
token in the YAML text and keeps the value, and once the YAML is parsed, `fill` puts each value in
its token's place. Content text is never written into YAML, so no `#`, `:` or quote in it can cut
it or change the spec's structure, and no author has to remember to quote. The text of a macro or
a `{% set %}` block is YAML written by the template, and goes in as it is.
"""

from __future__ import annotations

import bisect
import contextvars
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.ext
import jinja2.lexer
import jinja2.nodes
from markupsafe import Markup

from generator.errors import unknown
from generator.source.load import DataPath, Source

#: This module's own hash: templates compiled under another contract are compiled again.
CONTRACT = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
#: A value's token in the YAML text: private-use characters around its number.
_TOKEN = re.compile("\ue000([0-9]+)\ue001")
#: Filters that would put a value into the YAML as text (they return Markup): not offered.
_TEXT_FILTERS = ("safe", "e", "escape", "forceescape", "urlize", "xmlattr", "tojson")


class Record:
    """A mapping seen from a template: its keys are attributes, and it has no methods."""

    __slots__ = ("_fields", "_name")

    def __init__(self, fields: dict[str, Any], name: str) -> None:
        self._fields = fields
        self._name = name

    def field(self, name: str, undefined: type[jinja2.Undefined]) -> Any:
        """Return the field `name`, or an undefined value that says which fields there are."""
        if name in self._fields:
            return record(self._fields[name], f"{self._name}.{name}")
        hint = f"{self._name}: " + unknown("field", name, sorted(self._fields))
        return undefined(hint=hint, obj=self, name=name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.field(name, jinja2.StrictUndefined)

    def __iter__(self) -> Iterator[Any]:
        fields = ", ".join(sorted(self._fields))
        raise TypeError(f"{self._name} is a record, not a list: use its fields ({fields})")

    def __bool__(self) -> bool:
        return bool(self._fields)

    def __repr__(self) -> str:
        return f"<{self._name}>"


class ContentText(str):
    """Text from the content, as templates see it. Where Jinja would escape it into YAML text
    (joined to a macro's text with `~` or `+`), it goes in as a value's token instead: the
    token then stands inside other text, which is an error at the template's line, so content
    text can never become YAML."""

    __slots__ = ()

    def __html__(self) -> str:
        return _token(str(self))


def record(value: Any, name: str) -> Any:
    """Return `value` as templates see it: mappings as records, lists of them as lists, text
    as `ContentText`."""
    if isinstance(value, dict):
        return Record(value, name)
    if isinstance(value, list):
        return [record(item, f"{name}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, str):
        return ContentText(value)
    return value


def plain(value: Any) -> Any:
    """Return `value` as data: records as the mappings they show. An undefined value in it,
    such as `{{ [slide.nope] }}`, is an error here, where the template's line is known."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises, naming what is undefined
    if isinstance(value, Record):
        return {key: plain(item) for key, item in value._fields.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, str):
        return str(value)  # ContentText, and Markup a filter made, as the plain text they are
    return value


@dataclass
class Written:
    """What one render wrote: the values of its `{{ … }}`, and where each piece of text came
    from (its offset in the output, its template line, and whether it is the template's text)."""

    values: list[Any] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    literal: list[bool] = field(default_factory=list)
    text: str = ""

    def place(self, line: int, column: int, source: list[str]) -> tuple[int, int]:
        """Return the template line and column that wrote output `line`, `column` (1-based),
        given the template's `source` lines; the column is 1 where it cannot be told."""
        if not self.lines:
            return 1, 1
        offset = _offset(self.text, line, column)
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        start, template_line = self.starts[index], self.lines[index]
        line_start = self.text.rfind("\n", 0, offset) + 1
        if self.literal[index] and line_start >= start:  # the line stands as in the template
            return template_line + self.text.count("\n", start, offset), column
        here = source[template_line - 1] if template_line <= len(source) else ""
        found = self._column(index, here)
        if found is None:
            return template_line, 1
        return template_line, found + 1 + (offset - start if self.literal[index] else 0)

    def _column(self, index: int, here: str) -> int | None:
        """Return where piece `index` starts in its template line `here` (0-based), finding the
        pieces before it on that line in turn; None where they cannot be found."""
        first = index
        while first and self.lines[first - 1] == self.lines[index] and not self._opens(first):
            first -= 1
        floor, found = 0, -1
        for piece in range(first, index + 1):
            if self.literal[piece]:
                start = self.starts[piece]
                stop = self.starts[piece + 1] if piece + 1 < len(self.starts) else len(self.text)
                text = self.text[start:stop].split("\n", 1)[0]
                found = here.find(text[: len(here)], floor)
                floor = found + len(text)
            else:
                found = here.find("{{", floor)
                floor = here.find("}}", found) + 2
            if found < 0:
                return None
        return found

    def _opens(self, index: int) -> bool:
        """Return whether piece `index` starts a line of the output."""
        start = self.starts[index]
        return start == 0 or self.text[start - 1] == "\n"


def _offset(text: str, line: int, column: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
    return offset + column - 1


_WRITING: contextvars.ContextVar[Written] = contextvars.ContextVar("deckgen_layout_values")


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: Any) -> Markup:
    """Return a token for `value` and keep the value (a macro's or a block's text as it is).

    It takes the context so that Jinja calls it at render time, never folding a constant."""
    if isinstance(value, Markup):
        return value
    return _token(value)


def _token(value: Any) -> Markup:
    """Keep `value` among the values being written and return its token."""
    written = _WRITING.get()
    written.values.append(plain(value))
    return Markup(f"\ue000{len(written.values) - 1}\ue001")


def _as_text(markup: Markup) -> str:
    """Return a macro's or block's text as plain text: line marks out, values' tokens
    replaced by the values' text."""
    text = _MARKS.sub("", str.__str__(markup))
    written = _WRITING.get(None)
    if written is None:
        return text
    return _TOKEN.sub(lambda match: str(written.values[int(match.group(1))]), text)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `~` to `LayoutEnvironment.join_parts`, not to Jinja's `markup_join`, which would
    escape content text into a macro's YAML text."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: jinja2.compiler.Frame) -> None:
        self.write("environment.join_parts((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class LayoutEnvironment(jinja2.Environment):
    """Jinja for layout templates: records for data, a value for every `{{ … }}`."""

    code_generator_class = _CodeGenerator

    @staticmethod
    def join_parts(parts: tuple[Any, ...]) -> Any:
        """Join the parts of a `~`: the template's own text (macros' and blocks' Markup) stays
        YAML text; anything joined to a value is a value, text."""
        texts = [part if isinstance(part, str) else str(part) for part in parts]
        if all(type(part) is Markup for part in texts):
            return Markup("".join(texts))
        return "".join(_as_text(part) if type(part) is Markup else str(part) for part in texts)

    def __init__(self, **options: Any) -> None:
        super().__init__(
            undefined=jinja2.StrictUndefined,
            autoescape=True,  # so that a macro's text is Markup, which `_finalize` lets through
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=[LineMarks],
            **options,
        )
        self.globals[_MARK] = _line_mark
        for name in _TEXT_FILTERS:
            self.filters.pop(name, None)
        # Joining content text makes text, a value: not Markup, which would escape each item.
        self.filters["join"] = _join

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Record):
            return obj.field(attribute, self.undefined)
        if isinstance(obj, ContentText):
            obj = str(obj)  # its methods and errors are those of text
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Record) and isinstance(argument, str):
            return obj.field(argument, self.undefined)
        return super().getitem(obj, argument)

    def write(self, template: jinja2.Template, context: dict[str, Any]) -> Written:
        """Render `template`, keeping the values it writes and the line each piece came from."""
        written = Written()
        reset = _WRITING.set(written)
        try:
            marked = "".join(template.generate(context))
        finally:
            _WRITING.reset(reset)
        pieces = _MARKS.split(marked)
        offset, line, literal = 0, 1, True
        for index in range(0, len(pieces), 3):
            if index:
                line, literal = int(pieces[index - 2]), pieces[index - 1] == "d"
            written.starts.append(offset)
            written.lines.append(line)
            written.literal.append(literal)
            offset += len(pieces[index])
        written.text = "".join(pieces[::3])
        return written


def _join(items: Any, separator: str = "", attribute: Any = None) -> str:
    """Jinja's `join` that makes plain text, whatever the items are."""
    if attribute is not None:
        items = [getattr(item, attribute) for item in items]
    return str(separator).join(str(item) for item in items)


#: A line mark: the template line and whether template text (d) or a `{{ … }}` (v) follows.
_MARKS = re.compile("\ue002([0-9]+)([dv])\ue003")
_MARK = "_deckgen_line"


def _line_mark(mark: str) -> Markup:
    return Markup(f"\ue002{mark}\ue003")


class LineMarks(jinja2.ext.Extension):
    """Put a line mark before each piece of template text and each `{{ … }}`, which `write`
    takes out again: Jinja's own debug information does not cover template text, and errors in
    the YAML a template writes are reported at the template's line."""

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> Iterator[jinja2.lexer.Token]:
        for token in stream:
            if token.type in ("data", "variable_begin"):
                line, kind = token.lineno, "d" if token.type == "data" else "v"
                yield jinja2.lexer.Token(line, "variable_begin", "{{")
                yield jinja2.lexer.Token(line, "name", _MARK)
                yield jinja2.lexer.Token(line, "lparen", "(")
                yield jinja2.lexer.Token(line, "string", f"{line}{kind}")
                yield jinja2.lexer.Token(line, "rparen", ")")
                yield jinja2.lexer.Token(line, "variable_end", "}}")
            yield token


def fill(source: Source, written: Written) -> list[tuple[DataPath, str]]:
    """Put each value of `written` in its token's place in `source.data`; return the paths of
    tokens that stand inside other text, with the problem."""
    problems: list[tuple[DataPath, str]] = []
    source.data = _filled(source.data, (), written.values, problems)
    return problems


def _filled(
    data: Any, path: DataPath, values: list[Any], problems: list[tuple[DataPath, str]]
) -> Any:
    if isinstance(data, dict):
        result = {}
        for key, item in data.items():
            name = _filled(key, path, values, problems) if isinstance(key, str) else key
            if not isinstance(name, str):
                problems.append(((*path, key), f"expected text for a key, got {name!r}"))
                name = key
            result[name] = _filled(item, (*path, name), values, problems)
        return result
    if isinstance(data, list):
        return [_filled(item, (*path, index), values, problems) for index, item in enumerate(data)]
    if not isinstance(data, str) or "\ue000" not in data:
        return data
    whole = _TOKEN.fullmatch(data)
    if whole and int(whole.group(1)) < len(values):
        return values[int(whole.group(1))]
    problems.append((path, "a {{ … }} stands inside other text; " + _WHOLE))
    return data


_WHOLE = 'each {{ … }} is one whole value: join text inside it, as in {{ "Part " ~ loop.index }}'

"""Stage 3, resolve: render the Jinja expressions in slide text over the deck context."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

import jinja2
import jinja2.nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from generator.content.models import SLIDE_ADAPTER, Deck, RegionFacts, TextField, marked_fields
from generator.content.validate import slide_diagnostics
from generator.errors import Diagnostic, fail_if_any
from generator.source.load import DataPath, Source, control_character, set_at

_JINJA_MARKERS = ("{{", "{%", "{#")


#: The longest text a field may have after its Jinja is rendered, in characters.
MAX_RENDERED = 100_000
#: How many times one `{% for %}` loop in content text may go round.
MAX_LOOP = 1000
#: Statements content text may not use: those that reach for other templates (content text is
#: one string, alone), and those that could make work without bound (macros can recurse).
_FORBIDDEN = {
    jinja2.nodes.Include: "include",
    jinja2.nodes.Import: "import",
    jinja2.nodes.FromImport: "from … import",
    jinja2.nodes.Extends: "extends",
    jinja2.nodes.Macro: "macro",
    jinja2.nodes.CallBlock: "call",
}


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox (no attribute that is private or unsafe, no code), with sizes bounded:
    `{{ 'x' * 10**9 }}` and its cousins are refused before they take the memory."""

    intercepted_binops = frozenset(("*", "**", "+", "%"))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(right) and abs(right) > 64 and left not in (0, 1, -1):
            raise SecurityError("a power above 64")
        size = 0
        if operator == "*":
            size = _repeated(left, right) or _repeated(right, left)
        elif operator == "+" and _sized(left) and _sized(right):
            size = len(left) + len(right)
        if size > MAX_RENDERED:
            raise SecurityError(f"an expression that makes {size} characters or items")
        if operator == "%" and isinstance(left, str) and re.search(r"%[-+ #0]*\d{6,}", left):
            raise SecurityError("a format width of 100,000 or more")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


def _repeated(sequence: Any, times: Any) -> int:
    if _sized(sequence) and isinstance(times, int) and not isinstance(times, bool):
        return len(sequence) * max(times, 0)
    return 0


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse numbers that would make a huge string, such as `center(10**9)`."""
    for value in (*args, *kwargs.values()):
        if _number(value) and abs(value) > MAX_RENDERED:
            raise SecurityError(f"the number {value} (the limit is {MAX_RENDERED})")


def _guarded(function: Any) -> Any:
    """Return a filter that checks its arguments first; Jinja's own pass-context marks stay."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs)
        return function(*args, **kwargs)

    return guarded


def _bounded(items: Any) -> Any:
    """Yield at most `MAX_LOOP` items: what every `{% for %}` in content text goes round."""
    for count, item in enumerate(items):
        if count >= MAX_LOOP:
            raise SecurityError(f"a '{{% for %}}' loop of more than {MAX_LOOP} rounds")
        yield item


def make_environment() -> SandboxedEnvironment:
    """Return the sandbox that content text renders in: undefined names are errors."""
    environment = _Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_none_is_empty,
    )
    environment.filters = {name: _guarded(f) for name, f in environment.filters.items()}
    environment.filters["deckgen_bounded"] = _bounded
    return environment


def _none_is_empty(value: Any) -> Any:
    """Print a value that is not set, such as `{{ deck.subtitle }}` without one, as nothing."""
    return "" if value is None else value


_ENVIRONMENT = make_environment()


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> jinja2.Template:
    """Return `text` compiled once per process: regional variants share most of their text.
    Raise `SecurityError` for a statement that reaches for another template."""
    tree = _ENVIRONMENT.parse(text)
    for kind, name in _FORBIDDEN.items():
        if tree.find(kind) is not None:
            raise SecurityError(f"'{{% {name} %}}' in content text")
    for loop in tree.find_all(jinja2.nodes.For):
        if any(True for _ in loop.find_all(jinja2.nodes.For)):
            raise SecurityError("a '{% for %}' loop inside another")
        loop.iter = jinja2.nodes.Filter(loop.iter, "deckgen_bounded", [], [], None, None)
    return _ENVIRONMENT.from_string(tree)


def context_for(deck: Deck, region: RegionFacts | None = None) -> dict[str, Any]:
    """Return the variables that content text can use: `deck`, with `speakers` defaulting to the
    authors, and `region`, which is none in the national deck."""
    meta = deck.meta().model_dump()
    meta["speakers"] = meta["speakers"] or meta["authors"]
    return {"deck": meta, "region": region.model_dump() if region is not None else None}


def resolve(deck: Deck, source: Source, region: RegionFacts | None = None) -> Deck:
    """Return `deck` with every text field rendered; raise `DeckgenError` for every bad one.

    An optional field whose text renders to nothing, such as `{% if region %}…{% endif %}` in the
    national deck, is left out.
    """
    context = context_for(deck, region)
    problems: list[Diagnostic] = []
    slides = []
    for index, slide in enumerate(deck.slides):
        templated = [
            (path, text)
            for path, text in marked_fields(slide, TextField, ("slides", index))
            if any(marker in text for marker in _JINJA_MARKERS)
        ]
        if not templated:
            slides.append(slide)  # already validated; nothing to render
            continue
        data = slide.model_dump(exclude_none=True)
        for path, text in templated:
            rendered = _render(text, context, source, path, problems)
            if rendered.strip() or _required(slide, path[2:]):
                set_at(data, path[2:], rendered)
            else:
                _remove(data, path[2:])
        try:
            slides.append(SLIDE_ADAPTER.validate_python(data))
        except ValidationError as exc:
            resolved = slide_diagnostics(source, index, exc)
            problems += [replace(d, message=f"{d.message}, after resolving") for d in resolved]
    fail_if_any(problems)
    return deck.model_copy(update={"slides": slides})


def _render(
    text: str,
    context: dict[str, Any],
    source: Source,
    path: DataPath,
    problems: list[Diagnostic],
) -> str:
    try:
        rendered = _render_bounded(_compiled(text), context)
    except SecurityError as exc:
        problems.append(source.error(path, f"not allowed: {exc}"))
    except jinja2.TemplateSyntaxError as exc:
        problems.append(
            source.error(path, f"template syntax error: {exc.message}{_line(exc.lineno)}")
        )
    except jinja2.UndefinedError as exc:
        names = [f"deck.{key}" for key in context["deck"]]
        hint = ""
        if context["region"] is not None:
            names += [f"region.{key}" for key in context["region"]]
        else:
            names.append("region (none in the national deck)")
            if re.search(r"\bregion\b", text):
                hint = (
                    "; the national deck has no region: guard the text with {% if region %}"
                    " or mark the slide `only: region`"
                )
        message = f"undefined variable: {exc.message}{hint} (available: {', '.join(names)})"
        problems.append(source.error(path, message))
    except jinja2.TemplateError as exc:
        problems.append(source.error(path, f"template error: {exc}"))
    except (ArithmeticError, ValueError, TypeError, MemoryError, RecursionError) as exc:
        problems.append(source.error(path, f"template error: {type(exc).__name__}: {exc}"))
    else:
        if len(rendered) > MAX_RENDERED:
            message = (
                f"the text is {len(rendered)} characters once resolved; the limit is {MAX_RENDERED}"
            )
            problems.append(source.error(path, message))
        elif control_character(rendered):
            message = (
                f"the text holds the control character {control_character(rendered)} once "
                "resolved, which a deck cannot hold"
            )
            problems.append(source.error(path, message))
        else:
            return rendered
    return text


def _render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render `template`, stopping as soon as its output passes `MAX_RENDERED` characters."""
    parts: list[str] = []
    size = 0
    for part in template.generate(context):
        size += len(part)
        if size > MAX_RENDERED:
            raise SecurityError(f"text of more than {MAX_RENDERED} characters")
        parts.append(part)
    return "".join(parts)


def _line(lineno: int) -> str:
    return f" (line {lineno} of the text)" if lineno > 1 else ""


def _remove(data: Any, path: DataPath) -> None:
    """Remove the value at `path`, which a required field then reports as missing."""
    for step in path[:-1]:
        data = data[step]
    del data[path[-1]]


def _required(model: Any, path: DataPath) -> bool:
    """Return whether the value at `path` of `model` must be there: a required field, or an item
    of a list or a mapping (which is there because the file gives it)."""
    for step in path[:-1]:
        model = getattr(model, str(step)) if isinstance(model, BaseModel) else model[step]
    if not isinstance(model, BaseModel):
        return True
    return bool(type(model).model_fields[str(path[-1])].is_required())

"""Stage 3, resolve: render the Jinja expressions in slide text over the deck context."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ValidationError

from .errors import Diagnostic, fail_if_any
from .load import DataPath, Source, set_at
from .models import SLIDE_ADAPTER, Deck, RegionFacts, TextField, marked_fields
from .validate import slide_diagnostics

_JINJA_MARKERS = ("{{", "{%", "{#")


def make_environment() -> SandboxedEnvironment:
    """Return the sandbox that content text renders in: undefined names are errors."""
    return SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_none_is_empty,
    )


def _none_is_empty(value: Any) -> Any:
    """Print a value that is not set, such as `{{ deck.subtitle }}` without one, as nothing."""
    return "" if value is None else value


_ENVIRONMENT = make_environment()


@functools.lru_cache(maxsize=4096)
def _compiled(text: str) -> jinja2.Template:
    """Return `text` compiled once per process: regional variants share most of their text."""
    return _ENVIRONMENT.from_string(text)


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
        return _compiled(text).render(context)
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
    return text


def _line(lineno: int) -> str:
    return f" (line {lineno} of the text)" if lineno > 1 else ""


def _remove(data: Any, path: DataPath) -> None:
    """Remove the value at `path`, which a required field then reports as missing."""
    for step in path[:-1]:
        data = data[step]
    del data[path[-1]]


def _required(model: Any, path: DataPath) -> bool:
    """Return whether the field at `path` of `model` must have a value."""
    for step in path[:-1]:
        model = model[step] if isinstance(step, int) else getattr(model, step)
    return bool(type(model).model_fields[str(path[-1])].is_required())

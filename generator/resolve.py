"""Stage 3, resolve: render the Jinja expressions in slide text over the deck context."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ValidationError

from .errors import Diagnostic, fail_if_any
from .load import DataPath, Source
from .models import SLIDE_ADAPTER, Deck, TextField, marked_fields
from .validate import slide_diagnostics

_JINJA_MARKERS = ("{{", "{%", "{#")


def make_environment() -> SandboxedEnvironment:
    """Return the sandbox that content text renders in: undefined names are errors."""
    return SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


def context_for(deck: Deck) -> dict[str, Any]:
    """Return the variables that content text can use."""
    return {"deck": deck.meta().model_dump()}


def resolve(deck: Deck, source: Source) -> Deck:
    """Return `deck` with every text field rendered; raise `DeckgenError` for every bad one."""
    environment = make_environment()
    context = context_for(deck)
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
            _set(data, path[2:], _render(environment, text, context, source, path, problems))
        try:
            slides.append(SLIDE_ADAPTER.validate_python(data))
        except ValidationError as exc:
            resolved = slide_diagnostics(source, index, exc)
            problems += [replace(d, message=f"{d.message}, after resolving") for d in resolved]
    fail_if_any(problems)
    return deck.model_copy(update={"slides": slides})


def _render(
    environment: SandboxedEnvironment,
    text: str,
    context: dict[str, Any],
    source: Source,
    path: DataPath,
    problems: list[Diagnostic],
) -> str:
    try:
        return environment.from_string(text).render(context)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(
            source.error(path, f"template syntax error: {exc.message}{_line(exc.lineno)}")
        )
    except jinja2.UndefinedError as exc:
        names = ", ".join(f"deck.{key}" for key in context["deck"])
        message = f"undefined variable: {exc.message} (available: {names})"
        problems.append(source.error(path, message))
    except jinja2.TemplateError as exc:
        problems.append(source.error(path, f"template error: {exc}"))
    return text


def _line(lineno: int) -> str:
    return f" (line {lineno} of the text)" if lineno > 1 else ""


def _set(data: Any, path: DataPath, value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value

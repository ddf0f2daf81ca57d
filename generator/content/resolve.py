"""Stage 3, resolve: render the Jinja expressions in slide text over the deck context."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from pydantic import BaseModel, ValidationError

from generator.content import budget
from generator.content.budget import Outcome, Worker
from generator.content.models import SLIDE_ADAPTER, Deck, RegionFacts, TextField, marked_fields
from generator.content.sandbox import MAX_RENDERED, compiled
from generator.content.validate import slide_diagnostics
from generator.errors import Diagnostic, fail_if_any
from generator.source.load import DataPath, Source, control_character, set_at

_JINJA_MARKERS = ("{{", "{%", "{#")


#: The most characters all of one deck's texts may make once resolved.
MAX_DECK_RENDERED = 1_000_000


def context_for(deck: Deck, region: RegionFacts | None = None) -> dict[str, Any]:
    """Return the variables that content text can use: `deck` and `region`, which is none in the
    national deck. `deck.speakers` defaults to the authors in the national deck; a region's deck
    speaks as the region (`merge`), so its speakers are only those its region file or overlays
    name: none, `[]`, where they name nobody."""
    meta = deck.meta().model_dump()
    if meta["speakers"] is None:
        meta["speakers"] = meta["authors"] if region is None else []
    return {"deck": meta, "region": region.model_dump() if region is not None else None}


def resolve(deck: Deck, source: Source, region: RegionFacts | None = None) -> Deck:
    """Return `deck` with every text field rendered; raise `DeckgenError` for every bad one.

    Each slide's texts render together in the worker, under one slide's budget
    (`budget.py`). An optional field whose text renders to nothing, such as
    `{% if region %}…{% endif %}` in the national deck, is left out.
    """
    context = context_for(deck, region)
    problems: list[Diagnostic] = []
    slides = []
    account = _Account()
    for index, slide in enumerate(deck.slides):
        templated = [
            (path, text)
            for path, text in marked_fields(slide, TextField, ("slides", index))
            if any(marker in text for marker in _JINJA_MARKERS)
        ]
        if not templated:
            slides.append(slide)  # already validated; nothing to render
            continue
        if account.spent is not None:
            problems.append(source.error(templated[0][0], f"not resolved: {account.spent}"))
            break
        data = slide.model_dump(exclude_none=True)
        outcomes = account.render([text for _, text in templated], context)
        for (path, _), (finished, outcome) in zip(templated, outcomes, strict=False):
            if not finished:
                problems.append(source.error(path, f"not allowed: {outcome}"))
            elif "problem" in outcome:
                problems.append(source.error(path, outcome["problem"]))
            elif outcome["text"].strip() or _required(slide, path[2:]):
                set_at(data, path[2:], outcome["text"])
            else:
                _remove(data, path[2:])
        if len(outcomes) < len(templated):
            continue  # the budget stopped a text: the slide's others were not resolved
        try:
            slides.append(SLIDE_ADAPTER.validate_python(data))
        except ValidationError as exc:
            resolved = slide_diagnostics(source, index, exc)
            problems += [replace(d, message=f"{d.message}, after resolving") for d in resolved]
    fail_if_any(problems)
    return deck.model_copy(update={"slides": slides})


class _Account:
    """What one deck's texts may still spend: CPU time in the worker (`DECK_CPU_SECONDS`)
    and characters made (`MAX_DECK_RENDERED`), so a file of many small hostile texts is
    bounded as a whole, not only text by text."""

    def __init__(self) -> None:
        self.seconds = float(budget.DECK_CPU_SECONDS)
        self.characters = MAX_DECK_RENDERED
        self.spent: str | None = None  # why nothing more is resolved, once it is so

    def render(self, texts: list[str], context: dict[str, Any]) -> list[Outcome]:
        """Render one slide's `texts` in the worker, on the deck's account."""
        outcomes, seconds = _WORKER.map(texts, context, self.seconds)
        self.seconds -= seconds
        for place, (finished, outcome) in enumerate(outcomes):
            if finished and "text" in outcome:
                self.characters -= len(outcome["text"])
                if self.characters < 0:
                    reason = f"the deck's texts make more than {MAX_DECK_RENDERED} characters"
                    self.spent = f"{reason} once resolved, before this one"
                    return [*outcomes[:place], (False, f"{reason} with this one")]
        if self.seconds <= 0:
            self.spent = (
                f"the deck's texts before it have used the {budget.DECK_CPU_SECONDS} s of CPU"
                " time that resolving them may take"
            )
        return outcomes


def render_text(text: str, context: dict[str, Any]) -> dict[str, str]:
    """Render one text over `context`: `{"text": …}`, or `{"problem": …}` saying why not.
    This is what the worker runs; a `MemoryError` is left to it."""
    try:
        with warnings.catch_warnings():
            # The same on every interpreter: Python's doubts about the code Jinja made of the
            # text (`{{ 0[1] }}`) refuse it; no other warning is printed.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", SyntaxWarning)
            rendered = _render_bounded(compiled(text), context)
    except SecurityError as exc:
        return {"problem": f"not allowed: {exc}"}
    except jinja2.TemplateSyntaxError as exc:
        return {"problem": f"template syntax error: {exc.message}{_line(exc.lineno)}"}
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
        return {"problem": message}
    except jinja2.TemplateError as exc:
        return {"problem": f"template error: {exc}"}
    except SyntaxError as exc:  # in the Python Jinja made; its line is not the text's
        return {"problem": f"template error: {exc.msg}"}
    except MemoryError:
        raise  # the worker's budget: it reports it
    except Exception as exc:  # whatever the text made Python raise is the text's error
        return {"problem": f"template error: {type(exc).__name__}: {exc}"}
    if control_character(rendered):
        return {
            "problem": f"the text holds the control character {control_character(rendered)}"
            " once resolved, which a deck cannot hold"
        }
    return {"text": rendered}


_WORKER = Worker(render_text)


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

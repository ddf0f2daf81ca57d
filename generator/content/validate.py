"""Stage 2, validate: turn loaded data into typed models, or report every problem at its line."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.content.base import PATTERNS, TAGS
from generator.content.models import (
    DATA_TAGS,
    SLIDE_ADAPTER,
    SLIDE_MODELS,
    ChartData,
    ChartSlide,
    Deck,
    DeckMeta,
    FactsSlide,
    ImageField,
    marked_fields,
)
from generator.errors import (
    DeckgenError,
    Diagnostic,
    allowed_list,
    did_you_mean,
    display_path,
    fail_if_any,
    shown,
    unknown,
)
from generator.files import image_problem, inside
from generator.source.load import DataPath, Source, parse_yaml, read_text, set_at

M = TypeVar("M", bound=BaseModel)


_EXPECTED = {
    "string_type": "text",
    "text_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
}


#: Errors whose message the model writes whole.
_OWN_MESSAGES = frozenset(
    {"link_scheme", "authors_length", "chart_data", "chart_total", "chart_empty", "figure_value"}
)


def validate(source: Source, roots: tuple[Path, ...] = ()) -> Deck:
    """Return the deck in `source` as a `Deck`; raise `DeckgenError` listing every problem.

    Images must lie inside `roots` (the content file's folder where none are given)."""
    data = source.data
    if not isinstance(data, dict):
        fail_if_any([source.diagnostic((), f"expected a mapping at the top, got {_kind(data)}")])
    problems: list[Diagnostic] = []
    meta = _validate_meta(source, data, problems)
    slides = _validate_slides(source, data, problems)
    problems += _duplicate_ids(source, data.get("slides"))
    slides = _images(source, slides, problems, roots or (source.path.parent,))
    slides = _chart_data(source, slides, problems, roots or (source.path.parent,))
    fail_if_any(sorted(problems, key=_position))
    assert meta is not None
    return Deck.model_construct(**dict(meta), slides=[slide for _, slide in slides])


def validate_model(
    source: Source, model: type[M], unions: dict[str, dict[str, type[BaseModel]]] | None = None
) -> M:
    """Return `source.data` as `model`; raise `DeckgenError` listing every problem at its line.

    `unions` names list fields of tagged unions, with their models by tag: an error in an item
    is said as the file writes it (`shapes[1].text`, not `shapes[1].box.text`)."""
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        fail_if_any([_untagged(source, error, model, unions or {}) for error in _errors(exc)])
        raise  # unreachable: fail_if_any raised


def _untagged(
    source: Source,
    error: ErrorDetails,
    model: type[BaseModel],
    unions: dict[str, dict[str, type[BaseModel]]],
) -> Diagnostic:
    loc = error["loc"]
    models = unions.get(str(loc[0])) if len(loc) > 2 and isinstance(loc[1], int) else None
    if models is None or loc[2] not in models:
        return _diagnostic(source, (), error, model)
    error["loc"] = loc[3:]
    return _diagnostic(source, loc[:2], error, models[str(loc[2])])


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    return (diagnostic.line or 0, diagnostic.column or 0)


def _validate_meta(source: Source, data: dict[str, Any], problems: list[Diagnostic]) -> Any:
    head = {key: value for key, value in data.items() if key != "slides"}
    try:
        return DeckMeta.model_validate(head)
    except ValidationError as exc:
        problems += [_diagnostic(source, (), error, Deck) for error in _errors(exc)]
        return None


def _validate_slides(
    source: Source, data: dict[str, Any], problems: list[Diagnostic]
) -> list[tuple[int, BaseModel]]:
    if "slides" not in data:
        problems.append(source.diagnostic((), "missing required field 'slides'"))
        return []
    raw = data["slides"]
    if not isinstance(raw, list) or not raw:
        got = _kind(raw)
        problems.append(source.error(("slides",), f"expected a list of slides, got {got}"))
        return []
    slides = []
    for index, item in enumerate(raw):
        try:
            slides.append((index, SLIDE_ADAPTER.validate_python(item)))
        except ValidationError as exc:
            problems += slide_diagnostics(source, index, exc)
    return slides


def slide_diagnostics(source: Source, index: int, exc: ValidationError) -> list[Diagnostic]:
    """Return a diagnostic for each error in validating slide `index` of `source`."""
    found = []
    for error in _errors(exc):
        loc = error["loc"]
        model: type[BaseModel] = Deck
        if loc:
            # A discriminated union puts the slide's kind first in the location.
            model = SLIDE_MODELS[str(loc[0])]
            error["loc"] = tuple(step for step in loc[1:] if step not in DATA_TAGS)
        found.append(_diagnostic(source, ("slides", index), error, model))
    return found


def _errors(exc: ValidationError) -> list[ErrorDetails]:
    """Return the errors of `exc`, less "missing 'x'" where an unknown key is a misspelt 'x'."""
    errors = exc.errors()
    extras = [(e["loc"][:-1], str(e["loc"][-1])) for e in errors if e["type"] == "extra_forbidden"]

    def misspelt(error: ErrorDetails) -> bool:
        parent, name = error["loc"][:-1], str(error["loc"][-1])
        return any(where == parent and did_you_mean(key, [name]) for where, key in extras)

    return [e for e in errors if not (e["type"] == "missing" and misspelt(e))]


def _diagnostic(
    source: Source, base: DataPath, error: ErrorDetails, model: type[BaseModel]
) -> Diagnostic:
    path: DataPath = (*base, *error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _fields_at(model, error["loc"][:-1])
        message = unknown("key", key, allowed, "allowed")
        return source.error(path, message, key=True)
    if kind == "missing" and isinstance(path[-1], int):  # a fixed-length list, such as a box
        return source.error(path[:-1], f"too few items: item {path[-1] + 1} is missing")
    if kind == "missing" and path in source.values:  # an overlay's `null` removed it
        return source.error(
            path, "a required field, which `null` cannot remove: give it a value", key=True
        )
    if kind == "missing":
        return source.error(path[:-1], f"missing required field '{path[-1]}'")
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _tag_diagnostic(source, path, error)
    value = error.get("input")
    if (
        kind == "string_pattern_mismatch"
        and str((error.get("ctx") or {}).get("pattern")) in PATTERNS
    ):
        meaning = PATTERNS[str(error["ctx"]["pattern"])]
        return source.error(path, f"expected {meaning}, got {_kind(value)}")
    if kind in _OWN_MESSAGES:
        return source.error(path, error["msg"])
    if kind in _EXPECTED:
        # YAML reads 290, 020 and true as a number or a boolean: quoting keeps it text.
        hint = (
            "; put it in quotes to keep it as text"
            if kind == "string_type" and isinstance(value, int | float)
            else ""
        )
        return source.error(path, f"expected {_EXPECTED[kind]}, got {_kind(value)}{hint}")
    if kind in _LENGTHS:
        return source.error(path, _length(kind, error.get("ctx") or {}, value))
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
        return source.error(path, unknown("value", str(value), allowed, "allowed"))
    if kind in _BOUNDS:
        bound, later, more = _BOUNDS[kind]
        limit = (error.get("ctx") or {}).get(bound)
        how = later if isinstance(value, datetime.date) else more
        shown_limit = f"{limit:g}" if isinstance(limit, float) else limit  # 0, not 0.0
        return source.error(path, f"expected {how} {shown_limit}, got {_kind(value)}")
    return source.error(path, f"{_lower_first(error['msg'])} (got {_kind(value)})")


#: Bound errors: pydantic's type, its limit's name, and the words for a date and a number.
_BOUNDS = {
    "greater_than_equal": ("ge", "a date on or after", "a number of at least"),
    "greater_than": ("gt", "a date after", "a number greater than"),
    "less_than_equal": ("le", "a date on or before", "a number of at most"),
    "less_than": ("lt", "a date before", "a number less than"),
}

#: Length errors: pydantic's type, what is counted, and whether the limit is a least or most.
_LENGTHS = {
    "too_short": ("item", "min_length", "at least"),
    "too_long": ("item", "max_length", "at most"),
    "string_too_short": ("character", "min_length", "at least"),
    "string_too_long": ("character", "max_length", "at most"),
}


def _length(kind: str, context: dict[str, Any], value: Any) -> str:
    """Return "expected at least 2 items, got 1" for a list or text of the wrong length."""
    unit, bound, how = _LENGTHS[kind]
    limit = int(context.get(bound, 0))
    size = len(value) if isinstance(value, (str, list, dict)) else context.get("actual_length")
    if kind == "string_too_short" and limit == 1:
        return "expected text, got empty text"
    return f"expected {how} {_count(limit, unit)}, got {size}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _tag_diagnostic(source: Source, path: DataPath, error: ErrorDetails) -> Diagnostic:
    context = error.get("ctx") or {}
    field = str(context.get("discriminator", "kind")).strip("'")
    tags = str(context.get("expected_tags", "")).replace("'", "")
    known = tags.split(", ") if tags else TAGS.get(field, [])
    expected = allowed_list(known)
    if error["type"] == "union_tag_not_found":
        return source.error(path, f"missing required field '{field}' (known: {expected})")
    return source.error((*path, field), unknown(field, str(context.get("tag")), known))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names of the model found by following `loc` from `model`."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        annotation = current.model_fields[step].annotation
        current = _model_in(annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _duplicate_ids(source: Source, raw: Any) -> list[Diagnostic]:
    if not isinstance(raw, list):
        return []
    first: dict[str, int] = {}
    found = []
    for index, item in enumerate(raw):
        slide_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(slide_id, str):
            continue
        if slide_id in first:
            earlier = source.mark(("slides", first[slide_id], "id"))
            message = (
                f"duplicate slide id {shown(slide_id)} "
                f"(first used at {earlier.file or source.display}:{earlier.line}:{earlier.column})"
            )
            found.append(source.error(("slides", index, "id"), message))
        else:
            first[slide_id] = index
    return found


def _images(
    source: Source,
    slides: list[tuple[int, BaseModel]],
    problems: list[Diagnostic],
    roots: tuple[Path, ...],
) -> list[tuple[int, BaseModel]]:
    """Return `slides` with image paths made absolute, each relative to the file that names it;
    add a problem for each image that is not there, leads outside `roots`, or is not a PNG,
    JPEG or GIF of a sane size."""
    found = []
    for index, slide in slides:
        images = list(marked_fields(slide, ImageField, ("slides", index)))
        if not images:
            found.append((index, slide))
            continue
        data = slide.model_dump(exclude_unset=True)
        for path, value in images:
            folder = source.folder(path)
            image, refused = inside(value, folder, roots)
            if image is None:
                problems.append(source.error(path, str(refused)))
                continue
            try:
                problem = image_problem(image, roots)
            except FileNotFoundError:
                message = (
                    f"image file not found: {shown(value)} (looked in {display_path(folder)}/)"
                )
                problems.append(source.error(path, message))
                problem = None
            except OSError as exc:
                problem = f"the image cannot be read: {exc.strerror or exc}"
            except DeckgenError as exc:  # a pipe or a device, never waited on
                problem = exc.diagnostics[0].message
            if problem is not None:
                problems.append(source.error(path, f"{shown(value)}: {problem}"))
            set_at(data, path[2:], str(image))
        found.append((index, SLIDE_ADAPTER.validate_python(data)))
    return found


def _chart_data(
    source: Source,
    slides: list[tuple[int, BaseModel]],
    problems: list[Diagnostic],
    roots: tuple[Path, ...],
) -> list[tuple[int, BaseModel]]:
    """Return `slides` with each chart's data file replaced by the table it names, read from
    the file (relative to the content folder, `roots[0]`, whichever file names it); add a
    problem for a file that is not there or leads outside `roots`, for each error in the file
    (at its own line), and for a table it does not have or that has no rows to draw."""
    found = []
    for index, slide in slides:
        if not isinstance(slide, ChartSlide) or not isinstance(slide.data, str):
            if isinstance(slide, ChartSlide) and slide.table is not None:
                message = "only a chart whose data is a file names a table of it"
                problems.append(source.error(("slides", index, "table"), message))
            found.append((index, slide))
            continue
        at: DataPath = ("slides", index)
        table = _table(source, at, slide.data, slide.table, problems, roots)
        if table is None:
            continue
        if not table.get("rows"):
            message = f"{shown(slide.data)}: the table has no rows to draw, only its total"
            problems.append(source.error((*at, "table"), message))
            continue
        data = slide.model_dump(exclude_unset=True)
        data["data"] = table
        found.append((index, SLIDE_ADAPTER.validate_python(data)))
    return found


def figure_data(deck: Deck, source: Source, roots: tuple[Path, ...]) -> Deck:
    """Return `deck` with each facts figure's data file replaced by the table it names (as
    `_chart_data` reads a chart's), and each figure whose table the file lists under `missing`
    left out; raise `DeckgenError` for every problem. It runs once the deck is resolved, so a
    figure's `table` may be its region's ("{{ region.scb_county_code }}")."""
    problems: list[Diagnostic] = []
    slides = [
        _read_figures(source, index, slide, problems, roots)
        if isinstance(slide, FactsSlide) and any(isinstance(f.data, str) for f in slide.figures)
        else slide
        for index, slide in enumerate(deck.slides)
    ]
    fail_if_any(problems)
    return deck.model_copy(update={"slides": slides})


def _read_figures(
    source: Source,
    index: int,
    slide: FactsSlide,
    problems: list[Diagnostic],
    roots: tuple[Path, ...],
) -> BaseModel:
    figures = []
    for number, figure in enumerate(slide.figures):
        data = figure.model_dump(exclude_none=True)
        if isinstance(figure.data, str):
            at: DataPath = ("slides", index, "figures", number)
            table = _table(source, at, figure.data, figure.table, problems, roots, missing_ok=True)
            if table is _MISSING:
                continue  # the file says why it has no figure: none is shown
            if table is not None and table.get("total") is None:
                message = f"{shown(figure.data)}: the table has no total to show"
                problems.append(source.error((*at, "table"), message))
            data["data"] = table
            data.pop("table", None)  # read: the figure holds its table now
        figures.append(data)
    if not figures:
        message = "every figure's table is missing from its data file: no figure is left"
        problems.append(source.error(("slides", index, "figures"), message))
    if not figures or problems:
        return slide
    dumped = slide.model_dump(exclude_none=True)
    read: BaseModel = SLIDE_ADAPTER.validate_python({**dumped, "figures": figures})
    return read


#: What `_table` returns for a table its data file lists under `missing`.
_MISSING: dict[str, Any] = {}


def _table(
    source: Source,
    at: DataPath,
    data: str,
    key: str | None,
    problems: list[Diagnostic],
    roots: tuple[Path, ...],
    *,
    missing_ok: bool = False,
) -> dict[str, Any] | None:
    """Return table `key` of data file `data`, as the file has it; if `missing_ok`,
    `_MISSING` where the file lists it under `missing` (the file says why); else None after
    adding a problem."""
    path, refused = inside(data, roots[0], roots)
    if path is None:
        problems.append(source.error((*at, "data"), str(refused)))
        return None
    if not path.is_file():
        where = display_path(roots[0])
        message = f"data file not found: {shown(data)} (looked in {where}/)"
        problems.append(source.error((*at, "data"), message))
        return None
    try:
        loaded = _data_file(path, roots)
    except DeckgenError as exc:
        problems += exc.diagnostics
        return None
    tables: dict[str, Any] = loaded.data["tables"]
    name = display_path(path)
    if key is None and len(tables) == 1:
        key = next(iter(tables))
    if key is None:
        message = f"{name} has {len(tables)} tables: name one ({allowed_list(tables)})"
        problems.append(source.error(at, f"missing required field 'table'; {message}"))
        return None
    if key not in tables:
        missing: dict[str, str] = loaded.data.get("missing") or {}
        if key in missing and missing_ok:
            return _MISSING
        message = (
            f"{name} has no table {shown(key)}: {missing[key]}"
            if key in missing
            else f"{name} has no table {shown(key)}{did_you_mean(key, tables)}"
            f" (it has: {allowed_list(tables)})"
        )
        problems.append(source.error((*at, "table"), message))
        return None
    table = dict(tables[key])
    if "unit" not in table and loaded.data.get("unit") is not None:
        table["unit"] = loaded.data["unit"]  # the file's, for a table that does not say
    return table


#: Data files loaded and checked, by path and text: a facts slide names one file per figure, and
#: every deck of a process names the same; parsing and checking it again took 0.05 s a deck.
_DATA_FILES: dict[tuple[Path, str], Source] = {}
#: How many `_DATA_FILES` keeps.
_KEPT_DATA_FILES = 8


def _data_file(path: Path, roots: tuple[Path, ...]) -> Source:
    """Return data file `path` loaded and checked as `ChartData`; raise `DeckgenError` if it
    is not one. The file is read every time (`read_text`: the deck notes it as an input, and a
    changed file is loaded again); what is kept is never changed (`_table` copies a table)."""
    text = read_text(path, roots)
    key = (path, text)
    if key not in _DATA_FILES:
        loaded = parse_yaml(text, path, display_path(path))
        validate_model(loaded, ChartData)
        if len(_DATA_FILES) >= _KEPT_DATA_FILES:
            _DATA_FILES.clear()
        _DATA_FILES[key] = loaded
    return _DATA_FILES[key]


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    names = {
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }
    name = names.get(type(value), type(value).__name__)
    if isinstance(value, str):
        return f"{name} {shown(value)}"
    if isinstance(value, (int, float, bool)):
        return f"{name} {value!r}"
    return name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]

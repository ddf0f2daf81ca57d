"""Stage 4, lay out: each slide kind's Jinja template turns a slide into a `SlideSpec`.

The rules (which layout, which placeholder gets which text, where extra shapes go, how type
steps down for long text) live in `templates/layouts/<kind>.yaml.j2`. This module only renders
those templates (under the contract in `values`: every `{{ … }}` is a value), parses their YAML
output and checks it against the master, reporting every problem at the template's line.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import jinja2.bccache

from generator.content.models import Deck, SlideBase
from generator.content.validate import validate_model
from generator.errors import DeckgenError, Diagnostic, display_path, fail_if_any, unknown
from generator.files import note_used, noted, read_input
from generator.layout.measure import widest
from generator.layout.spec import (
    SHAPE_MODELS,
    ChartShape,
    ConnectorShape,
    Decoration,
    LayoutDef,
    MasterSpec,
    PictureShape,
    QrShape,
    Shape,
    SlideSpec,
)
from generator.layout.values import CONTRACT, LayoutEnvironment, Written, fill, record
from generator.source.load import MAX_FILE_BYTES, DataPath, Source, load_yaml, parse_yaml


def load_master(templates: Path, name: str = "default") -> MasterSpec:
    """Load and check `templates/masters/<name>.yaml`: every style it names must exist."""
    source = load_yaml(templates / "masters" / f"{name}.yaml", (templates,))
    master = validate_model(source, MasterSpec)
    owners: list[tuple[DataPath, list[Decoration]]] = [
        (("master",), master.master.decorations),
        *((("layouts", index), layout.decorations) for index, layout in enumerate(master.layouts)),
    ]
    problems = [
        source.diagnostic(
            (*path, "decorations", index, "style"),
            unknown("style", decoration.style, master.styles),
        )
        for path, decorations in owners
        for index, decoration in enumerate(decorations)
        if decoration.style not in master.styles
    ]
    names = [layout.name for layout in master.layouts]
    problems += [
        source.diagnostic(
            ("layouts", index, "variant_of"), unknown("layout", layout.variant_of, names)
        )
        for index, layout in enumerate(master.layouts)
        if layout.variant_of is not None and layout.variant_of not in names
    ]
    fail_if_any(problems)
    return master


def _escape_markdown(text: str) -> str:
    """Return `text` with inline Markdown's special characters escaped, to show it as it is."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _figure(value: float, separator: str = "\u00a0") -> str:
    """Return a figure with its thousands grouped as Swedish writes them: 97 233 (a no-break
    space between, so it never breaks over two lines); decimals after a comma: 2,5."""
    whole = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return whole.replace(",", "\0").replace(".", ",").replace("\0", separator)


def _decimals(values: list[float], most: int = 3) -> int:
    """Return how many decimals the figures need to be shown as written, up to `most`."""
    written = (repr(float(value)).partition(".")[2].rstrip("0") for value in values)
    return min(most, max((len(decimals) for decimals in written), default=0))


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled layout templates, kept between runs as Python keeps .pyc files (in Jinja's own
    per-user folder, keyed by each template's text); a cache it cannot write is skipped."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # The same text compiles differently under another contract (line marks, finalize).
        return super().get_cache_key(f"{name}\0{CONTRACT}", filename)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _BytecodeCache()
    except (OSError, RuntimeError):  # no safe folder for it: compile every time
        return None


class _Loader(jinja2.BaseLoader):
    """The layout templates of one folder, read as every input is (`files.read_input`): from
    regular files inside the templates folder once links are resolved, each noted for the deck
    being built, also when Jinja gives it from its cache (it asks `uptodate` each time)."""

    def __init__(self, folder: Path, roots: tuple[Path, ...]) -> None:
        self.folder = folder
        self.roots = roots

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        try:
            data = read_input(path, MAX_FILE_BYTES, self.roots)
        except FileNotFoundError:
            raise jinja2.TemplateNotFound(template) from None
        if len(data) > MAX_FILE_BYTES:
            message = f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the limit"
            raise DeckgenError([Diagnostic(display_path(path), None, None, message)])
        used = {noted(path): hashlib.sha256(data).hexdigest()}

        def uptodate() -> bool:
            note_used(used)
            return True

        return data.decode("utf-8"), os.path.normpath(path), uptodate


class LayoutEngine:
    """Renders slides through the layout templates of one templates folder."""

    def __init__(self, templates: Path, master: MasterSpec) -> None:
        self.folder = templates / "layouts"
        self.roots = (templates,)
        self.master = master
        self.environment = LayoutEnvironment(
            loader=_Loader(self.folder, self.roots), bytecode_cache=_bytecode_cache()
        )
        self.environment.filters["md"] = _escape_markdown
        self.environment.filters["widest"] = widest
        self.environment.filters["figure"] = _figure
        self.environment.filters["decimals"] = _decimals
        self._laid: dict[tuple[str, str], _Laid] = {}

    def warm(self) -> None:
        """Compile every layout template now, not when a slide first needs it."""
        for path in sorted(self.folder.glob("*.yaml.j2")):
            with contextlib.suppress(jinja2.TemplateError, DeckgenError):  # said with its slide
                self.environment.get_template(path.name)

    def lay_out(self, deck: Deck, content_dir: Path) -> list[SlideSpec]:
        """Return one `SlideSpec` per slide of `deck`; raise `DeckgenError` for every problem."""
        problems: list[Diagnostic] = []
        specs = []
        meta = deck.meta().model_dump()
        kinds: Counter[str] = Counter()
        for number, slide in enumerate(deck.slides, start=1):
            kinds[slide.kind] += 1
            position = {"number": number, "of_kind": kinds[slide.kind], "slides": len(deck.slides)}
            try:
                specs.append(self._slide(slide, meta, position, content_dir))
            except DeckgenError as exc:
                problems += exc.diagnostics
        fail_if_any(dict.fromkeys(problems))  # a template's own error, once for all its slides
        return specs

    def _slide(
        self, slide: SlideBase, meta: dict[str, Any], position: dict[str, int], content_dir: Path
    ) -> SlideSpec:
        path = self.folder / f"{slide.kind}.yaml.j2"
        data = slide.model_dump()
        template = self._template(slide, path)
        # compared as written, not with ==: -0.0 == 0.0 and True == 1, which a template writes
        # differently
        inputs = repr((data, position, meta))
        laid = self._laid.get((slide.kind, slide.id))
        if laid is not None and laid.template is template and laid.inputs == inputs:
            return self._checked_at(laid.spec, laid.source, laid.written, content_dir, slide, path)
        written = self._write(template, slide, data, meta, position, path)
        display = display_path(path)
        try:
            source = parse_yaml(written.text, path, display)
            self._fill(source, written, slide)
            spec = validate_model(source, SlideSpec, {"shapes": SHAPE_MODELS})
        except DeckgenError as exc:
            raise self._placed(exc, written, slide, path) from None
        self._laid[(slide.kind, slide.id)] = _Laid(template, inputs, spec, source, written)
        return self._checked_at(spec, source, written, content_dir, slide, path)

    def _checked_at(
        self,
        spec: SlideSpec,
        source: Source,
        written: Written,
        content_dir: Path,
        slide: SlideBase,
        path: Path,
    ) -> SlideSpec:
        try:
            return self._checked(spec, source, content_dir)
        except DeckgenError as exc:
            raise self._placed(exc, written, slide, path) from None

    def _placed(
        self, exc: DeckgenError, written: Written, slide: SlideBase, path: Path
    ) -> DeckgenError:
        lines = written_source(path, self.roots)
        return DeckgenError([_placed(d, written, lines, slide.id) for d in exc.diagnostics])

    def _template(self, slide: SlideBase, path: Path) -> jinja2.Template:
        """Return the slide kind's compiled template (Jinja's own, kept while its file is
        unchanged); raise `DeckgenError` if there is none or it does not compile."""
        try:
            return self.environment.get_template(path.name)
        except DeckgenError:
            raise  # a template file deckgen may not read
        except jinja2.TemplateNotFound:
            message = f"no layout template for kind '{slide.kind}'"
            raise DeckgenError([Diagnostic(display_path(path), None, None, message)]) from None
        except jinja2.TemplateSyntaxError as exc:
            message = f"template syntax error: {exc.message}"
            if exc.message == "No filter named 'q'.":
                message += " Every {{ … }} writes one value, which needs no quoting: remove '| q'"
            diagnostic = Diagnostic(display_path(path), exc.lineno, 1, message)
            raise DeckgenError([diagnostic]) from None

    def _write(
        self,
        template: jinja2.Template,
        slide: SlideBase,
        data: dict[str, Any],
        meta: dict[str, Any],
        position: dict[str, int],
        path: Path,
    ) -> Written:
        """Render the slide's template; raise `DeckgenError` at its line for any exception."""
        context = {
            "slide": record(data, "slide"),
            # where the slide stands: its number in the deck, its number among the slides of its
            # kind (the second quote's is 2: a template can vary its look for rhythm), and how
            # many slides the deck has
            "position": record(position, "position"),
            "deck": record(meta, "deck"),
            "master": record(
                {
                    "width": self.master.size[0],
                    "height": self.master.size[1],
                    "margin": self.master.margin,
                    "columns": self.master.columns(),
                    "column_width": self.master.column_width,
                    "gutter": self.master.grid.gutter,
                    "type": {name: step.size for name, step in self.master.type_scale},
                },
                "master",
            ),
        }
        try:
            return self.environment.write(template, context)
        except DeckgenError:
            raise
        except Exception as exc:  # noqa: BLE001 - any exception is the template's, at its line
            line = _template_line(exc.__traceback__, path)
            said = str(exc) if isinstance(exc, jinja2.TemplateError) else _said(exc)
            message = f"while laying out slide '{slide.id}': {said}"
            raise DeckgenError(
                [Diagnostic(display_path(path), line, 1 if line else None, message)]
            ) from None

    def _fill(self, source: Source, written: Written, slide: SlideBase) -> None:
        """Put the template's values in `source` and the slide's own keys beside them."""
        fail_if_any(source.error(where, message) for where, message in fill(source, written))
        if isinstance(source.data, dict):
            source.data = {
                **source.data,
                "id": slide.id,
                "notes": slide.notes,
                "hidden": slide.hidden,
            }

    def _checked(self, spec: SlideSpec, source: Source, content_dir: Path) -> SlideSpec:
        """Return `spec` with picture paths resolved, if everything it names exists."""
        layout = self.master.layout(spec.layout)
        if layout is None:
            known = [item.name for item in self.master.layouts]
            raise DeckgenError(
                [source.diagnostic(("layout",), unknown("layout", spec.layout, known))]
            )
        shapes = [
            shape.model_copy(update={"path": str((content_dir / shape.path).resolve())})
            if isinstance(shape, PictureShape)
            else shape
            for shape in spec.shapes
        ]
        fail_if_any(
            source.diagnostic(where, message, key=where[0] == "placeholders")
            for where, message in self._problems(spec, layout, shapes)
        )
        return spec.model_copy(update={"shapes": shapes})

    def _problems(
        self, spec: SlideSpec, layout: LayoutDef, shapes: list[Shape]
    ) -> list[tuple[DataPath, str]]:
        slots = [item.name for item in layout.placeholders]
        found: list[tuple[DataPath, str]] = [
            (
                ("placeholders", name),
                f"layout '{layout.name}': " + unknown("placeholder", name, slots, "has"),
            )
            for name in spec.placeholders
            if name not in slots
        ]
        drawn: list[str] = []
        for index, shape in enumerate(shapes):
            at: DataPath = ("shapes", index)
            if shape.name in drawn or shape.name in slots:
                found.append(
                    ((*at, "name"), f"shape '{shape.name}': the name is used twice on the slide")
                )
            if isinstance(shape, QrShape):
                pass  # drawn from its data, in no style
            elif isinstance(shape, PictureShape):
                if not Path(shape.path).is_file():
                    found.append(
                        (
                            (*at, "path"),
                            f"shape '{shape.name}': image file not found: '{shape.path}'",
                        )
                    )
            elif shape.style not in self.master.styles:
                message = unknown("style", shape.style, self.master.styles)
                found.append(((*at, "style"), f"shape '{shape.name}': {message}"))
            if isinstance(shape, ConnectorShape):
                found += self._connector(shape, at, drawn)
            if isinstance(shape, ChartShape) and len(shape.values) != len(shape.categories):
                message = (
                    f"chart '{shape.name}': {len(shape.values)} values for"
                    f" {len(shape.categories)} categories; give one value per category"
                )
                found.append(((*at, "values"), message))
            drawn.append(shape.name)
        names = [*slots, *drawn]
        found += [
            (("reading_order", index), "reading_order: " + unknown("shape", name, names))
            for index, name in enumerate(spec.reading_order or [])
            if name not in names
        ]
        return found

    def _connector(
        self, shape: ConnectorShape, at: DataPath, drawn: list[str]
    ) -> list[tuple[DataPath, str]]:
        found: list[tuple[DataPath, str]] = []
        style = self.master.styles.get(shape.style)
        if style is not None and style.line is None:
            found.append(
                ((*at, "style"), f"connector '{shape.name}': style '{shape.style}' has no line")
            )
        for field, end in (("begin_shape", shape.begin_shape), ("end_shape", shape.end_shape)):
            if end is not None and end not in drawn:
                message = unknown("shape", end, drawn, "drawn before it")
                found.append(((*at, field), f"connector '{shape.name}': {message}"))
        return found


@dataclass(frozen=True)
class _Laid:
    """A slide as its template last laid it out, before its pictures were checked: drawn
    again from the same compiled template and the same inputs (the slide, where it stands,
    the deck), it is the same, so `deckgen serve`'s rebuild after one edit lays out only the
    slides the edit changed."""

    template: jinja2.Template
    inputs: str
    """The slide, where it stands and the deck, as `repr` writes them."""
    spec: SlideSpec
    source: Source
    written: Written


def written_source(path: Path, roots: tuple[Path, ...]) -> list[str]:
    """Return the lines of the template at `path`, to place errors in its output on them."""
    try:
        return read_input(path, MAX_FILE_BYTES, roots).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError, DeckgenError):  # changed since: columns are 1
        return []


def _placed(
    diagnostic: Diagnostic, written: Written, source: list[str], slide_id: str
) -> Diagnostic:
    """Return a diagnostic about the template's output at the template line that wrote it."""
    line, column = diagnostic.line, diagnostic.column
    if line is not None:
        line, column = written.place(line, column or 1, source)
    message = f"{diagnostic.message} (slide '{slide_id}')"
    return Diagnostic(diagnostic.file, line, column, message)


def _said(exc: Exception) -> str:
    """Return an exception as a template author reads it: its kind and its message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _template_line(traceback: TracebackType | None, path: Path) -> int | None:
    """Return the template line where a render error happened, from Jinja's rewritten traceback."""
    line = None
    target = str(path)
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line

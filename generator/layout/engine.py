"""Stage 4, lay out: each slide kind's Jinja template turns a slide into a `SlideSpec`.

The rules (which layout, which placeholder gets which text, where extra shapes go, how type
steps down for long text) live in `templates/layouts/<kind>.yaml.j2`. This module only renders
those templates, parses their YAML output and checks it against the master.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import jinja2.bccache

from generator.content.models import Deck, SlideBase
from generator.content.validate import validate_model
from generator.errors import DeckgenError, Diagnostic, display_path, fail_if_any, unknown
from generator.layout.spec import (
    ConnectorShape,
    Decoration,
    LayoutDef,
    MasterSpec,
    PictureShape,
    Shape,
    SlideSpec,
)
from generator.source.load import DataPath, load_yaml, parse_yaml


def load_master(templates: Path, name: str = "default") -> MasterSpec:
    """Load and check `templates/masters/<name>.yaml`: every style it names must exist."""
    source = load_yaml(templates / "masters" / f"{name}.yaml")
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
    fail_if_any(problems)
    return master


def _quote(value: Any) -> str:
    """Return `value` as a YAML flow scalar (JSON is YAML), keeping å, ä, ö and ” as they are."""
    return json.dumps(value, ensure_ascii=False)


def _escape_markdown(text: str) -> str:
    """Return `text` with inline Markdown's special characters escaped, to show it as it is."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled layout templates, kept between runs as Python keeps .pyc files (in Jinja's own
    per-user folder, keyed by each template's text); a cache it cannot write is skipped."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _BytecodeCache()
    except (OSError, RuntimeError):  # no safe folder for it: compile every time
        return None


class LayoutEngine:
    """Renders slides through the layout templates of one templates folder."""

    def __init__(self, templates: Path, master: MasterSpec) -> None:
        self.folder = templates / "layouts"
        self.master = master
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.folder),
            bytecode_cache=_bytecode_cache(),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.environment.filters["q"] = _quote
        self.environment.filters["md"] = _escape_markdown

    def warm(self) -> None:
        """Compile every layout template now, not when a slide first needs it."""
        for path in sorted(self.folder.glob("*.yaml.j2")):
            with contextlib.suppress(jinja2.TemplateError):  # reported with its slide
                self.environment.get_template(path.name)

    def lay_out(self, deck: Deck, content_dir: Path) -> list[SlideSpec]:
        """Return one `SlideSpec` per slide of `deck`; raise `DeckgenError` for every problem."""
        problems: list[Diagnostic] = []
        specs = []
        meta = deck.meta().model_dump()
        for slide in deck.slides:
            try:
                specs.append(self._slide(slide, meta, content_dir))
            except DeckgenError as exc:
                problems += exc.diagnostics
        fail_if_any(problems)
        return specs

    def _slide(self, slide: SlideBase, meta: dict[str, Any], content_dir: Path) -> SlideSpec:
        name = f"{slide.kind}.yaml.j2"
        path = self.folder / name
        context = {
            "slide": slide.model_dump(),
            "deck": meta,
            "master": {
                "width": self.master.size[0],
                "height": self.master.size[1],
                "margin": self.master.margin,
            },
        }
        try:
            text = self.environment.get_template(name).render(context)
        except jinja2.TemplateNotFound:
            message = f"no layout template for kind '{slide.kind}'"
            raise DeckgenError([Diagnostic(display_path(path), None, None, message)]) from None
        except jinja2.TemplateSyntaxError as exc:
            diagnostic = Diagnostic(
                display_path(path), exc.lineno, 1, f"template syntax error: {exc.message}"
            )
            raise DeckgenError([diagnostic]) from None
        except jinja2.TemplateError as exc:
            line = _template_line(exc.__traceback__, path)
            message = f"while laying out slide '{slide.id}': {exc}"
            raise DeckgenError(
                [Diagnostic(display_path(path), line, 1 if line else None, message)]
            ) from None
        display = f"{display_path(path)} (output for slide '{slide.id}')"
        source = parse_yaml(text, path, display)
        if isinstance(source.data, dict):
            source.data = {
                **source.data,
                "id": slide.id,
                "notes": slide.notes,
                "hidden": slide.hidden,
            }
        spec = validate_model(source, SlideSpec)
        return self._checked(spec, display, content_dir)

    def _checked(self, spec: SlideSpec, display: str, content_dir: Path) -> SlideSpec:
        """Return `spec` with picture paths resolved, if everything it names exists."""
        layout = self.master.layout(spec.layout)
        if layout is None:
            known = [item.name for item in self.master.layouts]
            raise DeckgenError(
                [Diagnostic(display, None, None, unknown("layout", spec.layout, known))]
            )
        shapes = [
            shape.model_copy(update={"path": str((content_dir / shape.path).resolve())})
            if isinstance(shape, PictureShape)
            else shape
            for shape in spec.shapes
        ]
        messages = self._problems(spec, layout, shapes)
        fail_if_any(Diagnostic(display, None, None, message) for message in messages)
        return spec.model_copy(update={"shapes": shapes})

    def _problems(self, spec: SlideSpec, layout: LayoutDef, shapes: list[Shape]) -> list[str]:
        slots = [item.name for item in layout.placeholders]
        found = [
            f"layout '{layout.name}': " + unknown("placeholder", name, slots, "has")
            for name in spec.placeholders
            if name not in slots
        ]
        drawn: list[str] = []
        for shape in shapes:
            if shape.name in drawn or shape.name in slots:
                found.append(f"shape '{shape.name}': the name is used twice on the slide")
            if isinstance(shape, PictureShape):
                if not Path(shape.path).is_file():
                    found.append(f"shape '{shape.name}': image file not found: '{shape.path}'")
            elif shape.style not in self.master.styles:
                found.append(
                    f"shape '{shape.name}': " + unknown("style", shape.style, self.master.styles)
                )
            if isinstance(shape, ConnectorShape):
                style = self.master.styles.get(shape.style)
                if style is not None and style.line is None:
                    found.append(f"connector '{shape.name}': style '{shape.style}' has no line")
                for end in (shape.begin_shape, shape.end_shape):
                    if end is not None and end not in drawn:
                        message = unknown("shape", end, drawn, "drawn before it")
                        found.append(f"connector '{shape.name}': {message}")
            drawn.append(shape.name)
        names = [*slots, *drawn]
        found += [
            "reading_order: " + unknown("shape", name, names)
            for name in spec.reading_order or []
            if name not in names
        ]
        return found


def _template_line(traceback: TracebackType | None, path: Path) -> int | None:
    """Return the template line where a render error happened, from Jinja's rewritten traceback."""
    line = None
    target = str(path)
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line

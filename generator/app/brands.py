"""`deckgen brand new`: a starter brand file for a corporate template."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.layout.engine import load_master
from generator.render.template import describe
from generator.theme.brand import TEXT_BOX, load_brand
from generator.theme.starter import starter, starter_yaml

#: A brand's name: the file name of `templates/brands/NAME.yaml`, as content's `brand:` takes.
BRAND_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class NewBrand:
    """What `brand new` wrote, and how its guess went."""

    brand: Path
    template: Path
    """The template the brand file names (a copy where it lay outside the templates folder)."""
    copied: bool
    layouts: int
    text_boxes: int


def new_brand(templates: Path, name: str, template: Path) -> NewBrand:
    """Write `templates/brands/NAME.yaml` for `template`, copied into `templates/brands/NAME/`
    where it lies outside `templates/brands/`; raise `DeckgenError` if the brand exists, the
    template cannot be read, or its copy would replace another file."""
    folder = templates / "brands"
    target = folder / f"{name}.yaml"
    if target.exists() or target.is_symlink():
        message = (
            "the brand exists already; deckgen does not overwrite a brand file: choose another"
            " name, or remove the file first"
        )
        raise DeckgenError([Diagnostic(display_path(target), None, None, message)])
    info = describe(template, (template.parent,))  # says what is wrong with the template
    master = load_master(templates)
    copied = not template.resolve().is_relative_to(folder.resolve())  # a brand names no '..'
    used = folder / name / template.name if copied else template
    if copied and (folder / name).exists():
        others = sorted(p.name for p in (folder / name).iterdir() if p.name != template.name)
        if others or not (folder / name).is_dir():
            message = (
                f"is there already, holding other files ({', '.join(others[:3]) or 'not a'}"
                f"{' …' if len(others) > 3 else ''}{' folder' if not others else ''}): choose"
                " another name for the brand"
            )
            raise DeckgenError([Diagnostic(display_path(folder / name), None, None, message)])
    if copied:
        _copy(template, used)
    relative = Path(os.path.relpath(used.resolve(), folder.resolve())).as_posix()
    guessed = starter(info, master)
    text = starter_yaml(name, relative, info, master, template.as_posix(), guessed)
    _create(target, text.encode("utf-8"))
    load_brand(templates, name, master)  # what was written reads back as a valid brand
    _, guesses = guessed
    boxes = sum(1 for g in guesses.values() for t in g.targets.values() if t == TEXT_BOX)
    return NewBrand(target, used, copied, len(guesses), boxes)


def _copy(source: Path, target: Path) -> None:
    """Copy `source` to `target`; the same bytes there already are fine, others an error."""
    data = source.read_bytes()
    if target.exists():
        if target.is_file() and target.read_bytes() == data:
            return
        message = (
            "another file of this name is there already: remove it, or give the template"
            " another name"
        )
        raise DeckgenError([Diagnostic(display_path(target), None, None, message)])
    target.parent.mkdir(parents=True, exist_ok=True)
    _create(target, data)


def _create(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all, and never over a file that appeared meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".deckgen-", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # as any file the user makes, not mkstemp's 0600
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        try:
            os.link(temporary, target)  # fails if the file is there: no overwrite, no race
        except FileExistsError:
            message = "the file appeared while deckgen wrote it; it was left as it is"
            raise DeckgenError([Diagnostic(display_path(target), None, None, message)]) from None
    finally:
        os.unlink(temporary)


def tried(templates: Path, name: str, content: Path) -> list[str]:
    """Build the national deck of `content` with brand `name` in a scratch folder, as
    `deckgen build --brand NAME` would, and return what the build and the checks that need no
    LibreOffice (accessibility, overlap) say of it, one line each, the build's warnings first;
    empty if all is well."""
    from generator.check.access import accessibility
    from generator.check.fidelity import lost_on_template
    from generator.check.overlap import overlap
    from generator.check.view import read_deck
    from generator.pipeline import Pipeline
    from generator.source.variant import Options, Variant

    pipeline = Pipeline(Options(templates), verify=lost_on_template)
    with tempfile.TemporaryDirectory(prefix="deckgen-brand-") as scratch:
        try:
            built = pipeline.build(Variant(content, brand=name), Path(scratch))
        except DeckgenError as exc:
            return [str(diagnostic) for diagnostic in exc.diagnostics]
        view = read_deck(built.path)
        findings = [*accessibility(view), *overlap(view)]
    return [str(diagnostic) for diagnostic in built.warnings] + [
        f"{f'slide {f.slide} ({f.slide_id})' if f.slide else 'deck'}: {f.severity}: {f.message}"
        for f in sorted(findings)
        if f.severity == "error"
    ]

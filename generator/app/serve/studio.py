"""The server's state: one warm pipeline, the decks the page has open, and the overlays it
writes, each checked by the pipeline itself before it replaces the file.

A `Pipeline` keeps the master, the layout templates, the base deck and the brands once read, so
a deck rebuilt after an overlay changed is only merged, resolved, laid out and drawn again
(`Pipeline.draw`, in memory). When a file the pipeline keeps changes (the deck file, a template,
a brand), the studio starts a new pipeline.

Every method may be called from any thread: one lock serialises the pipeline, which is not
made for threads, and thumbnails render in one background thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.app.serve.overlays import (
    BadName,
    as_json,
    overlay_path,
    updated_text,
    version,
)
from generator.app.serve.thumbs import Renderer, Thumbnails, slide_hashes
from generator.errors import DeckgenError, Diagnostic, display_path
from generator.files import MAX_IMAGE_BYTES, image_problem
from generator.gallery.page import swedish_key
from generator.output.save import build_moment, normalize_zip
from generator.pipeline import Pipeline, Plan, file_name, slug
from generator.source.load import MAX_DEPTH, DataPath, dotted, load_yaml
from generator.source.variant import NATIONAL, Options, Variant, region_paths

#: The largest overlay the page may send, as JSON (an overlay file is a few kilobytes).
MAX_OVERLAY_BYTES = 256 * 1024
#: The most entries a list or mapping of a saved overlay may have (a deck has tens of slides),
#: so that a small body cannot keep the server checking thousands of ids.
MAX_ENTRIES = 500
#: The most decks kept built at once (each about 0.4 MB with its plan); the oldest goes first.
MAX_OPEN = 24
#: The most problems a refused save lists; the last entry says how many more there are.
MAX_PROBLEMS = 50
#: The largest photo the page may upload: the largest image a deck embeds.
MAX_PHOTO_BYTES = MAX_IMAGE_BYTES
#: Photo formats by their first bytes, and the file name suffix each is saved with.
_PHOTO_SUFFIX = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"GIF8": ".gif"}

#: What the page is told of a change: a deck rebuilt, its thumbnails rendered, an error.
Event = dict[str, Any]


class Refused(Exception):
    """A request the studio refuses: an HTTP status, a message for the speaker, and, for an
    overlay that does not build, each problem at the JSON path of the field it concerns."""

    def __init__(self, status: int, message: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors)


@dataclass
class OpenDeck:
    """A deck the page has open: its variant and overlay, and its last good build."""

    variant: Variant
    overlay: str | None
    plan: Plan
    blob: bytes
    hashes: list[str]
    quotes: list[dict[str, Any]] = field(default_factory=list)
    """The quote slides a speaker can pick from: the variant's own, before any overlay."""
    version: str | None = None
    """The overlay file's version it was built from (None without one): a change on disk to
    the same bytes, such as the server's own save, rebuilds nothing."""


class Studio:
    """Decks and overlays for the page, built by one warm pipeline."""

    def __init__(
        self,
        content: Path,
        templates: Path,
        thumbs: Path,
        renderer: Renderer | None = None,
        publish: Callable[[Event], None] | None = None,
    ) -> None:
        self.content = content
        self.content_dir = content.parent
        self.options = Options.from_environment(templates)
        self.pipeline = Pipeline(self.options)
        self.thumbnails = Thumbnails(thumbs, renderer) if renderer is not None else None
        self.publish = publish or (lambda event: None)
        self._lock = threading.RLock()
        self._open: dict[tuple[str, str | None], OpenDeck] = {}
        self._quotes_of: dict[str, list[dict[str, Any]]] = {}
        self._renders = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deckgen-thumbs")
        # Plan once now, before any server thread runs: the pipeline forks its Jinja worker
        # here, in a process with one thread, and a broken deck file fails at start.
        self.pipeline.plan(Variant(content))

    def close(self) -> None:
        self._renders.shutdown(wait=True, cancel_futures=True)
        if self.thumbnails is not None:
            self.thumbnails.renderer.close()

    # Variants and decks ---------------------------------------------------------------------

    def variants(self) -> list[dict[str, str]]:
        """Return the national deck, then each region's in Swedish order of their names (as
        the gallery lists them: Örebro and Östergötland last)."""
        regions = [
            {"slug": name, "name": _region_name(path)}
            for name, path in region_paths(self.content).items()
        ]
        regions.sort(key=lambda region: swedish_key(region["name"]))
        return [{"slug": NATIONAL, "name": "Nationell"}, *regions]

    def variant(self, name: str, overlay: str | None = None) -> Variant:
        """Return the variant `name` with `overlay` applied; refuse unknown ones (404)."""
        if name != NATIONAL and name not in region_paths(self.content):
            raise Refused(404, f"okänd variant: {name[:80]!r}")
        overlays = (self.overlay_file(overlay),) if overlay else ()
        return Variant(self.content, None if name == NATIONAL else name, overlays)

    def overlay_file(self, name: str) -> Path:
        try:
            return overlay_path(self.content_dir, name)
        except BadName as exc:
            raise Refused(400, str(exc)) from None

    def deck(self, name: str, overlay: str | None = None) -> OpenDeck:
        """Return the deck of variant `name` with `overlay`, built if it is not open yet."""
        key = (name, overlay or None)
        with self._lock:
            if key not in self._open:
                if len(self._open) >= MAX_OPEN:  # the longest open first, as a dict keeps them
                    del self._open[next(iter(self._open))]
                self._open[key] = self._build(*key)
                self._render(key)
            return self._open[key]

    def _build(self, name: str, overlay: str | None) -> OpenDeck:
        """Build variant `name` with `overlay`; without it while its file does not exist yet."""
        variant = self.variant(name, overlay)
        found = None
        if overlay:
            try:
                found = version(variant.overlays[0].read_bytes())
            except FileNotFoundError:
                variant = self.variant(name)  # a new overlay: the deck without it
        plan, blob = self._draw(variant)
        hashes = slide_hashes(blob)
        return OpenDeck(variant, overlay, plan, blob, hashes, self._quotes(variant), found)

    def _draw(self, variant: Variant) -> tuple[Plan, bytes]:
        try:
            return self.pipeline.draw(variant)
        except DeckgenError as exc:
            problems = _problems(exc.diagnostics)
            raise Refused(422, "presentationen kunde inte byggas", problems) from None

    def _quotes(self, variant: Variant) -> list[dict[str, Any]]:
        """Return the quotes of `variant` without overlays, planned once per variant (a
        third of a save's time otherwise) until a file changes."""
        if variant.name not in self._quotes_of:
            self._quotes_of[variant.name] = self._bare_quotes(variant)
        return self._quotes_of[variant.name]

    def _bare_quotes(self, variant: Variant) -> list[dict[str, Any]]:
        bare = Variant(variant.content, variant.region)
        written = self.pipeline.plan(bare).written
        assert written is not None
        return [
            {
                "id": s.id,
                "text": getattr(s, "text", ""),
                "attribution": getattr(s, "attribution", ""),
            }
            for s in written.slides
            if s.kind == "quote"
        ]

    def slides(self, deck: OpenDeck) -> list[dict[str, Any]]:
        """Return each slide as the page shows it, with its thumbnail's URL where it has one."""
        written = {s.id: s for s in (deck.plan.written.slides if deck.plan.written else [])}
        shown = []
        for number, (slide, slide_hash) in enumerate(
            zip(deck.plan.deck.slides, deck.hashes, strict=True), 1
        ):
            ready = self.thumbnails is not None and self.thumbnails.has(slide_hash)
            as_written = written.get(slide.id)
            shown.append(
                {
                    "number": number,
                    "id": slide.id,
                    "kind": slide.kind,
                    "title": _title(slide),
                    "hidden": slide.hidden,
                    "thumbnail": f"/thumbs/{slide_hash}.png" if ready else None,
                    "fields": _fields(as_written) if as_written is not None else {},
                }
            )
        return shown

    def describe(self, deck: OpenDeck) -> dict[str, Any]:
        """Return the deck as the API gives it."""
        return {
            "variant": deck.variant.name,
            "overlay": deck.overlay,
            "title": deck.plan.deck.title,
            "organisation": deck.plan.deck.organisation,
            "speakers": deck.plan.deck.speakers or [],
            "slides": self.slides(deck),
            "quotes": deck.quotes,
            "warnings": [_problem(d) for d in deck.plan.warnings],
        }

    def pptx(self, deck: OpenDeck) -> tuple[str, bytes]:
        """Return the deck's file name and bytes, as `deckgen build` would write them."""
        with self._lock:
            base_title = self.pipeline.base_title(self.content)
        moment = build_moment(deck.plan.deck.date, self.options.source_date_epoch)
        return file_name(deck.plan.deck.title, base_title, deck.variant), normalize_zip(
            deck.blob, moment
        )

    # Overlays --------------------------------------------------------------------------------

    def overlay(self, name: str) -> tuple[dict[str, Any], str]:
        """Return overlay `name` as JSON data, as the pipeline reads it, and its version."""
        path = self.overlay_file(name)
        try:
            raw = path.read_bytes()
            source = load_yaml(path, (self.content_dir,))
        except FileNotFoundError:
            raise Refused(404, f"overlayn {name!r} finns inte än") from None
        except DeckgenError as exc:
            raise Refused(422, "overlayn kan inte läsas", _problems(exc.diagnostics)) from None
        return as_json(source.data or {}), version(raw)

    def save_overlay(
        self, name: str, data: Any, if_match: str | None, if_none_match: str | None, on: str
    ) -> tuple[str, OpenDeck]:
        """Write overlay `name` as `data` if it is still at version `if_match` (or absent,
        with `If-None-Match: *`) and the deck of variant `on` builds with it; return its new
        version and that deck. Nothing is written for a stale version or an invalid overlay."""
        if not isinstance(data, dict):
            raise Refused(422, "en overlay är ett objekt", [_error([], "expected a mapping")])
        if _depth(data) > MAX_DEPTH:
            message = f"the overlay nests too deeply (the limit is {MAX_DEPTH} levels)"
            raise Refused(422, "overlayn är för djup", [_error([], message)])
        if _widest(data) > MAX_ENTRIES:
            message = f"a list or mapping of the overlay has more than {MAX_ENTRIES} entries"
            raise Refused(422, "overlayn är för stor", [_error([], message)])
        path = self.overlay_file(name)
        with self._lock:
            old = path.read_bytes() if path.is_file() else None
            self._check_version(old, if_match, if_none_match)
            text = updated_text(old.decode("utf-8") if old is not None else None, data)
            deck = self._try(path, text.encode("utf-8"), data, on, name, old)
            self._open[(on, name)] = deck
            others = [k for k in self._open if k[1] == name and k[0] != on]
            for key in others:
                del self._open[key]  # other variants with this overlay: built when next asked
        self._render((on, name))
        for key in others:
            self.publish(_deck_event(key, "deck"))
        return deck.version or "", deck

    def _check_version(self, old: bytes | None, if_match: str | None, none: str | None) -> None:
        if old is None:
            if none == "*" or if_match is None and none is None:
                return
            raise Refused(412, "overlayn finns inte längre; ladda om sidan")
        if if_match is None:
            raise Refused(412, "ange vilken version du ändrar (If-Match); ladda om sidan")
        if if_match.strip() != version(old):
            raise Refused(
                412, "overlayn har ändrats sedan du öppnade den; ladda om den och gör om ändringen"
            )

    def _try(
        self,
        path: Path,
        text: bytes,
        data: dict[str, Any],
        on: str,
        name: str,
        old: bytes | None,
    ) -> OpenDeck:
        """Build the deck of `on` with `text` in a temporary file beside `path`; on success,
        rename it over `path` (atomic) and return the deck; else raise `Refused` (422). Where
        `path` no longer holds `old` when the deck is built (an editor saved it meanwhile),
        nothing is written (412): the editor's change is not lost."""
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            _write(handle, text)
            trial = Path(temporary)
            variant = self.variant(on, None)
            variant = Variant(variant.content, variant.region, (trial,))
            try:
                source = load_yaml(trial, (self.content_dir,))
                if as_json(source.data or {}) != data:
                    raise Refused(422, "overlayn kan inte skrivas så att den läses likadant")
                plan, blob = self.pipeline.draw(variant)
            except DeckgenError as exc:
                marks = _marks(trial, self.content_dir)
                problems = _problems(
                    exc.diagnostics, marks, display_path(trial), display_path(path)
                )
                raise Refused(422, "overlayn bygger inte", problems) from None
            os.chmod(trial, 0o644)
            now = path.read_bytes() if path.is_file() else None
            if now != old:
                raise Refused(
                    412,
                    "overlayn ändrades medan den sparades; ladda om den och gör om ändringen",
                )
            os.replace(trial, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        final = Variant(variant.content, variant.region, (path,))
        trial_name, final_name = display_path(trial), display_path(path)
        plan = dataclasses.replace(
            plan,
            warnings=tuple(_renamed(warning, trial_name, final_name) for warning in plan.warnings),
        )
        hashes = slide_hashes(blob)
        return OpenDeck(final, name, plan, blob, hashes, self._quotes(final), version(text))

    def save_photo(self, name: str, filename: str, data: bytes) -> str:
        """Save an uploaded photo beside overlay `name`, checked as the build checks images;
        return its path relative to the overlay, which a person's `photo` names."""
        folder = self.overlay_file(name).parent
        suffix = next((s for magic, s in _PHOTO_SUFFIX.items() if data.startswith(magic)), None)
        if suffix is None:
            raise Refused(422, "bilden är inte en PNG, JPEG eller GIF")
        # "--" between them: no file-name slug holds two hyphens, so overlay "anna-berg" with
        # "foto.png" and overlay "anna" with "berg-foto.png" cannot name one file
        target = folder / f"{name}--{slug(Path(filename).stem)[:40].strip('-')}{suffix}"
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        try:
            _write(handle, data)
            problem = image_problem(Path(temporary), (self.content_dir,))
            if problem is not None:
                raise Refused(422, problem)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except DeckgenError as exc:
            raise Refused(422, exc.diagnostics[0].message) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return target.name

    # Changes on disk -------------------------------------------------------------------------

    def changed(self, paths: Iterable[Path]) -> list[Event]:
        """Rebuild the open decks after `paths` changed on disk; publish and return what the
        page should know: each deck whose slides changed, or that no longer builds."""
        paths = [p.resolve() for p in paths]
        overlays = (self.content_dir / "overlays").resolve()
        only_overlays = all(p.parent == overlays for p in paths)
        events = []
        with self._lock:
            if any(not _is_overlay_or_region(p, self.content_dir) for p in paths):
                self.pipeline = Pipeline(self.options)  # it keeps what may have changed
            if not only_overlays:
                self._quotes_of.clear()
            for key, deck in list(self._open.items()):
                if only_overlays and not self._overlay_changed(deck, paths):
                    continue
                try:
                    fresh = self._build(*key)
                except Refused as exc:
                    events.append(_deck_event(key, "error", exc.message, exc.errors))
                    continue
                if fresh.blob != deck.blob:
                    self._open[key] = fresh
                    self._render(key)
                    events.append(_deck_event(key, "deck"))
        for event in events:
            self.publish(event)
        return events

    def _overlay_changed(self, deck: OpenDeck, paths: list[Path]) -> bool:
        """Whether `paths` hold the deck's overlay with other bytes than it was built from."""
        if deck.overlay is None:
            return False
        path = self.overlay_file(deck.overlay)
        if path.resolve() not in paths:
            return False
        try:
            return version(path.read_bytes()) != deck.version
        except FileNotFoundError:
            return True

    # Thumbnails ------------------------------------------------------------------------------

    def _render(self, key: tuple[str, str | None]) -> None:
        """Render the open deck's missing thumbnails in the background, then tell the page."""
        if self.thumbnails is None:
            return
        deck = self._open[key]
        if not self.thumbnails.missing(deck.hashes):
            return
        self._renders.submit(self._render_now, key, deck.blob, deck.hashes)

    def _render_now(self, key: tuple[str, str | None], blob: bytes, hashes: list[str]) -> None:
        assert self.thumbnails is not None
        try:
            self.thumbnails.render(blob, hashes)
        except DeckgenError as exc:
            self.publish(_deck_event(key, "error", str(exc.diagnostics[0])))
            return
        self.publish(_deck_event(key, "thumbnails"))

    def wait_for_thumbnails(self, timeout: float = 120) -> None:
        """Wait until every thumbnail asked for so far is rendered (for tests and benchmarks)."""
        self._renders.submit(lambda: None).result(timeout)


def _write(handle: int, data: bytes) -> None:
    """Write `data` to the open temporary file `handle` and flush it to disk, so the rename
    that follows never puts a half-written file in place (as `output.save.save` does)."""
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _deck_event(
    key: tuple[str, str | None], kind: str, message: str = "", errors: Sequence[Any] = ()
) -> Event:
    event: Event = {"type": kind, "variant": key[0], "overlay": key[1]}
    if message:
        event["message"] = message
    if errors:
        event["errors"] = list(errors)
    return event


def _is_overlay_or_region(path: Path, content_dir: Path) -> bool:
    """Whether `path` is a file the pipeline reads anew for each deck (it keeps no copy)."""
    root = content_dir.resolve()
    return path.parent in (root / "overlays", root / "regions")


def _region_name(path: Path) -> str:
    """Return a region's name from its file, or its slug where the file cannot be read."""
    try:
        data = load_yaml(path, (path.parent.parent,)).data
        return str(data["region"]["name"])
    except (DeckgenError, KeyError, TypeError):
        return path.stem


def _title(slide: Any) -> str:
    """Return what names a slide on the page: its title, message or quotation."""
    for name in ("title", "message", "text", "core"):
        value = getattr(slide, name, None)
        if isinstance(value, str) and value:
            return value
    return slide.id  # type: ignore[no-any-return]


def _fields(slide: Any) -> dict[str, Any]:
    """Return the fields of a slide the page edits, as written (Jinja unresolved)."""
    if slide.kind == "quote":
        return {"text": slide.text, "attribution": slide.attribution}
    if slide.kind == "panel":
        people = [p.model_dump(exclude_none=True, mode="json") for p in slide.people]
        return {"people": people}
    return {}


# Problems at JSON paths ----------------------------------------------------------------------


def _marks(path: Path, content_dir: Path) -> dict[tuple[int, int], DataPath]:
    """Return each place in the overlay file `path` by line and column, with the data path
    of the deepest value (or key) that stands there."""
    try:
        source = load_yaml(path, (content_dir,))
    except DeckgenError:
        return {}
    found: dict[tuple[int, int], DataPath] = {}
    for table in (source.keys, source.values):  # a value's place wins over its key's
        for data_path, mark in sorted(table.items(), key=lambda item: len(item[0])):
            found[(mark.line, mark.column)] = data_path
    return found


def _problems(
    diagnostics: Sequence[Diagnostic],
    marks: dict[tuple[int, int], DataPath] | None = None,
    trial: str = "",
    final: str = "",
) -> list[dict[str, Any]]:
    """Return the diagnostics as the API gives them, at most `MAX_PROBLEMS` and a last one
    that says how many more there are; those in the overlay being tried at the JSON path of
    the field they concern, and named as the overlay's own file."""
    problems = []
    if len(diagnostics) > MAX_PROBLEMS:
        more = len(diagnostics) - MAX_PROBLEMS
        problems_more = _error([], f"and {more} more problems: mend these first")
        diagnostics = diagnostics[:MAX_PROBLEMS]
    else:
        problems_more = None
    for diagnostic in diagnostics:
        data_path: DataPath = ()
        if trial and diagnostic.file == trial:
            data_path = (marks or {}).get((diagnostic.line or 0, diagnostic.column or 0), ())
            diagnostic = Diagnostic(
                final,
                diagnostic.line,
                diagnostic.column,
                diagnostic.message.replace(trial, final),
                diagnostic.severity,
            )
        problems.append(_problem(diagnostic, data_path))
    if problems_more is not None:
        problems.append(problems_more)
    return problems


def _renamed(diagnostic: Diagnostic, trial: str, final: str) -> Diagnostic:
    """Return `diagnostic` with the overlay's temporary file named as the overlay itself."""
    if diagnostic.file != trial and trial not in diagnostic.message:
        return diagnostic
    return dataclasses.replace(
        diagnostic,
        file=final if diagnostic.file == trial else diagnostic.file,
        message=diagnostic.message.replace(trial, final),
    )


def _problem(diagnostic: Diagnostic, data_path: DataPath = ()) -> dict[str, Any]:
    message = diagnostic.message
    prefix = f"{dotted(data_path)}: " if data_path else ""
    if prefix and message.startswith(prefix):
        message = message[len(prefix) :]
    return {
        "path": list(data_path),
        "message": message,
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "severity": diagnostic.severity,
        "text": str(diagnostic),
    }


def _depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """Return how deeply `value` nests, counting no further than `limit`."""
    if limit <= 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


def _widest(value: Any) -> int:
    """Return the most entries of any list or mapping in `value` (nested no deeper than
    `_depth` allows)."""
    if not isinstance(value, dict | list):
        return 0
    children = list(value.values()) if isinstance(value, dict) else value
    return max([len(children), *(_widest(child) for child in children)])


def _error(data_path: list[str | int], message: str) -> dict[str, Any]:
    return {"path": data_path, "message": message, "severity": "error"}

"""Which decks to build, whether they are up to date, and the manifest that records them.

This module imports only the standard library: `deckgen build` with nothing to do must answer
without loading the pipeline (pydantic, Jinja, python-pptx).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import display_path

#: The manifest's file name in the output folder.
MANIFEST = "manifest.json"
#: Files under the content folder that no deck reads.
_NOT_INPUTS = (".schema.json",)


@dataclass(frozen=True)
class Variant:
    """One deck to build: the base content, then a region's file, then speakers' overlays."""

    content: Path
    region: str | None = None
    overlays: tuple[Path, ...] = ()

    @property
    def name(self) -> str:
        """The variant's name: "national" or the region's slug."""
        return self.region or "national"

    @property
    def key(self) -> str:
        """The manifest's key: the name, then each overlay's file name: `dalarna+anna`."""
        return "+".join([self.name, *(path.stem for path in self.overlays)])


def region_paths(content: Path) -> dict[str, Path]:
    """Return the region files beside the deck file, by slug: `regions/<slug>.yaml`."""
    folder = content.parent / "regions"
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def every_variant(content: Path, overlays: tuple[Path, ...] = ()) -> list[Variant]:
    """Return the national deck, then each region's, in the order of their slugs."""
    regions = [None, *region_paths(content)]
    return [Variant(content, region, overlays) for region in regions]


def select(
    content: Path,
    region: str | None,
    overlays: tuple[Path, ...] = (),
    *,
    every: bool = False,
    part: tuple[int, int] | None = None,
) -> list[Variant]:
    """Return the variants a command names: every one (or shard `part` of them), or one."""
    if every:
        variants = every_variant(content, overlays)
        return select_shard(variants, *part) if part is not None else variants
    return [Variant(content, region, overlays)]


def built(output: Path, variants: list[Variant]) -> list[tuple[Variant, Path]]:
    """Return each variant's deck in `output`, from the manifest; raise `DeckgenError` naming
    the decks that are not built."""
    from .errors import DeckgenError, Diagnostic

    entries = Manifest(output).entries
    found = [(v, output / entries[v.key].file) for v in variants if v.key in entries]
    missing = [
        v.key
        for v in variants
        if v.key not in entries or not (output / entries[v.key].file).is_file()
    ]
    if missing:
        message = (
            f"not built yet: {', '.join(missing)}; run deckgen build first (with the same options)"
        )
        raise DeckgenError([Diagnostic(display_path(output / MANIFEST), None, None, message)])
    return found


def select_shard(variants: list[Variant], part: int, parts: int) -> list[Variant]:
    """Return shard `part` of `parts` (1-based): every `parts`-th variant in a fixed order, so
    the shards are disjoint, their union is all variants, and their sizes differ by one at most."""
    ordered = sorted(variants, key=lambda variant: variant.key)
    return [variant for index, variant in enumerate(ordered) if index % parts == part - 1]


@dataclass
class Inputs:
    """Hashes of what a deck is built from, reading each file once."""

    templates: Path
    version: str
    _digests: dict[Path, str] = field(default_factory=dict)
    _listed: dict[Path, list[Path]] = field(default_factory=dict)

    def digest(self, variant: Variant) -> str:
        """Return the hash of every input of `variant`: the content folder (less other regions'
        files), the templates folder, its overlays, deckgen's and python-pptx's versions, and
        SOURCE_DATE_EPOCH."""
        content = variant.content.parent
        files = [
            *(p for p in self._files(content) if not _other_region(p, content, variant)),
            *self._files(self.templates),
            *variant.overlays,
        ]
        total = hashlib.sha256()
        for part in (self.version, _pptx_version(), os.environ.get("SOURCE_DATE_EPOCH", "")):
            total.update(f"{part}\0".encode())
        for path in files:
            total.update(f"{path.as_posix()}\0{self._file(path)}\0".encode())
        return total.hexdigest()

    def _files(self, folder: Path) -> list[Path]:
        if folder not in self._listed:
            self._listed[folder] = _files(folder)
        return self._listed[folder]

    def _file(self, path: Path) -> str:
        if path not in self._digests:
            try:
                self._digests[path] = sha256_file(path)
            except OSError:
                self._digests[path] = "missing"
        return self._digests[path]


def _files(folder: Path) -> list[Path]:
    found = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith((".", "__")))
        found += [
            Path(root, name)
            for name in sorted(names)
            if not name.startswith(".") and not name.endswith(_NOT_INPUTS)
        ]
    return found


def _other_region(path: Path, content: Path, variant: Variant) -> bool:
    return path.parent == content / "regions" and path.stem != variant.region


@functools.cache
def _pptx_version() -> str:
    """Return python-pptx's version from its dist-info folder's name, without importing it or
    importlib.metadata (which costs more than the whole up-to-date check)."""
    from importlib.util import find_spec

    spec = find_spec("pptx")
    if spec is None or spec.origin is None:
        return "missing"
    site = Path(spec.origin).parent.parent
    found = sorted(p.name for p in site.glob("python_pptx-*.dist-info"))
    return found[-1] if found else "unknown"


def sha256_file(path: Path) -> str:
    """Return the sha256 of a file's bytes, in hex."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class Entry:
    """The manifest's record of one deck."""

    file: str
    """The deck's file name in the output folder."""
    sha256: str
    slides: int
    inputs: str
    """The hash of everything the deck was built from (see `Inputs.digest`)."""
    deckgen: str
    """The deckgen version that built it."""


class Manifest:
    """`output/manifest.json`: what each deck was built from, and what came out."""

    def __init__(self, output: Path) -> None:
        self.path = output / MANIFEST
        self.entries: dict[str, Entry] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = {key: Entry(**value) for key, value in data["decks"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}  # no manifest, or one that is not ours: rebuild everything

    def current(self, variant: Variant, inputs: str, version: str) -> Entry | None:
        """Return the entry of `variant` if its deck is there, unchanged, from these inputs."""
        entry = self.entries.get(variant.key)
        if entry is None or entry.inputs != inputs or entry.deckgen != version:
            return None
        deck = self.path.parent / entry.file
        try:
            return entry if sha256_file(deck) == entry.sha256 else None
        except OSError:
            return None

    def text(self, updates: Iterable[tuple[str, Entry]]) -> str:
        """Return the manifest with `updates` applied, as JSON with sorted keys."""
        entries = {**self.entries, **dict(updates)}
        decks = {key: asdict(entries[key]) for key in sorted(entries)}
        return json.dumps({"decks": decks}, indent=2, ensure_ascii=False) + "\n"


def manifest_entry(output: Path, file: Path, slides: int, inputs: str, version: str) -> Entry:
    """Return the entry for a deck just written to `file`."""
    return Entry(
        file=file.relative_to(output).as_posix(),
        sha256=sha256_file(file),
        slides=slides,
        inputs=inputs,
        deckgen=version,
    )


def build_decks(
    *,
    content: Path,
    templates: Path,
    output: Path,
    region: str | None,
    overlays: tuple[Path, ...],
    every: bool,
    shard: tuple[int, int] | None,
    force: bool,
    pdf: bool,
    jobs: int | None,
) -> None:
    """`deckgen build`: build what is out of date, report each deck, update the manifest."""
    import click

    from . import __version__

    variants = select(content, region, overlays, every=every, part=shard)
    inputs = Inputs(templates, __version__)
    manifest = Manifest(output)
    digests = {variant: inputs.digest(variant) for variant in variants}
    todo = []
    for variant in variants:
        entry = None if force else manifest.current(variant, digests[variant], __version__)
        if entry is None:
            todo.append(variant)
        else:
            click.echo(f"up to date {display_path(output / entry.file)} ({entry.slides} slides)")
    if not todo:
        if pdf:
            export_pdfs([output / manifest.entries[v.key].file for v in variants])
        return
    if len(variants) == 1:
        _build_one(todo[0], templates, output, digests[todo[0]], __version__)
    else:
        _build_many(todo, templates, output, digests, __version__, jobs)
    if pdf:
        current = Manifest(output)
        export_pdfs(
            [output / current.entries[v.key].file for v in variants if v.key in current.entries]
        )


def _build_one(
    variant: Variant,
    templates: Path,
    output: Path,
    digest: str,
    version: str,
) -> None:
    """Build one deck in this process; its errors are the command's errors."""
    import click

    from .build import build

    built = build(variant, templates, output)
    click.echo(f"wrote {display_path(built.path)} ({built.slides} slides)")
    _record(
        output, [(variant.key, manifest_entry(output, built.path, built.slides, digest, version))]
    )


def _build_many(
    variants: list[Variant],
    templates: Path,
    output: Path,
    digests: dict[Variant, str],
    version: str,
    jobs: int | None,
) -> None:
    """Build decks in a pool, with progress; report every failure, then exit 1 if any."""
    import sys

    import click

    from .errors import DeckgenError, counted
    from .jobs import Outcome, cpu_count, run

    updates: list[tuple[str, Entry]] = []
    failed: list[Outcome] = []
    progress = _Progress(len(variants)) if sys.stderr.isatty() else None

    def done(outcome: Outcome) -> None:
        built = outcome.built
        if built is None:
            failed.append(outcome)
            errors = counted(len(outcome.diagnostics), "error")
            line = f"failed {outcome.variant.key} ({errors}, listed below)"
        else:
            entry = manifest_entry(
                output, built.path, built.slides, digests[outcome.variant], version
            )
            updates.append((outcome.variant.key, entry))
            line = f"wrote {display_path(built.path)} ({built.slides} slides)"
        if progress is not None:
            progress.advance(line)
        else:
            click.echo(line)

    try:
        run(variants, templates, output, jobs or cpu_count(), done)
    finally:
        if progress is not None:
            progress.stop()
        if updates:
            _record(output, updates)
    written = len(variants) - len(failed)
    click.echo(f"{written} written, {len(failed)} failed")
    if failed:
        diagnostics = [d for outcome in failed for d in outcome.diagnostics]
        names = ", ".join(outcome.variant.key for outcome in failed)
        raise DeckgenError(
            diagnostics,
            summary=f"{len(failed)} of {len(variants)} decks failed ({names}); "
            "the others were written.",
        )


class _Progress:
    """A rich progress bar on a terminal; rich loads only here."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=False,
        )
        self.task = self.progress.add_task("", total=total)
        self.progress.start()

    def advance(self, line: str) -> None:
        self.progress.console.print(line, highlight=False)
        self.progress.update(self.task, advance=1)

    def stop(self) -> None:
        self.progress.stop()


def _record(output: Path, updates: list[tuple[str, Entry]]) -> None:
    """Merge `updates` into the manifest on disk, under a lock, and write it atomically."""
    from .save import save

    output.mkdir(parents=True, exist_ok=True)
    with _locked(output):
        text = Manifest(output).text(updates)  # re-read: another build may have written it
        save(text.encode("utf-8"), output / MANIFEST)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (no lock file is left); where the platform has no
    flock, such as Windows, go on without it."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def export_pdfs(decks: list[Path], *, report: bool = True) -> None:
    """Export `decks` to PDF beside them, in one LibreOffice call, where the PDF is missing or
    older than its deck; say which PDFs were written if `report`."""
    import shutil
    import subprocess
    import tempfile

    import click

    from .errors import DeckgenError, Diagnostic

    stale = [
        deck
        for deck in decks
        if not deck.with_suffix(".pdf").exists()
        or deck.with_suffix(".pdf").stat().st_mtime < deck.stat().st_mtime
    ]
    if not stale:
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = (
            "exporting decks to PDF needs LibreOffice's soffice: install it "
            "(apt-get install libreoffice-impress)"
        )
        raise DeckgenError([Diagnostic("soffice", None, None, message)])
    with tempfile.TemporaryDirectory(prefix="deckgen-soffice-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(stale[0].parent),
            *map(str, stale),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    missing = [deck for deck in stale if not deck.with_suffix(".pdf").exists()]
    if result.returncode != 0 or missing:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        message = f"LibreOffice could not export {len(missing) or len(stale)} deck(s): {detail[0]}"
        raise DeckgenError([Diagnostic("soffice", None, None, message)])
    for deck in stale if report else []:
        click.echo(f"wrote {display_path(deck.with_suffix('.pdf'))}")

"""The manifest, `output/manifest.json`: what each deck was built from, and what came out.

A deck whose inputs hash the same as when it was recorded, and whose file still has the
recorded sha256, is up to date. Standard library only: `deckgen build` with nothing to do must
answer without loading the pipeline (pydantic, Jinja, python-pptx).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.files import SAVE_IT, read_input
from generator.output.save import save
from generator.source.variant import Options, Variant

#: The manifest's file name in the output folder.
MANIFEST = "manifest.json"
#: Files under the content folder that no deck reads.
_NOT_INPUTS = (".schema.json",)
#: What to do about a pipe or a device found under the content or templates folder.
_UNNAMED = "every file under the content and templates folders is an input: move it out"
#: The largest input file the hash reads: the largest that any stage accepts (a template).
MAX_INPUT_BYTES = 50 * 1024 * 1024


@dataclass
class Inputs:
    """Hashes of what a deck is built from, reading each file once, into memory.

    Every file under the content and templates folders is an input, named or not; a pipe, a
    device or a socket among them is refused (`DeckgenError`), never opened: reading a FIFO
    would wait forever, /dev/zero never ends, and a pipe given as `--overlay` would be read
    empty by the stage that comes after the hash."""

    options: Options
    version: str
    _digests: dict[Path, str] = field(default_factory=dict)
    _listed: dict[Path, list[Path]] = field(default_factory=dict)
    _walked: set[Path] = field(default_factory=set)
    """The files found under a folder, not named: the advice for a pipe among them differs."""

    def digest(self, variant: Variant) -> str:
        """Return the hash of every input of `variant`: the content folder (less other regions'
        files), its overlays, every field of the options (a folder by the files under it),
        and deckgen's and python-pptx's versions."""
        content = variant.content.parent
        files = [
            *(p for p in self._files(content) if not _other_region(p, content, variant)),
            *variant.overlays,
        ]
        total = hashlib.sha256()
        for part in (self.version, _pptx_version()):
            total.update(f"{part}\0".encode())
        for option in fields(self.options):
            value = getattr(self.options, option.name)
            if isinstance(value, Path):
                files += self._files(value) if value.is_dir() else [value]
                value = value.as_posix()
            total.update(f"{option.name}\0{value!r}\0".encode())
        for path in files:
            total.update(f"{path.as_posix()}\0{self._file(path)}\0".encode())
        return total.hexdigest()

    def _files(self, folder: Path) -> list[Path]:
        if folder not in self._listed:
            self._listed[folder] = _files(folder)
            self._walked.update(self._listed[folder])
        return self._listed[folder]

    def _file(self, path: Path) -> str:
        if path not in self._digests:
            advice = _UNNAMED if path in self._walked else SAVE_IT
            try:
                data = read_input(path, MAX_INPUT_BYTES, advice)
            except OSError:
                data = None  # the stage that reads it says why it cannot
            if data is not None and len(data) > MAX_INPUT_BYTES:
                limit = MAX_INPUT_BYTES // (1024 * 1024)
                message = f"the file is larger than {limit} MB, the limit for an input"
                raise DeckgenError([Diagnostic(display_path(path), None, None, message)])
            self._digests[path] = "missing" if data is None else hashlib.sha256(data).hexdigest()
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
    """Whether `path` is another region's file; a photo beside the region files is an input."""
    return (
        path.parent == content / "regions"
        and path.suffix == ".yaml"
        and path.stem != variant.region
    )


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
    name: str | None = None
    """The region's name for people, "Region Värmland"; None for the national deck."""
    built: str | None = None
    """When it was built, in UTC: "2026-12-01T06:30:12Z". An entry without it (written by an
    older deckgen) is not current, so the next build writes the deck and records it."""


class Manifest:
    """`output/manifest.json`: what each deck was built from, and what came out."""

    def __init__(self, output: Path) -> None:
        self.path = output / MANIFEST
        self.entries: dict[str, Entry] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no manifest, or one that is not JSON: rebuild everything
        entries = _entries(data)
        # An entry whose file leads out of the output folder is not built: check and preview
        # write beside a deck, so they must not be sent elsewhere.
        self.entries = {key: e for key, e in entries.items() if _inside(e.file, output)}

    def current(self, variant: Variant, inputs: str, version: str) -> Entry | None:
        """Return the entry of `variant` if its deck is there, unchanged, from these inputs."""
        entry = self.entries.get(variant.key)
        if entry is None or entry.inputs != inputs or entry.deckgen != version:
            return None
        if entry.built is None:
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


#: Each field of an entry and the types its JSON value may have.
_SCHEMA: dict[str, tuple[type, ...]] = {
    "file": (str,),
    "sha256": (str,),
    "slides": (int,),
    "inputs": (str,),
    "deckgen": (str,),
    "name": (str, type(None)),
    "built": (str, type(None)),
}


def _entries(data: object) -> dict[str, Entry]:
    """Return the entries of a manifest's JSON; none if it does not match the schema (a
    manifest that is not ours, or was edited by hand, counts as absent: everything rebuilds)."""
    decks = data.get("decks") if isinstance(data, dict) else None
    if not isinstance(decks, dict):
        return {}
    entries = {}
    for key, value in decks.items():
        if not isinstance(value, dict) or not _matches(value):
            return {}
        entries[key] = Entry(**value)
    return entries


def _matches(value: dict[str, object]) -> bool:
    """Whether `value` has the fields of an `Entry`, each of its type (a bool is no number)."""
    required = {name for name in _SCHEMA if name not in ("name", "built")}
    if not required <= value.keys() <= _SCHEMA.keys():
        return False
    return all(
        isinstance(item, _SCHEMA[name]) and not isinstance(item, bool)
        for name, item in value.items()
    )


def _inside(file: str, output: Path) -> bool:
    """Whether `file` names a deck in `output` itself: one `.pptx` name, no folder, that stays
    there once symbolic links are resolved."""
    name = Path(file)
    if name.name != file or "\\" in file or name.suffix != ".pptx" or file.startswith("."):
        return False
    try:
        return (output / file).resolve().parent == output.resolve()
    except (OSError, RuntimeError):  # a link that loops, a name too long
        return False


def manifest_entry(
    output: Path, file: Path, slides: int, inputs: str, version: str, name: str | None = None
) -> Entry:
    """Return the entry for a deck just written to `file`, built now."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return Entry(
        file=file.relative_to(output).as_posix(),
        sha256=sha256_file(file),
        slides=slides,
        inputs=inputs,
        deckgen=version,
        name=name,
        built=now.isoformat().replace("+00:00", "Z"),
    )


def record(output: Path, updates: list[tuple[str, Entry]]) -> None:
    """Merge `updates` into the manifest on disk, under a lock, and write it atomically."""
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

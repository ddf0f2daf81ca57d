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

from generator.errors import DeckgenError
from generator.files import noted, outside, read_input
from generator.output.save import save
from generator.source.variant import Options, Variant, overlay_roots

#: The manifest's file name in the output folder.
MANIFEST = "manifest.json"
#: The largest input file the hash reads: the largest that any stage accepts (a template).
MAX_INPUT_BYTES = 50 * 1024 * 1024


@dataclass
class Inputs:
    """Hashes of what a deck is built from.

    A build notes every file it reads, with the sha256 of the bytes it read (`files.track`);
    its manifest entry keeps their paths (`Entry.files`) and `digest` of them, deckgen's and
    python-pptx's versions and every option. The rebuild check reads those files again and no
    other: each once, into memory, only inside the deck's folders (the content and templates
    folders, and the overlays it names), regular files only. A file that no deck uses is never
    opened."""

    options: Options
    version: str
    _digests: dict[str, str] = field(default_factory=dict)
    _places: dict[tuple[str, tuple[Path, ...]], bool] = field(default_factory=dict)

    def digest(self, variant: Variant, files: Iterable[tuple[str, str]]) -> str:
        """Return the hash of a deck's inputs: which deck it is (its deck file, region and
        overlays, by where they are, and the brand it was asked for), each file it read (path,
        sha256), deckgen's version and the digest of its code (`code_digest`), python-pptx's
        version, and every field of the options."""
        total = hashlib.sha256()
        which: list[object] = [noted(variant.content), variant.region]
        which += map(noted, variant.overlays)
        if variant.brand is not None:  # a deck in its own brand hashes as it did before brands
            which.append(("brand", variant.brand))
        for part in (self.version, code_digest(), _pptx_version(), repr(which)):
            total.update(f"{part}\0".encode())
        for option in fields(self.options):
            value = getattr(self.options, option.name)
            if isinstance(value, Path):
                value = value.as_posix()
            total.update(f"{option.name}\0{value!r}\0".encode())
        for path, sha256 in sorted(files):
            total.update(f"{path}\0{sha256}\0".encode())
        return total.hexdigest()

    def now(self, variant: Variant, files: Iterable[str]) -> str | None:
        """Return `digest` of `files` as they are now, read where `variant` may read; None if
        one of them lies elsewhere (a manifest edited by hand), so the deck is built again."""
        roots = (variant.content.parent, self.options.templates)
        named = {noted(path): path for path in variant.overlays}
        found = []
        for name in files:
            where = overlay_roots(variant.content, named[name]) if name in named else roots
            if self._outside(name, where):
                return None
            found.append((name, self._file(name, where)))
        return self.digest(variant, found)

    def _outside(self, name: str, roots: tuple[Path, ...]) -> bool:
        """Whether `name` leads outside `roots`, asked once per process for each: the 22 decks
        of `--all` name the same master and layouts, and each answer resolves every path."""
        key = (name, roots)
        if key not in self._places:
            self._places[key] = outside(Path(name), roots) is not None
        return self._places[key]

    def _file(self, name: str, roots: tuple[Path, ...]) -> str:
        if name not in self._digests:
            try:
                data = read_input(Path(name), MAX_INPUT_BYTES, roots)
            except (OSError, DeckgenError):
                data = None  # changed into what the build refuses: the build says why
            if data is None or len(data) > MAX_INPUT_BYTES:
                self._digests[name] = "unreadable"
            else:
                self._digests[name] = hashlib.sha256(data).hexdigest()
        return self._digests[name]


#: The files of deckgen's own package that can change what it writes: its code, its layout
#: and page templates, its styles and its bundled font.
_CODE = {".py", ".j2", ".css", ".js", ".html", ".ttf"}


@functools.cache
def code_digest() -> str:
    """Return the sha256 of deckgen's own package files (path and bytes), so that a deck built
    by other code is built again though the version number stayed: a checkout that pulled new
    commits, an edit in a development install. About 2 ms for deckgen's 100-odd files."""
    return folder_digest(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def folder_digest(package: str) -> str:
    """Return the sha256 of the paths and bytes of `package`'s code files (`_CODE`)."""
    found: list[str] = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [
            os.path.join(folder, name) for name in files if os.path.splitext(name)[1] in _CODE
        ]
    total = hashlib.sha256()
    for path in sorted(found):
        total.update(f"{os.path.relpath(path, package)}\0".encode())
        with open(path, "rb") as stream:
            total.update(hashlib.file_digest(stream, "sha256").digest())
    return total.hexdigest()


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
    files: list[str] | None = None
    """The files it was built from, as the build named them: all the rebuild check reads. An
    entry without them (written by an older deckgen) is not current."""


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

    def current(self, variant: Variant, inputs: Inputs) -> Entry | None:
        """Return the entry of `variant` if its deck is there, unchanged, and built by this
        deckgen from the files that it was built from, unchanged."""
        entry = self.entries.get(variant.key)
        if entry is None or entry.deckgen != inputs.version:
            return None
        if entry.built is None or entry.files is None:
            return None
        if inputs.now(variant, entry.files) != entry.inputs:
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
    "files": (list, type(None)),
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
    required = {name for name in _SCHEMA if name not in ("name", "built", "files")}
    if not required <= value.keys() <= _SCHEMA.keys():
        return False
    files = value.get("files")
    if isinstance(files, list) and not all(isinstance(item, str) for item in files):
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
    output: Path,
    file: Path,
    slides: int,
    inputs: tuple[str, list[str]],
    version: str,
    name: str | None = None,
) -> Entry:
    """Return the entry for a deck just written to `file`, built now from `inputs` (their
    hash, and the files)."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return Entry(
        file=file.relative_to(output).as_posix(),
        sha256=sha256_file(file),
        slides=slides,
        inputs=inputs[0],
        deckgen=version,
        name=name,
        built=now.isoformat().replace("+00:00", "Z"),
        files=inputs[1],
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

"""Thumbnails of a deck's slides, re-rendered only where a slide changed.

Rendering a deck takes LibreOffice seconds; a speaker who changes one quote should wait for
one slide, not eleven. Each slide gets a hash of what it looks like: its position (the slide
number it shows), its XML and every part it draws from (layout, master, theme, pictures, charts),
but not its speaker notes. A thumbnail is stored under that hash, so a slide whose hash has a
thumbnail already is not rendered again, and the hash in the thumbnail's URL changes when the
slide does: the browser never shows a stale one from its cache.

LibreOffice runs behind `Renderer`, `generator.output.live.LiveOffice`'s interface: by default
that LibreOffice, which stays running and exports only the slides asked for;
`SofficeRenderer` starts soffice for each deck (`generator.output.pdf`), as the other commands
do, and is a one-line change in `default_renderer`.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from lxml import etree

from generator.errors import Diagnostic, ToolError
from generator.output.live import LiveOffice
from generator.output.pdf import export_pdfs
from generator.output.raster import find_pdftoppm

#: A thumbnail's width in pixels: two columns of them fit a phone, four a laptop.
WIDTH = 480
#: Relationships that do not change how a slide looks.
_UNSEEN = ("/notesSlide", "/notesMaster", "/handoutMaster")
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
#: A thumbnail's file name: its slide's hash.
THUMB_NAME = re.compile(r"[0-9a-f]{32}\.png")


class Renderer(Protocol):
    """What renders a deck to PDF: `generator.output.live.LiveOffice`'s interface."""

    def pdf(self, deck: Path, target: Path, *, pages: Sequence[int] | None = None) -> Path:
        """Export `deck` (hidden slides included: page n is slide n) to `target`."""
        ...

    def close(self) -> None: ...


class SofficeRenderer:
    """A `Renderer` that starts LibreOffice for each deck (`generator.output.pdf`): slow to
    start, but what every other command uses. It exports every page whatever `pages` says."""

    def pdf(self, deck: Path, target: Path, *, pages: Sequence[int] | None = None) -> Path:
        with tempfile.TemporaryDirectory(prefix="deckgen-serve-pdf-") as folder:
            (written,) = export_pdfs([deck], folder=Path(folder), every_slide=True)
            shutil.move(written, target)
        return target

    def close(self) -> None:
        pass


def default_renderer() -> Renderer:
    """Return the renderer `deckgen serve` uses: a LibreOffice that stays running, which
    exports only the pages asked for (`SofficeRenderer()` is the one without python3-uno)."""
    return LiveOffice()


def slide_hashes(blob: bytes) -> list[str]:
    """Return a hash for each slide of the deck `blob`, in order, of what it looks like."""
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        parts = _Parts(package)
        rels = parts.relationships("ppt/presentation.xml")
        presentation = etree.fromstring(package.read("ppt/presentation.xml"), _PARSER)
        slides = [rels[e.get(_R_ID, "")] for e in presentation.iter(f"{_P_NS}sldId")]
        return [parts.slide_hash(part, n) for n, part in enumerate(slides, 1)]


class _Parts:
    """A deck's parts, each read, hashed and its relationships parsed once: every slide
    reaches the same master, theme and layouts."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        self.package = package
        self.names = set(package.namelist())
        self._digests: dict[str, bytes] = {}
        self._relationships_of: dict[str, dict[str, str]] = {}

    def slide_hash(self, part: str, number: int) -> str:
        """Hash the slide's number and every part it reaches through its relationships."""
        digest = hashlib.sha256(f"slide {number}\n".encode())
        seen: set[str] = set()
        todo = [part]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.names:
                continue
            seen.add(name)
            todo.extend(self.relationships(name).values())
        for name in sorted(seen):
            digest.update(name.encode() + b"\0" + self.digest(name))
        return digest.hexdigest()[:32]

    def digest(self, name: str) -> bytes:
        if name not in self._digests:
            self._digests[name] = hashlib.sha256(self.package.read(name)).digest()
        return self._digests[name]

    def relationships(self, part: str) -> dict[str, str]:
        """Return the internal, visible relationships of `part`: id to the part it targets."""
        if part not in self._relationships_of:
            self._relationships_of[part] = self._read_relationships(part)
        return self._relationships_of[part]

    def _read_relationships(self, part: str) -> dict[str, str]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels_name not in self.names:
            return {}
        found = {}
        root = etree.fromstring(self.package.read(rels_name), _PARSER)
        for rel in root.iter(f"{_REL_NS}Relationship"):
            if rel.get("TargetMode") == "External" or rel.get("Type", "").endswith(_UNSEEN):
                continue
            target = rel.get("Target", "")
            found[rel.get("Id", "")] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
        return found


class Thumbnails:
    """A folder of thumbnails by slide hash, and the rendering of the missing ones."""

    def __init__(self, folder: Path, renderer: Renderer) -> None:
        self.folder = folder
        self.renderer = renderer
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, slide_hash: str) -> Path:
        return self.folder / f"{slide_hash}.png"

    def has(self, slide_hash: str) -> bool:
        return self.path(slide_hash).is_file()

    def missing(self, hashes: Sequence[str]) -> list[int]:
        """Return the 1-based numbers of the slides that have no thumbnail yet."""
        return [n for n, h in enumerate(hashes, 1) if not self.has(h)]

    def render(self, blob: bytes, hashes: Sequence[str]) -> list[int]:
        """Render the thumbnails `hashes` lacks from the deck `blob`; return their numbers.
        Raise `ToolError` where LibreOffice or poppler is missing or fails."""
        pages = self.missing(hashes)
        if not pages:
            return []
        pdftoppm = find_pdftoppm()
        with tempfile.TemporaryDirectory(prefix="deckgen-serve-") as scratch:
            deck = Path(scratch) / "deck.pptx"
            deck.write_bytes(blob)
            pdf = self.renderer.pdf(deck, Path(scratch) / "deck.pdf", pages=pages)
            whole = _page_count(pdf) == len(hashes)
            for index, number in enumerate(pages, 1):
                page = number if whole else index
                self._rasterize(pdftoppm, pdf, page, hashes[number - 1], Path(scratch))
        return pages

    def _rasterize(self, pdftoppm: str, pdf: Path, page: int, slide_hash: str, at: Path) -> None:
        stem = at / f"page-{page}"
        command = [pdftoppm, "-f", str(page), "-l", str(page), "-png", "-singlefile"]
        command += ["-scale-to-x", str(WIDTH), "-scale-to-y", "-1", str(pdf), str(stem)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        png = stem.with_suffix(".png")
        if done.returncode != 0 or not png.is_file():
            said = (done.stderr.strip().splitlines() or ["no output"])[-1]
            message = f"pdftoppm could not render page {page}: {said}"
            raise ToolError([Diagnostic("pdftoppm", None, None, message)])
        os.replace(png, self.path(slide_hash))  # whole or not at all: the URL names it


def _page_count(pdf: Path) -> int:
    """Return how many pages `pdf` has, by its page objects (LibreOffice writes them plainly)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))

"""Decks to PDF with LibreOffice: one `soffice` run for every deck whose PDF is stale.

The PDFs are accessible: tagged, marked as conforming to PDF/UA-1, with the deck's title (from
its core properties) shown as the window's title, and the deck's language as the document's
(`/Lang` of the catalog). Swedish public bodies must publish accessible documents. This needs
LibreOffice 7.4 or later, which takes the PDF export's options as JSON on the command line; an
older one ignores them and writes an untagged PDF.

LibreOffice leaves hidden slides out of a PDF, as a slide show skips them: the PDF beside a
deck is the talk as shown. `every_slide=True` keeps them (the PDF export's ExportHiddenSlides
option), for a review of the whole deck.

A PDF is exported again only when its deck's bytes change: beside each PDF, `.<name>.pdf.sha256`
records the sha256 of the deck it was exported from and the export's options. `check` and
`preview` share the PDFs (a release runs LibreOffice once), and a deck built again to the same
bytes (`build --force`, which gives it a new modification time) keeps its PDF.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from itertools import groupby
from pathlib import Path

from lxml import etree

from generator.errors import Diagnostic, ToolError, counted
from generator.officexml import DC_NS
from generator.output.manifest import sha256_file

#: The PDF export filter's options (impress_pdf_Export's FilterData, given as JSON).
_ACCESSIBLE = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    # On, LibreOffice re-encodes pictures as JPEGs: the regions' logos (498 dpi) at 300 dpi,
    # with artefacts round their letters, and, once any option is given, the national deck's
    # (288 dpi) too. Off, every picture keeps its pixels, losslessly. Measured on the 22 decks
    # (219 pages at 40 dpi): only the logos' pixels differ from a plain `--convert-to pdf`
    # (by up to 65 of 255), and the export took 0.78 times as long.
    "ReduceImageResolution": {"type": "boolean", "value": "false"},
}
#: The option that keeps hidden slides.
_EVERY_SLIDE = {"ExportHiddenSlides": {"type": "boolean", "value": "true"}}
#: A language tag (BCP 47's shape), as a deck's core properties give it: sv-SE.
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
#: LibreOffice's settings in a fresh profile: its locale, which its PDF export writes as the
#: document's language. LibreOffice does not read the deck's own (dc:language, nor the text's
#: lang): a deck marked sv-SE throughout came out as /Lang(en-US).
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>{locale}</value></prop></item>
</oor:items>
"""
#: Where python-pptx and PowerPoint keep the core properties, and the most read of them.
_CORE = "docProps/core.xml"
_CORE_LIMIT = 1 << 20
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def export_pdfs(
    decks: list[Path], *, folder: Path | None = None, every_slide: bool = False
) -> list[Path]:
    """Export `decks` to accessible PDFs where the PDF is missing or not of the deck's bytes
    (`current`), in one LibreOffice call per language; return the PDFs written. Each PDF goes
    beside its deck, or into `folder`; with `every_slide`, it has the hidden slides too."""

    def target(deck: Path) -> Path:
        return (folder or deck.parent) / f"{deck.stem}.pdf"

    digests = {deck: sha256_file(deck) for deck in decks}
    stale = [
        deck
        for deck in decks
        if not current(deck, target(deck), every_slide=every_slide, digest=digests[deck])
    ]
    if not stale:
        return []
    soffice = _soffice()
    outdir = folder or stale[0].parent
    outdir.mkdir(parents=True, exist_ok=True)
    for deck in stale:
        _record(target(deck)).unlink(missing_ok=True)  # an export that fails leaves no record
    failed = [
        result
        for result in _convert_by_language(soffice, stale, outdir, every_slide)
        if result.returncode != 0
    ]
    missing = [deck for deck in stale if not target(deck).exists()]
    for deck in stale:
        if deck not in missing:
            _record(target(deck)).write_text(_key(digests[deck], every_slide), "ascii")
    if failed or missing:
        said = (failed[-1].stderr or failed[-1].stdout) if failed else ""
        detail = said.strip().splitlines()[-1:] or ["no output"]
        decks_failed = counted(len(missing) or len(stale), "deck")
        message = f"LibreOffice could not export {decks_failed}: {detail[0]}"
        raise ToolError([Diagnostic("soffice", None, None, message)])
    return [target(deck) for deck in stale]


def current(deck: Path, pdf: Path, *, every_slide: bool = False, digest: str | None = None) -> bool:
    """Whether `pdf` was exported from `deck` as its bytes are now (sha256 `digest`, read where
    it is not given), with these options, by its record. A PDF without a record (exported by
    an older deckgen) is current while it is no older than its deck."""
    try:
        recorded = _record(pdf).read_text("ascii")
    except FileNotFoundError:
        try:
            return pdf.stat().st_mtime >= deck.stat().st_mtime
        except OSError:
            return False
    except (OSError, UnicodeDecodeError):
        return False
    if not pdf.is_file():
        return False
    return recorded == _key(digest or sha256_file(deck), every_slide)


def _record(pdf: Path) -> Path:
    """Return where the sha256 of the deck that `pdf` was exported from is kept."""
    return pdf.with_name(f".{pdf.name}.sha256")


def _key(digest: str, every_slide: bool) -> str:
    """Return the record of a PDF exported from a deck of sha256 `digest`: the digest, and a
    hash of the export's options (another deckgen's options export the deck again)."""
    options = json.dumps(_options(every_slide), sort_keys=True).encode("utf-8")
    return f"{digest} {hashlib.sha256(options).hexdigest()[:16]}\n"


def _options(every_slide: bool) -> dict[str, dict[str, str]]:
    """Return the PDF export filter's options."""
    return {**_ACCESSIBLE, **(_EVERY_SLIDE if every_slide else {})}


def _soffice() -> str:
    """Return LibreOffice's soffice; raise `ToolError` saying to install it where it is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = (
            "exporting decks to PDF needs LibreOffice's soffice: install it "
            "(apt-get install libreoffice-impress)"
        )
        raise ToolError([Diagnostic("soffice", None, None, message)])
    return soffice


def _convert_by_language(
    soffice: str, decks: list[Path], outdir: Path, every_slide: bool
) -> list[subprocess.CompletedProcess[str]]:
    """Export `decks` into `outdir`, one soffice run for the decks of each language."""
    convert = "pdf:impress_pdf_Export:" + json.dumps(_options(every_slide), separators=(",", ":"))
    languages = {deck: _language(deck) for deck in decks}
    ordered = sorted(decks, key=languages.__getitem__)
    return [
        _convert(soffice, convert, list(group), outdir, language)
        for language, group in groupby(ordered, key=languages.__getitem__)
    ]


def _convert(
    soffice: str, convert: str, decks: list[Path], outdir: Path, language: str
) -> subprocess.CompletedProcess[str]:
    """Run soffice once on `decks`, in a fresh profile whose locale is `language` (LibreOffice's
    own where it is empty)."""
    with tempfile.TemporaryDirectory(prefix="deckgen-soffice-") as profile:
        if language:
            settings = Path(profile) / "user" / "registrymodifications.xcu"
            settings.parent.mkdir()
            settings.write_text(_SETTINGS.format(locale=language), "utf-8")
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            convert,
            "--outdir",
            str(outdir),
            *map(str, decks),
        ]
        return run_alone(command)


def run_alone(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command` in a process group of its own and return what it printed; if deckgen is
    interrupted meanwhile (Ctrl-C, SIGTERM turned into an exception), end the whole group
    before passing the interruption on: `soffice` is a script that starts soffice.bin, which
    would otherwise go on writing PDFs with nobody waiting for them."""
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate()
        except BaseException:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _language(deck: Path) -> str:
    """Return the language of `deck` from its core properties (dc:language), or "" where it
    has none that is a language tag or cannot be read."""
    try:
        with zipfile.ZipFile(deck) as package:
            if package.getinfo(_CORE).file_size > _CORE_LIMIT:
                return ""
            core = package.read(_CORE)
        found = etree.fromstring(core, _PARSER).findtext(f"{{{DC_NS}}}language") or ""
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return ""  # not a deck LibreOffice can read either: its export says so
    found = found.strip()
    return found if _LANGUAGE.fullmatch(found) else ""

"""Decks to PDF with LibreOffice: one `soffice` run for every deck whose PDF is stale.

LibreOffice leaves hidden slides out of a PDF, as a slide show skips them: the PDF beside a
deck is the talk as shown. `every_slide=True` keeps them (the PDF export's ExportHiddenSlides
option, LibreOffice 7.4 or later), for a review of the whole deck.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.errors import Diagnostic, ToolError, counted

#: The PDF export filter's options that keep hidden slides (given as JSON, LibreOffice >= 7.4).
_EVERY_SLIDE = {"ExportHiddenSlides": {"type": "boolean", "value": "true"}}


def export_pdfs(
    decks: list[Path], *, folder: Path | None = None, every_slide: bool = False
) -> list[Path]:
    """Export `decks` to PDF, in one LibreOffice call, where the PDF is missing or older than
    its deck; return the PDFs written. Each PDF goes beside its deck, or into `folder`; with
    `every_slide`, it has the hidden slides too."""

    def target(deck: Path) -> Path:
        return (folder or deck.parent) / f"{deck.stem}.pdf"

    stale = [
        deck
        for deck in decks
        if not target(deck).exists() or target(deck).stat().st_mtime < deck.stat().st_mtime
    ]
    if not stale:
        return []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = (
            "exporting decks to PDF needs LibreOffice's soffice: install it "
            "(apt-get install libreoffice-impress)"
        )
        raise ToolError([Diagnostic("soffice", None, None, message)])
    convert = "pdf"
    if every_slide:
        convert = "pdf:impress_pdf_Export:" + json.dumps(_EVERY_SLIDE, separators=(",", ":"))
    outdir = folder or stale[0].parent
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deckgen-soffice-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            convert,
            "--outdir",
            str(outdir),
            *map(str, stale),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    missing = [deck for deck in stale if not target(deck).exists()]
    if result.returncode != 0 or missing:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        failed = counted(len(missing) or len(stale), "deck")
        message = f"LibreOffice could not export {failed}: {detail[0]}"
        raise ToolError([Diagnostic("soffice", None, None, message)])
    return [target(deck) for deck in stale]

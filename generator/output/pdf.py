"""Decks to PDF with LibreOffice: one `soffice` run for every deck whose PDF is stale."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.errors import Diagnostic, ToolError


def export_pdfs(decks: list[Path]) -> list[Path]:
    """Export `decks` to PDF beside them, in one LibreOffice call, where the PDF is missing or
    older than its deck; return the PDFs written."""
    stale = [
        deck
        for deck in decks
        if not deck.with_suffix(".pdf").exists()
        or deck.with_suffix(".pdf").stat().st_mtime < deck.stat().st_mtime
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
        raise ToolError([Diagnostic("soffice", None, None, message)])
    return [deck.with_suffix(".pdf") for deck in stale]

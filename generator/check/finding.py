"""A finding: one thing wrong with one deck, on one slide or in its package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.errors import display_path

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong with one deck, on one slide or in its package."""

    deck: str
    slide: int
    """The slide's number, from 1; 0 for the package or the deck as a whole."""
    slide_id: str
    severity: Severity
    message: str
    check: str

    def __str__(self) -> str:
        where = f"slide {self.slide} ({self.slide_id})" if self.slide else "deck"
        return f"{self.deck}: {where}: {self.severity}: {self.message} [{self.check}]"


def finding(
    deck: Path, severity: Severity, message: str, check: str, slide: int = 0, slide_id: str = ""
) -> Finding:
    """Return a finding about `deck`, named as the user sees it."""
    return Finding(display_path(deck), slide, slide_id, severity, message, check)

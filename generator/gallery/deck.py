"""What the gallery shows of a built deck, read back with python-pptx: its title and language,
and each slide's id, title, speaker notes and whether it is hidden."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import DeckgenError, Diagnostic, display_path


@dataclass(frozen=True)
class SlideFacts:
    """One slide as the gallery shows it."""

    number: int
    id: str
    """The slide's id from the content (its `p:cSld` name); "" where it has none."""
    title: str
    hidden: bool
    """Kept in the deck but skipped in the slide show."""
    notes: str


@dataclass(frozen=True)
class DeckFacts:
    """A deck as the gallery shows it."""

    title: str | None
    language: str | None
    slides: list[SlideFacts]

    @property
    def hidden(self) -> int:
        """How many of its slides are hidden."""
        return sum(slide.hidden for slide in self.slides)


def read_deck(path: Path) -> DeckFacts:
    """Return the gallery's facts of the deck at `path`; raise `DeckgenError` where it cannot
    be read."""
    from pptx import Presentation  # python-pptx loads only when there is a deck to show
    from pptx.exc import PackageNotFoundError

    try:
        prs = Presentation(str(path))
    except (OSError, KeyError, ValueError, PackageNotFoundError) as exc:
        message = f"cannot read the deck: {exc}"
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)]) from None
    core = prs.core_properties
    slides = [_slide(number, slide) for number, slide in enumerate(prs.slides, start=1)]
    return DeckFacts(core.title.strip() or None, core.language.strip() or None, slides)


def _slide(number: int, slide: Any) -> SlideFacts:
    title = slide.shapes.title
    notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    return SlideFacts(
        number=number,
        id=slide.element.cSld.get("name", ""),
        title=" ".join((title.text_frame.text if title is not None else "").split()),
        hidden=slide.element.get("show") == "0",
        notes=(notes or "").strip(),
    )

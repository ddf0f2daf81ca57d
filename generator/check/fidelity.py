"""Fidelity: every word of a slide's resolved content must be in the deck, on that slide (its
shapes, alt texts or notes). A layout template that forgets a field, or a template mapping
that drops a placeholder by accident, loses text; this finds it."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from pptx import Presentation

from generator.check.finding import Finding, finding
from generator.check.view import DeckView
from generator.content.inline import parse_inline
from generator.content.models import Deck, TextField, marked_fields
from generator.errors import Diagnostic, display_path
from generator.layout.spec import SlideSpec, TemplatePlan
from generator.pipeline import Plan

#: The placeholder types a slide takes no text into, by what a reader calls them: python-pptx
#: copies none of them from the layout onto a new slide (PowerPoint fills them from its
#: header and footer settings).
_NOT_KEPT = {"dt": "date", "ftr": "footer", "sldNum": "slide-number", "hdr": "header"}

#: How many missing words a finding quotes.
_QUOTED = 8


def fidelity(
    view: DeckView, deck: Deck, specs: list[SlideSpec], template: TemplatePlan | None
) -> list[Finding]:
    """Return a finding for each slide of `view` that lacks words of its content in `deck`."""
    slides = {slide.id: slide for slide in view.slides}
    if not any(slides):  # a deck from before slides carried their ids: pair them in order
        slides = {
            content.id: slide for content, slide in zip(deck.slides, view.slides, strict=False)
        }
    exempt = _left_out_on_purpose(specs, template)
    found = []
    for number, content in enumerate(deck.slides, 1):
        slide = slides.get(content.id)
        if slide is None:
            message = f"slide {content.id!r} of the content is not in the deck"
            found.append(finding(view.path, "error", message, "fidelity", number, content.id))
            continue
        fields = sorted(marked_fields(content, TextField), key=lambda f: f[0] == ("notes",))
        words = [  # the slide's own text in reading order, then its notes
            word
            for _, text in fields
            for paragraph in parse_inline(text)
            for word in paragraph.text.split()
        ]
        shown = Counter(
            word
            for text in (
                *(shape.text for shape in slide.shapes),
                *(shape.alt for shape in slide.shapes),
                slide.notes,
            )
            for word in text.split()
        )
        missing = Counter(words) - shown - exempt.get(content.id, Counter())
        if missing:
            lost = []  # the missing words, in the content's order
            for word in words:
                if missing[word] > 0:
                    lost.append(word)
                    missing[word] -= 1
            quoted = " ".join(lost[:_QUOTED]) + (" …" if len(lost) > _QUOTED else "")
            message = (
                f"{len(lost)} word{'s' * (len(lost) != 1)} of the content "
                f"{'are' if len(lost) != 1 else 'is'} not in the deck: {quoted!r}"
            )
            found.append(finding(view.path, "error", message, "fidelity", slide.number, slide.id))
    return found


def _left_out_on_purpose(
    specs: list[SlideSpec], template: TemplatePlan | None
) -> dict[str, Counter[str]]:
    """Return, by slide id, the words of placeholders that a template mapping maps to null."""
    if template is None:
        return {}
    exempt: dict[str, Counter[str]] = {}
    for spec in specs:
        mapped = template.layouts[spec.layout][1]
        for name, fill in spec.placeholders.items():
            if name in mapped and mapped[name] is None:
                words = Counter(w for p in fill.text for w in p.text.split())
                exempt[spec.id] = exempt.get(spec.id, Counter()) + words
    return exempt


def lost_on_template(blob: bytes, plan: Plan, brand_file: Path) -> list[Diagnostic]:
    """Return an error for each placeholder text that a template mapping gives a place but
    that is not on its slide in `blob`, the deck just drawn: what `deckgen build` checks before
    it writes a deck on a user's template, so no text is lost without a word.

    A mapping can place text where the template does not keep it (python-pptx copies no
    footer, date or slide-number placeholder onto a slide; two of deckgen's placeholders can
    meet in one of the template's). The error names the slide, the placeholder, the template
    placeholder and the words lost."""
    template = plan.template
    if template is None:
        return []
    slides = list(Presentation(io.BytesIO(blob)).slides)
    found: list[Diagnostic] = []
    for number, (spec, slide) in enumerate(zip(plan.specs, slides, strict=True), 1):
        layout, mapped = template.layouts[spec.layout]
        # The renderer names each placeholder it fills after deckgen's placeholder, so each
        # text is looked for in its own shape: words found elsewhere on the slide do not count.
        held = {
            shape.name: Counter(shape.text_frame.text.split())
            for shape in slide.placeholders
            if shape.has_text_frame
        }
        for name, fill in spec.placeholders.items():
            if mapped.get(name) is None:
                continue  # mapped to null: left out on purpose
            words = [word for paragraph in fill.text for word in paragraph.text.split()]
            missing = Counter(words) - held.get(name, Counter())
            if not missing:
                continue
            lost = [w for w in dict.fromkeys(words) if missing[w] > 0]
            quoted = " ".join(lost[:_QUOTED]) + (" …" if len(lost) > _QUOTED else "")
            kind = template.kinds.get(spec.layout, {}).get(mapped[name] or 0, "")
            reason = (
                f"idx {mapped[name]} is the layout's {_NOT_KEPT[kind]} placeholder, which a new"
                " slide does not get"
                if kind in _NOT_KEPT
                else "the template does not keep text there"
            )
            message = (
                f"slide {number} ({spec.id!r}): the text of its {name!r} placeholder, mapped to"
                f" idx {mapped[name]} of the template's layout {layout!r}, is not on the slide"
                f" ({sum(missing.values())} of {len(words)} words lost: {quoted!r}); {reason}:"
                " map it to another placeholder, or to null to leave it out"
            )
            found.append(Diagnostic(display_path(brand_file), None, None, message))
    return found

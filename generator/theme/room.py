"""deckgen's own pictures on a user's template: a QR code that would cover the template's text.

A layout template places the closing slide's QR code beside deckgen's own texts. On a
template, those texts stand in the template's placeholders, wherever its designer drew them,
and the code, fitted with the slide (`layout.fit`), may fall on one of them (LibreOffice's
Midnightblue puts the link in a column where deckgen has the code). A code is only a second
way to the link that the slide shows as text, so it is left out there, with a warning that
says why and what to do, rather than hide the text.
"""

from __future__ import annotations

from generator.errors import Diagnostic, warning
from generator.layout.spec import (
    Box,
    QrShape,
    SlideSpec,
    TemplateInfo,
    TemplatePlan,
)
from generator.source.load import Source

#: How far two boxes may run into each other before they overlap (as `check.overlap`).
_TOLERANCE = 2.0


def clear_of_text(
    specs: list[SlideSpec], plan: TemplatePlan, info: TemplateInfo, source: Source
) -> tuple[list[SlideSpec], list[Diagnostic]]:
    """Return `specs` without the QR codes that would cover a template placeholder holding
    one of the slide's texts, and a warning for each one left out."""
    result: list[SlideSpec] = []
    warnings: list[Diagnostic] = []
    for spec in specs:
        mapped = plan.layouts.get(spec.layout)
        if mapped is None or not any(isinstance(s, QrShape) for s in spec.shapes):
            result.append(spec)
            continue
        layout, targets = mapped
        drawn_on = info.masters[plan.masters.get(spec.layout, 0)]
        offered = {p.idx: p for p in drawn_on.layouts.get(layout, [])}
        texts = [
            offered[idx]
            for name, idx in targets.items()
            if name in spec.placeholders and idx is not None and idx in offered
        ]
        kept = []
        for shape in spec.shapes:
            covered = (
                [p for p in texts if p.box is not None and _overlaps(shape.box, p.box)]
                if isinstance(shape, QrShape)
                else []
            )
            if not covered:
                kept.append(shape)
                continue
            names = " and ".join(f"idx {p.idx} ({p.name!r})" for p in covered)
            message = (
                f"slide {spec.id!r}: its QR code is left out, as it would cover the slide's text"
                f" in the placeholder{'s' * (len(covered) > 1)} {names} of the template's"
                f" layout {layout!r}; the link is still on the slide. To keep the code, map"
                f" '{spec.layout}' to a template layout with room beside its texts"
            )
            warnings.append(warning(source.error(("template", "layouts", spec.layout), message)))
        order = spec.reading_order
        if len(kept) != len(spec.shapes) and order is not None:
            present = {s.name for s in kept} | set(spec.placeholders)
            order = [name for name in order if name in present]
        result.append(
            spec
            if len(kept) == len(spec.shapes)
            else spec.model_copy(update={"shapes": kept, "reading_order": order})
        )
    return result, warnings


def _overlaps(first: Box, second: Box) -> bool:
    across = min(first[0] + first[2], second[0] + second[2]) - max(first[0], second[0])
    down = min(first[1] + first[3], second[1] + second[3]) - max(first[1], second[1])
    return across > _TOLERANCE and down > _TOLERANCE

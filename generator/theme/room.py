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
    QrShape,
    SlideSpec,
    TemplateInfo,
    TemplatePlan,
)
from generator.source.load import Source
from generator.theme.starter import overlaps


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
                [p for p in texts if p.box is not None and overlaps(shape.box, p.box)]
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

"""Package validity and links: what PowerPoint would "repair", and links it should not follow.

Every XML part must be well formed and typed in `[Content_Types].xml`; every internal
relationship must point at a part that exists, and every `r:id` in a part at one of its
relationships; shape ids must be unique in each part. The ECMA-376 schemas are checked by
openxml-audit, a port of Microsoft's Open XML SDK validator, where it is installed. Hyperlinks
must be http, https or mailto.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from generator.check.finding import Finding, finding
from generator.officexml import (
    CONTENT_TYPES_NS,
    HYPERLINK,
    LINK_SCHEMES,
    NSMAP,
    PACKAGE_RELATIONSHIPS_NS,
)

_TYPES = "[Content_Types].xml"
_CT = f"{{{CONTENT_TYPES_NS}}}"
_RELS = f"{{{PACKAGE_RELATIONSHIPS_NS}}}"
_R = NSMAP["r"]
#: Parts whose shape trees need unique shape ids.
_SHAPE_PARTS = ("ppt/slides/", "ppt/slideLayouts/", "ppt/slideMasters/", "ppt/notesSlides/")
#: No network, no entities: a part is data, never instructions.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def package(path: Path) -> list[Finding]:
    """Return the package and link findings of the deck at `path`."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            parts = {name: archive.read(name) for name in names if not name.endswith("/")}
    except (OSError, zipfile.BadZipFile) as exc:
        return [finding(path, "error", f"not a readable .pptx (zip) file: {exc}", "package")]
    found: list[Finding] = []

    def add(message: str, check: str = "package") -> None:
        found.append(finding(path, "error", message, check))

    for name, count in sorted(Counter(names).items()):
        if count > 1:  # a reader keeps one of them, and which one differs between readers
            add(f"{name}: the package holds {count} zip entries of this name")

    trees: dict[str, Any] = {}
    for name, blob in parts.items():
        if name.endswith((".xml", ".rels")):
            try:
                trees[name] = etree.fromstring(blob, _PARSER)
            except etree.XMLSyntaxError as exc:
                add(f"{name}: not well-formed XML: {exc}")
    if _TYPES not in trees:
        add(f"{_TYPES} is missing or unreadable: no part has a content type")
    else:
        for name in _untyped(trees[_TYPES], parts):
            add(f"{name}: the part has no content type in {_TYPES}")
    for name, tree in trees.items():
        if name.endswith(".rels"):
            found += _relationships(path, name, tree, parts, trees)
        elif name.startswith(_SHAPE_PARTS):
            ids = Counter(
                element.get("id") for element in tree.iter("{*}cNvPr") if element.get("id")
            )
            for shape_id, count in sorted(ids.items()):
                if count > 1:
                    add(f"{name}: shape id {shape_id} is used {count} times")
    if not found:
        found += _schemas(path)
    return found


def _untyped(types: Any, parts: dict[str, bytes]) -> list[str]:
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{_CT}Default")}
    overrides = {o.get("PartName", "").lstrip("/") for o in types.iter(f"{_CT}Override")}
    return [
        name
        for name in sorted(parts)
        if name != _TYPES
        and name not in overrides
        and name.rsplit(".", 1)[-1].lower() not in defaults  # "_rels/.rels" too
    ]


def _relationships(
    path: Path, name: str, tree: Any, parts: dict[str, bytes], trees: dict[str, Any]
) -> list[Finding]:
    """Check one .rels part: internal targets exist, links are allowed, r:ids are known."""
    found = []
    folder, base = posixpath.split(posixpath.dirname(name))  # "ppt/slides", "_rels"
    source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
    known = set()
    for rel in tree.iter(f"{_RELS}Relationship"):
        rel_id, target = rel.get("Id", ""), rel.get("Target", "")
        known.add(rel_id)
        if rel.get("TargetMode") == "External":
            if rel.get("Type") == HYPERLINK and not target.lower().startswith(LINK_SCHEMES):
                message = (
                    f"a link on {_part_label(source)} goes to {target!r}: only http, https and "
                    "mailto links are allowed"
                )
                found.append(finding(path, "error", message, "links"))
            continue
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        if resolved not in parts:
            message = (
                f"{name}: relationship {rel_id} points to {resolved}, which is not in the package"
            )
            found.append(finding(path, "error", message, "package"))
    if source in trees:
        used = {
            value
            for element in trees[source].iter()
            for key, value in element.attrib.items()
            if key.startswith(f"{{{_R}}}")
        }
        for rel_id in sorted(used - known):
            message = f"{source}: r:id {rel_id!r} names no relationship in {name}"
            found.append(finding(path, "error", message, "package"))
    return found


def _part_label(name: str) -> str:
    stem = posixpath.basename(name).removesuffix(".xml")
    kind = {"slide": "slide", "notesSlide": "the notes of slide"}.get(stem.rstrip("0123456789"))
    return f"{kind} {stem[len(stem.rstrip('0123456789')) :]}" if kind else name


def _schemas(path: Path) -> list[Finding]:
    """Validate every part against the ECMA-376 schemas with openxml-audit, if installed."""
    try:
        from openxml_audit import validate_pptx  # type: ignore[import-untyped]
    except ImportError:
        message = (
            "schema validation skipped: openxml-audit, which has the schemas, is not installed"
        )
        return [finding(path, "warning", message, "package")]
    result = validate_pptx(path)
    return [
        finding(
            path,
            "error" if str(error.severity.value) == "error" else "warning",
            f"{error.part_uri.lstrip('/')}: {error.description} (at {error.path or 'the root'})",
            "package",
        )
        for error in result.errors
    ]

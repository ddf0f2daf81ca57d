"""Hostile input: every case in tests/hostile/ gives its exact error, exit 1, no traceback, and
writes nothing; cases too big or too odd to commit are made here from small recipes."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .conftest import Scratch

HOSTILE = Path(__file__).resolve().parent / "hostile"
EXPECTED: dict[str, str] = yaml.safe_load((HOSTILE / "expected.yaml").read_text("utf-8"))
HEAD = (HOSTILE / "python-tag.yaml").read_text(encoding="utf-8").split("  - id:")[0]
TITLE = "  - id: start\n    kind: title\n    title: Start\n"


def too_large(content: Path) -> None:
    content.write_text(HEAD + TITLE + "    notes: " + "x" * (2 * 1024 * 1024) + "\n", "utf-8")


def deep_nesting(content: Path) -> None:
    content.write_text(HEAD + TITLE + "    notes: " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")


def huge_image(content: Path) -> None:
    (content.parent / "img" / "huge.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(21 * 1024 * 1024))


def symlink_out(content: Path) -> None:
    outside = content.parent.parent.parent / "secret.png"
    outside.write_bytes((HOSTILE / "img" / "bomb.png").read_bytes())
    os.symlink(outside, content.parent / "img" / "outside.png")


def symlink_loop(content: Path) -> None:
    os.symlink("loop", content.parent / "img" / "loop")


def long_text(content: Path) -> None:
    text = "Ett mycket långt citat. " * 40_000
    content.write_text(
        HEAD + f"  - id: citat\n    kind: quote\n    text: {text}\n    attribution: Någon\n",
        "utf-8",
    )


def template(entries: dict[str, bytes]) -> Callable[[Path], None]:
    """A recipe for a brand `corp` whose template is a zip of `entries` (plus a real one's)."""

    def make(content: Path) -> None:
        templates = content.parent.parent / "templates"
        from pptx import Presentation

        buffer = io.BytesIO()
        Presentation().save(buffer)
        with zipfile.ZipFile(buffer) as real:
            parts = {name: real.read(name) for name in real.namelist()}
        output = templates / "brands" / "corp.pptx"
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in {**parts, **entries}.items():
                target.writestr(name, data)
        (templates / "brands" / "corp.yaml").write_text(
            "name: Corp\ntemplate:\n  file: corp.pptx\n  layouts:\n    title:\n"
            "      layout: Title Slide\n      placeholders: {Title: 0}\n",
            "utf-8",
        )
        content.write_text(HEAD.replace("brand: skr", "brand: corp") + TITLE, "utf-8")

    return make


RECIPES: dict[str, Callable[[Path], None]] = {
    "too-large.yaml": too_large,
    "deep-nesting.yaml": deep_nesting,
    "image-too-large.yaml": huge_image,
    "path-symlink.yaml": symlink_out,
    "path-symlink-loop.yaml": symlink_loop,
    "template-zip-bomb.yaml": template({"ppt/media/bomb.bin": bytes(300 * 1024 * 1024)}),
    "template-zip-slip.yaml": template({"../../evil.xml": b"<x/>"}),
    "template-dtd.yaml": template(
        {
            "ppt/slides/evil.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
            b'"file:///etc/passwd">]><x>&e;</x>'
        }
    ),
}


@pytest.fixture
def project(scratch: Scratch, tmp_path: Path) -> Callable[[str], Scratch]:
    """A scratch project whose content is the hostile case `name`, with its files."""

    def make(name: str) -> Scratch:
        templates = scratch.root / "templates"
        shutil.copytree(Path(__file__).resolve().parents[1] / "templates", templates)
        shutil.copytree(HOSTILE / "img", scratch.content.parent / "img")
        if (HOSTILE / name).is_file():
            shutil.copyfile(HOSTILE / name, scratch.content)
        if name in RECIPES:
            RECIPES[name](scratch.content)
        return scratch

    return make


def test_every_case_has_an_expected_message_and_every_message_a_case():
    files = {p.name for p in HOSTILE.glob("*.yaml") if p.name != "expected.yaml"}
    assert files | set(RECIPES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_case_gives_its_exact_error(project: Callable[[str], Scratch], name: str):
    scratch = project(name)
    result = scratch.run("build", templates=scratch.root / "templates")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (result.exit_code, result.stderr) == (1, EXPECTED[name])
    assert not scratch.output.exists()


def test_text_of_any_length_builds(project: Callable[[str], Scratch]):
    scratch = project("long-text")
    long_text(scratch.content)
    result = scratch.run("build", templates=scratch.root / "templates")
    assert (result.exit_code, result.stderr) == (0, "")
    from pptx import Presentation

    [slide] = Presentation(str(scratch.output / "fientligt.pptx")).slides
    assert len(slide.shapes.title.text_frame.text) == len("Ett mycket långt citat. " * 40_000) - 1

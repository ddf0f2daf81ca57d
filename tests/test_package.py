"""Package validity: the ECMA-376 schemas (../shared/tools) and an Open XML SDK port agree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)


def validate(deck: Path, shared: Path) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, shared / "tools" / "validate_pptx.py", deck)


def audit(deck: Path) -> subprocess.CompletedProcess[str]:
    return run(Path(sys.executable).parent / "openxml-audit", "--format", "microsoft365", deck)


def broken_copy(deck: Path, folder: Path, old: bytes, new: bytes) -> Path:
    """Return a copy of `deck` whose second slide has `old` replaced by `new`."""
    broken = folder / "broken.pptx"
    with zipfile.ZipFile(deck) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "ppt/slides/slide2.xml":
                assert old in data
                data = data.replace(old, new, 1)
            target.writestr(info, data)
    return broken


def test_every_xml_part_validates_against_the_schemas(built_deck: Path, shared: Path):
    result = validate(built_deck, shared)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_validator_does_catch_a_broken_part(tmp_path: Path, built_deck: Path, shared: Path):
    """The check above can fail: a slide with an element the schema forbids is reported."""
    bogus = b"<a:bodyPr><a:bogus/></a:bodyPr>"
    result = validate(broken_copy(built_deck, tmp_path, b"<a:bodyPr/>", bogus), shared)
    assert result.returncode == 1
    assert "/ppt/slides/slide2.xml" in result.stdout


def test_powerpoint_would_open_the_deck_without_repair(built_deck: Path):
    result = audit(built_deck)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "Microsoft PowerPoint: expected to open cleanly (no findings)",
        "Errors: 0",
    ]


def test_the_audit_catches_a_duplicate_shape_id(tmp_path: Path, built_deck: Path):
    result = audit(broken_copy(built_deck, tmp_path, b'<p:cNvPr id="3"', b'<p:cNvPr id="2"'))
    assert result.returncode == 1
    assert "Duplicate shape ID: 2" in result.stdout

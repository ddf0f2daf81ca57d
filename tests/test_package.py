"""Package validity: the ECMA-376 schemas (../shared/tools) and an Open XML SDK port agree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_every_xml_part_validates_against_the_schemas(built_deck: Path, shared: Path):
    validator = shared / "tools" / "validate_pptx.py"
    result = subprocess.run(
        [sys.executable, str(validator), str(built_deck)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_validator_does_catch_a_broken_part(tmp_path: Path, built_deck: Path, shared: Path):
    """The check above can fail: a slide with an element the schema forbids is reported."""
    broken = tmp_path / "broken.pptx"
    with zipfile.ZipFile(built_deck) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "ppt/slides/slide2.xml":
                data = data.replace(b"<a:bodyPr/>", b"<a:bodyPr><a:bogus/></a:bodyPr>", 1)
            target.writestr(info, data)
    validator = shared / "tools" / "validate_pptx.py"
    result = subprocess.run(
        [sys.executable, str(validator), str(broken)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "/ppt/slides/slide2.xml" in result.stdout


def audit(deck: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).parent / "openxml-audit"
    return subprocess.run(
        [str(command), "--format", "microsoft365", str(deck)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_powerpoint_would_open_the_deck_without_repair(built_deck: Path):
    result = audit(built_deck)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "Microsoft PowerPoint: expected to open cleanly (no findings)",
        "Errors: 0",
    ]


def test_the_audit_catches_a_duplicate_shape_id(tmp_path: Path, built_deck: Path):
    broken = tmp_path / "broken.pptx"
    with zipfile.ZipFile(built_deck) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "ppt/slides/slide2.xml":
                data = data.replace(b'<p:cNvPr id="3"', b'<p:cNvPr id="2"', 1)
            target.writestr(info, data)
    result = audit(broken)
    assert result.returncode == 1
    assert "Duplicate shape ID: 2" in result.stdout

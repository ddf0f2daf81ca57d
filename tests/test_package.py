"""Every part of the deck validates against the ECMA-376 schemas (../shared/tools)."""

from __future__ import annotations

import subprocess
import sys
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
    import zipfile

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

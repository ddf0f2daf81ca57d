"""YAML is read by the 1.2 core schema: `yes` is text, not 1; `020` is 20, not 16 (octal);
`1:30` is text, not 90 (base 60). libyaml and the pure-Python parser read every scalar alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import DeckgenError
from generator.source import load

from .conftest import ROOT, Scratch

LOADERS = [
    pytest.param(False, id="pure-python"),
    pytest.param(
        True,
        id="libyaml",
        marks=pytest.mark.skipif(load._FAST_LOADER is None, reason="PyYAML without libyaml"),
    ),
]


@pytest.fixture(params=LOADERS)
def parse(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Parse with libyaml alone (no second parse in the other's words), or with the
    pure-Python parser alone."""
    if request.param:
        fast = load._FAST_LOADER
        return lambda text: load._parse(fast, text, Path("x.yaml"), "x.yaml")
    monkeypatch.setattr(load, "_FAST_LOADER", None)
    return lambda text: load.parse_yaml(text, Path("x.yaml"), "x.yaml")


READ = {
    "yes": "yes",
    "no": "no",
    "on": "on",
    "off": "off",
    "Yes": "Yes",
    "NO": "NO",
    "y": "y",
    "020": 20,
    "1:30": "1:30",
    "1_000": "1_000",
    "0o17": 15,
    "0x1F": 31,
    "-5": -5,
    "3.5": 3.5,
    "true": True,
    "False": False,
    "~": None,
}


@pytest.mark.parametrize(("written", "value"), READ.items(), ids=list(READ))
def test_a_plain_scalar_is_read_by_the_yaml_1_2_core_schema(parse, written: str, value):
    key = f"{written}: key\n" if isinstance(value, str) else ""  # a key is text, or an error
    source = parse(f"value: {written}\n{key}")
    assert source.data == {"value": value, **({written: "key"} if key else {})}
    assert type(source.data["value"]) is type(value)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("!!int 1:30", "the value cannot be read as !!int: '1:30' is not a whole number"),
        ("!!int 0b101", "the value cannot be read as !!int: '0b101' is not a whole number"),
        ("!!bool yes", "the value cannot be read as !!bool: 'yes' is not true or false"),
        ("!!float 1:30", "the value cannot be read as !!float: '1:30' is not a number"),
    ],
)
def test_an_explicit_tag_reads_by_the_same_rules(parse, written: str, message: str):
    with pytest.raises(DeckgenError) as caught:
        parse(f"value: {written}\n")
    assert [str(d) for d in caught.value.diagnostics] == [f"x.yaml:1:8: error: {message}"]


@pytest.fixture
def project(scratch: Scratch) -> Scratch:
    shutil.rmtree(scratch.content.parent)
    shutil.copytree(ROOT / "content", scratch.content.parent)
    return scratch


def region(scratch: Scratch, old: str, new: str) -> None:
    path = scratch.content.parent / "regions" / "dalarna.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.mark.parametrize("written", ["yes", "on", "1:30"])
@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_count_written_as_a_word_or_a_time_is_an_error_not_a_number(
    project: Scratch, command: str, written: str
):
    region(project, "kommuner: 15", f"kommuner: {written}")
    result = project.run(command, "--region", "dalarna")
    assert (result.exit_code, result.stderr) == (
        1,
        "content/regions/dalarna.yaml:12:13: error: region.kommuner: expected a whole number,"
        f" got text '{written}'\ndeckgen: 1 error; nothing was written.\n",
    )


def test_a_leading_zero_is_decimal_not_octal(project: Scratch):
    region(project, "kommuner: 15", "kommuner: 020")
    result = project.run("build", "--region", "dalarna", "--output", str(project.output))
    assert result.exit_code == 0, result.stderr
    from pptx import Presentation

    [deck] = project.output.glob("*.pptx")
    text = [
        shape.text_frame.text
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any("20 kommuner" in line for line in text), text

"""The README's "Add a slide kind" recipe, followed literally on a copy of the package: a kind
with a `list[Text]` field named `items` (and a field named `keys`) builds, its list items are
resolved and in the deck, and fidelity finds a list item that the template forgets. And no
slide model holds a string that is not `Text`, so none escapes resolving and fidelity."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
from pptx import Presentation
from pydantic import BaseModel

from generator.content.models import SLIDE_MODELS, DataFileField, ImageField, TextField

from .conftest import ROOT

#: Step 1: the model, added to generator/content/models.py and to the `Slide` union.
MODEL = '''
class ChecklistSlide(SlideBase):
    """A title and a list of things to do."""

    kind: Literal["checklist"]
    title: Text
    """The slide's title."""
    items: list[Text] = Field(min_length=1, max_length=6)
    """The things to do, one box each (1 to 6)."""
    keys: Text | None = None
    """A line at the foot of the slide."""


'''

#: Step 2: the layout, added to templates/masters/default.yaml.
LAYOUT = """
  - name: checklist
    placeholders:
      - {name: Title, type: title, idx: 0, box: [56, 40, 848, 84]}
      - {name: Keys, type: body, idx: 13, box: [56, 484, 560, 30], size: 12}

"""

#: Step 3: the layout template, templates/layouts/checklist.yaml.j2.
TEMPLATE = """\
layout: checklist
placeholders:
  Title: {text: {{ slide.title }}}
{% if slide.keys %}
  Keys: {text: {{ slide.keys }}}
{% endif %}
shapes:
{% for item in slide.items %}
  - {type: box, name: {{ "Item " ~ loop.index }}, style: diagram-part,
     box: [56, {{ 140 + 64 * loop.index0 }}, 848, 56], text: {{ item }}}
{% endfor %}
reading_order: [Title{% for item in slide.items %}, {{ "Item " ~ loop.index }}{% endfor %}\
{% if slide.keys %}, Keys{% endif %}]
"""

CONTENT = """\
title: Listor
authors: [Anna Andersson]
organisation: SKR
date: 2026-11-26
brand: skr
slides:
  - id: start
    kind: title
    title: "Vi är #1 i landet"
  - id: lista
    kind: checklist
    title: Att göra
    items:
      - Samla kommunerna
      - "{{ deck.organisation }} leder arbetet"
      - "Följ upp: #2 av 3"
    keys: Nycklar till framgång
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the package and templates with the kind added as the README says."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "generator", tmp_path / "generator", ignore=ignore)
    shutil.copytree(ROOT / "templates", tmp_path / "templates", ignore=ignore)
    models = tmp_path / "generator" / "content" / "models.py"
    text = models.read_text(encoding="utf-8")
    assert "\nSlide = Annotated[" in text
    assert "    | ClosingSlide,\n" in text
    text = text.replace("\nSlide = Annotated[", MODEL + "Slide = Annotated[", 1)
    text = text.replace("    | ClosingSlide,\n", "    | ClosingSlide\n    | ChecklistSlide,\n", 1)
    models.write_text(text, encoding="utf-8")
    master = tmp_path / "templates" / "masters" / "default.yaml"
    text = master.read_text(encoding="utf-8")
    master.write_text(text.replace("\nstyles:\n", LAYOUT + "styles:\n", 1), encoding="utf-8")
    (tmp_path / "templates" / "layouts" / "checklist.yaml.j2").write_text(TEMPLATE, "utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "deck.yaml").write_text(CONTENT, encoding="utf-8")
    return tmp_path


def deckgen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the copied package, as `python -m generator`, in the project folder."""
    env = {**os.environ, "PYTHONPATH": str(project), "SOURCE_DATE_EPOCH": "1764115200"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def shape_texts(deck: Path) -> list[list[str]]:
    return [
        [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        for slide in Presentation(str(deck)).slides
    ]


def test_a_kind_added_by_the_recipe_builds_with_its_list_items_resolved(project: Path):
    schema = deckgen(project, "schema", "-o", "content/deck.schema.json")  # step 4
    assert (schema.returncode, schema.stderr) == (0, "")
    written = json.loads((project / "content" / "deck.schema.json").read_text("utf-8"))
    items = written["$defs"]["ChecklistSlide"]["properties"]["items"]
    assert (items["type"], items["items"]["type"]) == ("array", "string")
    result = deckgen(project, "build")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "wrote output/listor.pptx (2 slides)\n"
    assert shape_texts(project / "output" / "listor.pptx") == [
        ["Vi är #1 i landet"],
        [
            "Att göra",
            "Samla kommunerna",
            "SKR leder arbetet",
            "Följ upp: #2 av 3",
            "Nycklar till framgång",
        ],
    ]


def test_fidelity_finds_a_list_item_that_the_template_forgets(project: Path):
    template = project / "templates" / "layouts" / "checklist.yaml.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("in slide.items %}", "in slide.items[1:] %}"), "utf-8")
    assert deckgen(project, "build").returncode == 0
    result = deckgen(project, "check")
    fidelity = [line for line in result.stdout.splitlines() if line.endswith("[fidelity]")]
    assert fidelity == [
        "output/listor.pptx: slide 2 (lista): error: 2 words of the content are not in the "
        "deck: 'Samla kommunerna' [fidelity]"
    ]


def test_a_list_item_with_an_undefined_name_is_an_error_at_its_line(project: Path):
    content = project / "content" / "deck.yaml"
    text = content.read_text(encoding="utf-8")
    content.write_text(text.replace("deck.organisation", "deck.organization"), "utf-8")
    result = deckgen(project, "build")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/deck.yaml:15:9: error: slides[1].items[1]: undefined variable: 'dict object' "
        "has no attribute 'organization' (available: deck.title, deck.subtitle, deck.authors, "
        "deck.speakers, deck.organisation, deck.language, deck.date, deck.brand, region (none "
        "in the national deck))"
    )


def plain_strings(annotation: Any, path: str) -> Iterator[str]:
    """Yield the paths of strings under `annotation` that are neither Text nor an image."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        marked = any(
            isinstance(m, TextField | ImageField | DataFileField) for m in annotation.__metadata__
        )
        if not marked:
            yield from plain_strings(args[0], path)
    elif annotation is str:
        yield path
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            inner = (
                Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            )
            yield from plain_strings(inner, f"{path}.{name}")
    else:
        for arg in args:
            yield from plain_strings(arg, path)


def test_every_string_a_slide_holds_is_text_but_its_id_link_address_and_data():
    found = sorted({p for model in SLIDE_MODELS.values() for p in plain_strings(model, "")})
    # A chart's table key and its data (the categories, the name and unit its alt text says,
    # where the figures come from) go into the chart part and its alt text, not the slide's
    # text; its source, which the slide shows, is text.
    data = [".data.name", ".data.note", ".data.rows.label", ".data.unit", ".data.url"]
    # a facts figure's data is a table too; only its total and source are shown, its source
    # as text (its table key is text: a region's deck names its own)
    figures = [f".figures{path}" for path in data]
    assert found == sorted([".id", ".link.url", *data, ".table", *figures])

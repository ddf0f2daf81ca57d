"""Layout rules live in templates: type steps down, columns and diagram parts follow the content."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest
from pptx import Presentation

from generator.content.models import Deck
from generator.errors import DeckgenError
from generator.layout.engine import LayoutEngine, load_master
from generator.layout.spec import BoxShape
from generator.layout.values import LayoutEnvironment, fill, record
from generator.source.load import parse_yaml

from .conftest import TEMPLATES

META = {"title": "T", "authors": ["A"], "organisation": "SKR", "date": "2026-01-01", "brand": "skr"}


def lay_out(*slides: dict, templates: Path = TEMPLATES):
    deck = Deck.model_validate({**META, "slides": list(slides)})
    return LayoutEngine(templates, load_master(templates)).lay_out(deck, Path("."))


def boxes(spec, prefix: str) -> list[BoxShape]:
    return [s for s in spec.shapes if isinstance(s, BoxShape) and s.name.startswith(prefix)]


def test_a_longer_quote_is_set_smaller():
    sizes = [
        lay_out({"id": "q", "kind": "quote", "text": "x" * length, "attribution": "A"})[0]
        .placeholders["Title"]
        .size
        for length in (50, 200, 201, 400, 401, 900)
    ]
    assert sizes == [32, 32, 24, 24, 18, 18]  # three steps of the type scale, by length


@pytest.mark.parametrize("count", [2, 3, 4, 5, 8])
def test_a_diagram_arranges_as_many_parts_as_it_is_given(count: int):
    parts = [{"title": f"Del {i}.", "text": "Text."} for i in range(1, count + 1)]
    [spec] = lay_out({"id": "d", "kind": "diagram", "title": "T", "core": "K", "parts": parts})
    drawn = boxes(spec, "Part ")
    assert [b.name for b in drawn] == sorted(
        (f"Part {i}" for i in range(1, count + 1)), key=lambda n: (int(n[5:]) % 2 == 0, int(n[5:]))
    )
    left = [b for b in drawn if b.box[0] == 56]
    right = [b for b in drawn if b.box[0] > 480]
    assert (len(left), len(right)) == ((count + 1) // 2, count // 2)
    core = boxes(spec, "Core")[0].box
    for part in drawn:
        assert part.box[1] >= 136
        assert part.box[1] + part.box[3] <= 472
        assert part.box[0] + part.box[2] < core[0] or part.box[0] > core[0] + core[2]
    links = [s for s in spec.shapes if s.type == "connector"]
    assert len(links) == count
    assert {link.begin_shape for link in links} == {"Core"}
    assert spec.reading_order == ["Title", "Core", *(f"Part {i}" for i in range(1, count + 1))]


def test_a_template_that_fills_a_placeholder_the_layout_lacks_is_an_error(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    quote = templates / "layouts" / "quote.yaml.j2"
    quote.write_text(quote.read_text(encoding="utf-8").replace("Attribution:", "Atribution:"))
    with pytest.raises(DeckgenError) as caught:
        lay_out({"id": "q", "kind": "quote", "text": "x", "attribution": "A"}, templates=templates)
    lines = quote.read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(lines, 1) if "Atribution:" in row)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{quote}:{line}:3: error: layout 'quote': unknown placeholder 'Atribution'; did you mean "
        "'Attribution'? (has: Attribution, Title) (slide 'q')"
    ]


def test_an_undefined_name_in_a_layout_template_names_its_line(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    statement = templates / "layouts" / "statement.yaml.j2"
    lines = statement.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace("n < 160", "slide.length < 160")
    statement.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DeckgenError) as caught:
        lay_out({"id": "s", "kind": "statement", "title": "T", "body": "B"}, templates=templates)
    [problem] = caught.value.diagnostics
    assert (problem.file.endswith("templates/layouts/statement.yaml.j2"), problem.line) == (
        True,
        len(lines),
    )
    assert problem.message == (
        "while laying out slide 's': slide: unknown field 'length' "
        "(known: body, hidden, id, kind, notes, only, title)"
    )


def copy_templates(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    return templates


def test_a_master_decoration_in_an_unknown_style_is_an_error_at_its_line(tmp_path: Path):
    templates = copy_templates(tmp_path)
    master = templates / "masters" / "default.yaml"
    text = master.read_text(encoding="utf-8")
    master.write_text(
        text.replace("{name: Accent band, style: rule", "{name: Accent band, style: rul")
    )
    with pytest.raises(DeckgenError) as caught:
        load_master(templates)
    [problem] = caught.value.diagnostics
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "Accent band" in row)
    assert (problem.line, problem.message) == (
        line,
        "unknown style 'rul'; did you mean 'rule'? "
        f"(known: {', '.join(sorted(load_master(TEMPLATES).styles))})",
    )


def two_part_diagram_errors(tmp_path: Path, old: str, new: str) -> list[str]:
    """Lay out a two-part diagram with `old` replaced by `new` in its template; return errors."""
    templates = copy_templates(tmp_path)
    diagram = templates / "layouts" / "diagram.yaml.j2"
    text = diagram.read_text(encoding="utf-8")
    assert old in text
    diagram.write_text(text.replace(old, new), encoding="utf-8")
    parts = [{"title": "A.", "text": "a"}, {"title": "B.", "text": "b"}]
    with pytest.raises(DeckgenError) as caught:
        lay_out(
            {"id": "d", "kind": "diagram", "title": "T", "core": "K", "parts": parts},
            templates=templates,
        )
    return [d.message for d in caught.value.diagnostics]


def test_a_connector_to_a_shape_not_yet_drawn_is_an_error(tmp_path: Path):
    assert two_part_diagram_errors(tmp_path, "begin_shape: Core,", "begin_shape: Kärna,") == [
        "connector 'Link 1': unknown shape 'Kärna' (drawn before it: Core, Part 1, Part 2) "
        "(slide 'd')",
        "connector 'Link 2': unknown shape 'Kärna' (drawn before it: Core, Link 1, Part 1, Part 2) "
        "(slide 'd')",
    ]


def test_a_connector_in_a_style_without_a_line_is_an_error(tmp_path: Path):
    assert two_part_diagram_errors(tmp_path, "style: diagram-link,", "style: rule,") == [
        "connector 'Link 1': style 'rule' has no line (slide 'd')",
        "connector 'Link 2': style 'rule' has no line (slide 'd')",
    ]


def test_a_title_with_a_hash_builds_and_reads_back_whole(scratch):
    scratch.write(
        "title: T\nauthors: [A]\norganisation: SKR\ndate: 2026-01-01\nbrand: skr\n"
        "slides:\n  - {id: start, kind: title, title: 'Vi är #1 i landet'}\n"
        "  - {id: fakta, kind: facts, title: 'Nr #1: Vi', lead: 'a: b # c',\n"
        "     figures: [{value: '#1', label: '- [x]: {y}'}]}\n"
    )
    result = scratch.run("build")
    assert (result.exit_code, result.output) == (0, "wrote output/t.pptx (2 slides)\n")
    slides = Presentation(str(scratch.output / "t.pptx")).slides
    texts = [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in slides]
    assert texts == [["Vi är #1 i landet"], ["Nr #1: Vi", "a: b # c", "", "#1", "- [x]: {y}"]]


def test_templates_see_fields_named_like_mapping_methods():
    environment = LayoutEnvironment(
        loader=jinja2.DictLoader({"t": "a: {{ data.items }}\nb: {{ data['keys'] }}\n"})
    )
    data = record({"items": ["x", "#y"], "keys": "k"}, "data")
    written = environment.write(environment.get_template("t"), {"data": data})
    source = parse_yaml(written.text, Path("t"), "t")
    assert (fill(source, written), source.data) == ([], {"a": ["x", "#y"], "b": "k"})


def test_no_layout_template_quotes_by_hand():
    quoted = [p.name for p in (TEMPLATES / "layouts").glob("*.j2") if "| q" in p.read_text("utf-8")]
    assert quoted == []


def broken(tmp_path: Path, kind: str, old: str, new: str, slide: dict) -> tuple[int, list[str]]:
    """Lay out `slide` with `old` replaced by `new` in its kind's template; return the line of
    the change and the errors as printed."""
    templates = copy_templates(tmp_path)
    template = templates / "layouts" / f"{kind}.yaml.j2"
    text = template.read_text(encoding="utf-8")
    assert text.count(old) == 1
    template.write_text(text.replace(old, new), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(DeckgenError) as caught:
        lay_out(slide, templates=templates)
    return line, [str(d).replace(f"{template}:", "") for d in caught.value.diagnostics]


STATEMENT = {"id": "s", "kind": "statement", "title": "T", "body": "B"}
DIAGRAM = {
    "id": "d",
    "kind": "diagram",
    "title": "T",
    "core": "K",
    "parts": [{"title": "A.", "text": "a"}, {"title": "B.", "text": "b"}],
}


@pytest.mark.parametrize(
    ("new", "said"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
        ("{{ slide.title + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
        ("{{ slide.title.nope() }}", "'str object' has no attribute 'nope'"),
    ],
)
def test_an_exception_in_a_template_is_reported_at_its_line(tmp_path: Path, new: str, said: str):
    line, errors = broken(tmp_path, "statement", "{{ slide.body }}", new, STATEMENT)
    assert errors == [f"{line}:1: error: while laying out slide 's': {said}"]


def test_text_where_a_template_writes_no_text_is_an_error_in_its_terms(tmp_path: Path):
    line, errors = broken(tmp_path, "diagram", "{{ slide.core }}", "{{ [slide.core] }}", DIAGRAM)
    assert errors == [f"{line}:11: error: shapes[0].text: expected text, got a list (slide 'd')"]


def test_a_value_inside_other_text_is_an_error(tmp_path: Path):
    old = '{{ "Link " ~ (start + 2 * i + 1) }}'
    line, errors = broken(tmp_path, "diagram", old, "Link {{ start + 2 * i + 1 }}", DIAGRAM)
    message = (
        "a {{ … }} stands inside other text; each {{ … }} is one whole value: join text inside "
        "it, as in {{ \"Part \" ~ loop.index }} (slide 'd')"
    )
    assert errors == [
        f"{line}:29: error: shapes[3].name: {message}",
        f"{line}:29: error: shapes[4].name: {message}",
    ]


def test_an_unknown_style_is_reported_at_the_template_line_that_names_it(tmp_path: Path):
    old = "style: diagram-core"
    line, errors = broken(tmp_path, "diagram", old, "style: diagram-kore", DIAGRAM)
    assert errors == [
        f"{line}:12: error: shape 'Core': unknown style 'diagram-kore'; did you mean "
        f"'diagram-core'? (known: {', '.join(sorted(load_master(TEMPLATES).styles))}) "
        "(slide 'd')"
    ]


def test_a_template_that_still_quotes_is_told_to_stop(tmp_path: Path):
    line, errors = broken(
        tmp_path, "statement", "{{ slide.body }}", "{{ slide.body | q }}", STATEMENT
    )
    assert errors == [
        f"{line}:1: error: template syntax error: No filter named 'q'. Every {{{{ … }}}} writes "
        "one value, which needs no quoting: remove '| q'"
    ]


def test_an_undefined_name_inside_a_value_is_an_error_at_its_line(tmp_path: Path):
    new = "{{ [slide.body, slide.nope] }}"
    line, errors = broken(tmp_path, "statement", "{{ slide.body }}", new, STATEMENT)
    assert errors == [
        f"{line}:1: error: while laying out slide 's': slide: unknown field 'nope'; did you mean "
        "'notes'? (known: body, hidden, id, kind, notes, only, title)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "column", "said"),
    [
        (
            '- {type: box, name: {{ "Rule "',
            '- {name: {{ "Rule "',
            5,
            "shapes[0]: missing required field 'type' (known: box, chart, connector, picture, qr)",
        ),
        (
            "master.column_width }}, 4]}",
            "master.column_width }}]}",
            69,
            "shapes[0].box: too few items: item 4 is missing",
        ),
        (
            "style: rule, box",
            "style: rule, colour: red, box",
            64,
            "shapes[0].colour: unknown key 'colour' (allowed: box, decorative, name, size, style,"
            " text, type)",
        ),
    ],
)
def test_errors_in_the_spec_are_said_in_the_template_authors_terms(
    tmp_path: Path, old: str, new: str, column: int, said: str
):
    figures = [{"value": "21", "label": "regioner"}]
    facts = {"id": "f", "kind": "facts", "title": "T", "lead": "L", "figures": figures}
    line, errors = broken(tmp_path, "facts", old, new, facts)
    assert errors == [f"{line}:{column}: error: {said} (slide 'f')"]


def _written(template: str, **context: object) -> tuple[list[object], object]:
    environment = LayoutEnvironment(loader=jinja2.DictLoader({"t": template}))
    values = {name: record(value, name) for name, value in context.items()}
    written = environment.write(environment.get_template("t"), values)
    source = parse_yaml(written.text, Path("t"), "t")
    return fill(source, written), source.data


def test_content_joined_to_a_macros_text_is_one_value_never_yaml():
    template = "{% macro bullet() %}☐ {% endmacro %}text: {{ bullet() ~ item }}\nsize: 20\n"
    problems, data = _written(template, item="Fisk & potatis\nsize: 4 # x")
    assert (problems, data) == ([], {"text": "☐ Fisk & potatis\nsize: 4 # x", "size": 20})


def test_a_macros_values_joined_to_text_keep_their_text():
    template = "{% macro tag(n) %}[{{ n }}]{% endmacro %}name: {{ tag(3) ~ ' ' ~ title }}\n"
    assert _written(template, title="Vi är #1") == ([], {"name": "[3] Vi är #1"})


def test_content_added_to_a_macros_text_with_plus_is_an_error_not_yaml():
    template = "{% macro bullet() %}☐ {% endmacro %}text: {{ bullet() + item }}\n"
    problems, _ = _written(template, item="a: b")
    assert problems == [
        (
            ("text",),
            "a {{ … }} stands inside other text; each {{ … }} is one whole value: "
            'join text inside it, as in {{ "Part " ~ loop.index }}',
        )
    ]


def test_a_box_with_a_negative_width_is_an_error_at_its_line(tmp_path: Path):
    old = "{{ core_w }}, {{ core_h }}]"
    line, errors = broken(tmp_path, "diagram", old, "{{ -core_w }}, {{ core_h }}]", DIAGRAM)
    assert errors == [
        f"{line}:41: error: shapes[0].box[2]: expected a number of at least 0, got a number -320 "
        "(slide 'd')"
    ]


def test_a_diagram_parts_title_with_spaces_around_it_is_still_bold():
    (spec,) = lay_out(
        {**DIAGRAM, "parts": [{"title": " Aktivt ledarskap. ", "text": "a"}, DIAGRAM["parts"][1]]}
    )
    (part,) = [box for box in boxes(spec, "Part 1")]
    runs = [(run.text, run.bold) for paragraph in part.text for run in paragraph.runs if run.text]
    assert runs == [("Aktivt ledarskap.", True), ("\n", False), ("a", False)]  # on its own line


def counting(engine: LayoutEngine) -> list[str]:
    """Record the id of each slide whose template `engine` renders from now on."""
    rendered: list[str] = []
    write = engine.environment.write

    def counted(template, context):
        rendered.append(str(context["slide"].id))
        return write(template, context)

    engine.environment.write = counted  # type: ignore[method-assign]
    return rendered


def test_a_slide_laid_out_again_from_the_same_inputs_is_not_rendered_again():
    """`deckgen serve` rebuilds a deck after each edit: only the slides the edit changed go
    through their templates again, and the deck comes out as a fresh engine lays it out."""
    slides = [
        {"id": "q1", "kind": "quote", "text": "”Första citatet.”", "attribution": "Anna"},
        {"id": "q2", "kind": "quote", "text": "”Andra citatet.”", "attribution": "Berit"},
        {"id": "s", "kind": "statement", "title": "Rubrik", "body": "Ett påstående."},
    ]
    engine = LayoutEngine(TEMPLATES, load_master(TEMPLATES))
    rendered = counting(engine)
    deck = Deck.model_validate({**META, "slides": slides})
    first = engine.lay_out(deck, Path("."))
    assert rendered == ["q1", "q2", "s"]
    assert engine.lay_out(deck, Path(".")) == first
    assert rendered == ["q1", "q2", "s"]  # nothing rendered again

    slides[1] = {**slides[1], "text": "”Ett annat andra citat, längre än det förra.”"}
    edited = Deck.model_validate({**META, "slides": slides})
    again = engine.lay_out(edited, Path("."))
    assert rendered == ["q1", "q2", "s", "q2"]
    assert again == LayoutEngine(TEMPLATES, load_master(TEMPLATES)).lay_out(edited, Path("."))
    assert again[1].placeholders["Title"].text != first[1].placeholders["Title"].text

    retitled = Deck.model_validate({**META, "title": "Ny titel", "slides": slides})
    engine.lay_out(retitled, Path("."))  # the deck's own fields are every slide's input
    assert rendered == ["q1", "q2", "s", "q2", "q1", "q2", "s"]


def test_a_picture_removed_since_the_slide_was_laid_out_is_still_an_error(tmp_path: Path):
    """A slide laid out again from the same inputs is not rendered again, but its pictures
    are looked for again: a photo deleted between two rebuilds is an error on the second."""
    shutil.copy(Path(TEMPLATES) / "brands" / "logos" / "blekinge.png", tmp_path / "anna.png")
    person = {"name": "Anna Berg", "role": "Talare", "photo": "anna.png"}
    slide = {"id": "p", "kind": "panel", "title": "Panelen", "people": [person]}
    engine = LayoutEngine(TEMPLATES, load_master(TEMPLATES))
    deck = Deck.model_validate({**META, "slides": [slide]})
    pictures = [s for s in engine.lay_out(deck, tmp_path)[0].shapes if s.type == "picture"]
    assert [Path(p.path).name for p in pictures] == ["anna.png"]
    (tmp_path / "anna.png").unlink()
    with pytest.raises(DeckgenError) as caught:
        engine.lay_out(deck, tmp_path)
    [message] = [d.message for d in caught.value.diagnostics]
    assert message.startswith("shape 'Photo 1': image file not found: '")
    assert message.endswith("anna.png' (slide 'p')")

"""The content format: every key a deck file may use, with its type and meaning.

This module is the content spec. `deckgen schema` generates the JSON Schema from it, and the
docstring under each field is that field's documentation. To add a slide kind, add a model here,
add it to `Slide`, and add `templates/layouts/<kind>.yaml.j2`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter


class TextField:
    """Marks a field as slide text: Jinja expressions are resolved, inline Markdown is parsed."""


class ImageField:
    """Marks a field as an image path, relative to the content file's folder."""


#: Slide text: inline Markdown (`**bold**`, `*italic*`, `[text](url)`, line breaks) and Jinja.
Text = Annotated[str, TextField(), Field(min_length=1)]
#: An image file, relative to the content file's folder.
ImagePath = Annotated[str, ImageField(), Field(min_length=1)]
#: What each pattern that content must match means, for error messages.
PATTERNS: dict[str, str] = {}


def pattern(regex: str, meaning: str) -> StringConstraints:
    """Return a constraint that text matches `regex`, which errors explain as `meaning`."""
    PATTERNS[regex] = meaning
    return StringConstraints(pattern=regex)


NAME = pattern(r"^[a-z0-9][a-z0-9-]*$", "lower-case letters, digits and dashes, such as 'citat-1'")
SlideId = Annotated[str, NAME]


class Model(BaseModel):
    """Base of every model deckgen reads or passes on: unknown keys are errors, values are
    frozen, and the docstring under a field documents it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class SlideBase(Model):
    kind: str
    """The slide's kind: which model checks it and which layout template draws it."""
    id: SlideId
    """Unique id of the slide (lower-case letters, digits and dashes); overlays address it."""
    notes: Text | None = None
    """Speaker notes."""


class TitleSlide(SlideBase):
    """The opening slide: title, subtitle and byline."""

    kind: Literal["title"]
    title: Text
    """The deck's title, large."""
    subtitle: Text | None = None
    """A line under the title."""
    byline: Text | None = None
    """Who presents: names and organisation."""


class StatementSlide(SlideBase):
    """A title and a body of text."""

    kind: Literal["statement"]
    title: Text
    """The slide's title."""
    body: Text
    """The statement; a blank line starts a new paragraph."""


class DiagramPart(Model):
    title: Text
    """The part's name, set in bold before its text."""
    text: Text
    """What the part means."""


class DiagramSlide(SlideBase):
    """A core statement with parts around it, drawn as native, editable shapes."""

    kind: Literal["diagram"]
    title: Text
    """The slide's title."""
    core: Text
    """The statement in the middle."""
    parts: list[DiagramPart] = Field(min_length=2, max_length=8)
    """The parts around the core, in reading order (2 to 8)."""
    section: Text | None = None
    """A running section label, shown small at the foot of the slide."""


class Person(Model):
    name: Text
    """The person's name."""
    role: Text
    """Their role and organisation."""
    photo: ImagePath | None = None
    """A portrait (PNG, JPEG or GIF), relative to the content file."""
    alt: Text | None = None
    """Alt text for the photo; the name is used where it is left out."""


class PanelSlide(SlideBase):
    """A question put to a panel of people."""

    kind: Literal["panel"]
    title: Text
    """The question."""
    people: list[Person] = Field(min_length=1, max_length=4)
    """The panel, one column each (1 to 4)."""


class QuoteSlide(SlideBase):
    """A quotation and who said it."""

    kind: Literal["quote"]
    text: Text
    """The quotation, with its quotation marks."""
    attribution: Text
    """Who said it: a name or a role."""


class Link(Model):
    url: Annotated[str, pattern(r"^(https?://|mailto:)\S+$", "an http, https or mailto address")]
    """An http, https or mailto address."""
    text: Text | None = None
    """The link's text; the address itself where it is left out."""


class ClosingSlide(SlideBase):
    """The last slide: a call to action, a message and a link."""

    kind: Literal["closing"]
    call_to_action: Text | None = None
    """What the audience should do next."""
    message: Text
    """The closing message, large; it is the slide's title."""
    link: Link | None = None
    """A clickable link under the message."""


Slide = Annotated[
    TitleSlide | StatementSlide | DiagramSlide | PanelSlide | QuoteSlide | ClosingSlide,
    Field(discriminator="kind"),
]


def union_tags(union: Any, field: str) -> dict[str, type[BaseModel]]:
    """Return the models of a discriminated `union` by the value of their tag `field`."""
    models = get_args(get_args(union)[0])
    return {get_args(model.model_fields[field].annotation)[0]: model for model in models}


SLIDE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Slide)
SLIDE_MODELS = union_tags(Slide, "kind")


class DeckMeta(Model):
    """What the deck is: the metadata that slides can use as `{{ deck.<key> }}`."""

    title: str = Field(min_length=1)
    """The deck's title; also the file's title property."""
    subtitle: str | None = None
    """The deck's subtitle."""
    authors: list[str] = Field(min_length=1)
    """Who wrote the deck; the file's author property."""
    organisation: str = Field(min_length=1)
    """The organisation behind the deck."""
    language: Annotated[str, pattern(r"^[a-z]{2,3}-[A-Z]{2}$", "a language tag such as sv-SE")] = (
        "sv-SE"
    )
    """The language of the text, as a BCP 47 tag such as sv-SE."""
    date: datetime.date
    """The deck's date; the file's created and modified dates."""
    brand: Annotated[str, NAME]
    """Which brand to use: the name of a file in templates/brands/, without .yaml."""


class Deck(DeckMeta):
    """A whole deck: its metadata and its slides, in order."""

    slides: list[Slide] = Field(min_length=1)
    """The slides, in order. Each has a unique `id` and a `kind`."""

    def meta(self) -> DeckMeta:
        """Return the metadata alone."""
        return DeckMeta.model_validate(self.model_dump(exclude={"slides"}))


def marked_fields(
    value: Any, marker: type, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (path, text) for every non-empty field of `value` annotated with `marker`."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from marked_fields(item, marker, (*path, index))
        return
    if not isinstance(value, BaseModel):
        return
    for name, info in type(value).model_fields.items():
        item = getattr(value, name)
        marked = any(isinstance(m, marker) for m in info.metadata)
        if isinstance(item, str) and (marked or _optional_marked(info.annotation, marker)):
            yield (*path, name), item
        else:
            yield from marked_fields(item, marker, (*path, name))


def _optional_marked(annotation: Any, marker: type) -> bool:
    """Return True for `Annotated[str, marker] | None`."""
    for arg in getattr(annotation, "__args__", ()):
        if any(isinstance(m, marker) for m in getattr(arg, "__metadata__", ())):
            return True
    return False


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a deck file, for editors' completion and checks."""
    schema = Deck.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "deckgen deck"
    return schema

"""The content format: every key a deck file may use, with its type and meaning.

This module is the content spec. `deckgen schema` generates the JSON Schema from it, and the
docstring under each field is that field's documentation. To add a slide kind, add a model here,
add it to `Slide`, add its layout to the master file and add `templates/layouts/<kind>.yaml.j2`
(README, "Add a slide kind"). Text fields are `Text`, alone or in any container.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Optional, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator.content.base import Model, pattern, union_tags
from generator.officexml import LINK_SCHEMES


class TextField:
    """Marks a field as slide text: Jinja expressions are resolved, inline Markdown is parsed."""


class ImageField:
    """Marks a field as an image path, relative to the content file's folder."""


class DataFileField:
    """Marks a field as a chart data file's path, relative to the content folder."""


def _safe_links(text: str) -> str:
    """Refuse Markdown links in `text` to anything but http, https and mailto addresses."""
    if "](" not in text and "<" not in text:
        return text  # no link: skip the parser
    from generator.content.inline import parse_inline

    for paragraph in parse_inline(text):
        for run in paragraph.runs:
            if run.link is not None and not run.link.lower().startswith(LINK_SCHEMES):
                raise PydanticCustomError(
                    "link_scheme",
                    "the link '{link}' is not an http, https or mailto address",
                    {"link": run.link},
                )
    return text


#: Slide text: inline Markdown (`**bold**`, `*italic*`, `[text](url)`, line breaks) and Jinja.
Text = Annotated[str, TextField(), Field(min_length=1), AfterValidator(_safe_links)]
#: An image file, relative to the content file's folder.
ImagePath = Annotated[str, ImageField(), Field(min_length=1)]
#: A chart data file, relative to the content folder (the deck file's), whichever file names it.
DataFilePath = Annotated[str, DataFileField(), Field(min_length=1)]
NAME = pattern(
    r"^[a-z0-9][a-z0-9-]{0,63}$",
    "up to 64 lower-case letters, digits and dashes, such as 'citat-1'",
)
SlideId = Annotated[str, NAME]


class SlideBase(Model):
    kind: str
    """The slide's kind: which model checks it and which layout template draws it."""
    id: SlideId
    """Unique id of the slide (lower-case letters, digits and dashes); overlays address it."""
    notes: Text | None = None
    """Speaker notes."""
    only: Literal["region", "national"] | None = None
    """Keep the slide only in regional variants (`region`) or only in the national deck."""
    hidden: bool = False
    """Keep the slide in the deck but skip it in the slide show."""


class TitleSlide(SlideBase):
    """The opening slide: title, subtitle and byline."""

    kind: Literal["title"]
    kicker: Text | None = None
    """A short line above the title, such as the region's name."""
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
    url: Annotated[
        str,
        pattern(
            r"^(https?://|mailto:)[^\s<>]+$",
            "an http, https or mailto address without spaces, '<' or '>'",
        ),
    ]
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
    contact: Text | None = None
    """Who to contact, small at the foot of the slide."""


Number = Annotated[float, Field(allow_inf_nan=False)]


class ChartRow(Model):
    label: str = Field(min_length=1, max_length=80)
    """The category: a bar's, a column's, a point's or a slice's name (plain text)."""
    value: Number
    """Its figure, a number."""


class ChartTable(Model):
    """One table of figures: what a chart draws, with its source."""

    name: str | None = None
    """What the figures are of, such as "Värmlands län"."""
    unit: str | None = None
    """What the figures count, such as "invånare"; the chart's alt text says it."""
    source: Text
    """Where the figures come from, shown under the chart ("Källa: …")."""
    url: (
        Annotated[str, pattern(r"^https?://[^\s<>]+$", "an http or https address without spaces")]
        | None
    ) = None
    """The page the figures were read from; the source on the slide links to it."""
    secondary: bool = False
    """Whether the figures were copied from a secondary source (recorded, as `note` is)."""
    note: str | None = None
    """How the figures were found and checked; kept with the data, not shown."""
    rows: list[ChartRow] = Field(default=[], max_length=60)
    """The figures, in the order the chart shows them unless the slide sorts them (up to 60);
    a table may give only its `total`, which a facts slide can show but no chart can draw."""
    total: Number | None = None
    """The figures' sum as the source gives it; the rows must add up to it."""

    @model_validator(mode="after")
    def _rows_or_total(self) -> ChartTable:
        if not self.rows and self.total is None:
            raise PydanticCustomError("chart_empty", "a table needs rows, a total or both")
        return self

    @field_validator("total")
    @classmethod
    def _rows_add_up(cls, total: float | None, info: ValidationInfo) -> float | None:
        rows = info.data.get("rows")
        if total is None or not rows:
            return total
        added = sum(row.value for row in rows)
        if abs(added - total) > 1e-9 * max(1.0, abs(total)):
            raise PydanticCustomError(
                "chart_total",
                "the rows add up to {added}, not {total}",
                {"added": figure(added), "total": figure(total)},
            )
        return total


class ChartData(Model):
    """A chart data file, such as `content/data/folkmangd-2023.yaml`: tables by key."""

    title: str | None = None
    """What the file holds."""
    unit: str | None = None
    """What its figures count, for the tables that do not say."""
    tables: dict[str, ChartTable] = Field(min_length=1)
    """The tables, by the key that a chart slide's `table` names."""
    missing: dict[str, str] = {}
    """Tables the file does not have, by key, with the reason: a chart that names one is told."""


def figure(value: float) -> str:
    """Return a figure as a message shows it: 283548, not 283548.0; 2.5 as it is."""
    return str(int(value)) if value.is_integer() else repr(value)


#: The tags of a chart's `data` (a file's path or a table), which error paths leave out.
DATA_TAGS = ("data file", "data table")


def _data_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return DATA_TAGS[0]
    return DATA_TAGS[1] if isinstance(value, dict | ChartTable) else None


ChartDataRef = Annotated[
    Annotated[DataFilePath, Tag(DATA_TAGS[0])] | Annotated[ChartTable, Tag(DATA_TAGS[1])],
    Discriminator(
        _data_tag,
        custom_error_type="chart_data",
        custom_error_message="expected a data file's path or a table (source, rows)",
    ),
]


class Figure(Model):
    """A key figure: a value written here, or the total of a data file's table."""

    value: Text | None = None
    """The figure itself, large: a number or a short word. Give `value` or `data`."""
    data: ChartDataRef | None = None
    """The figure's data instead of a `value`: a data file, relative to the content folder, or
    a table written here; the figure is its table's `total`, set as Swedish writes numbers
    (283 548), and the table's source is shown under the figures. Where the file lists the
    table under `missing`, the figure is left out: nothing is shown in its place."""
    table: Text | None = None
    """Which table of the data file, such as "{{ region.scb_county_code }}" (resolved first)."""
    label: Text
    """What the figure counts or names."""
    source: Text | None = None
    """Where a written `value` comes from, shown under the figures ("Källa: …")."""

    @model_validator(mode="after")
    def _value_or_data(self) -> Figure:
        if (self.value is None) == (self.data is None):
            raise PydanticCustomError("figure_value", "give the figure a value or data, not both")
        if self.data is not None and self.source is not None:
            raise PydanticCustomError(
                "figure_value", "a figure from data shows its table's source, not its own"
            )
        if self.table is not None and not isinstance(self.data, str):
            raise PydanticCustomError(
                "figure_value", "only a figure whose data is a file names a table of it"
            )
        return self


class FactsSlide(SlideBase):
    """A title, a lead sentence and a row of key figures, with their sources under them."""

    kind: Literal["facts"]
    title: Text
    """The slide's title."""
    lead: Text
    """A sentence or two that the figures back up."""
    figures: list[Figure] = Field(min_length=1, max_length=4)
    """The key figures, in a row (1 to 4)."""


class ChartSlide(SlideBase):
    """A native, editable chart of one table of figures, with its source under it."""

    kind: Literal["chart"]
    title: Text
    """The slide's title."""
    chart: Literal["bar", "column", "line", "pie"]
    """How to draw the figures: bar (horizontal bars), column, line or pie."""
    data: ChartDataRef
    """The figures: a data file, relative to the content folder (`data/my-figures.yaml`), or a
    table written here (`source`, `rows`)."""
    table: str | None = None
    """Which table of the data file to draw; needed where the file has more than one."""
    sort: Literal["descending", "ascending"] | None = None
    """Sort the figures, largest first (`descending`) or smallest first; as given if left out."""


Slide = Annotated[
    TitleSlide
    | StatementSlide
    | DiagramSlide
    | PanelSlide
    | QuoteSlide
    | FactsSlide
    | ChartSlide
    | ClosingSlide,
    Field(discriminator="kind"),
]


SLIDE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Slide)
SLIDE_MODELS = union_tags(Slide, "kind")


class DeckMeta(Model):
    """What the deck is: the metadata that slides can use as `{{ deck.<key> }}`."""

    title: str = Field(min_length=1, max_length=255)
    """The deck's title; also the file's title property (at most 255 characters)."""
    subtitle: str | None = Field(default=None, max_length=255)
    """The deck's subtitle; also the file's subject property (at most 255 characters)."""
    authors: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    """Who wrote the deck; the file's author property (at most 255 characters together)."""
    speakers: list[str] | None = Field(default=None, min_length=1)
    """Who presents it; text can use `{{ deck.speakers }}`. Where left out, the national deck's
    speakers are its authors and a region's deck names none (its authors are not the region's)."""
    organisation: str = Field(min_length=1, max_length=255)
    """The organisation that speaks (at most 255 characters); a region's deck speaks as its
    region, `region.name`, unless its region file or an overlay names another."""
    language: Annotated[str, pattern(r"^[a-z]{2,3}-[A-Z]{2}$", "a language tag such as sv-SE")] = (
        "sv-SE"
    )
    """The language of the text, as a BCP 47 tag such as sv-SE."""
    date: datetime.date = Field(ge=datetime.date(1980, 1, 1), le=datetime.date(2107, 12, 31))
    """The deck's date; the file's created and modified dates (1980 to 2107, as a zip holds)."""
    brand: Annotated[str, NAME]
    """Which brand to use: the name of a file in templates/brands/, without .yaml."""

    @field_validator("authors")
    @classmethod
    def _authors_fit_the_property(cls, authors: list[str]) -> list[str]:
        if len("; ".join(authors)) > 255:
            raise PydanticCustomError(
                "authors_length",
                "the authors come to more than 255 characters, the limit of the file's author "
                "property",
            )
        return authors


class Deck(DeckMeta):
    """A whole deck: its metadata and its slides, in order."""

    slides: list[Slide] = Field(min_length=1)
    """The slides, in order. Each has a unique `id` and a `kind`."""

    def meta(self) -> DeckMeta:
        """Return the metadata alone."""
        return DeckMeta.model_validate(self.model_dump(exclude={"slides"}))


#: Deck metadata to change: any key of the deck file but `slides`, each optional.
DeckPatch: type[Model] = create_model(  # type: ignore[call-overload]
    "DeckPatch",
    __base__=Model,
    __doc__="Deck metadata to change; keys as in the deck file, merged deeply.",
    **{
        name: (Optional[info.annotation], None)  # noqa: UP045
        for name, info in DeckMeta.model_fields.items()
    },
)


class Overlay(Model):
    """A speaker's overlay: changes to a deck, addressed by slide id, applied in order."""

    deck: DeckPatch | None = None  # type: ignore[valid-type]
    """Deck metadata to change, such as `speakers`; mappings merge deeply."""
    slides: dict[SlideId, dict[str, Any]] = {}
    """Slides by id. An entry with `kind` is a whole slide: it replaces the slide with that id,
    or adds one (place it with `after: <id>` or `before: <id>`). An entry without `kind` merges
    into the existing slide."""
    drop: list[SlideId] = []
    """Slides to leave out of the deck."""
    hide: list[SlideId] = []
    """Slides to keep in the deck but skip in the slide show."""
    quotes: list[SlideId] | None = None
    """The quote slides to show, in this order, where the deck's first quote stood."""
    notes: dict[SlideId, Text] = {}
    """Speaker notes to add to slides, by id, after the notes they have."""


class RegionFacts(Model):
    """Facts about a region (from SCB): text can use them as `{{ region.<key> }}`."""

    name: str = Field(min_length=1)
    """The region's official name, such as "Region Värmland"."""
    slug: SlideId
    """This project's identifier for the region; the file's name and `--region` use it."""
    county: str = Field(min_length=1)
    """The county (län), such as "Värmlands län"."""
    scb_county_code: Annotated[str, pattern(r"^[0-9]{2}$", "a two-digit SCB code such as '17'")]
    """The county's SCB code, two digits, quoted."""
    lansbokstav: Annotated[str, pattern(r"^[A-Z]{1,2}$", "one or two capital letters")]
    """The county letter, such as S."""
    residensstad: str = Field(min_length=1)
    """The seat of the county administrative board."""
    kommuner: int = Field(ge=1)
    """The number of municipalities in the county."""
    contact: str | None = None
    """Who to contact about the talk in the region; shown on the closing slide."""


class RegionFile(Overlay):
    """A region file, `content/regions/<slug>.yaml`: the region's facts and its changes."""

    region: RegionFacts
    """The region's facts."""


def marked_fields(
    value: Any, marker: type, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (path, text) for every non-empty text of `value` whose type is annotated with
    `marker`, whatever holds it: a field, an optional field, a list or a mapping of them."""
    yield from _marked(value, (), marker, path)


def _marked(
    value: Any, annotations: tuple[Any, ...], marker: type, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            own = (Annotated[(info.annotation, *info.metadata)],) if info.metadata else ()
            found = own or (info.annotation,)
            yield from _marked(getattr(value, name), found, marker, (*path, name))
    elif isinstance(value, str):
        if any(_is_marked(a, marker) for a in annotations):
            yield path, value
    elif isinstance(value, list | tuple):
        items = _inner(annotations, (list, tuple), 0)
        for index, item in enumerate(value):
            yield from _marked(item, items, marker, (*path, index))
    elif isinstance(value, dict):
        items = _inner(annotations, (dict,), 1)
        for key, item in value.items():
            yield from _marked(item, items, marker, (*path, key))


def _is_marked(annotation: Any, marker: type) -> bool:
    """Return whether `annotation` is, or is a union with, an `Annotated[str, marker]`."""
    if get_origin(annotation) is Annotated:
        return any(isinstance(m, marker) for m in annotation.__metadata__)
    return any(_is_marked(arg, marker) for arg in get_args(annotation) if _is_union(annotation))


def _inner(annotations: tuple[Any, ...], containers: tuple[type, ...], at: int) -> tuple[Any, ...]:
    """Return the item types of the `containers` among `annotations` (unions looked into)."""
    found: list[Any] = []
    for annotation in annotations:
        origin = get_origin(annotation)
        if origin is Annotated:
            found += _inner((get_args(annotation)[0],), containers, at)
        elif _is_union(annotation):
            found += _inner(get_args(annotation), containers, at)
        elif isinstance(origin, type) and issubclass(origin, containers):
            args = get_args(annotation)
            found += args[at : at + 1]
    return tuple(found)


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)

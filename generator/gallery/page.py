"""The gallery's pages as data, and the Jinja templates that write them.

`index.html` has a section per deck; `compare/<slide id>.html` shows one slide of every deck side
by side. Everything a page shows comes from the manifest, the built decks (read back with
python-pptx) and their PNGs; nothing from the clock, so the same decks give the same bytes.
The templates are autoescaped; the stylesheet, gallery.css, is inlined into each page.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from generator.gallery.deck import DeckFacts, SlideFacts
from generator.output.manifest import Entry
from generator.output.raster import Slide

#: The national deck's name on the page.
NATIONAL = "Nationell version"
#: The folder of the compare pages in the output folder.
COMPARE = "compare"
_MONTHS = (
    *("januari", "februari", "mars", "april", "maj", "juni"),
    *("juli", "augusti", "september", "oktober", "november", "december"),
)
#: Swedish letters that sort after z, in this order; and letters Swedish sorts as others.
_AFTER_Z = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}
_AS = {"ü": "y"}


@dataclass(frozen=True)
class Card:
    """One slide in a deck's section: its facts and its PNGs, by URL from the output folder."""

    facts: SlideFacts
    anchor: str
    """The id of its thumbnail's list item; its full-size view is `<anchor>-full`."""
    thumb: str
    thumb_size: tuple[int, int]
    full: str
    full_size: tuple[int, int]
    compare: str
    """Its compare page, by URL from the output folder."""


@dataclass(frozen=True)
class Section:
    """One deck on the page."""

    key: str
    anchor: str
    name: str
    """The region's name ("Region Värmland") or NATIONAL, then any overlays' names, then the
    brand it was built in where that was chosen (`deckgen build --brand`): "Region Värmland ·
    corp"."""
    entry: Entry
    facts: DeckFacts
    deck: str
    pdf: str
    sheet: str
    cards: list[Card]
    stale: bool = False
    """Its pictures are older than the deck: built again, not previewed since."""

    @property
    def title(self) -> str:
        return self.facts.title or Path(self.entry.file).stem

    @property
    def built(self) -> str | None:
        return swedish_time(self.entry.built) if self.entry.built else None


@dataclass(frozen=True)
class Compared:
    """One slide id, and where it is in each deck."""

    id: str
    title: str
    page: str
    """Its page, by URL from the output folder."""
    slides: list[tuple[Section, Card]]
    missing: list[Section]


def section(
    key: str,
    entry: Entry,
    facts: DeckFacts,
    slides: list[Slide],
    output: Path,
    *,
    stale: bool = False,
) -> Section:
    """Return the section of the deck `entry` names, with its facts and rendered `slides`."""
    deck = output / entry.file
    anchor = anchor_of(key)
    # An overlay's own '+', '@' and '%' are escaped in the key, and '@' starts where it is kept
    # when that is not overlays/ (`Variant.key`): the page shows the name.
    overlays = [
        part.split("@")[0].replace("%2B", "+").replace("%40", "@").replace("%25", "%")
        for part in key.split("+")[1:]
    ]
    name = with_brand(" + ".join([entry.name or NATIONAL, *overlays]), key)
    cards = [
        Card(
            facts=fact,
            anchor=f"{anchor}--{fact.number}",  # "--": no slug of a deck has two hyphens
            thumb=href(slide.thumb, output),
            thumb_size=slide.thumb_size,
            full=href(slide.full, output),
            full_size=slide.full_size,
            compare=f"{COMPARE}/{compare_name(fact)}",
        )
        for fact, slide in zip(facts.slides, slides, strict=True)
    ]
    folder = output / "preview"
    return Section(
        key=key,
        anchor=anchor,
        name=name,
        entry=entry,
        facts=facts,
        deck=href(deck, output),
        pdf=href(deck.with_suffix(".pdf"), output),
        sheet=href(folder / f"{deck.stem}-sheet.png", output),
        cards=cards,
        stale=stale,
    )


def ordered(sections: list[Section]) -> list[Section]:
    """Return `sections` in Swedish order of their names, the national deck first: Örebro and
    Östergötland come last. "Region " in a name does not count: Västra Götalandsregionen sorts
    among the V's."""
    return sorted(
        sections,
        key=lambda s: (s.entry.name is not None, swedish_key(s.name.removeprefix("Region "))),
    )


def swedish_key(text: str) -> tuple[str, str]:
    """Return a sort key for `text` in Swedish alphabetical order, without a locale: å, ä and ö
    after z, é as e, ü as y; case matters only between otherwise equal texts."""
    letters = []
    for char in text.casefold():
        char = _AS.get(char, char)
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
        else:
            letters.append(unicodedata.normalize("NFKD", char)[:1])
    return "".join(letters), text


def swedish_time(stamp: str) -> str:
    """Return a UTC time from the manifest ("2026-12-01T06:30:12Z") as Swedes write it, in
    Swedish time where the time zone database has it: "1 december 2026 kl. 07.30"."""
    moment = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    suffix = ""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        moment = moment.astimezone(ZoneInfo("Europe/Stockholm"))
    except (ImportError, ZoneInfoNotFoundError):
        moment, suffix = moment.astimezone(datetime.UTC), " UTC"
    month = _MONTHS[moment.month - 1]
    return f"{moment.day} {month} {moment.year} kl. {moment.hour:02d}.{moment.minute:02d}{suffix}"


def compared(sections: list[Section]) -> list[Compared]:
    """Return every slide id in the decks, in deck order (a slide one deck has and another has
    not comes after the slide before it), with each deck's slide of that id."""
    order: list[str] = []
    titles: dict[str, set[str]] = {}
    for each in sections:
        previous = -1
        for card in each.cards:
            name = compare_name(card.facts)
            if name not in order:
                order.insert(previous + 1, name)
            titles.setdefault(name, set()).add(card.facts.title or card.facts.id)
            previous = order.index(name)
    found = []
    for name in order:
        slides = []
        missing = []
        for each in sections:
            cards = [card for card in each.cards if compare_name(card.facts) == name]
            if cards:
                slides.append((each, cards[0]))
            else:
                missing.append(each)
        slide_id = slides[0][1].facts.id or name.removesuffix(".html")
        # A slide whose title differs from deck to deck, such as the region's, goes by its id.
        title = next(iter(titles[name])) if len(titles[name]) == 1 else _humane(slide_id)
        found.append(Compared(slide_id, title, f"{COMPARE}/{name}", slides, missing))
    return found


def _humane(slide_id: str) -> str:
    """Return a slide id as words: "regionen" -> "Regionen"."""
    return slide_id.replace("-", " ").capitalize()


def compare_name(slide: SlideFacts) -> str:
    """Return the file name of a slide's compare page: its id, or its number where it has none."""
    stem = re.sub(r"[^a-z0-9]+", "-", slide.id.lower()).strip("-")
    return f"{stem or f'bild-{slide.number:02d}'}.html"


def with_brand(name: str, key: str) -> str:
    """Return `name`, then the brand that the deck of `key` was built in where it was chosen:
    `corp:varmland` starts with it (`Variant.key`: a `:` before the first `+` ends it)."""
    brand, colon, _ = key.split("+")[0].partition(":")
    return f"{name} · {brand}" if colon else name


def anchor_of(key: str) -> str:
    """Return the page id of a deck: letters, digits and hyphens, "deck-" first. A key that
    is not already such a slug ("corp:varmland", "varmland+anna") gets a short hash of itself
    too, so that two keys that spell the same slug ("corp:varmland" and "corp-varmland") do
    not share an id."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "deck"
    if slug == key:
        return f"deck-{slug}"
    return f"deck-{slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:6]}"


def href(path: Path, output: Path) -> str:
    """Return the URL of `path` relative to the output folder."""
    return quote(Path(os.path.relpath(path, output)).as_posix())


def short(text: str, limit: int = 70) -> str:
    """Return `text` cut at a word to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-") + "…"


def index_html(sections: list[Section], comparisons: list[Compared]) -> str:
    """Return index.html: the contents, the compare pages, then a section per deck."""
    return _template("index.html.j2").render(
        sections=sections,
        comparisons=comparisons,
        title=_shared_title(sections),
        slides=sum(len(each.cards) for each in sections),
        root="",
    )


def compare_html(comparison: Compared, comparisons: list[Compared], sections: int) -> str:
    """Return the compare page of one slide id: that slide in every deck, side by side."""
    at = comparisons.index(comparison)
    return _template("compare.html.j2").render(
        comparison=comparison,
        comparisons=comparisons,
        previous=comparisons[at - 1] if at > 0 else None,
        next=comparisons[at + 1] if at + 1 < len(comparisons) else None,
        decks=sections,
        root="../",
    )


def _shared_title(sections: list[Section]) -> str | None:
    titles = {each.title for each in sections}
    return titles.pop() if len(titles) == 1 else None


@functools.cache
def _environment() -> Environment:
    here = Path(__file__).parent
    environment = Environment(
        loader=FileSystemLoader(here),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The stylesheet goes into <style> as it is: HTML entities mean nothing there.
    css = (here / "gallery.css").read_text(encoding="utf-8")
    environment.globals["css"] = Markup(css.strip())
    environment.filters["short"] = short
    environment.filters["counted"] = _count
    return environment


def _count(number: int, one: str, many: str) -> str:
    """Return "1 bild" or "10 bilder"."""
    return f"{number} {one if number == 1 else many}"


def _template(name: str) -> Template:
    return _environment().get_template(name)

"""`deckgen preview`: render built decks to PNG and write a static gallery of them.

LibreOffice exports the decks to PDF (`output.pdf.export_pdfs`: one soffice run for them all),
poppler's pdftoppm turns each page into a PNG, and Pillow makes the thumbnails and, per deck, a
contact sheet: one PNG with every slide, to attach to a pull request. What it writes:

    output/index.html                      the gallery: one section per deck
    output/preview/<deck>/slide-01.png     each slide, 1280 px wide
    output/preview/<deck>/thumb-01.png     each slide, 320 px wide
    output/preview/<deck>-sheet.png        the contact sheet

The page is self-contained (inline CSS, no script, no fonts or other files from elsewhere) and its
links are relative, so the output folder can be zipped, served or opened from disk. The same decks
give the same bytes: nothing in it comes from the clock. A deck's PNGs are made again only when
its PDF is newer than them.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from PIL import Image, ImageDraw, ImageFont

from generator.errors import DeckgenError, Diagnostic, ToolError, display_path
from generator.officexml import DC_NS, DCTERMS_NS
from generator.output.manifest import Entry, Manifest
from generator.output.pdf import export_pdfs
from generator.output.save import save
from generator.source.variant import Variant
from generator.theme.logo import system_font

#: The gallery's file name in the output folder.
INDEX = "index.html"
#: The folder of the PNGs in the output folder.
PREVIEW = "preview"
#: The width of a full-size slide PNG, in pixels.
SLIDE_WIDTH = 1280
#: The width of a thumbnail, in pixels.
THUMB_WIDTH = 320
#: The contact sheet: slides per row, each slide's width, the space between and around them, the
#: heading's height above the grid and the slide number's height below each slide.
SHEET_COLUMNS = 4
SHEET_TILE_WIDTH = 480
SHEET_GAP = 24
SHEET_MARGIN = 40
SHEET_HEADING = 72
SHEET_LABEL = 30

_CORE = "docProps/core.xml"
_DC = f"{{{DC_NS}}}"
_DCTERMS = f"{{{DCTERMS_NS}}}"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_SHEET_BACKGROUND = (243, 244, 246)
_SHEET_BORDER = (206, 211, 218)
_SHEET_INK = (27, 31, 36)
_SHEET_MUTED = (96, 104, 115)


@dataclass(frozen=True)
class Core:
    """What the gallery shows from a deck's docProps/core.xml."""

    title: str | None
    modified: str | None
    """The day it was built, YYYY-MM-DD."""
    language: str | None


@dataclass(frozen=True)
class Slide:
    """One slide's PNGs and their sizes in pixels."""

    full: Path
    thumb: Path
    full_size: tuple[int, int]
    thumb_size: tuple[int, int]


@dataclass(frozen=True)
class Preview:
    """One deck in the gallery."""

    variant: Variant
    deck: Path
    pdf: Path
    sheet: Path
    core: Core
    entry: Entry | None
    label: str
    slides: list[Slide]


def write_gallery(
    decks: list[tuple[Variant, Path]], output: Path, report: Callable[[str], None]
) -> Path:
    """Render `decks` (built, in `output`) to PNG, make a contact sheet of each, and write
    `output/index.html`, a gallery of them; return its path. `report` is told each file
    written."""

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        message = "deckgen preview needs poppler's pdftoppm: install poppler-utils"
        raise ToolError([Diagnostic("pdftoppm", None, None, message)])
    for pdf in export_pdfs([deck for _, deck in decks]):
        report(f"wrote {display_path(pdf)}")
    entries = Manifest(output).entries
    folder = output / PREVIEW

    def one(item: tuple[Variant, Path]) -> Preview:
        variant, deck = item
        core = read_core(deck)
        entry = entries.get(variant.key)
        label = variant_label(variant)
        pdf = deck.with_suffix(".pdf")
        sheet = folder / f"{deck.stem}-sheet.png"
        slides = render(pdf, folder / deck.stem, sheet, pdftoppm)
        if not _newer(sheet, pdf):
            heading = f"{core.title or deck.stem} · {label}"
            details = _details(len(slides), core, entry)
            contact_sheet([slide.full for slide in slides], sheet, heading, details)
            report(f"wrote {display_path(sheet)} ({len(slides)} slides)")
        return Preview(variant, deck, pdf, sheet, core, entry, label, slides)

    with ThreadPoolExecutor(max_workers=min(len(decks), os.cpu_count() or 1) or 1) as pool:
        previews = list(pool.map(one, decks))
    page = output / INDEX
    save(gallery_html(previews, output).encode("utf-8"), page)
    return page


def render(pdf: Path, folder: Path, sheet: Path, pdftoppm: str) -> list[Slide]:
    """Return the slides of `pdf` as PNGs in `folder`, full size and thumbnails, making them
    with `pdftoppm` and Pillow unless they are there already and newer than the PDF.

    A stale contact sheet `sheet` is removed with the old PNGs, so that it is made again."""
    fulls = sorted(folder.glob("slide-*.png"))
    fresh = bool(fulls) and all(
        _newer(path, pdf) and _newer(_thumb_path(path), pdf) for path in fulls
    )
    if not fresh:
        sheet.unlink(missing_ok=True)
        fulls = _rasterize(pdf, folder, pdftoppm)
        for path in fulls:
            thumbnail(path, _thumb_path(path))
    thumbs = [_thumb_path(path) for path in fulls]
    slides = []
    for full, thumb in zip(fulls, thumbs, strict=True):
        with Image.open(full) as big, Image.open(thumb) as small:
            slides.append(Slide(full, thumb, big.size, small.size))
    return slides


def _rasterize(pdf: Path, folder: Path, pdftoppm: str) -> list[Path]:
    """Turn each page of `pdf` into `folder/slide-NN.png`, SLIDE_WIDTH wide, in one pdftoppm run;
    remove the PNGs of an earlier run first."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("slide-*.png"), *folder.glob("thumb-*.png")]:
        old.unlink()
    with tempfile.TemporaryDirectory(prefix=".pdftoppm-", dir=folder) as scratch:
        command = [
            pdftoppm,
            "-png",
            "-scale-to-x",
            str(SLIDE_WIDTH),
            "-scale-to-y",
            "-1",
            str(pdf),
            str(Path(scratch, "page")),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        # pdftoppm pads the page numbers to the width of the last one: page-1.png or page-01.png.
        pages = sorted(Path(scratch).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if result.returncode != 0 or not pages:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no pages"]
            message = f"pdftoppm could not render it: {detail[0]}"
            raise DeckgenError([Diagnostic(display_path(pdf), None, None, message)])
        digits = max(2, len(str(len(pages))))
        fulls = []
        for number, page in enumerate(pages, start=1):
            target = folder / f"slide-{number:0{digits}d}.png"
            os.replace(page, target)
            fulls.append(target)
    return fulls


def _thumb_path(slide: Path) -> Path:
    """Return the thumbnail's path of a slide's PNG: thumb-01.png for slide-01.png."""
    return slide.with_name("thumb-" + slide.name.removeprefix("slide-"))


def thumbnail(source: Path, target: Path) -> Path:
    """Write `source` scaled to THUMB_WIDTH wide to `target`, and return `target`."""
    with Image.open(source) as image:
        height = max(1, round(image.height * THUMB_WIDTH / image.width))
        small = image.convert("RGB").resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    small.save(target, optimize=True)
    return target


def sheet_size(count: int, slide: tuple[int, int]) -> tuple[int, int]:
    """Return the contact sheet's size for `count` slides of size `slide`."""
    columns = max(1, min(SHEET_COLUMNS, count))
    rows = max(1, -(-count // columns))
    tile_height = round(slide[1] * SHEET_TILE_WIDTH / slide[0])
    width = 2 * SHEET_MARGIN + columns * SHEET_TILE_WIDTH + (columns - 1) * SHEET_GAP
    height = (
        2 * SHEET_MARGIN
        + SHEET_HEADING
        + rows * (tile_height + SHEET_LABEL)
        + (rows - 1) * SHEET_GAP
    )
    return width, height


def contact_sheet(slides: list[Path], target: Path, heading: str, details: str) -> None:
    """Write one PNG with every slide in `slides` on a grid, numbered, under a heading."""
    with Image.open(slides[0]) as first:
        slide = first.size
    tile_height = round(slide[1] * SHEET_TILE_WIDTH / slide[0])
    columns = max(1, min(SHEET_COLUMNS, len(slides)))
    sheet = Image.new("RGB", sheet_size(len(slides), slide), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title, found = _font(28, bold=True)
    small, _ = _font(17)
    if not found:  # Pillow's own font has no å, ä or ö
        heading, details = _ascii(heading), _ascii(details)
    draw.text((SHEET_MARGIN, SHEET_MARGIN - 4), heading, fill=_SHEET_INK, font=title)
    draw.text((SHEET_MARGIN, SHEET_MARGIN + 36), details, fill=_SHEET_MUTED, font=small)
    top = SHEET_MARGIN + SHEET_HEADING
    for index, path in enumerate(slides):
        row, column = divmod(index, columns)
        x = SHEET_MARGIN + column * (SHEET_TILE_WIDTH + SHEET_GAP)
        y = top + row * (tile_height + SHEET_LABEL + SHEET_GAP)
        with Image.open(path) as image:
            tile = image.convert("RGB").resize(
                (SHEET_TILE_WIDTH, tile_height), Image.Resampling.LANCZOS
            )
        sheet.paste(tile, (x, y))
        draw.rectangle(
            (x - 1, y - 1, x + SHEET_TILE_WIDTH, y + tile_height), outline=_SHEET_BORDER, width=1
        )
        draw.text((x, y + tile_height + 6), str(index + 1), fill=_SHEET_MUTED, font=small)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)


def _font(
    size: int, *, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """Return a system sans-serif font at `size` and True, or Pillow's own font and False."""
    found = system_font(size, bold=bold)
    return (found, True) if found is not None else (ImageFont.load_default(size=size), False)


def _ascii(text: str) -> str:
    """Return `text` without its accents: "Värmland" becomes "Varmland"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def read_core(deck: Path) -> Core:
    """Return the title, the day it was modified and the language from the deck's
    docProps/core.xml; each is None where the deck has none."""
    try:
        with zipfile.ZipFile(deck) as package:
            root = ElementTree.fromstring(package.read(_CORE))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        message = f"cannot read {_CORE}: {exc}"
        raise DeckgenError([Diagnostic(display_path(deck), None, None, message)]) from None

    def text(tag: str) -> str | None:
        value = (root.findtext(tag) or "").strip()
        return value or None

    modified = _DATE.match(text(f"{_DCTERMS}modified") or "")
    return Core(
        title=text(f"{_DC}title"),
        modified=modified.group() if modified else None,
        language=text(f"{_DC}language"),
    )


def variant_label(variant: Variant) -> str:
    """Return the variant's name for people: "National", or the region's name from its file
    (its slug where the file has none), then any overlays' names."""
    name = "National"
    if variant.region is not None:
        path = variant.content.parent / "regions" / f"{variant.region}.yaml"
        name = _region_name(path) or variant.region
    return " + ".join([name, *(path.stem for path in variant.overlays)])


def _region_name(path: Path) -> str | None:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = data["region"]["name"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None
    return name.strip() or None if isinstance(name, str) else None


def _newer(path: Path, than: Path) -> bool:
    """Whether `path` exists and was modified no earlier than `than`."""
    try:
        return path.stat().st_mtime >= than.stat().st_mtime
    except OSError:
        return False


def _details(count: int, core: Core, entry: Entry | None) -> str:
    parts = [f"{count} slide{'s' * (count != 1)}"]
    if core.modified:
        parts.append(f"built {core.modified}")
    if entry is not None:
        parts += [f"content {entry.inputs[:12]}", f"deckgen {entry.deckgen}"]
    return " · ".join(parts)


# The page ------------------------------------------------------------------------------------


def gallery_html(previews: list[Preview], output: Path) -> str:
    """Return index.html: a table of contents, then a section per deck."""
    anchors = _anchors(preview.variant.key for preview in previews)
    slides = sum(len(preview.slides) for preview in previews)
    decks = len(previews)
    shared_title = len({_title(preview) for preview in previews}) == 1
    toc = "\n".join(
        _toc_item(preview, anchor, output, with_title=not shared_title)
        for preview, anchor in zip(previews, anchors, strict=True)
    )
    sections = "\n".join(
        _section(preview, anchor, output) for preview, anchor in zip(previews, anchors, strict=True)
    )
    titles = sorted({p.core.title for p in previews if p.core.title})
    title = f"Deck previews · {titles[0]}" if len(titles) == 1 else "Deck previews"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deckgen preview">
<title>{_e(title)}</title>
<style>
{_CSS.strip()}
</style>
</head>
<body>
<header class="masthead">
<div class="wrap">
<p class="eyebrow">deckgen preview</p>
<h1>Deck previews</h1>
<p class="lede">{decks} deck{"s" * (decks != 1)} · {slides} slide{"s" * (slides != 1)}. \
Select a slide to see it full size; download each deck as PowerPoint or PDF.</p>
<nav class="toc" aria-labelledby="toc-title">
<h2 id="toc-title">Contents</h2>
<ol>
{toc}
</ol>
</nav>
</div>
</header>
<main class="wrap">
{sections}
</main>
<footer class="wrap footer">
<p>Made by <code>deckgen preview</code>. Slides rendered by LibreOffice and poppler; \
they can differ in detail from PowerPoint.</p>
</footer>
</body>
</html>
"""


def _toc_item(preview: Preview, anchor: str, output: Path, *, with_title: bool) -> str:
    """Return the table of contents' link to a deck: its first slide, its variant, its size and,
    where the decks' titles differ, its title."""
    thumb = ""
    if preview.slides:
        first = preview.slides[0]
        thumb = (
            f'<img src="{_href(first.thumb, output)}" width="{first.thumb_size[0]}" '
            f'height="{first.thumb_size[1]}" alt="">'
        )
    count = len(preview.slides)
    title = f"<span{_lang(preview)}>{_e(_title(preview))}</span> · " if with_title else ""
    return (
        f'<li><a href="#{anchor}">{thumb}<span class="toc-text">'
        f'<span class="toc-name"{_lang(preview, region=True)}>{_e(preview.label)}</span>'
        f'<span class="toc-meta">{title}{count} slide{"s" * (count != 1)}</span></span></a></li>'
    )


def _section(preview: Preview, anchor: str, output: Path) -> str:
    count = len(preview.slides)
    entry = preview.entry
    meta = [f"<div><dt>Slides</dt><dd>{count}</dd></div>"]
    if preview.core.modified:
        day = preview.core.modified
        meta.append(f'<div><dt>Built</dt><dd><time datetime="{day}">{day}</time></dd></div>')
    if entry is not None:
        meta.append(
            f'<div><dt>Content version</dt><dd><code title="{_e(entry.inputs)}">'
            f"{_e(entry.inputs[:12])}</code></dd></div>"
        )
        meta.append(f"<div><dt>deckgen</dt><dd>{_e(entry.deckgen)}</dd></div>")
    thumbs = []
    boxes = []
    for number, slide in enumerate(preview.slides, start=1):
        thumbs.append(
            f'<li id="{anchor}-thumb-{number}"><a class="thumb" href="#{anchor}-slide-{number}" '
            f'title="Slide {number}: full size"><img src="{_href(slide.thumb, output)}" '
            f'width="{slide.thumb_size[0]}" height="{slide.thumb_size[1]}" '
            f'alt="Slide {number}"><span class="num">{number}</span></a></li>'
        )
        boxes.append(_lightbox(preview, anchor, number, slide, output))
    return f"""<section class="deck" id="{anchor}" aria-labelledby="{anchor}-title">
<div class="deck-head">
<div class="deck-id">
<h2 id="{anchor}-title"><span class="deck-title"{_lang(preview)}>{_e(_title(preview))}</span> \
<span class="variant"{_lang(preview, region=True)}>{_e(preview.label)}</span></h2>
<p class="file">{_e(preview.deck.name)}</p>
</div>
<div class="actions">
<a class="button primary" href="{_href(preview.deck, output)}" download>Download .pptx</a>
<a class="button" href="{_href(preview.pdf, output)}" download>Download .pdf</a>
<a class="button" href="{_href(preview.sheet, output)}">Contact sheet</a>
</div>
</div>
<dl class="meta">{"".join(meta)}</dl>
<ol class="slides">
{chr(10).join(thumbs)}
</ol>
{chr(10).join(boxes)}
</section>"""


def _lightbox(preview: Preview, anchor: str, number: int, slide: Slide, output: Path) -> str:
    count = len(preview.slides)
    width, height = slide.full_size
    close = f"#{anchor}-thumb-{number}"
    nav = []
    if number > 1:
        nav.append(
            f'<a class="nav prev" href="#{anchor}-slide-{number - 1}" '
            f'aria-label="Previous slide">‹</a>'
        )
    if number < count:
        nav.append(
            f'<a class="nav next" href="#{anchor}-slide-{number + 1}" aria-label="Next slide">›</a>'
        )
    src = _href(slide.full, output)
    return (
        f'<div class="lightbox" id="{anchor}-slide-{number}" role="dialog" '
        f'aria-label="{_e(preview.label)}, slide {number} of {count}">'
        f'<a class="backdrop" href="{close}" tabindex="-1" aria-hidden="true"></a>'
        f'<figure style="--ratio:{width / height:.4f}">'
        f'<img src="{src}" width="{width}" height="{height}" loading="lazy" '
        f'alt="{_e(_title(preview))}, {_e(preview.label)}: slide {number} of {count}">'
        f"<figcaption><span>{_e(preview.label)} · slide {number} of {count}</span> "
        f'<a href="{src}">Open image</a></figcaption></figure>'
        f'{"".join(nav)}<a class="close" href="{close}" aria-label="Close">×</a></div>'
    )


def _anchors(keys: Iterable[str]) -> list[str]:
    """Return an id per deck key, made of letters, digits and hyphens, each used once."""
    anchors: list[str] = []
    for key in keys:
        base = "deck-" + (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "deck")
        anchor, suffix = base, 2
        while anchor in anchors:
            anchor, suffix = f"{base}-{suffix}", suffix + 1
        anchors.append(anchor)
    return anchors


def _title(preview: Preview) -> str:
    return preview.core.title or preview.deck.stem


def _lang(preview: Preview, *, region: bool = False) -> str:
    """Return a `lang` attribute for text in the deck's language (the English "National" is not)."""
    if preview.core.language is None or (region and preview.variant.region is None):
        return ""
    return f' lang="{_e(preview.core.language)}"'


def _href(path: Path, output: Path) -> str:
    """Return a relative URL from index.html in `output` to `path`, escaped for an attribute."""
    relative = Path(os.path.relpath(path, output)).as_posix()
    return _e(quote(relative))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_CSS = """
:root {
  --bg: #f4f5f7; --card: #fff; --ink: #1a1d21; --muted: #5d6670; --line: #e2e5e9;
  --accent: #1f5ed6; --accent-ink: #fff; --soft: #eef3fd; --radius: 14px;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 6px 16px rgb(16 24 40 / 6%);
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1215; --card: #181c21; --ink: #e7e9ec; --muted: #9aa3ad; --line: #2a3038;
    --accent: #7aa7ff; --accent-ink: #0b1220; --soft: #1c2533; --shadow: none;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  -webkit-font-smoothing: antialiased;
}
body:has(.lightbox:target) { overflow: hidden; }
a { color: var(--accent); }
code {
  font: 0.9em/1 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
}
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
.masthead { padding: 40px 0 8px; }
.eyebrow {
  margin: 0; color: var(--accent); font-size: 0.8rem; font-weight: 600;
  letter-spacing: 0.08em; text-transform: uppercase;
}
h1 { margin: 4px 0 6px; font-size: clamp(1.8rem, 3vw, 2.4rem); line-height: 1.15; }
.lede { margin: 0 0 24px; color: var(--muted); max-width: 60ch; }
.toc {
  background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 18px 20px 20px; margin-bottom: 28px;
}
.toc h2 {
  margin: 0 0 12px; font-size: 0.8rem; color: var(--muted); font-weight: 600;
  letter-spacing: 0.08em; text-transform: uppercase;
}
.toc ol {
  list-style: none; margin: 0; padding: 0; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(250px, 1fr));
}
.toc a {
  display: flex; align-items: center; gap: 12px; padding: 8px; border-radius: 10px;
  color: inherit; text-decoration: none; border: 1px solid transparent;
}
.toc a:hover, .toc a:focus-visible { background: var(--soft); border-color: var(--line); }
.toc img {
  width: 80px; height: auto; flex: none; border-radius: 5px; border: 1px solid var(--line);
  background: #fff;
}
.toc-text { display: flex; flex-direction: column; min-width: 0; }
.toc-name { font-weight: 600; }
.toc-meta { color: var(--muted); font-size: 0.85rem; }
.deck {
  background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 24px; margin: 0 0 28px; scroll-margin-top: 16px;
}
.deck-head {
  display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between;
  gap: 12px 24px;
}
.deck h2 { margin: 0; font-size: 1.45rem; line-height: 1.25; }
.variant {
  display: inline-block; vertical-align: 0.15em; margin-left: 6px; padding: 2px 10px;
  border-radius: 999px; background: var(--soft); color: var(--accent);
  font-size: 0.9rem; font-weight: 600;
}
.file { margin: 4px 0 0; color: var(--muted); font-size: 0.85rem; word-break: break-all; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
.button {
  display: inline-flex; align-items: center; padding: 8px 14px; border-radius: 9px;
  border: 1px solid var(--line); background: var(--card); color: var(--ink);
  font-size: 0.9rem; font-weight: 600; text-decoration: none; white-space: nowrap;
}
.button:hover, .button:focus-visible { border-color: var(--accent); color: var(--accent); }
.button.primary {
  background: var(--accent); border-color: var(--accent); color: var(--accent-ink);
}
.button.primary:hover, .button.primary:focus-visible {
  filter: brightness(1.1); color: var(--accent-ink);
}
.meta {
  display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 16px 0 20px; padding: 12px 0 0;
  border-top: 1px solid var(--line); font-size: 0.9rem;
}
.meta div { display: flex; gap: 8px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; font-weight: 600; }
.slides {
  list-style: none; margin: 0; padding: 0; display: grid; gap: 16px;
  grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
}
.slides li { scroll-margin: 30vh 0; }
.thumb {
  position: relative; display: block; border-radius: 8px; overflow: hidden;
  border: 1px solid var(--line); background: #fff;
  transition: transform 0.15s ease, box-shadow 0.15s ease;
}
.thumb:hover, .thumb:focus-visible {
  transform: translateY(-2px); box-shadow: 0 8px 22px rgb(16 24 40 / 16%);
}
.slides li:target .thumb { outline: 3px solid var(--accent); outline-offset: 2px; }
.thumb img { display: block; width: 100%; height: auto; }
.num {
  position: absolute; left: 8px; bottom: 8px; min-width: 24px; padding: 1px 8px;
  border-radius: 999px; background: rgb(17 20 24 / 72%); color: #fff;
  font-size: 0.75rem; font-weight: 600; text-align: center;
}
.lightbox {
  position: fixed; inset: 0; z-index: 10; display: none; align-items: center;
  justify-content: center; padding: 56px 76px; background: rgb(9 11 15 / 95%);
}
.lightbox:target { display: flex; }
.backdrop { position: absolute; inset: 0; }
.lightbox figure { position: relative; margin: 0; width: 100%; max-width: 1280px; }
.lightbox img {
  display: block; margin: 0 auto; height: auto; background: #fff; border-radius: 6px;
  width: min(100%, calc((100vh - 150px) * var(--ratio, 1.7778)));
  box-shadow: 0 12px 48px rgb(0 0 0 / 50%);
}
.lightbox figcaption {
  display: flex; justify-content: space-between; gap: 16px; margin: 12px auto 0;
  width: min(100%, calc((100vh - 150px) * var(--ratio, 1.7778)));
  color: #d5d9df; font-size: 0.9rem;
}
.lightbox figcaption a { color: #fff; }
.nav, .close {
  position: absolute; display: grid; place-items: center; width: 48px; height: 48px;
  border-radius: 50%; background: rgb(255 255 255 / 12%); color: #fff;
  font-size: 30px; line-height: 1; text-decoration: none;
}
.nav:hover, .close:hover, .nav:focus-visible, .close:focus-visible {
  background: rgb(255 255 255 / 24%);
}
.nav { top: 50%; transform: translateY(-50%); }
.prev { left: 14px; }
.next { right: 14px; }
.close { top: 14px; right: 14px; font-size: 26px; }
.footer { padding-bottom: 40px; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 640px) {
  .wrap { padding: 0 14px; }
  .deck { padding: 16px; }
  .slides { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 10px; }
  .lightbox { padding: 64px 8px; }
  .nav { top: auto; bottom: 10px; transform: none; }
}
@media (prefers-reduced-motion: reduce) { .thumb { transition: none; } }
"""

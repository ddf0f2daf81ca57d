"""Built decks' PDFs to pictures: a PNG per slide, a thumbnail of each, and a contact sheet.

poppler's pdftoppm turns each page of a PDF into a PNG, SLIDE_WIDTH wide; Pillow scales each to
a THUMB_WIDTH thumbnail and lays every slide of a deck out on one PNG, the contact sheet, to
attach to a pull request. A deck's PNGs are made again only when its PDF is newer than them.

    <folder>/slide-01.png     each slide, 1280 px wide
    <folder>/thumb-01.png     each slide, 320 px wide
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from generator.errors import DeckgenError, Diagnostic, ToolError, display_path

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

_SHEET_BACKGROUND = (243, 244, 246)
_SHEET_BORDER = (206, 211, 218)
_SHEET_INK = (27, 31, 36)
_SHEET_MUTED = (96, 104, 115)


@dataclass(frozen=True)
class Slide:
    """One slide's PNGs and their sizes in pixels."""

    full: Path
    thumb: Path
    full_size: tuple[int, int]
    thumb_size: tuple[int, int]


def find_pdftoppm() -> str:
    """Return poppler's pdftoppm; raise `ToolError` saying to install it where it is missing."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        message = "deckgen preview needs poppler's pdftoppm: install poppler-utils"
        raise ToolError([Diagnostic("pdftoppm", None, None, message)])
    return pdftoppm


def render(pdf: Path, folder: Path, sheet: Path, pdftoppm: str) -> list[Slide]:
    """Return the slides of `pdf` as PNGs in `folder`, full size and thumbnails, making them
    with `pdftoppm` and Pillow unless they are there already and newer than the PDF.

    A stale contact sheet `sheet` is removed with the old PNGs, so that it is made again."""
    fulls = sorted(folder.glob("slide-*.png"))
    fresh = bool(fulls) and all(
        newer(path, pdf) and newer(_thumb_path(path), pdf) for path in fulls
    )
    if not fresh:
        sheet.unlink(missing_ok=True)
        fulls = _rasterize(pdf, folder, pdftoppm)
        for path in fulls:
            thumbnail(path, _thumb_path(path))
    return rendered(folder)


def rendered(folder: Path) -> list[Slide]:
    """Return the slides rendered in `folder` already, in order; none where there are none."""
    slides = []
    for full in sorted(folder.glob("slide-*.png")):
        thumb = _thumb_path(full)
        if not thumb.is_file():
            return []
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


#: Columns as the fractions of a slide's width where each starts and ends (`grid_columns`).
Columns = tuple[tuple[float, float], ...]
_GRID_FILL = (230, 0, 126, 46)
_GRID_EDGE = (230, 0, 126, 150)


def grid_columns(width: float, starts: list[float], column_width: float) -> Columns:
    """The columns of a layout grid on a slide `width` wide, as fractions of its width."""
    return tuple((start / width, (start + column_width) / width) for start in starts)


def draw_grid(tile: Image.Image, columns: Columns) -> Image.Image:
    """Return `tile` with `columns` drawn over it: a translucent band for each column, a line
    at each edge, so that what stands off the grid shows."""
    over = Image.new("RGBA", tile.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(over)
    for left, right in columns:
        x0, x1 = round(left * tile.width), round(right * tile.width) - 1
        draw.rectangle((x0, 0, x1, tile.height - 1), fill=_GRID_FILL)
        draw.line((x0, 0, x0, tile.height - 1), fill=_GRID_EDGE)
        draw.line((x1, 0, x1, tile.height - 1), fill=_GRID_EDGE)
    return Image.alpha_composite(tile.convert("RGBA"), over).convert("RGB")


def contact_sheet(
    slides: list[Path],
    target: Path,
    heading: str,
    details: str,
    labels: list[str] | None = None,
    grid: Columns = (),
) -> None:
    """Write one PNG with every slide in `slides` on a grid under a heading, each labelled
    below with its entry in `labels` (its number where there are none); with `grid`, each
    slide has those columns drawn over it (`draw_grid`)."""
    labels = labels or [str(number) for number in range(1, len(slides) + 1)]
    with Image.open(slides[0]) as first:
        slide = first.size
    tile_height = round(slide[1] * SHEET_TILE_WIDTH / slide[0])
    columns = max(1, min(SHEET_COLUMNS, len(slides)))
    sheet = Image.new("RGB", sheet_size(len(slides), slide), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title, found = _font(28, bold=True)
    small, _ = _font(17)
    if not found:  # Pillow's own font has no å, ä or ö
        heading, details, labels = _ascii(heading), _ascii(details), list(map(_ascii, labels))
    draw.text((SHEET_MARGIN, SHEET_MARGIN - 4), heading, fill=_SHEET_INK, font=title)
    draw.text((SHEET_MARGIN, SHEET_MARGIN + 36), details, fill=_SHEET_MUTED, font=small)
    top = SHEET_MARGIN + SHEET_HEADING
    for index, (path, label) in enumerate(zip(slides, labels, strict=True)):
        row, column = divmod(index, columns)
        x = SHEET_MARGIN + column * (SHEET_TILE_WIDTH + SHEET_GAP)
        y = top + row * (tile_height + SHEET_LABEL + SHEET_GAP)
        with Image.open(path) as image:
            tile = image.convert("RGB").resize(
                (SHEET_TILE_WIDTH, tile_height), Image.Resampling.LANCZOS
            )
        if grid:
            tile = draw_grid(tile, grid)
        sheet.paste(tile, (x, y))
        draw.rectangle(
            (x - 1, y - 1, x + SHEET_TILE_WIDTH, y + tile_height), outline=_SHEET_BORDER, width=1
        )
        draw.text((x, y + tile_height + 6), label, fill=_SHEET_MUTED, font=small)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)


#: Sans-serif fonts with Swedish letters, by file name; Pillow looks in the system's font
#: folders (Debian: fonts-liberation, fonts-dejavu-core; Windows and macOS: Arial).
_FONTS = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "arial.ttf", "Arial.ttf")
_BOLD_FONTS = ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "arialbd.ttf", "Arial Bold.ttf")


def system_font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | None:
    """Return an installed sans-serif font with å, ä and ö at `size`, or None."""
    for name in _BOLD_FONTS if bold else _FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return None


def _font(
    size: int, *, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """Return a system sans-serif font at `size` and True, or Pillow's own font and False."""
    found = system_font(size, bold=bold)
    return (found, True) if found is not None else (ImageFont.load_default(size=size), False)


def _ascii(text: str) -> str:
    """Return `text` without its accents: "Värmland" becomes "Varmland"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def newer(path: Path, than: Path) -> bool:
    """Whether `path` exists and was modified no earlier than `than`."""
    try:
        return path.stat().st_mtime >= than.stat().st_mtime
    except OSError:
        return False

"""`deckgen serve`'s warm rebuild, and screenshots of its page.

Run from the project root with the virtualenv's Python:

    python benchmarks/serve.py [--runs N]
    python benchmarks/serve.py --screenshots DIR

The first prints two medians on Region Värmland's deck with the example overlay, each run
changing quote 2's text: the warm rebuild, `Pipeline.draw` on the server's warm pipeline (the
deck merged, checked, resolved, laid out and drawn in memory), and the whole save, what
`PUT /api/overlays/<name>` spends (`Studio.save_overlay`: the overlay written round trip to a
temporary file, the deck drawn with it, its slides hashed, the file renamed into place).

It then times what a speaker waits for: the server started on a copy of the content, with its
LibreOffice that stays running, the page open on Region Värmland in headless Chromium, and, for
each run, quote 2's text changed, "Spara" clicked, until the page shows quote 2's new
thumbnail, loaded (`save_to_thumbnail`; `--no-page` leaves it out). Each figure is printed with
its target and PASS or FAIL: the warm rebuild ≤ 100 ms, the save to thumbnail ≤ 1.5 s.

The second form starts the server on a copy of the content, opens Region Värmland with the example
overlay in headless Chromium (Debian's /usr/bin/chromium, or DECKGEN_CHROMIUM),
waits for the thumbnails and writes `desktop.png` (1280 wide) and `phone.png` (375 × 812) to
DIR. Nothing is written to the project's own content.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.app.serve.server import make_app, running  # noqa: E402
from generator.app.serve.studio import Studio  # noqa: E402
from generator.app.serve.thumbs import default_renderer  # noqa: E402

CHROMIUM = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")
#: The page has drawn every thumbnail it waits for.
READY = "() => document.querySelectorAll('.thumb .pending').length === 0"


def copy_content(into: Path) -> Path:
    """Copy the project's content to `into`; return the deck file there."""
    shutil.copytree(ROOT / "content", into / "content")
    return into / "content" / "deck.yaml"


def warm_rebuild(runs: int) -> tuple[list[float], list[float]]:
    """Return the seconds each of `runs` warm rebuilds and overlay saves took, after one
    discarded warm-up of each."""
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-serve-") as folder:
        deck = copy_content(Path(folder))
        studio = Studio(deck, ROOT / "templates", Path(folder) / "thumbs")
        data, etag = studio.overlay("exempel")
        variant = studio.deck("varmland", "exempel").variant
        rebuilds, saves = [], []
        for run in range(runs + 1):
            data["slides"]["eget-citat"]["text"] = f"”Citat nummer {run}.”"
            start = time.perf_counter()
            etag, _ = studio.save_overlay("exempel", data, etag, None, "varmland")
            middle = time.perf_counter()
            studio.pipeline.draw(variant)
            if run:
                saves.append(middle - start)
                rebuilds.append(time.perf_counter() - middle)
        studio.close()
        return rebuilds, saves


@contextlib.contextmanager
def served(prefix: str) -> Iterator[tuple[Any, str, Path]]:
    """Serve a copy of the content (the project's own is not touched), with the LibreOffice
    that stays running, and launch headless Chromium: yield the browser, the server's URL and
    the folder the copy is in, which is removed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        deck = copy_content(Path(scratch))
        app = make_app(
            deck, ROOT / "templates", renderer=default_renderer(), thumbs=Path(scratch) / "t"
        )
        with running(app) as url, sync_playwright() as playwright:
            executable = {} if CHROMIUM == "bundled" else {"executable_path": CHROMIUM}
            browser = playwright.chromium.launch(args=["--no-sandbox"], **executable)
            try:
                yield browser, url, Path(scratch)
            finally:
                browser.close()


def open_example(browser: Any, url: str, width: int = 1280, height: int = 900) -> Any:
    """Open a page on Region Värmland with the example overlay; return it once every thumbnail
    is drawn."""
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    page.goto(f"{url}?variant=varmland&overlay=exempel")
    page.wait_for_selector("#redigera:not([hidden])")
    page.wait_for_function(READY, timeout=180_000)
    return page


def save_to_thumbnail(runs: int) -> list[float]:
    """Return the seconds from a click on "Spara" to quote 2's new thumbnail shown in the page,
    for each of `runs` saves that change its text, after one discarded warm-up: the server on a
    copy of the content, with its LibreOffice that stays running, the page in headless
    Chromium, as a speaker uses it."""
    changed = (
        "([id, old]) => { const img = document.querySelector(`li.slide[data-id='${id}'] img`);"
        " return img && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0 }"
    )
    times = []
    with served("deckgen-bench-page-") as (browser, url, _):
        page = open_example(browser, url)
        selector = "li.slide[data-id='eget-citat'] .thumb img"
        for run in range(runs + 1):
            before = page.get_attribute(selector, "src") or ""
            page.fill("#citat-text-eget-citat", f"”Citat nummer {run} i mätningen.”")
            start = time.perf_counter()
            page.click("#spara")
            page.wait_for_function(changed, arg=["eget-citat", before], timeout=60_000)
            if run:
                times.append(time.perf_counter() - start)
    return times


def screenshots(folder: Path) -> list[Path]:
    """Write the page's screenshots at a laptop's and a phone's width into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with served("deckgen-shots-") as (browser, url, _):
        for name, size in [("desktop", (1280, 900)), ("phone", (375, 812))]:
            page = open_example(browser, url, *size)
            page.wait_for_function(
                "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
            )
            target = folder / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed saves (default 20)")
    parser.add_argument(
        "--page-runs", type=int, default=10, help="timed saves in the page (default 10)"
    )
    parser.add_argument(
        "--no-page", action="store_true", help="leave out the page (no Chromium, no LibreOffice)"
    )
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="write screenshots here")
    args = parser.parse_args()
    if args.screenshots is not None:
        for path in screenshots(args.screenshots):
            sys.stdout.write(f"wrote {path}\n")
        return
    rebuilds, saves = warm_rebuild(args.runs)
    rows = [("warm rebuild (Pipeline.draw)", rebuilds, 0.100), ("save (PUT)", saves, None)]
    if not args.no_page:
        rows.append(("save to thumbnail, in the page", save_to_thumbnail(args.page_runs), 1.5))
    for label, times, target in rows:
        median = statistics.median(times)
        verdict = "" if target is None else (" PASS" if median <= target else " FAIL")
        limit = "" if target is None else f", target ≤ {target * 1000:.0f} ms"
        sys.stdout.write(
            f"deckgen serve: {label} of varmland + exempel, median of {len(times)}:"
            f" {median * 1000:.0f} ms (min {min(times) * 1000:.0f},"
            f" max {max(times) * 1000:.0f}{limit}){verdict}\n"
        )


if __name__ == "__main__":
    main()

"""`deckgen serve`'s warm rebuild, and screenshots of its page.

Run from the project root with the virtualenv's Python:

    python benchmarks/serve.py [--runs N]
    python benchmarks/serve.py --screenshots DIR

The first prints two medians on Region Värmland's deck with the example overlay, each run
changing quote 2's text: the warm rebuild, `Pipeline.draw` on the server's warm pipeline (the
deck merged, checked, resolved, laid out and drawn in memory), and the whole save, what
`PUT /api/overlays/<name>` spends (`Studio.save_overlay`: the overlay written round trip to a
temporary file, the deck drawn with it, its slides hashed, the file renamed into place).

The second starts the server on a copy of the content, opens Region Värmland with the example
overlay in headless Chromium (Debian's /usr/bin/chromium, or DECKGEN_CHROMIUM),
waits for the thumbnails and writes `desktop.png` (1280 wide) and `phone.png` (375 × 812) to
DIR. Nothing is written to the project's own content.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.app.serve.server import make_app, running  # noqa: E402
from generator.app.serve.studio import Studio  # noqa: E402
from generator.app.serve.thumbs import default_renderer  # noqa: E402

CHROMIUM = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")


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


def screenshots(folder: Path) -> list[Path]:
    """Write the page's screenshots at a laptop's and a phone's width into `folder`."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deckgen-shots-") as scratch:
        deck = copy_content(Path(scratch))
        app = make_app(
            deck, ROOT / "templates", renderer=default_renderer(), thumbs=Path(scratch) / "t"
        )
        written = []
        with running(app) as url, sync_playwright() as playwright:
            executable = {} if CHROMIUM == "bundled" else {"executable_path": CHROMIUM}
            browser = playwright.chromium.launch(args=["--no-sandbox"], **executable)
            for name, size in [("desktop", (1280, 900)), ("phone", (375, 812))]:
                page = browser.new_page(
                    viewport={"width": size[0], "height": size[1]}, bypass_csp=True
                )
                page.goto(f"{url}?variant=varmland&overlay=exempel")
                page.wait_for_selector("#redigera:not([hidden])")
                page.wait_for_function(
                    "document.querySelectorAll('.thumb .pending').length === 0", timeout=180_000
                )
                page.wait_for_function(
                    "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
                )
                target = folder / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            browser.close()
        return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed saves (default 20)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="write screenshots here")
    args = parser.parse_args()
    if args.screenshots is not None:
        for path in screenshots(args.screenshots):
            sys.stdout.write(f"wrote {path}\n")
        return
    rebuilds, saves = warm_rebuild(args.runs)
    for label, times in [("warm rebuild (Pipeline.draw)", rebuilds), ("save (PUT)", saves)]:
        sys.stdout.write(
            f"deckgen serve: {label} of varmland + exempel, median of {len(times)}:"
            f" {statistics.median(times) * 1000:.0f} ms"
            f" (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})\n"
        )


if __name__ == "__main__":
    main()

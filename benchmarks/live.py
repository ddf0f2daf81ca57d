"""The live preview's PDFs: a cold soffice per deck (today's way) against a LibreOffice kept warm.

Run from the project root with the virtualenv's Python:

    python benchmarks/live.py [--runs N]

It builds the national deck into a temporary folder, then prints a Markdown table to standard
output (progress goes to standard error), each figure the median wall-clock time of N runs:

- cold: `generator.output.pdf.export_pdfs` of the deck, one `soffice --convert-to pdf` in a
  fresh profile, as `deckgen build --pdf` and `deckgen preview` export today;
- first export: `LiveOffice.pdf` of the whole deck in a new `LiveOffice`, soffice's start
  included (one run; it happens once a process);
- warm, one slide and warm, whole deck: `LiveOffice.pdf` once soffice runs, after one
  untimed warm-up export.

Outputs go to temporary folders, never to the project's `output/`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.output.live import LiveOffice
from generator.output.pdf import export_pdfs
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

ROOT = Path(__file__).resolve().parent.parent


def timed(runs: int, action: Callable[[int], object]) -> list[float]:
    """Return the seconds each of `runs` calls of `action(run)` took."""
    times = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - start)
    return times


def measure(runs: int, scratch: Path) -> list[tuple[str, list[float]]]:
    """Return each figure's name and its times."""
    progress("building the national deck")
    pipeline = Pipeline(Options(ROOT / "templates"))
    deck = pipeline.build(Variant(ROOT / "content" / "deck.yaml"), scratch / "deck").path
    rows = []
    progress(f"cold: soffice --convert-to pdf, {runs} runs")
    rows.append(
        ("cold `soffice --convert-to pdf`, whole deck", timed(runs, lambda run: cold(deck, run)))
    )
    with LiveOffice() as office:
        progress("live: first export, soffice's start included")
        first = timed(1, lambda run: office.pdf(deck, scratch / "first.pdf"))
        rows.append(("LiveOffice, first export (starts soffice), whole deck", first))
        progress(f"live: warm, {runs} runs each")
        office.pdf(deck, scratch / "warm-up.pdf", pages=[2])
        one = timed(runs, lambda run: office.pdf(deck, scratch / "one.pdf", pages=[2]))
        rows.append(("LiveOffice warm, one slide", one))
        whole = timed(runs, lambda run: office.pdf(deck, scratch / "whole.pdf"))
        rows.append(("LiveOffice warm, whole deck", whole))
    return rows


def cold(deck: Path, run: int) -> None:
    """Export `deck` as `deckgen build --pdf` does, into a folder of its own."""
    with tempfile.TemporaryDirectory(prefix=f"deckgen-cold-{run}-") as folder:
        if not export_pdfs([deck], folder=Path(folder)):
            raise RuntimeError("export_pdfs wrote nothing")


def table(rows: list[tuple[str, list[float]]]) -> str:
    """Return `rows` as a Markdown table: median, fastest and slowest, in seconds."""
    lines = ["| figure | runs | median s | min s | max s |", "|---|---|---|---|---|"]
    for name, times in rows:
        lines.append(
            f"| {name} | {len(times)} | {statistics.median(times):.2f} "
            f"| {min(times):.2f} | {max(times):.2f} |"
        )
    return "\n".join(lines)


def progress(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per figure (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-live-") as scratch:
        rows = measure(args.runs, Path(scratch))
    sys.stdout.write(f"{table(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory figures for deckgen, each measured on whole, fresh processes.

Run from the project root with the virtualenv's Python:

    python benchmarks/run.py [--runs N]

It prints a Markdown table to standard output (progress goes to standard error). Every timing is
the median wall-clock time of N runs of a fresh process, after one discarded warm-up run; every
ratio is to the floor measured in the same invocation. Outputs go to temporary folders, never to
the project's `output/`. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = Path("content/deck.yaml")
TEMPLATES = Path("templates")
MIB = 1024  # ru_maxrss is in KiB on Linux

#: The floor: import python-pptx, open its built-in template, save it with no content.
FLOOR = "import sys, pptx; pptx.Presentation().save(sys.argv[1])"

#: Builds one deck in one process with one Pipeline: once to warm up, then argv[1] timed times.
WARM = """\
import json, sys, tempfile, time
from pathlib import Path
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

runs = int(sys.argv[1])
pipeline = Pipeline(Options(Path("templates")))
variant = Variant(Path("content/deck.yaml"))
times = []
with tempfile.TemporaryDirectory() as folder:
    out = Path(folder)
    pipeline.build(variant, out)
    for _ in range(runs):
        start = time.perf_counter()
        pipeline.build(variant, out)
        times.append(time.perf_counter() - start)
print(json.dumps(times))
"""

#: Runs argv[1:] and prints the peak RSS (KiB) of the largest process in its tree. The command's
#: output goes to this wrapper's standard error, so its standard output is the figure alone.
PEAK = """\
import resource, subprocess, sys

code = subprocess.run(sys.argv[1:], stdout=sys.stderr).returncode
if code:
    sys.exit(code)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


class BenchmarkError(Exception):
    """A measured command failed or did not do what it was meant to."""


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    name: str
    values: list[float]
    unit: str  # "s" or "MiB"
    limit: float | None = None  # the target, as a multiple of the floor ("s") or in MiB
    floor: float | None = None  # what the ratio is to; None for the floor itself

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def ratio(self) -> str:
        return "1.00×" if self.floor is None else f"{self.median / self.floor:.2f}×"

    def spread(self) -> str:
        if len(self.values) < 2:
            return "—"
        low, high = min(self.values), max(self.values)
        return f"{_number(low, self.unit)}–{_number(high, self.unit)} {self.unit}"

    def target(self) -> str:
        if self.limit is None:
            return "—"
        if self.unit == "MiB":
            return f"< {self.limit:g} MiB"
        return f"≤ {self.limit:g}× floor"

    def passed(self) -> bool | None:
        if self.limit is None:
            return None
        if self.unit == "MiB":
            return self.median < self.limit
        assert self.floor is not None
        return self.median <= self.limit * self.floor

    def cells(self) -> list[str]:
        verdict = {None: "—", True: "pass", False: "**FAIL**"}[self.passed()]
        median = f"{_number(self.median, self.unit)} {self.unit}"
        return [self.name, median, self.spread(), self.ratio(), self.target(), verdict]


def _number(value: float, unit: str) -> str:
    return f"{value:.1f}" if unit == "MiB" else f"{value:.3f}"


def deckgen() -> list[str]:
    """Return the command users run: the console script beside this Python, else `-m`."""
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def run(argv: Sequence[str]) -> tuple[float, str]:
    """Run a command to its end; return its wall-clock seconds and its standard output."""
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)} exited with status {result.returncode}:\n{result.stderr.strip()}"
        )
    return seconds, result.stdout


def repeat(
    command: Callable[[], Sequence[str]],
    runs: int,
    check: Callable[[str], None],
) -> list[float]:
    """Time `runs` runs of `command()` (a fresh argv each run), after one discarded warm-up run
    (it fills the disk cache and writes any stale bytecode); `check` vets each run's output."""
    times: list[float] = []
    for index in range(runs + 1):
        seconds, stdout = run(command())
        check(stdout)
        if index:
            times.append(seconds)
    return times


def peak_mib(argv: Sequence[str]) -> float:
    """Return the peak RSS, in MiB, of the largest process `argv` starts (itself included)."""
    _, stdout = run([sys.executable, "-c", PEAK, *argv])
    return int(stdout.strip().splitlines()[-1]) / MIB


def expect_wrote(count: int) -> Callable[[str], None]:
    """Check that a build wrote `count` decks and found none up to date."""

    def check(stdout: str) -> None:
        lines = stdout.splitlines()
        wrote = sum(line.startswith("wrote ") for line in lines)
        if wrote != count or any(line.startswith("up to date ") for line in lines):
            raise BenchmarkError(f"expected {count} decks written, got:\n{stdout}")

    return check


def expect_up_to_date(count: int) -> Callable[[str], None]:
    """Check that a build found all `count` decks up to date and wrote none."""

    def check(stdout: str) -> None:
        current = sum(line.startswith("up to date ") for line in stdout.splitlines())
        if current != count or "wrote " in stdout:
            raise BenchmarkError(f"expected {count} decks up to date, got:\n{stdout}")

    return check


def no_check(stdout: str) -> None:
    """Accept any output."""


def progress(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def measure(runs: int, scratch: Path) -> list[Row]:
    """Take every figure; `scratch` is a temporary folder for all outputs."""
    decks = 1 + len(list((CONTENT.parent / "regions").glob("*.yaml")))
    build = [*deckgen(), "build"]

    def fresh() -> Path:
        return Path(tempfile.mkdtemp(dir=scratch))

    progress(f"floor ({runs} runs)")
    empty = str(scratch / "empty.pptx")
    floor_argv = [sys.executable, "-c", FLOOR, empty]
    floor = repeat(lambda: floor_argv, runs, no_check)
    base = statistics.median(floor)

    progress(f"one deck, cold ({runs} runs)")
    one = repeat(lambda: [*build, "--force", "--output", str(fresh())], runs, expect_wrote(1))

    progress(f"all {decks} decks, cold ({runs} runs)")
    every = repeat(
        lambda: [*build, "--all", "--force", "--output", str(fresh())], runs, expect_wrote(decks)
    )

    progress(f"all {decks} decks, nothing changed ({runs} runs)")
    prepared = fresh()
    run([*build, "--all", "--output", str(prepared)])
    unchanged_argv = [*build, "--all", "--output", str(prepared)]
    unchanged = repeat(lambda: unchanged_argv, runs, expect_up_to_date(decks))

    progress(f"one deck, warm, in one process ({runs} runs)")
    _, stdout = run([sys.executable, "-c", WARM, str(runs)])
    warm = [float(seconds) for seconds in json.loads(stdout)]

    progress("peak memory")
    floor_peak = peak_mib(floor_argv)
    one_peak = peak_mib([*build, "--force", "--output", str(fresh())])
    every_peak = peak_mib([*build, "--all", "--force", "--output", str(fresh())])

    return [
        Row("floor: python-pptx saves its default template", floor, "s"),
        Row("`deckgen build --force`, one deck, cold", one, "s", 1.5, base),
        Row(f"`deckgen build --all --force`, {decks} decks, cold", every, "s", 3, base),
        Row(f"`deckgen build --all`, {decks} decks, nothing changed", unchanged, "s", 0.5, base),
        Row("one deck, warm, in-process `Pipeline.build`", warm, "s", None, base),
        Row("peak memory: floor", [floor_peak], "MiB"),
        Row("peak memory: one deck", [one_peak], "MiB", 150, floor_peak),
        Row(f"peak memory: {decks} decks (largest process)", [every_peak], "MiB", 150, floor_peak),
    ]


def table(rows: list[Row]) -> str:
    header = ["measurement", "median", "range", "× floor", "target", "result"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|---|---:|---:|---:|---|---|",
        *("| " + " | ".join(row.cells()) + " |" for row in rows),
    ]
    return "\n".join(lines)


def environment(runs: int) -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cpus = f"{os.cpu_count()} CPUs" + (f" ({usable} usable)" if usable is not None else "")
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpus}, {date}; median of {runs} runs, each a fresh process unless noted."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per figure (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.chdir(ROOT)
    try:
        with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as scratch:
            rows = measure(args.runs, Path(scratch))
    except BenchmarkError as exc:
        sys.stderr.write(f"benchmark failed: {exc}\n")
        return 1
    sys.stdout.write(f"{environment(args.runs)}\n\n{table(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory figures for deckgen, each measured on whole, fresh processes.

Run from the project root with the virtualenv's Python:

    python benchmarks/run.py [--runs N] [--only GROUP ...]
    python benchmarks/run.py --smoke

It prints a Markdown table to standard output (progress goes to standard error). Every timing is
the median wall-clock time of N runs of a fresh process, after one discarded warm-up run; every
ratio is to its floor measured in the same invocation, and every row with a target says PASS or
FAIL. Outputs go to temporary folders, never to the project's `output/`. Only the standard
library and the installed project are used.

`--smoke` builds the 290 synthetic decks once and validates every one with
`../shared/tools/validate_pptx.py` (where it is present): CI's check that 290 decks build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
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
#: How many decks the scale row builds: one per Swedish municipality.
MUNICIPALITIES = 290
#: The schema validator of built decks, beside the project (see ../shared/README.md).
VALIDATOR = ROOT.parent / "shared" / "tools" / "validate_pptx.py"
#: The row groups `--only` picks from.
GROUPS = ("build", "release", "scale", "memory")

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


#: Runs the console script argv[1] in this process with arguments argv[2:] and prints this
#: process's own peak RSS (KiB) to standard error's last line: deckgen's peak without the tools
#: it starts (LibreOffice, poppler), which RUSAGE_CHILDREN would count.
PEAK_SELF = """\
import atexit, resource, runpy, sys

def peak():
    sys.stderr.write(f"\\npeak-rss-kib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")

atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
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
    floor: float | None = None  # what the ratio is to; None for a floor itself
    of: str = "floor"  # the floor's name in the target column
    base: bool = False  # whether the row is a floor itself (its ratio is 1.00×)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def ratio(self) -> str:
        if self.floor is None:
            return "1.00×" if self.base else "—"
        return f"{self.median / self.floor:.2f}×"

    def spread(self) -> str:
        if len(self.values) < 2:
            return "—"
        low, high = min(self.values), max(self.values)
        return f"{_number(low, self.unit)}–{_number(high, self.unit)} {self.unit}"

    def target(self) -> str:
        if self.limit is None:
            return "—"
        if self.unit == "MiB":
            return f"≤ {self.limit:g} MiB"
        return f"≤ {self.limit:g}× {self.of}"

    def passed(self) -> bool | None:
        if self.limit is None:
            return None
        if self.unit == "MiB":
            return self.median <= self.limit
        assert self.floor is not None
        return self.median <= self.limit * self.floor

    def cells(self) -> list[str]:
        verdict = {None: "—", True: "PASS", False: "**FAIL**"}[self.passed()]
        median = f"{_number(self.median, self.unit)} {self.unit}"
        return [self.name, median, self.spread(), self.ratio(), self.target(), verdict]


def _number(value: float, unit: str) -> str:
    return f"{value:.1f}" if unit == "MiB" else f"{value:.3f}"


def deckgen() -> list[str]:
    """Return the command users run: the console script beside this Python, else `-m`."""
    script = Path(sys.executable).parent / "deckgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "generator"]


def environ(scratch: Path) -> dict[str, str]:
    """Return the environment of every measured process: Python caches bytecode (in `scratch`,
    not beside the sources), as it does for a user, even where PYTHONDONTWRITEBYTECODE is set
    (without the cache, every run compiles deckgen's modules again: 0.2-0.4 s)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


_ENV: dict[str, str] | None = None


def run(argv: Sequence[str]) -> tuple[float, str, str]:
    """Run a command to its end; return its wall-clock seconds, standard output and error."""
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=_ENV)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)} exited with status {result.returncode}:\n"
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    return seconds, result.stdout, result.stderr


def repeat(
    command: Callable[[], Sequence[str]],
    runs: int,
    check: Callable[[str], None],
) -> list[float]:
    """Time `runs` runs of `command()` (a fresh argv each run), after one discarded warm-up run
    (it fills the disk cache and writes any stale bytecode); `check` vets each run's output."""
    times: list[float] = []
    for index in range(runs + 1):
        seconds, stdout, _ = run(command())
        check(stdout)
        if index:
            times.append(seconds)
    return times


def peak_mib(argv: Sequence[str]) -> float:
    """Return the peak RSS, in MiB, of the largest process `argv` starts (itself included)."""
    _, stdout, _ = run([sys.executable, "-c", PEAK, *argv])
    return int(stdout.strip().splitlines()[-1]) / MIB


def own_peak_mib(args: Sequence[str]) -> float:
    """Return the peak RSS, in MiB, of the deckgen process itself run with `args`, leaving out
    the tools it starts (LibreOffice, poppler) and the processes it forks."""
    script = Path(sys.executable).parent / "deckgen"
    _, _, stderr = run([sys.executable, "-c", PEAK_SELF, str(script), *args])
    found = re.findall(r"^peak-rss-kib (\d+)$", stderr, re.MULTILINE)
    return int(found[-1]) / MIB


def expect_wrote(count: int) -> Callable[[str], None]:
    """Check that a build wrote `count` decks and found none up to date."""

    def check(stdout: str) -> None:
        lines = stdout.splitlines()
        wrote = sum(line.startswith("wrote ") for line in lines)
        if wrote != count or any(line.startswith("up to date ") for line in lines):
            raise BenchmarkError(f"expected {count} decks written, got:\n{stdout[-2000:]}")

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


def synthetic_content(folder: Path, decks: int = MUNICIPALITIES) -> Path:
    """Write a content folder for `decks` decks into `folder` and return its deck file: the
    project's content with its region files replaced by `decks - 1` SYNTHETIC ones.

    Each is a copy of one of the real region files, in turn, under another slug and a name
    that says it is synthetic ("Syntetisk variant 001 (Region Värmland)"): it shows only the
    real region's facts and chart, and invents none. One deck per Swedish municipality is the
    scale this stands for, not what it shows."""
    source = ROOT / CONTENT.parent
    content = folder / "content"
    shutil.copytree(source, content, ignore=shutil.ignore_patterns("regions"))
    (content / "regions").mkdir()
    models = sorted((source / "regions").glob("*.yaml"))
    for number in range(1, decks):
        model = models[(number - 1) % len(models)]
        slug = f"syntetisk-{number:03d}"
        text = model.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^  slug: .*$", f"  slug: {slug}", text, count=1)
        found = re.search(r"(?m)^  name: (.*)$", text)
        if found is None:
            raise BenchmarkError(f"{model} has no `  name:` line to mark as synthetic")
        name = found[1].strip().strip("'\"")
        marked = f"  name: 'Syntetisk variant {number:03d} ({name})'"
        text = text[: found.start()] + marked + text[found.end() :]
        header = (
            f"# SYNTHETIC test data, written by benchmarks/run.py: a copy of {model.name} under"
            " another slug and name,\n# to time 290 decks. Not a real region or municipality.\n"
        )
        (content / "regions" / f"{slug}.yaml").write_text(header + text, encoding="utf-8")
    return content / "deck.yaml"


#: The LibreOffice floor: one soffice call exports every deck in argv[2] to PDF (a fresh
#: profile, as deckgen uses), then pdftoppm renders each page argv[1] pixels wide, as the
#: gallery does.
LIBREOFFICE_FLOOR = """\
import shutil, subprocess, sys, tempfile
from pathlib import Path

width, decks = sys.argv[1], sorted(Path(sys.argv[2]).glob("*.pptx"))
with tempfile.TemporaryDirectory() as folder:
    out = Path(folder)
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={(out / 'profile').as_uri()}",
         "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, decks)],
        check=True, capture_output=True,
    )
    for deck in decks:
        pdf = out / f"{deck.stem}.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-scale-to-x", width, "-scale-to-y", "-1", str(pdf),
             str(out / deck.stem)],
            check=True, capture_output=True,
        )
"""


def measure_builds(runs: int, scratch: Path, fresh: Callable[[], Path]) -> list[Row]:
    """The python-pptx floor and the build rows."""
    decks = _deck_count(ROOT / CONTENT)
    build = [*deckgen(), "build"]

    progress(f"floor ({runs} runs)")
    empty = str(scratch / "empty.pptx")
    floor_argv = [sys.executable, "-c", FLOOR, empty]
    floor_times = repeat(lambda: floor_argv, runs, no_check)
    base = statistics.median(floor_times)
    floor = Row("floor: python-pptx saves its default template", floor_times, "s", base=True)

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
    _, stdout, _ = run([sys.executable, "-c", WARM, str(runs)])
    warm = [float(seconds) for seconds in json.loads(stdout)]

    return [
        floor,
        Row("`deckgen build --force`, one deck, cold", one, "s", 2, base),
        Row(f"`deckgen build --all --force`, {decks} decks, cold", every, "s", 3, base),
        Row(f"`deckgen build --all`, {decks} decks, nothing changed", unchanged, "s", 0.5, base),
        Row("one deck, warm, in-process `Pipeline.build`", warm, "s", None, base),
    ]


def measure_release(runs: int, fresh: Callable[[], Path]) -> list[Row]:
    """The LibreOffice floor and a cold release: build, check and preview into a fresh folder."""
    from generator.output.raster import SLIDE_WIDTH

    decks = _deck_count(ROOT / CONTENT)
    built = fresh()
    run([*deckgen(), "build", "--all", "--output", str(built)])
    progress(f"LibreOffice floor, {decks} decks ({runs} runs)")
    floor_argv = [sys.executable, "-c", LIBREOFFICE_FLOOR, str(SLIDE_WIDTH), str(built)]
    floor = repeat(lambda: floor_argv, runs, no_check)
    base = statistics.median(floor)

    progress(f"release, {decks} decks, cold ({runs} runs)")
    steps: dict[str, list[float]] = {
        "build --all --force": [],
        "check --all": [],
        "preview --all": [],
    }
    totals = []
    for index in range(runs + 1):
        output = str(fresh())
        times = {}
        for step in steps:
            times[step], stdout, _ = run([*deckgen(), *step.split(), "--output", output])
            if step.startswith("build"):
                expect_wrote(decks)(stdout)
        if index:  # the first run is the warm-up
            for step, seconds in times.items():
                steps[step].append(seconds)
            totals.append(sum(times.values()))
    release = "`build --all --force && check --all && preview --all`"
    return [
        Row(
            f"LibreOffice floor: one `soffice`, {decks} decks; `pdftoppm`, every page",
            floor,
            "s",
            base=True,
        ),
        Row(f"a release, {decks} decks, cold: {release}", totals, "s", 1.5, base, "LO floor"),
        *(
            Row(f"… of which `deckgen {step}`", values, "s", None, base)
            for step, values in steps.items()
        ),
    ]


def measure_scale(
    runs: int, scratch: Path, fresh: Callable[[], Path], every: Row | None
) -> list[Row]:
    """290 decks, one per municipality, from the synthetic content set; per deck, as a ratio to
    the per-deck time of the project's own decks (`every`, built in the same run: measured
    here where the build rows were not)."""
    content = synthetic_content(Path(tempfile.mkdtemp(dir=scratch)))
    decks = _deck_count(content)
    build = [*deckgen(), "build", "--content", str(content), "--all", "--force"]
    small = _deck_count(ROOT / CONTENT)
    rows = []
    if every is None:
        progress(f"all {small} decks, cold ({runs} runs)")
        argv = [*deckgen(), "build", "--all", "--force", "--output"]
        times = repeat(lambda: [*argv, str(fresh())], runs, expect_wrote(small))
        every = Row(f"`deckgen build --all --force`, {small} decks, cold", times, "s")
        rows.append(every)
    progress(f"{decks} synthetic decks, cold ({runs} runs)")
    totals = repeat(lambda: [*build, "--output", str(fresh())], runs, expect_wrote(decks))
    per_small = every.median / small
    return [
        *rows,
        Row(f"`deckgen build --all --force`, {decks} synthetic decks, cold", totals, "s"),
        Row(
            f"… per deck, at {decks} decks",
            [seconds / decks for seconds in totals],
            "s",
            1.2,
            per_small,
            f"per deck at {small}",
        ),
    ]


def measure_memory(scratch: Path, fresh: Callable[[], Path]) -> list[Row]:
    """Peak resident memory of each kind of deckgen process."""
    decks = _deck_count(ROOT / CONTENT)
    build = [*deckgen(), "build"]
    progress("peak memory")
    floor_peak = peak_mib([sys.executable, "-c", FLOOR, str(scratch / "empty.pptx")])
    one_peak = peak_mib([*build, "--force", "--output", str(fresh())])
    every_peak = peak_mib([*build, "--all", "--force", "--output", str(fresh())])
    content = synthetic_content(Path(tempfile.mkdtemp(dir=scratch)))
    many = _deck_count(content)
    many_peak = peak_mib([*build, "--content", str(content), "--all", "--output", str(fresh())])
    output = str(fresh())
    run([*build, "--all", "--output", output])
    check_peak = own_peak_mib(["check", "--all", "--output", output])
    preview_peak = own_peak_mib(["preview", "--all", "--output", output])
    return [
        Row("peak memory: floor", [floor_peak], "MiB", base=True),
        Row("peak memory: one deck", [one_peak], "MiB", 150, floor_peak),
        Row(f"peak memory: {decks} decks (largest process)", [every_peak], "MiB", 150, floor_peak),
        Row(f"peak memory: {many} decks (largest process)", [many_peak], "MiB", 150, floor_peak),
        Row("peak memory: `check --all` (deckgen's process)", [check_peak], "MiB", 150, floor_peak),
        Row(
            "peak memory: `preview --all` (deckgen's process)",
            [preview_peak],
            "MiB",
            150,
            floor_peak,
        ),
    ]


def _deck_count(content: Path) -> int:
    """The national deck and one per region file."""
    return 1 + len(list((content.parent / "regions").glob("*.yaml")))


def measure(runs: int, scratch: Path, groups: Sequence[str]) -> list[Row]:
    """Take the figures of `groups`; `scratch` is a temporary folder for all outputs."""

    def fresh() -> Path:
        return Path(tempfile.mkdtemp(dir=scratch))

    rows: list[Row] = []
    every = None
    if "build" in groups:
        rows += measure_builds(runs, scratch, fresh)
        every = rows[2]
    if "scale" in groups:
        rows += measure_scale(runs, scratch, fresh, every)
    if "release" in groups:
        rows += measure_release(runs, fresh)
    if "memory" in groups:
        rows += measure_memory(scratch, fresh)
    return rows


def smoke(scratch: Path) -> int:
    """Build the synthetic 290-deck set once and validate every deck; return the exit status."""
    content = synthetic_content(scratch / "set")
    decks = _deck_count(content)
    output = scratch / "output"
    progress(f"building {decks} synthetic decks")
    seconds, stdout, _ = run(
        [*deckgen(), "build", "--content", str(content), "--all", "--output", str(output)]
    )
    expect_wrote(decks)(stdout)
    built = sorted(output.glob("*.pptx"))
    if len(built) != decks:
        raise BenchmarkError(f"expected {decks} decks in {output}, found {len(built)}")
    said = f"built {decks} decks in {seconds:.1f} s"
    if not VALIDATOR.is_file():
        sys.stdout.write(f"{said}; not validated: {VALIDATOR} is absent\n")
        return 0
    progress(f"validating {decks} decks with {VALIDATOR.name}")
    start = time.perf_counter()
    halves = [built[index::2] for index in range(2)]  # two validators: two cores
    checks = [
        subprocess.Popen(
            [sys.executable, str(VALIDATOR), *map(str, half)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for half in halves
    ]
    problems = "".join(check.communicate()[0] for check in checks)
    failed = any(check.returncode for check in checks)
    took = time.perf_counter() - start
    if failed:
        sys.stdout.write(f"{said}; the validator found problems ({took:.1f} s):\n{problems}")
        return 1
    sys.stdout.write(f"{said}; all {decks} valid ({VALIDATOR.name}, {took:.1f} s)\n")
    return 0


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
    global _ENV
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per figure (default: %(default)s)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="measure only these rows (repeatable): the builds, the release with LibreOffice,"
        " the 290 decks, peak memory; all by default",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="no timings: build the 290 synthetic decks once and validate each (for CI)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.chdir(ROOT)
    try:
        with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as scratch:
            _ENV = environ(Path(scratch))
            if args.smoke:
                return smoke(Path(scratch))
            rows = measure(args.runs, Path(scratch), args.only or GROUPS)
    except BenchmarkError as exc:
        sys.stderr.write(f"benchmark failed: {exc}\n")
        return 1
    sys.stdout.write(f"{environment(args.runs)}\n\n{table(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

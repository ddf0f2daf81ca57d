"""Run many builds: in this process or a pool of processes, one outcome per deck.

A failing deck does not stop the others. Each worker process builds with one `Pipeline`, so the
master, the layout templates, the base deck and the brands are loaded once per process; the
pool forks from a process that has loaded them already, so the workers start warm.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic
from generator.pipeline import Built, Pipeline
from generator.source.variant import Options, Variant


@dataclass(frozen=True)
class Outcome:
    """What became of one deck: built, or failed with diagnostics."""

    variant: Variant
    built: Built | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    internal: bool = False
    """Whether it failed through a bug in deckgen, not through its input."""

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The built deck's warnings, which came back from the worker with it."""
        return self.built.warnings if self.built is not None else ()


_PIPELINE: Pipeline | None = None


def _start(options: Options) -> None:
    """Start a worker: a forked one inherits the parent's warm pipeline, a spawned one (where
    the platform cannot fork) makes its own."""
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = Pipeline(options)


def _build(variant: Variant, output: Path) -> Outcome:
    assert _PIPELINE is not None
    try:
        return Outcome(variant, built=_PIPELINE.build(variant, output))
    except DeckgenError as exc:
        return Outcome(variant, diagnostics=exc.diagnostics)
    except Exception as exc:  # one broken deck must not take the batch down
        message = f"internal error: {type(exc).__name__}: {exc} (a bug in deckgen)"
        diagnostic = Diagnostic(variant.key, None, None, message)
        return Outcome(variant, diagnostics=[diagnostic], internal=True)


def cpu_count() -> int:
    """Return how many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    variants: list[Variant],
    options: Options,
    output: Path,
    jobs: int,
    done: Callable[[Outcome], None],
) -> list[Outcome]:
    """Build `variants`, calling `done` as each finishes; return the outcomes in their order."""
    global _PIPELINE
    _PIPELINE = Pipeline(options)
    _warm(_PIPELINE, variants)
    outcomes: dict[Variant, Outcome] = {}
    for outcome in _outcomes(variants, options, output, min(jobs, len(variants))):
        outcomes[outcome.variant] = outcome
        done(outcome)
    return [outcomes[variant] for variant in variants]


def _warm(pipeline: Pipeline, variants: list[Variant]) -> None:
    """Load what every deck shares before the pool forks, so each worker inherits it."""
    from generator import render  # noqa: F401 - python-pptx, imported once for all workers

    try:
        pipeline.engine.warm()
        for content in {variant.content for variant in variants}:
            pipeline.base(content)
            pipeline.base_title(content)
    except DeckgenError:
        pass  # each deck reports it


def _outcomes(
    variants: list[Variant], options: Options, output: Path, workers: int
) -> Iterator[Outcome]:
    if workers <= 1:
        for variant in variants:
            yield _build(variant, output)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start,
        initargs=(options,),
    ) as pool:
        futures = [pool.submit(_build, variant, output) for variant in variants]
        for future in as_completed(futures):
            yield future.result()

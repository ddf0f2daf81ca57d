"""Run many builds: in this process or a pool of processes, one outcome per deck.

A failing deck does not stop the others. Each worker process builds with one `Pipeline`, so the
master, the layout templates, the base deck and the brands are loaded once per process; the
pool forks from a process that has loaded them already, so the workers start warm.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic
from generator.pipeline import Built, Pipeline, Plan
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


class Interrupted(BaseException):
    """SIGINT or SIGTERM reached the process that runs a batch. The decks being built are
    finished and reported, the queued ones are not started; `status` is the exit status that
    the signal asks for: 130 for SIGINT, 143 for SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum


_PIPELINE: Pipeline | None = None


def _start(options: Options) -> None:
    """Start a worker: a forked one inherits the parent's warm pipeline, a spawned one (where
    the platform cannot fork) makes its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; a worker ends its deck
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = verified_pipeline(options)


def verified_pipeline(options: Options) -> Pipeline:
    """A pipeline that checks, before writing a deck on a user's template, that the mapping
    lost none of its text."""
    return Pipeline(options, verify=lost_on_template)


def lost_on_template(blob: bytes, plan: Plan, brand_file: Path) -> list[Diagnostic]:
    """`check.fidelity.lost_on_template`, imported when a deck on a user's template is first
    verified: a build of deckgen's own decks imports nothing from `check`, whose modules (and
    what they import) took 0.1-0.2 s of a one-deck build."""
    from generator.check.fidelity import lost_on_template as lost

    return lost(blob, plan, brand_file)


def _die_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when its parent dies, however it dies, so no
    worker outlives a killed build holding its standard output open (prctl PR_SET_PDEATHSIG);
    elsewhere the pool's own shutdown has to do."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


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
    _PIPELINE = verified_pipeline(options)
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
        signals: list[int] = []
        with _interruptible(signals):
            for variant in variants:
                yield _build(variant, output)
                if signals:  # after the deck, so the deck reported is also recorded
                    raise Interrupted(signals[0])
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start,
        initargs=(options,),
    ) as pool:
        futures = [pool.submit(_build, variant, output) for variant in variants]
        given = set()
        signals = []
        with _interruptible(signals):
            for future in as_completed(futures):
                given.add(future)
                yield future.result()
                if signals:  # checked between decks, so each deck reported is also recorded
                    for queued in futures:
                        queued.cancel()  # the decks not started; the ones being built finish
                    for running in futures:
                        if running not in given and not running.cancelled():
                            yield running.result()
                    raise Interrupted(signals[0])


@contextlib.contextmanager
def _interruptible(signals: list[int]) -> Iterator[None]:
    """Note SIGINT and SIGTERM in `signals` while the pool runs, instead of stopping wherever the
    process is (it could be between writing a deck and recording it)."""

    def note(signum: int, frame: object) -> None:
        signals.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

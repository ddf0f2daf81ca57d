"""Watch `content/` and `templates/`: a changed file rebuilds the decks the page has open."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from watchfiles import Change, awatch

from generator.app.serve.studio import Studio

#: The files a deck is built from: content and layout rules, brands, data, pictures.
WATCHED = {".yaml", ".yml", ".j2", ".png", ".jpg", ".jpeg", ".gif", ".pptx", ".potx", ".ttf"}

log = logging.getLogger("deckgen.serve")


def watched(change: Change, path: str) -> bool:
    """Whether a change to `path` can change a deck: not a temporary or hidden file, such as
    the `.<name>.yaml.<random>.tmp` a save writes before renaming it."""
    name = Path(path).name
    return not name.startswith(".") and Path(name).suffix.lower() in WATCHED


async def watch_files(studio: Studio, folders: Sequence[Path]) -> None:
    """Rebuild the open decks each time files under `folders` change, until cancelled."""
    async for changes in awatch(*folders, watch_filter=watched, debounce=300, step=50):
        paths = sorted({Path(path) for _, path in changes})
        log.info("changed: %s", ", ".join(p.name for p in paths))
        await run_in_threadpool(studio.changed, paths)

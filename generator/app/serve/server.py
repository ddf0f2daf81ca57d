"""Start `deckgen serve`: the studio, its app and uvicorn, bound where the command says."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from generator.app.serve.studio import Studio
from generator.app.serve.thumbs import Renderer, default_renderer
from generator.app.serve.web import Broker, create_app

#: Where `deckgen serve` listens unless told otherwise: this computer only.
LOCAL_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: The names a browser on this computer gives the local server (the `Host` it sends).
LOCAL_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]


@dataclass(frozen=True)
class Bind:
    """Where the server listens, and what the command says about it."""

    host: str
    port: int

    @property
    def local(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def notice(self) -> str:
        """Return the line printed at start: where to open the page, and who can reach it."""
        if self.local:
            return f"deckgen serve: open {self.url} (reachable from this computer only)"
        return (
            f"deckgen serve: listening on {self.url}: REACHABLE FROM THE NETWORK; anyone who"
            " can reach this address can read and change the overlays in content/overlays/"
        )

    def allowed_hosts(self) -> list[str] | None:
        """Return the `Host` names to answer to: local names for a local bind, any otherwise."""
        return LOCAL_NAMES if self.local else None


def make_app(
    content: Path,
    templates: Path,
    *,
    bind: Bind | None = None,
    renderer: Renderer | None = None,
    thumbs: Path | None = None,
    watch: bool = True,
) -> Starlette:
    """Return the app for the deck file `content` and the folder `templates`; thumbnails go to
    `thumbs` (a temporary folder, removed at shutdown, where it is None)."""
    broker = Broker()
    own = thumbs is None
    folder = thumbs or Path(tempfile.mkdtemp(prefix="deckgen-serve-thumbs-"))
    studio = Studio(content, templates, folder, renderer, broker.publish)
    if own:
        closing = studio.close

        def close() -> None:
            closing()
            shutil.rmtree(folder, ignore_errors=True)

        studio.close = close  # type: ignore[method-assign]
    folders = [content.parent, templates] if watch else []
    return create_app(
        studio, broker, watch=folders, allowed_hosts=bind.allowed_hosts() if bind else None
    )


def serve(content: Path, templates: Path, bind: Bind) -> None:
    """Run the server until interrupted (Ctrl-C)."""
    import uvicorn

    app = make_app(content, templates, bind=bind, renderer=default_renderer())
    uvicorn.run(app, host=bind.host, port=bind.port, log_level="warning")

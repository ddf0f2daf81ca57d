"""Start `deckgen serve`: the studio, its app and uvicorn, bound where the command says."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from starlette.applications import Starlette

if TYPE_CHECKING:
    import uvicorn

from generator.app.serve.studio import Studio
from generator.app.serve.thumbs import Renderer, default_renderer
from generator.app.serve.web import Broker, create_app

#: Where `deckgen serve` listens unless told otherwise: this computer only.
LOCAL_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Seconds open requests get to finish at Ctrl-C: the page's event stream never finishes.
GRACE = 2
#: The names a browser on this computer gives the local server (the `Host` it sends).
LOCAL_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]


@dataclass(frozen=True)
class Bind:
    """Where the server listens, and what the command says about it."""

    host: str
    port: int
    also: tuple[str, ...] = ()
    """More `Host` names to answer to on a network bind (`--allow-host`: a proxy's name)."""

    @property
    def local(self) -> bool:
        """Whether only this computer can reach it: localhost, or a loopback address (all of
        127.0.0.0/8 and ::1)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

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

    def allowed_hosts(self) -> list[str]:
        """Return the `Host` names to answer to, so that no other site's page can reach the
        server through a name of its own that it points at this computer (DNS rebinding): the
        local names, the address it is bound to, and, on a network bind, this computer's names
        and addresses, and `also` (`--allow-host`)."""
        names = [*LOCAL_NAMES, self.host, f"[{self.host}]" if ":" in self.host else self.host]
        if not self.local:
            names += _machine_names()
        names += self.also
        return list(dict.fromkeys(name for name in names if name not in ("0.0.0.0", "::")))


def _machine_names() -> list[str]:
    """This computer's host name, its fully qualified name and their addresses."""
    names = [socket.gethostname(), socket.getfqdn()]
    with contextlib.suppress(OSError):
        for *_, address in socket.getaddrinfo(socket.gethostname(), None):
            host = str(address[0])
            names.append(f"[{host}]" if ":" in host else host)
    return names


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


@contextlib.contextmanager
def running(app: Starlette, host: str = LOCAL_HOST, port: int = 0) -> Iterator[str]:
    """Run `app` on uvicorn in a background thread (port 0: a free one); yield its URL, and
    stop it on leaving. For tests, benchmarks and screenshots."""
    server = _server(app, host, port)
    thread = threading.Thread(target=server.run, name="deckgen-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("deckgen serve did not start")
        time.sleep(0.02)
    bound = next(s for srv in server.servers for s in srv.sockets).getsockname()[1]
    try:
        yield Bind(host, bound).url
    finally:
        server.should_exit = True
        thread.join(30)


def serve(content: Path, templates: Path, bind: Bind, announce: Callable[[Bind], None]) -> None:
    """Run the server until interrupted (Ctrl-C); `announce` where it listens once the deck
    file has loaded and the address is bound. Raise `DeckgenError` for content that does not
    load and `click.BadParameter` for an address that cannot be bound."""
    listening = open_socket(bind)
    with contextlib.closing(listening):
        app = make_app(content, templates, bind=bind, renderer=default_renderer())
        announce(Bind(bind.host, listening.getsockname()[1]))
        _server(app, bind.host, bind.port).run(sockets=[listening])


def open_socket(bind: Bind) -> socket.socket:
    """Return a socket bound to `bind`'s address; a port in use or an address this computer
    does not have is the command line's error (exit status 2), said in one line."""
    family = socket.AF_INET6 if ":" in bind.host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((bind.host, bind.port))
    except OSError as exc:
        listening.close()
        reason = exc.strerror or str(exc)
        raise click.BadParameter(
            f"cannot listen on {bind.url}: {reason}; choose another --port (or --host)",
            param_hint="'--port'",
        ) from None
    return listening


def _server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    """Return a uvicorn server for `app` that ends the page's event streams when it stops
    (at Ctrl-C), instead of waiting for them and then cancelling them with a traceback."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            app.state.broker.close()
            await super().shutdown(sockets)

    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=GRACE
    )
    return Server(config)

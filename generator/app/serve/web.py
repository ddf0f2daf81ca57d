"""The Starlette app: the page, its JSON API, thumbnails, downloads and server-sent events.

Every write (`PUT`, `POST`) must repeat the page's `csrftoken` cookie in an `X-CSRF-Token`
header, which another site's page cannot read, so it cannot write on the speaker's behalf. The
default bind, 127.0.0.1, also answers only to a local `Host`, so a page on another site cannot
reach it by renaming itself (DNS rebinding). Bodies are read up to a limit (413 beyond it), and
overlay names are `[a-z0-9-]` only, so no request reaches a file outside `content/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.app.serve.studio import MAX_OVERLAY_BYTES, MAX_PHOTO_BYTES, Event, Refused, Studio
from generator.app.serve.thumbs import THUMB_NAME
from generator.errors import DeckgenError

STATIC = Path(__file__).parent / "static"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrf-token"
#: Where the page may load from and talk to: this server only, nothing from the internet.
_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
    " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_HEADERS = [
    (b"content-security-policy", _POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
#: How often an idle event stream says it is alive, in seconds (proxies drop silent ones).
KEEPALIVE = 15.0

log = logging.getLogger("deckgen.serve")
_ONE_PDF = threading.Lock()


class Broker:
    """Hands each event to every open event stream; safe to call from any thread."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue[Event | None]] = set()
        self.closed = False

    def publish(self, event: Event) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._put, event)

    def close(self) -> None:
        """End every event stream, so that the server stops without waiting for them (call
        it on the event loop)."""
        self.closed = True
        self._put(None)

    def _put(self, event: Event | None) -> None:
        for queue in self.queues:
            queue.put_nowait(event)


class _SecurityHeaders:
    """Adds the content security policy and its neighbours to every response, and refuses a
    request that a browser says another site's page made (`Sec-Fetch-Site: cross-site`): an
    `<img src>` elsewhere could otherwise make the server build decks and export PDFs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"sec-fetch-site", b"cross-site") in scope["headers"]:
            refused = JSONResponse(
                {"error": "en annan webbplats får inte använda den här servern", "errors": []},
                status_code=403,
                headers={k.decode(): v.decode() for k, v in _HEADERS},
            )
            await refused(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, sending)


def create_app(
    studio: Studio,
    broker: Broker,
    *,
    watch: Sequence[Path] = (),
    allowed_hosts: Sequence[str] | None = None,
) -> Starlette:
    """Return the app serving `studio`; it watches `watch` for changes while it runs, and
    answers only to `allowed_hosts` where given."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        broker.loop = asyncio.get_running_loop()
        watcher = None
        if watch:
            from generator.app.serve.watch import watch_files

            watcher = asyncio.create_task(watch_files(studio, watch))
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            await run_in_threadpool(studio.close)

    api = _Api(studio, broker)
    routes = [
        Route("/", api.page),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/thumbs/{name}", api.thumbnail),
        Route("/api/variants", api.variants),
        Route("/api/events", api.events),
        Route("/api/decks/{variant}.pptx", api.pptx),
        Route("/api/decks/{variant}.pdf", api.pdf),
        Route("/api/decks/{variant}", api.deck),
        Route("/api/overlays", api.overlays),
        Route("/api/overlays/{name}.yaml", api.overlay_file),
        Route("/api/overlays/{name}/photos", api.photo, methods=["POST"]),
        Route("/api/overlays/{name}", api.overlay, methods=["GET", "PUT"]),
    ]
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={Refused: _refused, DeckgenError: _failed, Exception: _internal},
    )
    app.state.studio = studio
    app.state.broker = broker
    return app


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return JSONResponse({"error": exc.message, "errors": exc.errors}, status_code=exc.status)


async def _failed(request: Request, exc: Exception) -> Response:
    """An external tool failed (LibreOffice, poppler): the server's fault, said plainly."""
    assert isinstance(exc, DeckgenError)
    return JSONResponse({"error": str(exc), "errors": []}, status_code=503)


async def _internal(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback on the server, one line for the page."""
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    message = f"internt fel i deckgen: {type(exc).__name__}; se serverns logg"
    return JSONResponse({"error": message, "errors": []}, status_code=500)


def _csrf(request: Request) -> None:
    """Refuse a write whose `X-CSRF-Token` header does not repeat the page's cookie (403)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not secrets.compare_digest(cookie.encode(), header.encode()):
        raise Refused(403, "CSRF-token saknas eller stämmer inte; ladda om sidan")


async def _body(request: Request, limit: int) -> bytes:
    """Return the request's body; refuse one larger than `limit` bytes (413) before reading
    more of it than that."""
    length = request.headers.get("content-length", "")
    too_large = Refused(413, f"för stort: högst {limit // 1024} kB")
    if length.isdigit() and int(length) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


class _Api:
    """The endpoints; each runs the studio's blocking work in a worker thread."""

    def __init__(self, studio: Studio, broker: Broker) -> None:
        self.studio = studio
        self.broker = broker

    async def _run(self, work: Callable[..., Any], *args: Any) -> Any:
        return await run_in_threadpool(work, *args)

    async def page(self, request: Request) -> Response:
        response = FileResponse(STATIC / "index.html", headers={"cache-control": "no-store"})
        if not request.cookies.get(CSRF_COOKIE):
            response.set_cookie(
                CSRF_COOKIE, secrets.token_urlsafe(32), httponly=False, samesite="strict"
            )
        return response

    async def thumbnail(self, request: Request) -> Response:
        name = request.path_params["name"]
        thumbnails = self.studio.thumbnails
        if not THUMB_NAME.fullmatch(name) or thumbnails is None:
            raise Refused(404, "ingen sådan bild")
        path = thumbnails.folder / name
        if not path.is_file():
            raise Refused(404, "bilden är inte klar än")
        # The name is the slide's hash: the same URL is always the same picture.
        return FileResponse(path, headers={"cache-control": "public, max-age=31536000, immutable"})

    async def variants(self, request: Request) -> Response:
        return JSONResponse({"variants": await self._run(self.studio.variants)})

    def _overlay_param(self, request: Request) -> str | None:
        return request.query_params.get("overlay") or None

    async def deck(self, request: Request) -> Response:
        variant = request.path_params["variant"]
        deck = await self._run(self.studio.deck, variant, self._overlay_param(request))
        return JSONResponse(self.studio.describe(deck))

    async def pptx(self, request: Request) -> Response:
        variant = request.path_params["variant"]
        deck = await self._run(self.studio.deck, variant, self._overlay_param(request))
        name, blob = await self._run(self.studio.pptx, deck)
        media = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        return Response(blob, media_type=media, headers=_attachment(name))

    async def pdf(self, request: Request) -> Response:
        variant = request.path_params["variant"]
        deck = await self._run(self.studio.deck, variant, self._overlay_param(request))
        name, blob = await self._run(self.studio.pptx, deck)
        pdf = await self._run(_export_pdf, name, blob)
        return Response(pdf, media_type="application/pdf", headers=_attachment(pdf_name(name)))

    async def overlays(self, request: Request) -> Response:
        folder = self.studio.content_dir / "overlays"
        names = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        return JSONResponse({"overlays": names})

    async def overlay_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = self.studio.overlay_file(name)
        if not path.is_file():
            raise Refused(404, f"overlayn {name!r} finns inte än")
        return FileResponse(path, media_type="application/yaml", filename=path.name)

    async def overlay(self, request: Request) -> Response:
        name = request.path_params["name"]
        if request.method == "GET":
            data, etag = await self._run(self.studio.overlay, name)
            return JSONResponse(data, headers={"etag": etag, "cache-control": "no-store"})
        _csrf(request)
        raw = await _body(request, MAX_OVERLAY_BYTES)
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise Refused(400, f"inte giltig JSON: {exc}") from None
        except ValueError as exc:  # an integer of thousands of digits
            raise Refused(400, f"inte giltig JSON: {exc}") from None
        except RecursionError:
            raise Refused(400, "inte giltig JSON: den nästlar för djupt") from None
        on = request.query_params.get("variant", "national")
        etag, deck = await self._run(
            self.studio.save_overlay,
            name,
            data,
            request.headers.get("if-match"),
            request.headers.get("if-none-match"),
            on,
        )
        body = {"etag": etag, "deck": self.studio.describe(deck)}
        return JSONResponse(body, headers={"etag": etag})

    async def photo(self, request: Request) -> Response:
        _csrf(request)
        name = request.path_params["name"]
        self.studio.overlay_file(name)  # refuse a bad name before reading the body
        data = await _body(request, MAX_PHOTO_BYTES)
        filename = request.query_params.get("filename", "foto")
        photo = await self._run(self.studio.save_photo, name, filename, data)
        return JSONResponse({"photo": photo})

    async def events(self, request: Request) -> Response:
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self.broker.queues.add(queue)
        if self.broker.closed:
            queue.put_nowait(None)

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 2000\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), KEEPALIVE)
                    except TimeoutError:
                        yield ": alive\n\n"
                        continue
                    if event is None:  # the server is stopping
                        return
                    yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
            finally:
                self.broker.queues.discard(queue)

        headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}


def pdf_name(deck_name: str) -> str:
    return deck_name.removesuffix(".pptx") + ".pdf"


def _export_pdf(name: str, blob: bytes) -> bytes:
    """Return the deck `blob` as an accessible PDF, the talk as shown (`deckgen build --pdf`)."""
    from generator.output.pdf import export_pdfs

    # one export at a time: each is a LibreOffice of its own, hundreds of MB for seconds
    with _ONE_PDF, tempfile.TemporaryDirectory(prefix="deckgen-serve-") as folder:
        deck = Path(folder) / name
        deck.write_bytes(blob)
        (pdf,) = export_pdfs([deck])
        return pdf.read_bytes()

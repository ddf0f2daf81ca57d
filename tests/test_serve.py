"""`deckgen serve`'s API, through Starlette's TestClient, on a copy of the content: decks and
overlays as JSON, versions, CSRF, size limits, paths kept in `content/`, round-trip writes that
keep a speaker's comments, downloads, and the command's bind."""

from __future__ import annotations

import io
import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation
from starlette.testclient import TestClient

from generator.app.cli import main
from generator.app.serve import server
from generator.app.serve.overlays import updated_text
from generator.app.serve.server import Bind, make_app, running
from generator.app.serve.studio import MAX_OVERLAY_BYTES, MAX_PHOTO_BYTES, Studio
from generator.app.serve.thumbs import slide_hashes

from .conftest import ROOT, TEMPLATES

EXEMPEL = ROOT / "content" / "overlays" / "exempel.yaml"
NEW_QUOTE = "”Vi bygger regionen tillsammans – steg för steg.”"


class Client:
    """A TestClient on a copy of the content, holding the page's CSRF cookie."""

    def __init__(self, http: TestClient, content: Path) -> None:
        self.http = http
        self.content = content
        self.token = http.get("/").cookies["csrftoken"]

    def overlay_copy(self, name: str) -> Path:
        """Copy the hand-written example overlay, comments and all, to `name`."""
        path = self.content / "overlays" / f"{name}.yaml"
        shutil.copyfile(EXEMPEL, path)
        return path

    def put(
        self, name: str, data: Any, etag: str | None, *, variant: str = "varmland", **headers: str
    ) -> Any:
        sent = {"x-csrf-token": self.token, **headers}
        if etag is not None:
            sent["if-match"] = etag
        return self.http.put(f"/api/overlays/{name}?variant={variant}", json=data, headers=sent)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """One server for the module, on a copy of `content/`: its pipeline stays warm."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "content", root / "content")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        app = make_app(Path("content/deck.yaml"), TEMPLATES, thumbs=root / "thumbs", watch=False)
        with TestClient(app) as http:
            yield Client(http, root / "content")


def test_variants_are_the_national_deck_and_the_21_regions(client: Client):
    variants = client.http.get("/api/variants").json()["variants"]
    assert variants[0] == {"slug": "national", "name": "Nationell"}
    assert len(variants) == 22
    assert {"slug": "varmland", "name": "Region Värmland"} in variants
    assert {"slug": "vastra-gotaland", "name": "Västra Götalandsregionen"} in variants
    # in Swedish order of their names, as the gallery lists them: Å, Ä and Ö after Z
    assert [v["slug"] for v in variants[-3:]] == ["orebro", "ostergotland", "vastra-gotaland"]


def test_deck_lists_slides_with_ids_kinds_titles_and_hidden_ones_marked(client: Client):
    deck = client.http.get("/api/decks/varmland?overlay=exempel").json()
    ids = [s["id"] for s in deck["slides"]]
    assert ids == [
        "title",
        "vad-handlar-det-om",
        "uppdraget",
        "regionen",
        "kommuner",
        "panel",
        "citat-uthallighet",
        "eget-citat",
        "citat-legitimitet",
        "tack",
    ]
    by_id = {s["id"]: s for s in deck["slides"]}
    assert by_id["panel"]["hidden"] is True
    assert by_id["tack"]["hidden"] is False
    assert by_id["eget-citat"]["kind"] == "quote"
    assert (
        by_id["eget-citat"]["title"] == "”Här står ditt eget citat, med typografiska citattecken.”"
    )
    assert by_id["eget-citat"]["fields"]["attribution"] == "Exempel på källa"
    assert by_id["regionen"]["title"] == "Region Värmland"
    assert [p["name"] for p in by_id["panel"]["fields"]["people"]] == [
        "Eleonore Åkerlund",
        "Elsmari Julin",
    ]
    # every quote a speaker can pick, before the overlay picked three
    assert [q["id"] for q in deck["quotes"]] == [
        "citat-omstallning",
        "citat-trygghet",
        "citat-legitimitet",
        "citat-uthallighet",
    ]
    assert deck["speakers"] == ["Förnamn Efternamn"]
    assert deck["organisation"] == "Region Värmland"
    assert all(s["thumbnail"] is None for s in deck["slides"])  # no renderer here


def test_an_unknown_variant_is_404(client: Client):
    response = client.http.get("/api/decks/atlantis")
    assert response.status_code == 404
    assert response.json()["error"] == "okänd variant: 'atlantis'"


def test_overlay_comes_as_json_with_an_etag(client: Client):
    response = client.http.get("/api/overlays/exempel")
    assert response.status_code == 200
    assert response.headers["etag"].startswith('"')
    assert response.json() == {
        "deck": {"speakers": ["Förnamn Efternamn"]},
        "quotes": ["citat-uthallighet", "eget-citat", "citat-legitimitet"],
        "slides": {
            "eget-citat": {
                "kind": "quote",
                "text": "”Här står ditt eget citat, med typografiska citattecken.”",
                "attribution": "Exempel på källa",
            }
        },
        "hide": ["panel"],
        "notes": {"uppdraget": "Berätta om hur vi arbetar med de fyra delarna i vår region."},
    }


def test_a_missing_overlay_is_404(client: Client):
    response = client.http.get("/api/overlays/finns-inte")
    assert response.status_code == 404
    assert response.json()["error"] == "overlayn 'finns-inte' finns inte än"


def test_put_writes_the_overlay_keeping_its_comments_and_returns_the_new_deck(client: Client):
    path = client.overlay_copy("kommentarer")
    before = path.read_text("utf-8")
    got = client.http.get("/api/overlays/kommentarer")
    data = got.json()
    data["slides"]["eget-citat"]["text"] = NEW_QUOTE
    response = client.put("kommentarer", data, got.headers["etag"])
    assert response.status_code == 200, response.text
    body = response.json()
    after = path.read_text("utf-8")
    assert body["etag"] == response.headers["etag"] != got.headers["etag"]
    # only the edited line changed: every comment, blank line and the key order stay
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        (
            "    text: ”Här står ditt eget citat, med typografiska citattecken.”",
            f"    text: {NEW_QUOTE}",
        )
    ]
    slides = {s["id"]: s for s in body["deck"]["slides"]}
    assert slides["eget-citat"]["title"] == NEW_QUOTE
    assert client.http.get("/api/overlays/kommentarer").headers["etag"] == body["etag"]


def test_a_second_put_with_the_old_etag_is_refused_and_the_file_unchanged(client: Client):
    path = client.overlay_copy("konflikt")
    got = client.http.get("/api/overlays/konflikt")
    first = {**got.json(), "hide": []}
    assert client.put("konflikt", first, got.headers["etag"]).status_code == 200
    written = path.read_bytes()
    second = {**got.json(), "hide": ["tack"]}
    response = client.put("konflikt", second, got.headers["etag"])
    assert response.status_code == 412
    assert response.json()["error"] == (
        "overlayn har ändrats sedan du öppnade den; ladda om den och gör om ändringen"
    )
    assert path.read_bytes() == written


def test_a_put_without_a_version_is_refused(client: Client):
    path = client.overlay_copy("utan-version")
    before = path.read_bytes()
    response = client.put("utan-version", {"hide": []}, None)
    assert response.status_code == 412
    assert response.json()["error"] == "ange vilken version du ändrar (If-Match); ladda om sidan"
    assert path.read_bytes() == before


def test_a_new_overlay_is_created_with_if_none_match(client: Client):
    data = {"deck": {"speakers": ["Anna Andersson"]}, "hide": ["panel"]}
    response = client.put("ny", data, None, variant="national", **{"if-none-match": "*"})
    assert response.status_code == 200, response.text
    text = (client.content / "overlays" / "ny.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../overlay.schema.json\n")
    assert "speakers:\n    - Anna Andersson\n" in text
    again = client.put("ny", data, None, variant="national", **{"if-none-match": "*"})
    assert again.status_code == 412  # it exists now: a second create is refused


def test_a_put_without_the_csrf_token_is_refused(client: Client):
    path = client.overlay_copy("csrf")
    before = path.read_bytes()
    got = client.http.get("/api/overlays/csrf")
    headers = {"if-match": got.headers["etag"]}
    for token in [None, "fel-token"]:
        sent = headers if token is None else {**headers, "x-csrf-token": token}
        response = client.http.put("/api/overlays/csrf", json={"hide": []}, headers=sent)
        assert response.status_code == 403
        assert response.json()["error"] == "CSRF-token saknas eller stämmer inte; ladda om sidan"
    assert path.read_bytes() == before


def test_an_invalid_overlay_is_422_with_each_problem_at_its_fields_json_path(client: Client):
    path = client.overlay_copy("fel")
    before = path.read_bytes()
    got = client.http.get("/api/overlays/fel")
    data = got.json()
    data["slides"]["eget-citat"]["text"] = 5
    data["slides"]["eget-citat"]["atribution"] = "Anna"
    response = client.put("fel", data, got.headers["etag"])
    assert response.status_code == 422
    assert response.json()["error"] == "overlayn bygger inte"
    errors = [(e["path"], e["message"], e["file"]) for e in response.json()["errors"]]
    assert errors == [
        (
            ["slides", "eget-citat", "text"],
            "expected text, got a number 5; put it in quotes to keep it as text",
            "content/overlays/fel.yaml",
        ),
        (
            ["slides", "eget-citat", "atribution"],
            "unknown key 'atribution'; did you mean 'attribution'? (allowed: attribution, hidden,"
            " id, kind, notes, only, text)",
            "content/overlays/fel.yaml",
        ),
    ]
    assert path.read_bytes() == before
    assert not list(path.parent.glob(".*.tmp"))  # the trial file is gone


def test_an_unknown_slide_id_is_reported_at_its_place(client: Client):
    client.overlay_copy("okand")
    got = client.http.get("/api/overlays/okand")
    response = client.put(
        "okand", {**got.json(), "hide": ["panel", "finns-inte"]}, got.headers["etag"]
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == ["hide", 1]
    assert error["message"].startswith("unknown slide id 'finns-inte'")


def test_an_oversized_overlay_is_413(client: Client):
    client.overlay_copy("stor")
    got = client.http.get("/api/overlays/stor")
    data = {**got.json(), "notes": {"tack": "x" * MAX_OVERLAY_BYTES}}
    response = client.put("stor", data, got.headers["etag"])
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("..", {400, 404}),
        ("..%2F..%2Fetc%2Fpasswd", {400, 404}),
        ("%2Fetc%2Fpasswd", {400, 404}),
        ("Exempel", {400}),
        ("a.b", {400, 404}),
    ],
)
def test_a_name_leading_out_of_content_is_refused(client: Client, name: str, statuses: set[int]):
    assert client.http.get(f"/api/overlays/{name}").status_code in statuses
    response = client.put(name, {"hide": []}, None, **{"if-none-match": "*"})
    assert response.status_code in statuses | {403}
    assert not (client.content.parent / "etc").exists()
    assert sorted(p.name for p in client.content.parent.iterdir()) == ["content"]


def test_a_link_out_of_content_is_refused(client: Client, tmp_path: Path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("hide: []\n", "utf-8")
    (client.content / "overlays" / "lank.yaml").symlink_to(outside)
    assert client.http.get("/api/overlays/lank").status_code == 400


def _jpeg(size: tuple[int, int] = (40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def test_a_photo_is_saved_beside_the_overlay_and_a_person_can_name_it(client: Client):
    client.overlay_copy("foto")
    headers = {"x-csrf-token": client.token, "content-type": "image/jpeg"}
    url = "/api/overlays/foto/photos?filename=Anna Porträtt.jpg"
    response = client.http.post(url, content=_jpeg(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"photo": "foto--anna-portratt.jpg"}
    assert (client.content / "overlays" / "foto--anna-portratt.jpg").read_bytes() == _jpeg()
    got = client.http.get("/api/overlays/foto")
    photo = "foto--anna-portratt.jpg"
    people = [{"name": "Anna Andersson", "role": "Utvecklingsdirektör", "photo": photo}]
    data = {**got.json(), "slides": {**got.json()["slides"], "panel": {"people": people}}}
    saved = client.put("foto", data, got.headers["etag"])
    assert saved.status_code == 200, saved.text
    assert [w["severity"] for w in saved.json()["deck"]["warnings"]] == ["warning"]  # 1 of 2


def test_photos_of_two_overlays_never_share_a_file(client: Client):
    headers = {"x-csrf-token": client.token, "content-type": "image/jpeg"}
    names = []
    for overlay, filename in [("anna-berg", "foto.jpg"), ("anna", "berg-foto.jpg")]:
        client.overlay_copy(overlay)
        url = f"/api/overlays/{overlay}/photos?filename={filename}"
        names.append(client.http.post(url, content=_jpeg(), headers=headers).json()["photo"])
    assert names == ["anna-berg--foto.jpg", "anna--berg-foto.jpg"]


def test_an_upload_that_is_not_an_image_or_too_large_is_refused(client: Client):
    headers = {"x-csrf-token": client.token}
    url = "/api/overlays/exempel/photos?filename=x.jpg"
    not_image = client.http.post(url, content=b"<svg/>", headers=headers)
    assert not_image.status_code == 422
    assert not_image.json()["error"] == "bilden är inte en PNG, JPEG eller GIF"
    too_large = client.http.post(
        url, content=b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES), headers=headers
    )
    assert too_large.status_code == 413
    no_token = client.http.post(url, content=_jpeg())
    assert no_token.status_code == 403
    assert not list((client.content / "overlays").glob("exempel-x*"))


def test_the_pptx_download_holds_the_saved_text(client: Client):
    client.overlay_copy("ladda-ner")
    got = client.http.get("/api/overlays/ladda-ner")
    data = got.json()
    data["slides"]["eget-citat"]["text"] = NEW_QUOTE
    assert client.put("ladda-ner", data, got.headers["etag"]).status_code == 200
    response = client.http.get("/api/decks/varmland.pptx?overlay=ladda-ner")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="regionen-i-rorelse-varmland--ladda-ner.pptx"'
    )
    deck = Presentation(io.BytesIO(response.content))
    texts = [shape.text_frame.text for shape in deck.slides[7].shapes if shape.has_text_frame]
    assert NEW_QUOTE in texts


def test_the_overlay_file_downloads_as_written(client: Client):
    response = client.http.get("/api/overlays/exempel.yaml")
    assert response.status_code == 200
    assert response.content == EXEMPEL.read_bytes()
    assert 'filename="exempel.yaml"' in response.headers["content-disposition"]


def test_the_page_is_swedish_sets_the_csrf_cookie_and_forbids_other_origins(client: Client):
    response = TestClient(client.http.app).get("/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("csrftoken=")
    assert "samesite=strict" in cookie.lower()
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_local_server_answers_only_to_local_host_names(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    app = make_app(
        tmp_path / "content" / "deck.yaml", TEMPLATES, bind=Bind("127.0.0.1", 8000), watch=False
    )
    with TestClient(app, base_url="http://127.0.0.1:8000") as local:
        assert local.get("/api/variants").status_code == 200
        rebound = local.get("/api/variants", headers={"host": "evil.example"})
        assert rebound.status_code == 400


def test_a_file_changed_on_disk_rebuilds_the_open_deck_and_tells_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    events: list[dict[str, Any]] = []
    studio = Studio(
        tmp_path / "content" / "deck.yaml", TEMPLATES, tmp_path / "t", None, events.append
    )
    path = tmp_path / "content" / "overlays" / "exempel.yaml"
    before = studio.deck("varmland", "exempel")
    path.write_text(path.read_text("utf-8").replace("hide: [panel]", "hide: [tack]"), "utf-8")
    assert (
        studio.changed([path])
        == events
        == [{"type": "deck", "variant": "varmland", "overlay": "exempel"}]
    )
    after = studio.deck("varmland", "exempel")
    hidden = [s.id for s in after.plan.deck.slides if s.hidden]
    assert hidden == ["tack"]
    # the two slides whose `show` changed get new hashes, and only they
    changed = [
        n for n, (a, b) in enumerate(zip(before.hashes, after.hashes, strict=True), 1) if a != b
    ]
    assert changed == [6, 10]
    path.write_text("hide: [finns-inte]\n", "utf-8")
    (event,) = studio.changed([path])
    assert event["type"] == "error"
    assert event["errors"][0]["text"].startswith("content/overlays/exempel.yaml:1:8: error:")
    studio.close()


def test_slide_hashes_change_with_the_slide_and_not_with_its_notes(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    studio = Studio(tmp_path / "content" / "deck.yaml", TEMPLATES, tmp_path / "t")
    path = tmp_path / "content" / "overlays" / "exempel.yaml"
    before = slide_hashes(studio.deck("varmland", "exempel").blob)
    text = path.read_text("utf-8").replace("med typografiska citattecken", "med nya ord")
    path.write_text(text + "  tack: Tacka arrangörerna.\n", "utf-8")
    studio.changed([path])
    after = slide_hashes(studio.deck("varmland", "exempel").blob)
    assert [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b] == [8]
    studio.close()


# The command --------------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path, Bind]]:
    """Record where `deckgen serve` would listen, and announce it, instead of opening a
    socket."""
    calls: list[tuple[Path, Path, Bind]] = []

    def serve(content: Path, templates: Path, bind: Bind, announce: Any) -> None:
        calls.append((content, templates, bind))
        announce(bind)

    monkeypatch.setattr(server, "serve", serve)
    return calls


def test_serve_binds_to_this_computer_only_by_default(started: list[Any]):
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    ((content, templates, bind),) = started
    assert (content, templates) == (Path("content/deck.yaml"), Path("templates"))
    assert bind == Bind("127.0.0.1", 8000)
    assert bind.allowed_hosts() == ["127.0.0.1", "localhost", "[::1]", "::1"]
    assert result.stdout == (
        "deckgen serve: open http://127.0.0.1:8000/ (reachable from this computer only)\n"
    )


def test_serve_with_another_host_says_it_is_reachable_from_the_network(started: list[Any]):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8080"])
    assert result.exit_code == 0, result.output
    ((_, _, bind),) = started
    assert bind == Bind("0.0.0.0", 8080)
    # still not any name: a site's own name pointed at this computer is refused (rebinding)
    assert "attacker.example" not in bind.allowed_hosts()
    assert socket.gethostname() in bind.allowed_hosts()
    assert "localhost" in bind.allowed_hosts()
    assert result.stdout == ""
    assert result.stderr.startswith(
        "deckgen serve: listening on http://0.0.0.0:8080/: REACHABLE FROM THE NETWORK;"
    )


def test_every_loopback_address_is_this_computer_only_and_names_can_be_allowed(
    started: list[Any],
):
    assert Bind("127.0.0.2", 8000).local
    assert Bind("::1", 8000).local
    assert not Bind("192.0.2.7", 8000).local
    result = CliRunner().invoke(
        main, ["serve", "--host", "192.0.2.7", "--allow-host", "decks.example.org"]
    )
    ((_, _, bind),) = started
    assert bind.also == ("decks.example.org",)
    hosts = bind.allowed_hosts()
    assert hosts[:5] == ["127.0.0.1", "localhost", "[::1]", "::1", "192.0.2.7"]
    assert hosts[-1] == "decks.example.org"
    assert "REACHABLE FROM THE NETWORK" in result.stderr


def test_a_request_for_another_host_is_refused_on_a_network_bind(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    app = make_app(
        tmp_path / "content" / "deck.yaml", TEMPLATES, bind=Bind("192.0.2.7", 8000), watch=False
    )
    with TestClient(app, base_url="http://192.0.2.7:8000") as client:
        assert client.get("/api/variants").status_code == 200
        rebound = client.get("/api/variants", headers={"host": "attacker.example:8000"})
        assert rebound.status_code == 400


def test_serve_takes_the_content_folder_too(started: list[Any], tmp_path: Path):
    CliRunner().invoke(main, ["serve", "--content", str(tmp_path)])
    assert started[0][0] == tmp_path / "deck.yaml"


def test_a_port_in_use_is_a_usage_error():
    taken = server.open_socket(Bind("127.0.0.1", 0))
    try:
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(click.BadParameter) as refused:
            server.open_socket(Bind("127.0.0.1", port))
        assert refused.value.format_message() == (
            f"Invalid value for '--port': cannot listen on http://127.0.0.1:{port}/: Address"
            " already in use; choose another --port (or --host)"
        )
    finally:
        taken.close()


def test_serve_starts_uvicorn_on_127_0_0_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The real `serve`, with uvicorn's loop left out: the socket it is given, and the line
    that says where, printed once the content has loaded and the socket is bound."""
    import uvicorn

    given: list[Any] = []

    def run(self: Any, sockets: list[Any]) -> None:
        given.extend(s.getsockname() for s in sockets)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    content = str(tmp_path / "content")
    args = ["serve", "--content", content, "--templates", str(TEMPLATES), "--port", "0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    ((host, port),) = given
    assert host == "127.0.0.1"
    assert port > 0
    assert result.stdout == (
        f"deckgen serve: open http://127.0.0.1:{port}/ (reachable from this computer only)\n"
    )


def test_the_overlay_json_round_trips_through_yaml(client: Client):
    """What the page sends is what the pipeline reads back: typographic quotes, colons, text
    of several lines, å ä ö."""
    client.overlay_copy("tecken")
    got = client.http.get("/api/overlays/tecken")
    data = got.json()
    data["notes"] = {"tack": "Rad ett: ”citat”\n\nRad två – å ä ö", "panel": "yes"}
    saved = client.put("tecken", data, got.headers["etag"])
    assert saved.status_code == 200, saved.text
    assert client.http.get("/api/overlays/tecken").json() == json.loads(json.dumps(data))


def test_a_yaml_file_saved_in_an_editor_reaches_the_page_as_an_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """watchfiles sees the change, the open deck is rebuilt, and the page's event stream
    (`GET /api/events`, server-sent events) says so: on a real server, over a real socket."""
    import httpx2

    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    app = make_app(Path("content/deck.yaml"), TEMPLATES, thumbs=tmp_path / "t")
    path = tmp_path / "content" / "overlays" / "exempel.yaml"
    with running(app) as url, httpx2.Client(base_url=url, timeout=30) as http:
        assert http.get("/api/decks/varmland?overlay=exempel").status_code == 200
        with http.stream("GET", "/api/events") as events:
            lines = events.iter_lines()
            assert next(lines) == "retry: 2000"
            text = path.read_text("utf-8").replace("hide: [panel]", "hide: [tack]")
            path.write_text(text, "utf-8")
            data = next(line for line in lines if line.startswith("data: "))
    assert json.loads(data.removeprefix("data: ")) == {
        "type": "deck",
        "variant": "varmland",
        "overlay": "exempel",
    }


def test_the_servers_own_save_seen_on_disk_rebuilds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    events: list[dict[str, Any]] = []
    studio = Studio(Path("content/deck.yaml"), TEMPLATES, tmp_path / "t", None, events.append)
    data, etag = studio.overlay("exempel")
    studio.deck("varmland", "exempel")
    studio.save_overlay("exempel", {**data, "hide": []}, etag, None, "varmland")
    path = tmp_path / "content" / "overlays" / "exempel.yaml"
    assert studio.changed([path]) == []  # the watcher's echo of the save
    # an overlay made in an editor after the page opened the deck without it
    studio.deck("national", "ny")
    new = tmp_path / "content" / "overlays" / "ny.yaml"
    new.write_text("hide: [tack]\n", "utf-8")
    assert studio.changed([new]) == [{"type": "deck", "variant": "national", "overlay": "ny"}]
    assert [s.id for s in studio.deck("national", "ny").plan.deck.slides if s.hidden] == ["tack"]
    studio.close()


def test_an_overlay_nested_too_deeply_is_refused(client: Client):
    client.overlay_copy("djup")
    got = client.http.get("/api/overlays/djup")
    deep: Any = "x"
    for _ in range(60):
        deep = [deep]
    response = client.put("djup", {**got.json(), "notes": {"tack": deep}}, got.headers["etag"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "the overlay nests too deeply (the limit is 50 levels)"
    )
    raw = "[" * 100_000 + "]" * 100_000
    sent = {"x-csrf-token": client.token, "if-match": got.headers["etag"]}
    response = client.http.put("/api/overlays/djup", content=raw, headers=sent)
    assert response.status_code in (400, 413)


def test_an_editors_save_during_a_put_is_kept_and_the_put_refused(
    client: Client, monkeypatch: pytest.MonkeyPatch
):
    path = client.overlay_copy("samtidig")
    got = client.http.get("/api/overlays/samtidig")
    studio = client.http.app.state.studio
    drawing = studio.pipeline.draw

    def editor_saves_meanwhile(variant: Any) -> Any:
        with path.open("a", encoding="utf-8") as stream:
            stream.write("# sparat i en editor\n")
        return drawing(variant)

    monkeypatch.setattr(studio.pipeline, "draw", editor_saves_meanwhile)
    response = client.put("samtidig", {**got.json(), "hide": []}, got.headers["etag"])
    assert response.status_code == 412
    assert response.json()["error"] == (
        "overlayn ändrades medan den sparades; ladda om den och gör om ändringen"
    )
    assert path.read_text("utf-8").endswith("# sparat i en editor\n")
    assert not list(path.parent.glob(".samtidig.yaml.*"))


def test_a_saved_overlays_warnings_name_the_overlay_not_its_temporary_file(client: Client):
    people = [{"name": "Anna Andersson", "role": "Direktör"}]
    data = {"slides": {"panel": {"people": people}}}
    response = client.put("varning", data, None, variant="national", **{"if-none-match": "*"})
    assert response.status_code == 200, response.text
    warnings = response.json()["deck"]["warnings"]
    assert warnings
    assert [w["file"] for w in warnings] == ["content/overlays/varning.yaml"]
    assert ".tmp" not in json.dumps(warnings)
    again = client.http.get("/api/decks/national?overlay=varning").json()
    assert ".tmp" not in json.dumps(again)


def test_a_small_body_with_thousands_of_entries_is_refused_before_it_is_checked(client: Client):
    client.overlay_copy("manga")
    got = client.http.get("/api/overlays/manga")
    response = client.put("manga", {"hide": ["x"] * 600}, got.headers["etag"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "a list or mapping of the overlay has more than 500 entries"
    )
    response = client.put("manga", {"hide": [f"x{n}" for n in range(60)]}, got.headers["etag"])
    errors = response.json()["errors"]
    assert len(errors) == 51
    assert errors[-1]["message"] == "and 10 more problems: mend these first"


def test_a_request_another_sites_page_makes_is_refused(client: Client):
    response = client.http.get("/api/decks/national.pdf", headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    assert response.json()["error"] == "en annan webbplats får inte använda den här servern"
    same = client.http.get("/api/variants", headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 200


def test_an_integer_of_thousands_of_digits_is_a_bad_request_not_a_crash(client: Client):
    client.overlay_copy("tal")
    got = client.http.get("/api/overlays/tal")
    sent = {"x-csrf-token": client.token, "if-match": got.headers["etag"]}
    raw = '{"hide": [' + "9" * 5000 + "]}"
    response = client.http.put("/api/overlays/tal", content=raw, headers=sent)
    assert response.status_code == 400
    assert response.json()["error"].startswith("inte giltig JSON: ")


def test_reordered_quotes_take_their_comments_with_them():
    old = (
        "quotes:\n  - citat-uthallighet  # Annas favorit\n  - eget-citat  # skrivet av mig\n"
        "  - citat-legitimitet\n\nhide: [panel]\n"
    )
    new = {"quotes": ["citat-legitimitet", "citat-uthallighet", "eget-citat"], "hide": ["panel"]}
    assert updated_text(old, new) == (
        "quotes:\n  - citat-legitimitet\n  - citat-uthallighet  # Annas favorit\n"
        "  - eget-citat  # skrivet av mig\n\nhide: [panel]\n"
    )

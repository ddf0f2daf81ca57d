"""The LibreOffice that stays running for the live preview (generator.output.live): its PDFs are
those of `generator.output.pdf` with every slide, or only the slides asked for, read back with
poppler; it is started once and reused, started again when it dies, and leaves no process
behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import ToolError
from generator.output import live
from generator.output.live import LiveOffice

from .preview_support import HIDDEN, SOFFICE, Project
from .test_pdf import PDFIMAGES, PDFINFO, assert_accessible, info, pdf_images, png_sizes

PDFTOTEXT = shutil.which("pdftotext")


def _uno_python() -> str | None:
    if SOFFICE is None:
        return None
    try:
        return live._uno_python(SOFFICE)
    except ToolError:
        return None


UNO_PYTHON = _uno_python()
needs_live = pytest.mark.skipif(
    not (SOFFICE and UNO_PYTHON and PDFINFO and PDFTOTEXT),
    reason="needs LibreOffice, a Python that can import uno and poppler: apt-get install "
    "libreoffice-impress python3-uno poppler-utils",
)
#: The titles of Värmland's deck, by slide; the third is hidden (preview_support.HIDDEN).
TITLES = {
    1: "Regionen i rörelse",
    2: "Vad handlar det om?",
    3: "Uppdraget är samhällsutveckling",
    4: "Region Värmland",
    5: "Invånare per kommun i Värmlands län",
    6: "Hur styr, leder och organiserar vi regional utveckling för att nå",
    11: "Tack för oss!",
}


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Värmland's deck, 11 slides, the third hidden."""
    if not SOFFICE:
        pytest.skip("needs LibreOffice")
    project = Project(tmp_path_factory.mktemp("live"))
    result = project.run("build", "--region", "varmland")
    assert result.exit_code == 0, result.output
    assert HIDDEN == "uppdraget"
    return project.output / "regionen-i-rorelse-varmland.pptx"


@pytest.fixture(scope="module")
def office() -> Iterator[LiveOffice]:
    with LiveOffice() as running:
        yield running


def page_text(pdf: Path, page: int) -> str:
    assert PDFTOTEXT is not None
    command = [PDFTOTEXT, "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def titles(pdf: Path) -> list[str]:
    """The first line of each page's text."""
    pages = int(info(pdf)["Pages"])
    return [page_text(pdf, page).splitlines()[0] for page in range(1, pages + 1)]


def group_alive(pgid: int) -> bool:
    """Whether `ps` lists a process in the process group `pgid` that has not exited (a zombie
    waits for init to reap it)."""
    listed = subprocess.run(
        ["ps", "-e", "-o", "pgid=,stat="], capture_output=True, text=True, check=True
    ).stdout
    return any(
        int(group) == pgid and not state.startswith("Z")
        for group, state in map(str.split, listed.splitlines())
    )


def profile_of(pid: int) -> Path:
    """The user profile a running soffice was started with."""
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    (found,) = [a for a in arguments if a.startswith("-env:UserInstallation=file://")]
    return Path(found.removeprefix("-env:UserInstallation=file://"))


def sockets_of(pid: int) -> list[Path]:
    """The sockets in /tmp that a running soffice listens on: its UNO pipe, and the pipe for its
    profile."""
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    (accept,) = [a for a in arguments if a.startswith("--accept=pipe,name=")]
    pipe = accept.removeprefix("--accept=pipe,name=").split(";")[0]
    found = [Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{pipe}"]
    assert found[0].is_socket()
    return found


def wait_gone(pgid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not group_alive(pgid)


@needs_live
def test_a_whole_deck_is_every_slide_hidden_ones_too_tagged_in_swedish(
    office: LiveOffice, deck: Path, tmp_path: Path
):
    pdf = office.pdf(deck, tmp_path / "all.pdf")
    assert pdf == tmp_path / "all.pdf"
    assert_accessible(pdf, "Regionen i rörelse", pages=11)
    found = titles(pdf)
    assert {number: found[number - 1] for number in TITLES} == TITLES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.pdf"]


@needs_live
@pytest.mark.skipif(PDFIMAGES is None, reason="needs poppler's pdfimages")
def test_the_pictures_keep_their_pixels_as_in_generator_output_pdf(
    office: LiveOffice, deck: Path, tmp_path: Path
):
    """ReduceImageResolution is off here too: each PNG of the deck (its logo) is in the PDF at
    its own size, losslessly (test_pdf.test_the_pdfs_pictures_keep_their_pixels)."""
    sizes = png_sizes(deck)
    assert sizes
    pdf = office.pdf(deck, tmp_path / "all.pdf")
    assert pdf_images(pdf) == {(size, "image") for size in sizes}


@needs_live
@pytest.mark.parametrize(
    ("pages", "expected"),
    [([2], [2]), ([5, 6], [5, 6]), ([3], [3]), ([6, 2, 6], [2, 6])],
    ids=["2", "5-6", "hidden-3", "unordered"],
)
def test_pages_are_those_slides_in_the_decks_order(
    office: LiveOffice, deck: Path, tmp_path: Path, pages: list[int], expected: list[int]
):
    pdf = office.pdf(deck, tmp_path / "some.pdf", pages=pages)
    assert_accessible(pdf, "Regionen i rörelse", pages=len(expected))
    assert titles(pdf) == [TITLES[number] for number in expected]


@needs_live
def test_a_second_export_reuses_the_same_soffice(office: LiveOffice, deck: Path, tmp_path: Path):
    office.pdf(deck, tmp_path / "one.pdf", pages=[1])
    first = office.pid
    office.pdf(deck, tmp_path / "two.pdf", pages=[1])
    assert first is not None
    assert office.pid == first
    assert group_alive(first)


@needs_live
def test_a_corrupt_deck_is_a_tool_error_and_the_next_export_works(
    office: LiveOffice, deck: Path, tmp_path: Path
):
    corrupt = tmp_path / "corrupt.pptx"
    corrupt.write_bytes(deck.read_bytes()[:5000])
    office.pdf(deck, tmp_path / "before.pdf", pages=[1])
    before = office.pid
    with pytest.raises(ToolError) as raised:
        office.pdf(corrupt, tmp_path / "corrupt.pdf")
    assert str(raised.value) == f"{corrupt.as_posix()}: error: LibreOffice could not open it"
    assert raised.value.exit_code == 4
    assert not (tmp_path / "corrupt.pdf").exists()
    assert titles(office.pdf(deck, tmp_path / "after.pdf", pages=[2])) == [TITLES[2]]
    assert office.pid == before


@needs_live
def test_a_slide_the_deck_has_not_is_a_tool_error(office: LiveOffice, deck: Path, tmp_path: Path):
    with pytest.raises(ToolError) as raised:
        office.pdf(deck, tmp_path / "none.pdf", pages=[11, 12])
    assert str(raised.value) == (
        f"{deck.as_posix()}: error: it has 11 slides: there is no slide 12"
    )
    assert list(tmp_path.iterdir()) == []


@needs_live
def test_a_soffice_that_died_is_started_again(office: LiveOffice, deck: Path, tmp_path: Path):
    office.pdf(deck, tmp_path / "before.pdf", pages=[1])
    killed = office.pid
    assert killed is not None
    os.killpg(killed, signal.SIGKILL)
    assert titles(office.pdf(deck, tmp_path / "after.pdf", pages=[4])) == [TITLES[4]]
    assert office.pid not in (None, killed)


@needs_live
def test_callers_on_two_threads_take_turns(office: LiveOffice, deck: Path, tmp_path: Path):
    pdfs: dict[int, Path] = {}

    def export(page: int) -> None:
        pdfs[page] = office.pdf(deck, tmp_path / f"{page}.pdf", pages=[page])

    threads = [threading.Thread(target=export, args=(page,)) for page in (1, 2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {page: titles(pdf) for page, pdf in pdfs.items()} == {
        page: [TITLES[page]] for page in (1, 2, 4)
    }


@needs_live
def test_closing_leaves_no_soffice_nor_its_profile(deck: Path, tmp_path: Path):
    office = LiveOffice()
    assert office.pid is None  # started lazily
    office.pdf(deck, tmp_path / "one.pdf", pages=[1])
    pid = office.pid
    assert pid is not None
    profile = profile_of(pid)
    assert profile.is_dir()
    office.close()
    assert office.pid is None
    assert not group_alive(pid)
    assert not profile.exists()


@needs_live
def test_an_export_that_takes_too_long_ends_soffice(deck: Path, tmp_path: Path):
    with LiveOffice(timeout=0.01) as office:
        office._session()  # started outside the export's time
        pid = office.pid
        assert pid is not None
        sockets = sockets_of(pid)
        with pytest.raises(ToolError) as raised:
            office.pdf(deck, tmp_path / "slow.pdf")
        assert str(raised.value) == (
            f"{deck.as_posix()}: error: LibreOffice took more than 0.01 s: it was ended"
        )
        assert office.pid is None
        assert not group_alive(pid)
        assert [socket for socket in sockets if socket.exists()] == []
        assert list(tmp_path.iterdir()) == []


#: A deckgen that exports one slide, says soffice's pid, then ends as argv[2] says.
ENDS = """\
import os, signal, sys
from pathlib import Path
from generator.output.live import LiveOffice
office = LiveOffice()
office.pdf(Path(sys.argv[1]), Path(sys.argv[1]).with_suffix(".pdf"), pages=[1])
print(office.pid, flush=True)
if sys.argv[2] == "killed":
    os.kill(os.getpid(), signal.SIGKILL)
"""


@needs_live
@pytest.mark.parametrize("end", ["exits", "killed"])
def test_a_deckgen_that_ends_without_closing_leaves_no_soffice(
    deck: Path, tmp_path: Path, end: str
):
    """At the interpreter's exit the office closes; where deckgen is killed, the bridge sees
    its input end, asks soffice to terminate and removes its profile."""
    copy = shutil.copy(deck, tmp_path / "deck.pptx")
    temp = tmp_path / "temp"
    temp.mkdir()
    ran = subprocess.run(
        [sys.executable, "-c", ENDS, str(copy), end],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    pid = int(ran.stdout)
    assert ran.returncode == (0 if end == "exits" else -signal.SIGKILL), ran.stderr
    assert wait_gone(pid)
    deadline = time.monotonic() + 10
    while any(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # the bridge removes the profile once soffice has exited
    assert list(temp.iterdir()) == []


def test_no_soffice_is_a_tool_error_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolError) as raised:
        LiveOffice().pdf(Path(__file__), tmp_path / "out.pdf")
    assert str(raised.value) == (
        "soffice: error: exporting decks to PDF needs LibreOffice's soffice: install it "
        "(apt-get install libreoffice-impress)"
    )


def test_no_python_with_uno_is_a_tool_error_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(live, "_SYSTEM_PYTHONS", ())
    soffice = tmp_path / "program" / "soffice"
    soffice.parent.mkdir()
    soffice.write_text("#!/bin/sh\n")
    with pytest.raises(ToolError) as raised:
        LiveOffice(soffice=str(soffice)).pdf(Path(__file__), tmp_path / "out.pdf")
    assert str(raised.value) == (
        "soffice: error: the live preview drives LibreOffice over UNO and needs a Python that "
        "can import uno: install python3-uno (apt-get install python3-uno)"
    )


@needs_live
def test_a_python_without_uno_is_a_tool_error(deck: Path, tmp_path: Path):
    with pytest.raises(ToolError) as raised:
        LiveOffice(python=sys.executable).pdf(deck, tmp_path / "out.pdf")
    assert str(raised.value) == (
        f"soffice: error: LibreOffice did not start: {sys.executable} cannot import uno: "
        "No module named 'uno'"
    )


@pytest.mark.skipif(UNO_PYTHON is None, reason="needs a Python that can import uno")
def test_a_soffice_that_does_not_start_is_a_tool_error_with_what_it_said(
    deck: Path, tmp_path: Path
):
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\necho 'soffice: a broken install' >&2\nexit 1\n")
    soffice.chmod(0o755)
    with pytest.raises(ToolError) as raised:
        LiveOffice(soffice=str(soffice)).pdf(deck, tmp_path / "out.pdf")
    assert str(raised.value) == (
        "soffice: error: LibreOffice did not start: soffice: a broken install"
    )
    assert list(tmp_path.iterdir()) == [soffice]


#: A stand-in for the bridge, run as its Python: says it is ready, then answers that soffice
#: is gone, every time ("always") or only the first time, after which it writes the "PDF";
#: told to quit, it ends the soffice (argv[4]), as the bridge asks soffice to terminate.
FAKE_BRIDGE = """\
import json, os, pathlib, signal, sys
marker = pathlib.Path(sys.argv[0]).with_name("died-once")
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if request.get("quit"):
        os.kill(int(sys.argv[4]), signal.SIGTERM)
        break
    if MODE == "always" or not marker.exists():
        marker.touch()
        print(json.dumps({"error": "soffice crashed", "kind": "gone"}), flush=True)
    else:
        pathlib.Path(request["target"]).write_bytes(b"%PDF-1.7 stand-in")
        print(json.dumps({"ok": True}), flush=True)
"""


def stand_ins(folder: Path, mode: str) -> tuple[str, str, Path]:
    """A soffice that notes its pid and sleeps, and a bridge that says soffice died."""
    soffice = folder / "soffice"
    soffice.write_text(f"#!/bin/sh\necho $$ >> {folder / 'pids'}\nexec sleep 300\n")
    bridge = folder / "bridge"
    bridge.write_text(f"#!{sys.executable}\nMODE = {mode!r}\n{FAKE_BRIDGE}")
    for script in (soffice, bridge):
        script.chmod(0o755)
    return str(soffice), str(bridge), folder / "pids"


def test_a_soffice_that_dies_during_an_export_is_started_again_once(tmp_path: Path):
    soffice, bridge, pids = stand_ins(tmp_path, "once")
    with LiveOffice(soffice=soffice, python=bridge) as office:
        assert office.pdf(Path(__file__), tmp_path / "out.pdf") == tmp_path / "out.pdf"
        assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-1.7 stand-in"
        first, second = map(int, pids.read_text().split())
        assert office.pid == second
        assert (group_alive(first), group_alive(second)) == (False, True)
    assert not group_alive(second)


def test_a_soffice_that_dies_twice_is_a_tool_error(tmp_path: Path):
    soffice, bridge, pids = stand_ins(tmp_path, "always")
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(b"")
    office = LiveOffice(soffice=soffice, python=bridge)
    with pytest.raises(ToolError) as raised:
        office.pdf(deck, tmp_path / "out.pdf")
    assert str(raised.value) == (
        f"{deck.as_posix()}: error: LibreOffice died twice: soffice crashed"
    )
    assert office.pid is None
    assert [group_alive(int(pid)) for pid in pids.read_text().split()] == [False, False]
    assert not (tmp_path / "out.pdf").exists()


def test_a_missing_deck_is_a_tool_error(tmp_path: Path):
    with pytest.raises(ToolError) as raised:
        LiveOffice().pdf(tmp_path / "gone.pptx", tmp_path / "out.pdf")
    assert str(raised.value) == f"{(tmp_path / 'gone.pptx').as_posix()}: error: no such deck"


@pytest.mark.parametrize("pages", [[], [0, 1], [-1]])
def test_pages_are_slide_numbers_from_one(pages: list[int], tmp_path: Path):
    with pytest.raises(ValueError, match="are not slide numbers from 1"):
        LiveOffice().pdf(Path(__file__), tmp_path / "out.pdf", pages=pages)


def test_a_locale_is_a_language_tag():
    with pytest.raises(ValueError, match="is not a language tag"):
        LiveOffice(locale='sv"/><x')


@pytest.mark.parametrize(
    ("pages", "expected"),
    [([2], "2"), ([5, 6], "5-6"), ([6, 5, 2, 2, 9, 7], "2,5-7,9")],
)
def test_the_page_range_is_in_order_with_runs_joined(pages: list[int], expected: str):
    assert live._page_range(pages) == expected

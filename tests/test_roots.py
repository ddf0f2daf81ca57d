"""Nothing outside the roots is opened: a canary file outside the project, reached through a
symbolic link by every way in that content or templates have, is never opened, and nothing of
it is printed. deckgen runs in a subprocess whose opens are watched: by an audit hook (every
`open` Python makes, in the forked workers too), and by strace where it is installed (every
`open` the process tree makes, C libraries included; `.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_template import MAPPING, corporate_template

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")

SECRET = "AWS_SECRET_ACCESS_KEY=canary-7f3a9"

#: Runs deckgen with an audit hook that writes every path Python opens to the file descriptor
#: given as argv[1] (opened before the hook, so the hook's own writes are not opens).
#: Content text renders in a worker that closes the descriptors it inherits, so there the hook
#: opens the log again by its name (given as argv[2]), once, and writes on.
WATCHED = """\
import os, sys
log = int(sys.argv.pop(1))
name = sys.argv.pop(1)
reopening = False
def hook(event, args):
    global log, reopening
    if event == "open" and isinstance(args[0], (str, bytes)) and not reopening:
        line = (os.path.realpath(os.fsdecode(args[0])) + "\\n").encode("utf-8", "surrogateescape")
        try:
            os.write(log, line)
        except OSError:
            reopening = True
            log = os.open(name, os.O_WRONLY | os.O_APPEND)
            reopening = False
            os.write(log, line)
sys.addaudithook(hook)
from generator.app.cli import main
sys.argv[0] = "deckgen"
main()
"""


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


def link(path: Path, canary: Path) -> None:
    """Put a symbolic link to the canary at `path`, in place of what is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(canary, path)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def deck_file(root: Path, canary: Path) -> list[str]:
    link(root / "content" / "deck.yaml", canary)
    return ["build"]


def region_file(root: Path, canary: Path) -> list[str]:
    link(root / "content" / "regions" / "evil.yaml", canary)
    return ["validate", "--region", "evil"]


def region_file_in_all(root: Path, canary: Path) -> list[str]:
    link(root / "content" / "regions" / "evil.yaml", canary)
    return ["build", "--all", "-j", "2"]


def overlay(root: Path, canary: Path) -> list[str]:
    link(root / "content" / "overlays" / "evil.yaml", canary)
    return ["build", "--overlay", "content/overlays/evil.yaml"]


def brand(root: Path, canary: Path) -> list[str]:
    link(root / "templates" / "brands" / "skr.yaml", canary)
    return ["build"]


def corporate(root: Path, canary: Path) -> list[str]:
    brands = root / "templates" / "brands"
    (brands / "corporate.yaml").write_text(MAPPING.format(ext="pptx"), "utf-8")
    corporate_template(root / "real.pptx")  # a real one, outside the roots, never used
    link(brands / "corporate.pptx", canary)
    replace(root / "content" / "deck.yaml", "brand: skr", "brand: corporate")
    return ["build"]


def master(root: Path, canary: Path) -> list[str]:
    link(root / "templates" / "masters" / "default.yaml", canary)
    return ["build"]


def layout(root: Path, canary: Path) -> list[str]:
    link(root / "templates" / "layouts" / "quote.yaml.j2", canary)
    return ["build"]


def photo(root: Path, canary: Path) -> list[str]:
    overlays = root / "content" / "overlays"
    (overlays / "foto.yaml").write_text(
        "slides:\n  panel:\n    people:\n      - {name: Ett Namn, role: Roll, photo: ett.png}\n",
        "utf-8",
    )
    link(overlays / "ett.png", canary)
    return ["build", "--overlay", "content/overlays/foto.yaml"]


def logo(root: Path, canary: Path) -> list[str]:
    link(root / "templates" / "brands" / "logos" / "skr.png", canary)
    return ["build"]


def unreferenced(root: Path, canary: Path) -> list[str]:
    link(root / "content" / "anteckningar.yaml", canary)
    link(root / "templates" / "layouts" / "oanvand.yaml.j2", canary)
    link(root / "templates" / "brands" / "logos" / "oanvand.png", canary)
    return ["build", "--all", "-j", "2"]


OUT = "error: the file leads outside {} through a symbolic link; deckgen reads only files inside"
LINKED = "leads outside {} (through a symbolic link)"

#: Each way in, and the first line of the error that refuses it (None: nothing names the link,
#: and the build passes without opening it).
WAYS = {
    deck_file: "content/deck.yaml: " + OUT.format("content/") + " it",
    region_file: "content/regions/evil.yaml: " + OUT.format("content/") + " it",
    region_file_in_all: "content/regions/evil.yaml: " + OUT.format("content/") + " it",
    overlay: "content/overlays/evil.yaml: " + OUT.format("content/") + " it",
    brand: "templates/brands/skr.yaml: " + OUT.format("templates/") + " it",
    corporate: "templates/brands/corporate.yaml:3:9: error: template.file: 'corporate.pptx' "
    + LINKED.format("templates/"),
    master: "templates/masters/default.yaml: " + OUT.format("templates/") + " it",
    layout: "templates/layouts/quote.yaml.j2: " + OUT.format("templates/") + " it",
    photo: "content/overlays/foto.yaml:4:45: error: slides.panel.people[0].photo: 'ett.png' "
    + LINKED.format("content/ or templates/"),
    logo: "templates/brands/skr.yaml:20:7: error: logo: 'logos/skr.png' "
    + LINKED.format("templates/"),
    unreferenced: None,
}


def watched(root: Path, arguments: list[str], how: str, log: Path) -> subprocess.CompletedProcess:
    if how == "strace":
        # -y: each file descriptor an open returns is shown with the file it resolved to
        command = ["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", str(log)]
        command += [sys.executable, "-m", "generator", *arguments]
        return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
    try:
        return subprocess.run(
            [sys.executable, "-c", WATCHED, str(handle), str(log), *arguments],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
            pass_fds=(handle,),
        )
    finally:
        os.close(handle)


@pytest.mark.parametrize("how", ["audit", "strace"])
@pytest.mark.parametrize("way", list(WAYS), ids=lambda way: way.__name__)
def test_the_canary_outside_the_roots_is_never_opened(tmp_path: Path, way, how: str):
    if how == "strace" and shutil.which("strace") is None:
        pytest.skip("strace is not installed (.ci/run installs it)")
    canary = tmp_path / "secret.env"
    canary.write_text(SECRET + "\n", "utf-8")
    root = project(tmp_path)
    arguments = way(root, canary)
    log = tmp_path / "opens.log"
    first = watched(root, arguments, how, log)
    opened = log.read_text("utf-8", "surrogateescape")
    again = watched(root, arguments, how, log) if way is unreferenced else first  # up to date
    opened += log.read_text("utf-8", "surrogateescape")
    assert "/generator/" in opened  # the log does see the opens: deckgen's own modules
    assert str(canary) not in opened
    for result in (first, again):
        assert "canary" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        expected = WAYS[way]
        if expected is None:
            assert result.returncode == 0, result.stderr
        else:
            assert result.returncode == 1, result.stderr
            assert result.stderr.splitlines()[0] == expected
            assert result.stderr.count("leads outside") == 1
    if way is unreferenced:
        assert "22 up to date" in again.stdout


@pytest.mark.parametrize("where", ["the file", "a folder on the way"])
def test_a_link_put_in_the_way_after_the_check_is_refused_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
):
    """The race: the roots check looks while the path is a plain file, then someone puts a
    link in its place before it is opened. The open goes name by name from the root and
    follows no link, so the outside file is never read. (`outside` is made to pass, as it did
    at the moment it looked.)"""
    from generator import files
    from generator.errors import DeckgenError

    canary = tmp_path / "secret.env"
    canary.write_text(SECRET + "\n", "utf-8")
    content = tmp_path / "project" / "content"
    (content / "regions").mkdir(parents=True)
    if where == "the file":
        path = content / "regions" / "varmland.yaml"
        path.symlink_to(canary)
    else:
        (content / "regions" / "sub").symlink_to(tmp_path, target_is_directory=True)
        path = content / "regions" / "sub" / "secret.env"
    monkeypatch.setattr(files, "outside", lambda path, roots: None)
    monkeypatch.setattr(Path, "resolve", lambda self, strict=False: Path(os.path.abspath(self)))
    with pytest.raises(DeckgenError) as caught:
        files.read_input(path, 1000, (content,))
    [problem] = caught.value.diagnostics
    assert problem.message == (
        "the file became a symbolic link while deckgen read it; nothing of it was read"
    )

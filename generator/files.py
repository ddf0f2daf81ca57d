"""Files that untrusted content names: paths kept inside the project's roots, and images checked
by what they are, not by what they are called."""

from __future__ import annotations

import contextlib
import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.errors import shown as quoted

#: The largest image file deckgen embeds.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
#: The most pixels an image may have (Pillow's decompression-bomb guard warns at 89 million).
MAX_IMAGE_PIXELS = 40_000_000
#: The longest name one folder or file in a path may have, in bytes (Linux's NAME_MAX).
MAX_NAME_BYTES = 255
#: What an image's first bytes are, for each format deckgen embeds.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}


#: What a file that is not a regular one is, for the error that refuses it.
_KINDS = (
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def special(mode: int) -> str | None:
    """Return what a file of `mode` is ("a pipe", "a device") if it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


#: What to do about a special file that was named as an input (`--overlay <(cat overlay.yaml)`).
SAVE_IT = "save what it holds as a file and name that"


def not_regular(path: Path, kind: str, advice: str = SAVE_IT) -> DeckgenError:
    """Return the error that refuses `path`, a pipe, a device or another special file."""
    message = (
        f"not a regular file but {kind}: deckgen reads its inputs from regular files only"
        f" ({advice})"
    )
    return DeckgenError([Diagnostic(display_path(path), None, None, message)])


#: Inside `read_once`: each input's whole bytes as first read, by absolute path.
_READ: dict[str, bytes] | None = None


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within this block, `read_input` reads each file from disk once and gives the same bytes
    after, so the stages build from what the rebuild check hashed even if the file changes in
    between. Worker processes forked inside the block inherit what was read."""
    global _READ
    outer = _READ
    _READ = {} if outer is None else outer
    try:
        yield
    finally:
        _READ = outer


def read_input(path: Path, limit: int, advice: str = SAVE_IT) -> bytes:
    """Return the bytes of the regular file at `path`, at most `limit` + 1 of them (the caller
    refuses more); raise `DeckgenError` for a pipe, a device or a socket, without waiting on it,
    and `OSError` if it cannot be read. Inside `read_once`, a file is read from disk once."""
    key = os.path.abspath(path)
    if _READ is not None and key in _READ:
        return _READ[key][: limit + 1]
    data = _read(path, limit, advice)
    if _READ is not None and len(data) <= limit:  # whole: a larger limit may ask for it again
        _READ[key] = data
    return data


def _read(path: Path, limit: int, advice: str) -> bytes:
    """Read a regular file. A FIFO blocks `open` until someone writes to it, and /dev/zero never
    ends: the mode is checked before opening, and the opened file's again (non-blocking), in
    case it changed in between."""
    kind = special(os.stat(path).st_mode)
    if kind is not None:
        raise not_regular(path, kind, advice)
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(handle, "rb") as stream:
        kind = special(os.fstat(handle).st_mode)
        if kind is not None:
            raise not_regular(path, kind, advice)
        return stream.read(limit + 1)


def inside(value: str, folder: Path, roots: tuple[Path, ...]) -> tuple[Path | None, str | None]:
    """Return `value`, a path relative to `folder`, resolved, if it stays inside one of `roots`;
    else None and what is wrong with it."""
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
        return None, f"absolute paths are not allowed: {quoted(value)}"
    if ".." in parts(value):
        return None, f"'..' is not allowed in a path: {quoted(value)}"
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in parts(value)):
        return None, (
            f"{quoted(value)}: a name in the path is longer than {MAX_NAME_BYTES} bytes, the limit"
        )
    try:
        resolved = (folder / value).resolve()
    except RuntimeError:  # Python 3.11's pathlib says "Symlink loop"
        return None, f"{quoted(value)}: the path's symbolic links form a loop"
    except OSError as exc:
        return None, f"{quoted(value)}: the path cannot be read: {exc.strerror or exc}"
    if not any(resolved.is_relative_to(root.resolve()) for root in roots):
        folders = " or ".join(f"{display_path(root)}/" for root in roots)
        written = (folder / value).absolute()
        linked = any(written.is_relative_to(root.absolute()) for root in roots)
        how = " (through a symbolic link)" if linked else ""
        if not any(folder.resolve().is_relative_to(root.resolve()) for root in roots):
            # An overlay kept elsewhere, with its photo beside it: say what to do.
            how = (
                f" (images must lie there, and so must a file that names them: move this file"
                f" and its images under {display_path(roots[0])}/, such as"
                f" {display_path(roots[0] / 'overlays')}/)"
            )
        return None, f"{quoted(value)} leads outside {folders}{how}"
    return resolved, None


def parts(value: str) -> tuple[str, ...]:
    """Return the folders and file that `value` names, with either kind of slash."""
    return PurePosixPath(value.replace("\\", "/")).parts


def image_problem(path: Path) -> str | None:
    """Return what is wrong with the image at `path` (missing, too big, not a PNG, JPEG or GIF
    by its content, too many pixels), or None."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(16)
    except OSError:
        return None  # reported as not found by the caller
    if size > MAX_IMAGE_BYTES:
        return f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB, the limit"
    kind = next((name for magic, name in _SIGNATURES.items() if head.startswith(magic)), None)
    if kind is None:
        return "not a PNG, JPEG or GIF image, by its content"
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header, not the pixels
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return f"the image has more than {MAX_IMAGE_PIXELS} pixels, the limit"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"not a readable {kind} image: {exc}"
    if width * height > MAX_IMAGE_PIXELS:
        return f"the image is {width} x {height} pixels; the limit is {MAX_IMAGE_PIXELS} pixels"
    return None

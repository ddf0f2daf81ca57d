"""Files that untrusted content names: paths kept inside the project's roots, and images checked
by what they are, not by what they are called."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
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
#: Inside `track` blocks, innermost last: the files read in each, by path, with their sha256.
_USED: list[dict[str, str]] = []


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


@contextlib.contextmanager
def track() -> Iterator[dict[str, str]]:
    """Within this block, note every file that `read_input` reads (or gives from `read_once`),
    by its path as written, with the sha256 of its bytes: what one deck was built from, for
    the rebuild check. Blocks nest; a file read inside the inner is noted in the outer too."""
    used: dict[str, str] = {}
    _USED.append(used)
    try:
        yield used
    finally:
        _USED.pop()  # blocks nest, so it is the last; `remove` would compare, not match


def note_used(files: dict[str, str]) -> None:
    """Note `files` (path: sha256), read before, as read again in every open `track` block:
    for what a cache kept from an earlier deck."""
    for used in _USED:
        used.update(files)


def read_input(path: Path, limit: int, roots: tuple[Path, ...], advice: str = SAVE_IT) -> bytes:
    """Return the bytes of the regular file at `path`, at most `limit` + 1 of them (the caller
    refuses more).

    Raise `DeckgenError`, before opening it, if `path` leads outside every folder of `roots`
    once its symbolic links are resolved, or is a pipe, a device or a socket (never waited on);
    raise `OSError` if it cannot be read. Inside `read_once`, a file is read from disk once;
    inside `track`, it is noted."""
    refused = outside(path, roots)
    if refused is not None:
        raise DeckgenError([Diagnostic(display_path(path), None, None, refused)])
    key = os.path.abspath(path)
    if _READ is not None and key in _READ:
        data = _READ[key]
    else:
        data = _read(path, limit, advice, roots)
        if _READ is not None and len(data) <= limit:  # whole: a larger limit may ask again
            _READ[key] = data
    if _USED and len(data) <= limit:
        note_used({noted(path): hashlib.sha256(data).hexdigest()})
    return data[: limit + 1]


def noted(path: Path) -> str:
    """Return how `track` names `path`: relative to the working directory where it lies below
    it (links not resolved: a link is read again through itself), else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def outside(path: Path, roots: tuple[Path, ...]) -> str | None:
    """Return why `path` may not be read, if it leads outside every folder of `roots` once its
    symbolic links are resolved; the message quotes nothing of what it leads to."""
    try:
        resolved = path.resolve()
    except RuntimeError:  # Python 3.11's pathlib says "Symlink loop"
        return "the path's symbolic links form a loop"
    if any(resolved.is_relative_to(root.resolve()) for root in roots):
        return None
    outer = [
        root
        for root in dict.fromkeys(roots)
        if not any(root != other and _below(root, other) for other in roots)
    ]
    folders = " or ".join(f"{display_path(root)}/" for root in outer)
    how = " through a symbolic link" if path.is_symlink() or _linked(path) else ""
    return (
        f"the file leads outside {folders}{how}; deckgen reads only files inside"
        f" {'them' if len(outer) > 1 else 'it'}"
    )


def _below(folder: Path, other: Path) -> bool:
    """Whether `folder` lies inside `other`, both resolved."""
    return folder.resolve().is_relative_to(other.resolve())


def _linked(path: Path) -> bool:
    """Whether a folder on the way to `path` is a symbolic link."""
    return any(parent.is_symlink() for parent in path.absolute().parents)


def _read(path: Path, limit: int, advice: str, roots: tuple[Path, ...]) -> bytes:
    """Read a regular file. A FIFO blocks `open` until someone writes to it, and /dev/zero never
    ends: the mode is checked before opening, and the opened file's again (non-blocking), in
    case it changed in between. The file is opened beneath its root without following a link
    (`_open_beneath`), so a link put in its way after `outside` looked is refused, not read."""
    kind = special(os.stat(path).st_mode)
    if kind is not None:
        raise not_regular(path, kind, advice)
    try:
        handle = _open_beneath(path.resolve(), roots)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise
        message = "the file became a symbolic link while deckgen read it; nothing of it was read"
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)]) from None
    with open(handle, "rb") as stream:
        kind = special(os.fstat(handle).st_mode)
        if kind is not None:
            raise not_regular(path, kind, advice)
        return stream.read(limit + 1)


_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open_beneath(resolved: Path, roots: tuple[Path, ...]) -> int:
    """Open `resolved`, a path without links inside one of `roots`, one name at a time from
    its root, refusing to follow a link at any of them (`O_NOFOLLOW`: `ELOOP` or `ENOTDIR`).
    Where the system cannot open relative to a folder (Windows), it is opened by its path."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    root = next((r.resolve() for r in roots if resolved.is_relative_to(r.resolve())), None)
    if root is None or not nofollow or os.open not in os.supports_dir_fd:
        return os.open(resolved, _FILE_FLAGS | nofollow)
    *folders, name = resolved.relative_to(root).parts
    folder = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for part in folders:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | nofollow, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(name, _FILE_FLAGS | nofollow, dir_fd=folder)
    finally:
        os.close(folder)


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


def image_problem(path: Path, roots: tuple[Path, ...]) -> str | None:
    """Return what is wrong with the image at `path` (too big, not a PNG, JPEG or GIF by its
    content, too many pixels), or None; raise `DeckgenError` if it leads outside `roots` or is
    not a regular file, and `OSError` if it cannot be read."""
    data = read_input(path, MAX_IMAGE_BYTES, roots)
    if len(data) > MAX_IMAGE_BYTES:
        return f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB, the limit"
    kind = next((name for magic, name in _SIGNATURES.items() if data.startswith(magic)), None)
    if kind is None:
        return "not a PNG, JPEG or GIF image, by its content"
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header, not the pixels
                width, height = image.size
                if width * height <= MAX_IMAGE_PIXELS:
                    image.verify()  # the data, to its end: a truncated file is refused
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return f"the image has more than {MAX_IMAGE_PIXELS} pixels, the limit"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"not a readable {kind} image: {exc}"
    if width * height > MAX_IMAGE_PIXELS:
        return f"the image is {width} x {height} pixels; the limit is {MAX_IMAGE_PIXELS} pixels"
    return None


def read_image(path: Path, roots: tuple[Path, ...]) -> io.BytesIO:
    """Return the bytes of an image that `image_problem` passed, to embed or measure."""
    return io.BytesIO(read_input(path, MAX_IMAGE_BYTES, roots))

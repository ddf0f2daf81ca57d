"""Files that untrusted content names: paths kept inside the project's roots, and images checked
by what they are, not by what they are called."""

from __future__ import annotations

import warnings
from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.errors import display_path
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

"""Stage 6, save: write a deck reproducibly and atomically.

The zip is rewritten with fixed entry times, attributes and order, so the same input gives the
same bytes. The file is written beside its target and renamed over it, so a failed or killed
build never leaves a half-written deck and never clobbers the previous good one.

A build killed with SIGKILL cannot remove its temporary file, `.<name>.<random>.tmp`. The writer
holds an exclusive `flock` on its temporary file while it lives (the kernel drops the lock when
the process dies), and every save of `<name>` removes the temporary files of `<name>` that
nobody holds and that are older than `STALE_SECONDS`; the age covers the moment between
creating a file and locking it. Where there is no `flock` (Windows), only files older than
`STALE_SECONDS_UNLOCKED` are removed.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic, display_path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: A temporary file nobody holds a lock on is a dead build's once it is this old (seconds).
STALE_SECONDS = 10.0
#: Without flock, a temporary file is taken for a dead build's only after this long (seconds).
STALE_SECONDS_UNLOCKED = 24 * 3600.0

#: The earliest time a zip entry can carry.
_ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


def build_moment(date: datetime.date, epoch: str | None = None) -> datetime.datetime:
    """Return the deck's timestamp: `epoch` (`SOURCE_DATE_EPOCH`) if set, else midnight UTC of
    `date`."""
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):
            message = f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}"
            raise DeckgenError([Diagnostic("environment", None, None, message)]) from None
        if moment.year > 2107:
            message = f"SOURCE_DATE_EPOCH is after 2107, the last year a zip file can hold: {epoch}"
            raise DeckgenError([Diagnostic("environment", None, None, message)])
        return moment
    return datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC)


def normalize_zip(blob: bytes, moment: datetime.datetime) -> bytes:
    """Return `blob` (a zip) rewritten with every entry stamped `moment`, in the same order."""
    stamp = max(moment, _ZIP_EPOCH).timetuple()[:6]
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(blob)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename), compresslevel=9)
    return output.getvalue()


def save(blob: bytes, target: Path) -> None:
    """Write `blob` to `target` atomically: a temporary file in the same folder, then a rename."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    held = None  # a second descriptor that keeps the lock until the rename is done
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = os.dup(handle)
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(target, exc) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        if held is not None:
            os.close(held)
    sweep(target)


def sweep(target: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files that killed saves of `target` left behind; return them.

    Best effort: a file that cannot be opened, locked or removed is left for the next save.
    """
    now = time.time() if now is None else now
    removed = []
    pattern = f".{glob.escape(target.name)}.*.tmp"
    for path in sorted(target.parent.glob(pattern)):
        with contextlib.suppress(OSError):
            if _dead(path, now):
                path.unlink()
                removed.append(path)
    return removed


def _dead(path: Path, now: float) -> bool:
    """Whether `path` is a temporary file no living save is writing."""
    age = now - path.lstat().st_mtime
    if fcntl is None:
        return age > STALE_SECONDS_UNLOCKED
    if age <= STALE_SECONDS:
        return False
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a living save holds it
    finally:
        os.close(handle)
    return True


def _cannot_write(target: Path, exc: OSError) -> DeckgenError:
    reason = exc.strerror or str(exc)
    return DeckgenError([Diagnostic(display_path(target), None, None, f"cannot write: {reason}")])

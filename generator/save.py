"""Stage 6, save: write a deck reproducibly and atomically.

The zip is rewritten with fixed entry times, attributes and order, so the same input gives the
same bytes. The file is written beside its target and renamed over it, so a failed or killed
build never leaves a half-written deck and never clobbers the previous good one.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
import zipfile
from pathlib import Path

from .errors import DeckgenError, Diagnostic, display_path

#: The earliest time a zip entry can carry.
_ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


def build_moment(date: datetime.date) -> datetime.datetime:
    """Return the deck's timestamp: `SOURCE_DATE_EPOCH` if set, else midnight UTC of `date`."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
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
    try:
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


def _cannot_write(target: Path, exc: OSError) -> DeckgenError:
    reason = exc.strerror or str(exc)
    return DeckgenError([Diagnostic(display_path(target), None, None, f"cannot write: {reason}")])

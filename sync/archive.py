"""Content-addressed archive of every submitted file: raw bytes kept by SHA-256, never deleted.

``state/archive/ab/abcdef….xlsx``: the first two hex digits make a sub-folder. A file is
copied in chunks while it is hashed (memory stays bounded whatever its size), written to a
temporary name, flushed to disk, then renamed: a crash leaves either nothing or the whole
file, never a partial one under a final name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ArchivedFile",
    "FileChangedError",
    "archive_file",
    "archive_path",
    "file_sha256",
    "fsync_dir",
]

_CHUNK = 1 << 20


class FileChangedError(OSError):
    """The file changed while it was being copied (someone is still saving it)."""


@dataclass(frozen=True)
class ArchivedFile:
    """Result of archiving one file."""

    sha256: str
    path: Path  # the archived copy
    size: int
    new: bool  # False when the same bytes were already archived


def archive_path(archive_dir: Path, sha256: str, extension: str) -> Path:
    """Where the bytes with this hash are kept."""
    return archive_dir / sha256[:2] / f"{sha256}{extension.lower()}"


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk (no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks (memory stays bounded whatever its size)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_file(
    source: Path, archive_dir: Path, *, expected_size: int | None = None,
    expected_mtime_ns: int | None = None, expected_sha256: str | None = None,
) -> ArchivedFile:
    """Copy ``source`` into the archive under its SHA-256; return the hash and the copy.

    When ``expected_size``/``expected_mtime_ns``/``expected_sha256`` are given and the
    file no longer matches them after the copy, :class:`FileChangedError` is raised and
    nothing is archived.
    """
    archive_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=archive_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        st = source.stat()
        if (expected_size is not None and st.st_size != expected_size) or (
            expected_mtime_ns is not None and st.st_mtime_ns != expected_mtime_ns
        ) or st.st_size != size:
            raise FileChangedError(f"{source} changed while it was being archived")
        sha = digest.hexdigest()
        if expected_sha256 is not None and sha != expected_sha256:
            raise FileChangedError(f"{source} changed since it was hashed")
        final = archive_path(archive_dir, sha, source.suffix)
        if final.exists() and final.stat().st_size == size:
            tmp.unlink()
            return ArchivedFile(sha256=sha, path=final, size=size, new=False)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        fsync_dir(final.parent)
        return ArchivedFile(sha256=sha, path=final, size=size, new=True)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_temporary(archive_dir: Path) -> int:
    """Remove temporary files left by an interrupted run; return how many were removed."""
    removed = 0
    if not archive_dir.is_dir():
        return 0
    for tmp in archive_dir.glob(".tmp-*"):
        try:
            tmp.unlink()
            removed += 1
        except OSError:
            continue
    return removed

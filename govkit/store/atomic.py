"""Atomic file writes. (The workspace lock is in govkit.store.lock.)"""

from __future__ import annotations

import os
from pathlib import Path

from govkit.errors import GovkitError


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_umask: int | None = None


def new_file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask), as open() would give it."""
    global _umask
    if _umask is None:
        _umask = os.umask(0o022)  # read it: the only portable way is to set it and put it back
        os.umask(_umask)
    return 0o666 & ~_umask


def atomic_write_bytes(path: Path | str, data: bytes, mode: int | None = None,
                       sync_dir: bool = True, refuse_read_only: bool = True,
                       durable: bool = True) -> None:
    """Write data to path via temp file + fsync + rename + dir fsync. Keeps an existing file's
    mode (or sets `mode`); a new file gets 0o666 less the umask (mkstemp's 0600 is only for the
    temp file). sync_dir=False leaves the directory fsync to a caller that writes many files
    (the loop's rollback syncs each directory once); refuse_read_only=False restores a file
    whatever its mode (a rollback puts back what was there); durable=False skips both fsyncs
    for a cache, whose loss costs only time (the rename keeps it atomic)."""
    path = Path(path)
    parent = path.parent
    parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = None
    if refuse_read_only and path.exists() and not os.access(path, os.W_OK):
        raise GovkitError("file is read-only; nothing was written", path=str(path),
                          hint="make it writable (chmod u+w) and run the command again")
    import tempfile  # here, not at import: read-only gates never write

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if sync_dir and durable:
        fsync_dir(parent)


def write_new(path: Path | str, data: bytes, mode: int = 0o666) -> None:
    """Create a file that must not exist yet (O_EXCL), write and fsync it; then fsync its dir.
    The umask applies to mode (key files pass 0o600)."""
    path = Path(path)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)

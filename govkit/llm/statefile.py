"""Small JSON state files shared between govkit processes (breaker, rate limiter).

govkit.llm sits below store, so it has its own lock-and-replace: an fcntl lock on a sidecar
`.lock` file serializes read-modify-write; the new state is written to a temp file, fsynced and
renamed, so a reader never sees half a file. A missing or unreadable state is a fresh state."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path


@contextlib.contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: one process at a time is the caller's job
            pass
        yield
    finally:
        os.close(fd)  # closing releases the flock


def read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)

"""Small JSON state files shared between govkit processes (breaker, rate limiter): read-modify-
write under the store's file lock (a sidecar `.lock`), written atomically, so a reader never sees
half a file. A missing or unreadable state is a fresh state."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from govkit.store.atomic import atomic_write_bytes
from govkit.store.lock import file_lock


@contextlib.contextmanager
def locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(str(path) + ".lock").hold():
        yield


def read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(path: Path, data: dict) -> None:
    atomic_write_bytes(path, json.dumps(data, sort_keys=True).encode("utf-8"))

"""Run records: `<state_dir>/runs/<id>.json`, present while a run may have changed files.

A record is written atomically before the first file is touched (it is the run's journal) and
updated at each phase; it is removed when the run ends (committed, or rolled back and verified),
its summary going into the audit trail. A record left behind means the run died, unless its
state is "dirty": a rollback that could not be verified, which blocks every later run until the
user has looked at it (`govkit doctor` lists it) and removed the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.store.atomic import atomic_write_bytes, fsync_dir

if TYPE_CHECKING:
    from govkit.workspace import Workspace

DIRTY = "dirty"


def runs_dir(ws: Workspace) -> Path:
    return ws.state_dir() / "runs"


def record_rel(ws: Workspace, run_id: str) -> str:
    """The run record's path as shown to the user (relative to the repository when inside)."""
    import os

    return os.path.relpath(runs_dir(ws) / f"{run_id}.json", ws.root)


def save(ws: Workspace, rec: dict) -> None:
    atomic_write_bytes(runs_dir(ws) / f"{rec['id']}.json",
                       json.dumps(rec, sort_keys=True).encode("utf-8"))


def drop(ws: Workspace, run_id: str) -> None:
    path = runs_dir(ws) / f"{run_id}.json"
    try:
        os.unlink(path)
        fsync_dir(path.parent)
    except FileNotFoundError:
        pass


def names(ws: Workspace) -> list[str]:
    try:
        return sorted(n for n in os.listdir(runs_dir(ws)) if n.endswith(".json")
                      and not n.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []


def load(ws: Workspace, name: str) -> dict | None:
    try:
        data = json.loads((runs_dir(ws) / name).read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "id" in data else None


def dirty(ws: Workspace) -> list[dict]:
    out = []
    for n in names(ws):
        rec = load(ws, n)
        if rec is None or rec.get("state") == DIRTY:
            out.append(rec or {"id": n[:-5], "state": DIRTY, "differences": ["unreadable record"]})
    return out

"""Apply a planned ChangeSet to the work tree and index, and undo it byte for byte.

Journal first: before any file is touched, the run record (runs/<id>.json, written atomically
and fsynced) holds the old bytes and permission bits of every file the run may write, the index
entries of those paths, and the directories it will create. rollback() needs nothing else, so a
run killed at any point is undone from its record by the next govkit command. Files the
ChangeSet does not name, tracked or not, are never opened for writing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.loop.changeset import FileEdit
from govkit.store.atomic import fsync_dir
from govkit.txn.recover import b64, unb64

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}
ZERO = "0" * 40


def index_entries(ws: Workspace, paths: list[str]) -> dict[str, str | None]:
    """path -> its stage-0 index line ('mode sha stage\\tpath') or None (not in the index)."""
    out: dict[str, str | None] = {p: None for p in paths}
    if not paths:
        return out
    data = ws.git.run("ls-files", "-s", "-z", "--", *paths, env=_LITERAL).stdout
    for rec in data.split(b"\0"):
        if rec:
            line = rec.decode("utf-8", "surrogateescape")
            path = line.split("\t", 1)[1]
            if path in out:
                out[path] = line
    return out


def journal(ws: Workspace, edits: list[FileEdit], extra: list[str]) -> dict:
    """The pre-state of every path the run may write: edits plus `extra` (the packet)."""
    files = []
    for fe in edits:
        files.append({"path": fe.path, "old": b64(fe.old), "mode": fe.mode,
                      "old_sha256": _sha(fe.old)})
    for rel in extra:
        if any(f["path"] == rel for f in files):
            continue
        p = ws.abs(rel)
        old = p.read_bytes() if p.exists() else None
        mode = os.stat(p).st_mode & 0o7777 if old is not None else None
        files.append({"path": rel, "old": b64(old), "mode": mode, "old_sha256": _sha(old)})
    paths = [f["path"] for f in files]
    dirs: list[str] = []
    for fe in edits:
        if fe.new is None:
            continue
        parent = Path(fe.path).parent
        while str(parent) not in (".", "") and not ws.abs(parent.as_posix()).exists():
            if parent.as_posix() not in dirs:
                dirs.append(parent.as_posix())
            parent = parent.parent
    return {"files": files, "index": index_entries(ws, paths), "created_dirs": dirs}


def _write(path: Path, data: bytes, mode: int | None, dirs: set) -> None:
    """An atomic write without the directory fsync, which the caller does once per directory
    at the end (a 20-file rollback would otherwise pay 40 fsyncs)."""
    from govkit.store.atomic import atomic_write_bytes

    atomic_write_bytes(path, data, mode=mode, sync_dir=False, refuse_read_only=False)
    dirs.add(path.parent)


def _unlink(path: Path, dirs: set) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    dirs.add(path.parent)


def _sync(dirs: set) -> None:
    for d in dirs:
        if d.is_dir():
            fsync_dir(d)


def _sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def apply(ws: Workspace, edits: list[FileEdit], crash_hook=None) -> None:
    """Write every edit (atomically, modes kept), then stage exactly those paths."""
    dirs: set = set()
    for n, fe in enumerate(edits):
        path = ws.abs(fe.path)
        if fe.new is None:
            _unlink(path, dirs)
        else:
            _write(path, fe.new, fe.mode, dirs)
        if crash_hook:
            crash_hook(f"apply{n}")
    _sync(dirs)
    stage(ws, [fe.path for fe in edits])


def stage(ws: Workspace, paths: list[str]) -> None:
    """Index = work tree for exactly these paths (added, updated or removed)."""
    data = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths)
    ws.git.run("update-index", "--add", "--remove", "-z", "--stdin", input=data)


def rollback(ws: Workspace, pre: dict) -> list[str]:
    """Put every journaled file and index entry back; returns what still differs (empty when
    the restore is verified by hashing)."""
    dirs: set = set()
    for f in pre["files"]:
        path = ws.abs(f["path"])
        old = unb64(f["old"])
        if old is None:
            _unlink(path, dirs)
            continue
        cur = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        if cur != old:
            if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
                os.unlink(path)
            _write(path, old, f["mode"], dirs)
        elif f["mode"] is not None and (os.stat(path).st_mode & 0o7777) != f["mode"]:
            os.chmod(path, f["mode"])
    _sync(dirs)
    for d in sorted(pre.get("created_dirs", []), key=lambda s: -s.count("/")):
        try:
            os.rmdir(ws.abs(d))
        except OSError:
            pass  # not empty (someone else's file) or already gone: leave it
    lines = []
    for path, entry in pre["index"].items():
        lines.append(entry if entry else f"0 {ZERO}\t{path}")
    if lines:
        ws.git.run("update-index", "-z", "--index-info",
                   input=b"".join(x.encode("utf-8", "surrogateescape") + b"\0" for x in lines))
    return verify(ws, pre)


def verify(ws: Workspace, pre: dict) -> list[str]:
    """Every journaled file and index entry as it was before the run, by hashing."""
    diffs = []
    for f in pre["files"]:
        path = ws.abs(f["path"])
        if f["old"] is None:
            if os.path.lexists(path):
                diffs.append(f"{f['path']}: exists, but did not before the run")
            continue
        if path.is_symlink() or not path.is_file():
            diffs.append(f"{f['path']}: missing or not a regular file")
            continue
        if _sha(path.read_bytes()) != f["old_sha256"]:
            diffs.append(f"{f['path']}: content differs from before the run")
        elif f["mode"] is not None and (os.stat(path).st_mode & 0o7777) != f["mode"]:
            diffs.append(f"{f['path']}: mode differs from before the run")
    now = index_entries(ws, list(pre["index"]))
    for path, entry in pre["index"].items():
        if now.get(path) != entry:
            diffs.append(f"{path}: index entry differs from before the run")
    return diffs

"""Crash recovery of runs: the next govkit command finds a run record left by a killed run and
rolls the repository back to the pre-state, or confirms the commit the run had made, and says
which. A run holds the workspace lock for its whole life, so a record whose lock is free
belongs to a dead run; while the lock is busy the record is left alone."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from govkit.errors import LockTimeout
from govkit.loop import record
from govkit.util.warn import warn

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def recover_runs(ws: Workspace, locked: bool = False) -> list[str]:
    """Finish every interrupted run; returns one message per run (also printed as warnings)."""
    if not record.names(ws):
        return []
    if not locked:
        from govkit.store.lock import WorkspaceLock

        lock = WorkspaceLock(ws.state_dir() / "lock", timeout=0, command="recover")
        try:
            lock.acquire()
        except LockTimeout:
            return []  # a live command (maybe the run itself) holds it
        try:
            return recover_runs(ws, locked=True)
        finally:
            lock.release()
    msgs = []
    for name in record.names(ws):
        rec = record.load(ws, name)
        if rec is None or rec.get("state") == record.DIRTY or "pre" not in rec:
            continue
        msgs.append(_recover_one(ws, rec))
    ws.invalidate()
    return msgs


def committed(ws: Workspace, rec: dict) -> str | None:
    """The commit this run made, when HEAD is it (its Govkit-Run trailer names the run)."""
    head = ws.git.head()
    if not head or head == rec.get("head"):
        return None
    body = ws.git.out("log", "-1", "--format=%B", head, check=False)
    return head if f"Govkit-Run: {rec['id']}" in body.splitlines() else None


def _recover_one(ws: Workspace, rec: dict) -> str:
    from govkit.audit import recorder as hook
    from govkit.loop.apply import rollback

    what = f"run {rec['id']} ({rec.get('wp')}, interrupted in phase {rec.get('state')})"
    sha = committed(ws, rec)
    if sha:
        record.drop(ws, rec["id"])
        hook.result(ws, rec.get("audit_seq"), True, {"run": rec["id"], "recovered": "confirmed",
                                                     "commit": sha})
        msg = f"{what}: its commit {sha[:12]} is in place; confirmed (nothing rolled back)"
        warn(msg)
        return msg
    if rec.get("pgid"):
        from govkit.loop.tests import kill_group

        if rec.get("pgid") != os.getpgrp():
            kill_group(int(rec["pgid"]), grace=0.2)  # test commands it left running
    diffs = rollback(ws, rec["pre"])
    if diffs:
        rec["state"] = record.DIRTY
        rec["differences"] = diffs
        record.save(ws, rec)
        hook.result(ws, rec.get("audit_seq"), False, {"run": rec["id"], "error": "rollback "
                    "not verified", "differences": diffs[:20]})
        msg = (f"{what}: rolled back, but the restore could not be verified: "
               f"{'; '.join(diffs[:5])}; every later run is blocked until you check these "
               f"files and remove {record.record_rel(ws, rec['id'])}")
        warn(msg)
        return msg
    record.drop(ws, rec["id"])
    n = len(rec["pre"]["files"])
    hook.result(ws, rec.get("audit_seq"), False, {"run": rec["id"], "recovered": "rolled back",
                                                  "error": "interrupted; rolled back",
                                                  "files": n})
    msg = f"{what}: rolled back to the pre-state ({n} file(s) restored and verified)"
    warn(msg)
    return msg

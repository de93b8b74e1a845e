"""Multi-file transactions: all files land or none does, even across a crash.

Under the workspace lock the command stages its writes; commit() first appends the audit intent,
then writes a journal (the old and new bytes of every file and the intent's seq, atomically),
then each file atomically, then the audit result, then removes the journal. The journal names
its intent, so a roll-forward closes exactly that intent.
A crash in between leaves a journal; the next govkit command finishes it (roll forward) when
every file is still either its old or its new content, and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING

from govkit.store.atomic import atomic_write_bytes, fsync_dir
from govkit.txn.recover import b64, journal_dir, recover

if TYPE_CHECKING:
    from govkit.workspace import Workspace


class Transaction:
    def __init__(self, ws: Workspace, command: str, wp: str | None):
        self.ws = ws
        self.command = command
        self.wp = wp
        self.writes: dict[str, bytes] = {}
        self.committed = False
        self.audit_data: dict = {}

    def write(self, rel: str, data: bytes) -> None:
        self.ws.safe_path(rel, "output file")
        self.writes[rel] = data

    def write_text(self, rel: str, text: str) -> None:
        self.write(rel, text.encode("utf-8"))

    def commit(self, crash_after: int | None = None) -> None:
        """Apply the staged writes. crash_after is a test hook (kill after N files)."""
        from govkit.audit import recorder as hook

        if not self.writes:
            self.committed = True
            return
        files = []
        for rel, new in self.writes.items():
            path = self.ws.abs(rel)
            old = path.read_bytes() if path.exists() else None
            files.append({"path": rel, "old": b64(old), "new": b64(new),
                          "new_sha256": hashlib.sha256(new).hexdigest()})
        seq = hook.intent(self.ws, self.command, self.wp,
                          {"files": sorted(self.writes), **self.audit_data})
        journal = {"id": uuid.uuid4().hex, "command": self.command, "wp": self.wp,
                   "started": time.time(), "pid": os.getpid(), "intent": seq, "files": files}
        jdir = journal_dir(self.ws)
        jpath = jdir / f"{int(time.time() * 1000):013d}-{journal['id']}.json"
        atomic_write_bytes(jpath, json.dumps(journal).encode())
        _maybe_crash("journal")
        for n, (rel, new) in enumerate(self.writes.items()):
            atomic_write_bytes(self.ws.abs(rel), new)
            _maybe_crash(f"file{n}")
        hook.result(self.ws, seq, True, {"files": sorted(self.writes)})
        _maybe_crash("result")
        os.unlink(jpath)
        fsync_dir(jdir)
        self.committed = True
        self.ws.invalidate()


def _maybe_crash(point: str) -> None:
    """Test hook: GOVKIT_TEST_CRASH_AT=<point> kills the process there (crash tests)."""
    if os.environ.get("GOVKIT_TEST_CRASH_AT") == point:
        os.kill(os.getpid(), 9)


@contextmanager
def transaction(ws: Workspace, command: str, wp: str | None = None):
    """Lock, recover, re-read, stage, commit. Raising inside the block writes nothing."""
    with ws.lock(command):
        recover(ws, locked=True)
        ws.invalidate()
        tx = Transaction(ws, command, wp)
        yield tx
        if not tx.committed:
            tx.commit()

"""Multi-file transactions: all files land or none does, even across a crash.

Under the workspace lock the command stages its writes; commit() first writes a journal (the old
and new bytes of every file, atomically), then each file atomically, then removes the journal.
A crash in between leaves a journal; the next govkit command finishes it (roll forward) when
every file is still either its old or its new content, and says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from govkit.errors import GovkitError
from govkit.store import atomic_write_bytes, fsync_dir


def _journal_dir(ws) -> Path:
    return ws.abs(ws.p("state_dir")) / "txn"


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(s: str | None) -> bytes | None:
    return None if s is None else base64.b64decode(s)


class Transaction:
    def __init__(self, ws, command: str, wp: str | None):
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
        from govkit.audit import hook

        if not self.writes:
            self.committed = True
            return
        files = []
        for rel, new in self.writes.items():
            path = self.ws.abs(rel)
            old = path.read_bytes() if path.exists() else None
            files.append({"path": rel, "old": _b64(old), "new": _b64(new),
                          "new_sha256": hashlib.sha256(new).hexdigest()})
        journal = {"id": uuid.uuid4().hex, "command": self.command, "wp": self.wp,
                   "started": time.time(), "pid": os.getpid(), "files": files}
        jdir = _journal_dir(self.ws)
        jpath = jdir / f"{int(time.time() * 1000):013d}-{journal['id']}.json"
        atomic_write_bytes(jpath, json.dumps(journal).encode())
        seq = hook.intent(self.ws, self.command, self.wp,
                          {"files": sorted(self.writes), **self.audit_data})
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
def transaction(ws, command: str, wp: str | None = None):
    """Lock, recover, re-read, stage, commit. Raising inside the block writes nothing."""
    with ws.lock(command):
        recover(ws, locked=True)
        ws.invalidate()
        tx = Transaction(ws, command, wp)
        yield tx
        if not tx.committed:
            tx.commit()


def recover(ws, locked: bool = False) -> list[str]:
    jdir = _journal_dir(ws)
    try:
        names = sorted(n for n in os.listdir(jdir) if n.endswith(".json"))
    except FileNotFoundError:
        return []
    if not names:
        return []
    if not locked:
        with ws.lock("recover"):
            return recover(ws, locked=True)
    from govkit.audit import hook

    done = []
    for name in names:
        jpath = jdir / name
        try:
            journal = json.loads(jpath.read_text())
            files = [(f["path"], _unb64(f["old"]), _unb64(f["new"])) for f in journal["files"]]
        except (ValueError, KeyError, TypeError):
            raise GovkitError("interrupted transaction journal is unreadable", path=str(jpath),
                              hint="inspect it; move it away once the files are as they should be") from None
        states = []
        for rel, old, new in files:
            path = ws.abs(rel)
            cur = path.read_bytes() if path.exists() else None
            states.append("new" if cur == new else "old" if cur == old else "other")
        what = f"{journal.get('command')} {journal.get('wp') or ''}".strip()
        if "other" in states:
            bad = [rel for (rel, _, _), s in zip(files, states) if s == "other"]
            raise GovkitError(
                f"interrupted transaction '{what}' cannot be completed: {', '.join(bad)} changed "
                "since", path=str(jpath.relative_to(ws.root)),
                hint="restore those files (git diff) or remove the journal after checking them")
        for (rel, _, new), s in zip(files, states):
            if s == "old":
                atomic_write_bytes(ws.abs(rel), new)
        hook.result(ws, None, True, {"recovered": what, "files": [f[0] for f in files]})
        os.unlink(jpath)
        fsync_dir(jdir)
        msg = f"completed interrupted transaction '{what}' ({len(files)} file(s))"
        print(f"govkit: warning: {msg}", file=sys.stderr)
        done.append(msg)
    ws.invalidate()
    return done

"""Roll interrupted transactions forward: a journal left by a crash is finished when every file
is still either its old or its new content; anything else stops with the files named."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.store.atomic import atomic_write_bytes, fsync_dir
from govkit.util.warn import warn

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def journal_dir(ws: Workspace) -> Path:
    return ws.state_dir() / "txn"


def b64(data: bytes | None) -> str | None:
    import base64

    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(s: str | None) -> bytes | None:
    import base64

    return None if s is None else base64.b64decode(s)


def pending_intents(ws: Workspace) -> set[int]:
    """Intents whose transaction left a journal: they can still be rolled forward, so nobody
    may close them as abandoned."""
    out: set[int] = set()
    jdir = journal_dir(ws)
    try:
        names = [n for n in os.listdir(jdir) if n.endswith(".json")]
    except (FileNotFoundError, NotADirectoryError):
        return out
    for name in names:
        try:
            seq = json.loads((jdir / name).read_text()).get("intent")
        except (OSError, ValueError, AttributeError, RecursionError):
            continue
        if type(seq) is int:
            out.add(seq)
    return out


def recover(ws: Workspace, locked: bool = False) -> list[str]:
    jdir = journal_dir(ws)
    try:
        names = sorted(n for n in os.listdir(jdir) if n.endswith(".json"))
    except FileNotFoundError:
        return []
    if not names:
        return []
    if not locked:
        with ws.lock("recover"):
            return recover(ws, locked=True)
    from govkit.audit import recorder as hook

    done = []
    for name in names:
        jpath = jdir / name
        try:
            journal = json.loads(jpath.read_text())
            files = [(f["path"], unb64(f["old"]), unb64(f["new"])) for f in journal["files"]]
            for rel, _, _ in files:
                ws.safe_path(rel, "journal file")
        except (ValueError, KeyError, TypeError, RecursionError):
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
        intent = journal.get("intent")
        hook.result(ws, intent if type(intent) is int else None, True,
                    {"recovered": what, "files": [f[0] for f in files]})
        os.unlink(jpath)
        fsync_dir(jdir)
        msg = f"completed interrupted transaction '{what}' ({len(files)} file(s))"
        warn(msg)
        done.append(msg)
    ws.invalidate()
    return done

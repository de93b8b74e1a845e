"""`govkit audit checkpoint`: a checkpoint of the verified trail (record count, last sequence
number and hash, this trail's id), signed with the operator's Ed25519 key, written to a file
(default `<gov dir>/checkpoints/audit-<UTC time>.json`, to be committed) and to a commit under
`refs/govkit/audit-checkpoint` whose trailers witness the trail head like any govkit commit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.audit import checkpoint as cp_mod
from govkit.audit import files
from govkit.audit import recorder as hook
from govkit.audit.verify import verify_trail
from govkit.audit.witness import (
    CHECKPOINT_REF,
    TRAILER_HEAD,
    TRAILER_SEQ,
    TRAILER_TRAIL,
    trail_id_for,
)
from govkit.errors import GovkitError
from govkit.result import Report
from govkit.signing import keys
from govkit.store.atomic import atomic_write_bytes
from govkit.util.paths import display_for

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def write_checkpoint(ws: Workspace, out: str | None, key_id: str | None) -> Report:
    """Verify the trail, then write and audit a signed checkpoint; a trail that does not verify
    gets no checkpoint (the report says why)."""
    path = hook.trail_path(ws)
    show = display_for(ws.root)
    if not files.chain(path):
        raise GovkitError("there is no audit trail to checkpoint yet", path=show(path))
    key_id = keys.check_key_id(key_id) if key_id else keys.default_key_id()
    priv = keys.load_private_key(key_id)
    trail = hook.get_trail(ws, force=True)
    with ws.lock("audit checkpoint"):
        trail.flush()
        report = verify_trail(path, trail.key, show, all_problems=False,
                              report=Report("audit-checkpoint"))
        if not report.passed:
            report.next_commands.append("govkit audit verify --json")
            return report
        trail.pending()  # sync: the index and the file agree
        out_path = (Path(out).resolve() if out else ws.safe_path(
            f"{ws.p('gov_dir')}/checkpoints/audit-{files.stamp()}.json", "checkpoint file"))
        seq = hook.intent(ws, "audit checkpoint", None, {"out": show(out_path)})
        head = trail.durable_head()
        tid = trail_id_for(ws, trail.key) or "unkeyed"
        cp = cp_mod.make(tid, head[0], head[0], head[1], key_id, priv)
        data = (json.dumps(cp, indent=2) + "\n").encode("utf-8")
        atomic_write_bytes(out_path, data)
        ref_commit = _update_ref(ws, data, cp, tid)
        hook.result(ws, seq, True, {"out": show(out_path), "last_seq": cp["last_seq"],
                                    "ref_commit": ref_commit})
    report.facts.update({"checkpoint": show(out_path), "ref": f"{CHECKPOINT_REF} {ref_commit}",
                         "covers": f"{cp['records']} records",
                         "last_hash": cp["last_hash"], "key_id": key_id})
    report.next_commands.append(f"govkit audit verify --checkpoint {show(out_path)}")
    return report


def _update_ref(ws: Workspace, data: bytes, cp: dict, tid: str) -> str:
    """A commit holding checkpoint.json on top of the previous checkpoint commit, its message
    carrying the witness trailers; the ref moves only if it did not move meanwhile."""
    import os

    g = ws.git
    old = g.run("rev-parse", "--verify", "-q", CHECKPOINT_REF, check=False).stdout.decode().strip()
    blob = g.run("hash-object", "-w", "--stdin", input=data).stdout.decode().strip()
    tree = g.run("mktree", input=f"100644 blob {blob}\tcheckpoint.json\n".encode()).stdout \
        .decode().strip()
    msg = (f"govkit audit checkpoint: seq {cp['last_seq']}\n\n{TRAILER_TRAIL}: {tid}\n"
           f"{TRAILER_SEQ}: {cp['last_seq']}\n{TRAILER_HEAD}: {cp['last_hash']}\n")
    env = {}
    if not g.run("config", "user.email", check=False).stdout.strip():
        env = {k: os.environ.get(k) or v for k, v in (
            ("GIT_AUTHOR_NAME", "govkit"), ("GIT_AUTHOR_EMAIL", "govkit@localhost"),
            ("GIT_COMMITTER_NAME", "govkit"), ("GIT_COMMITTER_EMAIL", "govkit@localhost"))}
    args = ["commit-tree", tree, *(["-p", old] if old else []), "-F", "-"]
    new = g.run(*args, input=msg.encode(), env=env).stdout.decode().strip()
    g.run("update-ref", CHECKPOINT_REF, new, old or "0" * 40)
    return new

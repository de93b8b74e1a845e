"""Witnesses of the trail's head: places outside the trail that name one of its records.

Git is the witness: every commit govkit makes carries trailers naming the trail head at commit
time (`Govkit-Audit-Seq`, `Govkit-Audit-Head`, and `Govkit-Audit-Trail`, this trail's id), the
commits under `refs/govkit/audit-checkpoint` carry the same, and so do signed checkpoint files
(`<gov dir>/checkpoints/*.json`) and per-WP record files (`<gov dir>/records/**/*.json`, field
`witness`). `govkit audit verify` checks that every witnessed (seq, hash) of this trail is on
its chain: a deleted, cut or replaced trail is named by the commit or file that saw it.

A trail's id is derived from its HMAC key and the git common directory, so commits made by
another clone (another trail) are told apart from this one's and are not judged here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from govkit.workspace import Workspace

TRAILER_TRAIL = "Govkit-Audit-Trail"
TRAILER_SEQ = "Govkit-Audit-Seq"
TRAILER_HEAD = "Govkit-Audit-Head"
CHECKPOINT_REF = "refs/govkit/audit-checkpoint"
MAX_RECORD_FILES = 100000


@dataclass(frozen=True)
class Witness:
    seq: int
    hash: str
    source: str          # what saw it: "commit 1a2b3c4d5e6f", a file path, the high-water mark
    trail: str | None    # the trail id it names; None: not said (old record files)
    code: str = "GK-AUDIT-WITNESS"


def trail_id(key: bytes | None, common_dir: Path) -> str | None:
    if not key:
        return None
    h = hashlib.sha256(b"govkit-audit-trail\0" + key + b"\0"
                       + os.fsencode(os.path.realpath(common_dir)))
    return h.hexdigest()[:16]


def trail_id_for(ws: Workspace, key: bytes | None) -> str | None:
    from govkit.audit.recorder import trail_dir

    return trail_id(key, trail_dir(ws.root).parent.parent)


def record_witness(ws: Workspace) -> dict | None:
    """{"seq", "hash", "trail"} of the trail's durable head, for a record file's `witness`."""
    from govkit.audit import recorder

    trail = recorder.get_trail(ws)
    if trail is None:
        return None
    seq, h = trail.durable_head()
    return {"seq": seq, "hash": h, "trail": trail_id_for(ws, trail.key)}


def trailers(ws: Workspace) -> str:
    """The trailer block for a commit message ("" when the workspace keeps no trail): append it
    to the message. The head it names is fsynced first."""
    w = record_witness(ws)
    if w is None or not w["seq"]:
        return ""
    lines = [f"{TRAILER_TRAIL}: {w['trail']}"] if w["trail"] else []
    lines += [f"{TRAILER_SEQ}: {w['seq']}", f"{TRAILER_HEAD}: {w['hash']}"]
    return "\n\n" + "\n".join(lines)


def _valid(seq, h) -> bool:
    return (type(seq) is int and seq > 0 and isinstance(h, str) and len(h) == 64
            and all(c in "0123456789abcdef" for c in h))


def from_git(ws: Workspace) -> list[Witness]:
    """Trailers of the commits reachable from HEAD and from the checkpoint ref: ONE git log."""
    from govkit.vcs.head import git_head

    if git_head(ws.root) is None:
        return []
    fmt = "%x1e%H%x00%S%x00" + "%x00".join(
        f"%(trailers:key={k},valueonly,separator=%x2C)"
        for k in (TRAILER_TRAIL, TRAILER_SEQ, TRAILER_HEAD))
    p = ws.git.run("log", "--source", f"--format={fmt}", f"--grep=^{TRAILER_SEQ}:", "HEAD",
                   f"--glob={CHECKPOINT_REF}*", "--", check=False)  # "*": no implied "/*"
    if p.returncode != 0:
        raise GovkitError("cannot read the commit trailers that witness the audit trail: "
                          + p.stderr.decode("utf-8", "replace").strip()[-200:],
                          hint="check the repository (git fsck)")
    out = []
    for chunk in p.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        parts = chunk.strip("\n").split("\x00")
        if len(parts) != 5:
            continue
        sha, src, tid, seq, h = (x.strip() for x in parts)
        try:
            n = int(seq.split(",")[-1])
        except ValueError:
            continue
        h = h.split(",")[-1].strip()
        if not _valid(n, h):
            continue
        where = f"commit {sha[:12]}" + (f" ({src})" if src.startswith("refs/govkit/") else "")
        out.append(Witness(n, h, where, tid.split(",")[-1].strip() or None))
    return out


def _load_json(path: Path):
    try:
        if path.is_symlink() or path.stat().st_size > 1 << 20:
            return None
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def from_files(ws: Workspace) -> list[Witness]:
    """Checkpoint files and per-WP record files in the work tree (invalid ones are skipped:
    judging them is not this check's job)."""
    gov = ws.abs(ws.p("gov_dir"))
    out = []
    for path in sorted((gov / "checkpoints").glob("*.json")):
        cp = _load_json(path)
        if isinstance(cp, dict) and _valid(cp.get("last_seq"), cp.get("last_hash")):
            tid = cp.get("trail") if isinstance(cp.get("trail"), str) else None
            out.append(Witness(cp["last_seq"], cp["last_hash"], _rel(ws, path), tid or "?"))
    records = gov / "records"
    if records.is_dir():
        for n, path in enumerate(sorted(records.glob("**/*.json"))):
            if n >= MAX_RECORD_FILES:
                break
            rec = _load_json(path)
            w = rec.get("witness") if isinstance(rec, dict) else None
            if isinstance(w, dict) and _valid(w.get("seq"), w.get("hash")):
                tid = w.get("trail") if isinstance(w.get("trail"), str) else None
                out.append(Witness(w["seq"], w["hash"], _rel(ws, path), tid))
    return out


def high_water(idx_path: Path) -> Witness | None:
    """The trail index's high-water mark: the highest (seq, hash) this clone's trail reached."""
    idx = _load_json(idx_path)
    hw = idx.get("hw") if isinstance(idx, dict) else None
    if isinstance(hw, list) and len(hw) == 2 and _valid(hw[0], hw[1]):
        return Witness(hw[0], hw[1], f"the trail's high-water mark ({idx_path.name})", "local",
                       "GK-AUDIT-CUT")
    return None


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


def collect(ws: Workspace, key: bytes | None, idx_path: Path) -> tuple[list[Witness], int]:
    """(witnesses of this trail, count of witnesses of other trails). A witness without a
    trail id (old record files) is kept, marked trail=None: the verifier judges it softly."""
    mine = trail_id_for(ws, key)
    found = from_git(ws) + from_files(ws)
    keep = [w for w in found if w.trail is None or (mine is not None and w.trail == mine)]
    other = len(found) - len(keep)
    hw = high_water(idx_path)
    if hw is not None:
        keep.append(hw)
    return keep, other

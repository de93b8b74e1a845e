"""`govkit audit checkpoint`: a checkpoint of the verified trail (record count, last sequence
number and hash), signed with the operator's Ed25519 key and written to a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.audit import checkpoint as cp_mod
from govkit.audit import files
from govkit.audit import recorder as hook
from govkit.audit.verify import verify_trail
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
        out_path = (Path(out).resolve() if out
                    else path.parent / f"checkpoint-{files.stamp()}.json")
        seq = hook.intent(ws, "audit checkpoint", None, {"out": show(out_path)})
        trail.pending()
        cp = cp_mod.make(show(path), trail.seq, trail.seq, trail.hash, key_id, priv)
        atomic_write_bytes(out_path, (json.dumps(cp, indent=2) + "\n").encode("utf-8"))
        hook.result(ws, seq, True, {"out": show(out_path), "last_seq": cp["last_seq"]})
    report.facts.update({"checkpoint": show(out_path), "covers": f"{cp['records']} records",
                         "last_hash": cp["last_hash"], "key_id": key_id})
    report.next_commands.append(f"govkit audit verify --checkpoint {show(out_path)}")
    return report

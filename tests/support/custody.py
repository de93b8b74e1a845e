"""Helpers of the custody suites: lock a packet through the real record API (the LOCK body as
create-task-packet writes it: locked view, scope, waivers, merge base), in a transaction."""

from __future__ import annotations

import re
from pathlib import Path


def lock_packet(repo: Path, wp: str = "WP-1-Demo", pkt_rel: str | None = None,
                key_dir: Path | None = None) -> str:
    """Stage and commit a LOCK record for the packet as it is on disk; returns the record path.
    With key_dir (GOVKIT_KEY_DIR of a trusted operator key), the LOCK is operator-signed as
    `govkit lock` signs it: what a strict workspace made by `govkit init --keys` requires."""
    from govkit.actions.records import stage_record
    from govkit.model.common import strip_ticks
    from govkit.model.lockhash import locked_view
    from govkit.txn.transaction import transaction
    from govkit.workspace import Workspace

    ws = Workspace(repo)
    rel = pkt_rel or f".GOV/task_packets/{wp}.md"
    pkt = ws.packet(rel)
    coder = list(ws.config.get("packet.coder_sections"))
    view = locked_view(ws.read(rel).text, coder, ws.md(rel))
    waivers = [{"waiver_id": strip_ticks(w.waiver_id),
                "scope": [strip_ticks(p) for p in re.split(r"[,\s]+", w.scope) if strip_ticks(p)],
                "reason": w.reason, "approved_by": w.approved_by,
                "expires": strip_ticks(w.expires)} for w in pkt.waivers]
    body = {"packet": rel, "locked_sha256": view.sha256, "sections": view.sections,
            "locked_text": view.text, "coder_sections": coder,
            "refinement": {"path": ws.refinement_rel(wp), "content_sha256": None},
            "spec": {"name": None, "sha1": None},
            "scope": {"in": [e.path for e in pkt.in_scope_paths or []],
                      "out": [e.path for e in pkt.out_of_scope]},
            "waivers": waivers, "merge_base": pkt.merge_base or "", "signature": "",
            "prepare": {"branch": None, "worktree_dir": None, "coder_id": None}}
    if key_dir is not None:
        import os

        from govkit.actions.lock import sign_body

        old = os.environ.get("GOVKIT_KEY_DIR")
        os.environ["GOVKIT_KEY_DIR"] = str(key_dir)
        try:
            sign_body(ws, "LOCK", body, require=True)
        finally:
            if old is None:
                os.environ.pop("GOVKIT_KEY_DIR")
            else:
                os.environ["GOVKIT_KEY_DIR"] = old
    with transaction(ws, "lock", wp) as tx:
        rec = stage_record(ws, tx, wp, "LOCK", body)
    return rec.path

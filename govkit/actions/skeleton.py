"""`govkit approve-skeleton WP`: the operator's approval of the coder's BOOTSTRAP and SKELETON,
a SKELETON-APPROVED record (signed with the operator's key where one exists), audited. A bare
'SKELETON APPROVED' line is text the governed agent can type (kernel-gates.md 17.1); the
record is what gate-check counts."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.actions.common import commit, refuse_if_failed
from govkit.gates.phase import RECORD_TYPE as TYPE
from govkit.gates.phase import section_sha256
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "approve-skeleton"


def _filled(pkt, name: str) -> bool:
    from govkit.model.common import is_placeholder

    rng = pkt.md.section(name, exact=True)
    if rng is None:
        return False
    texts = [t.strip().lstrip("-* ").strip() for _, t in pkt.md.text_in(rng[0] + 1, rng[1])]
    texts = [t for t in texts if t]
    return bool(texts) and not all(is_placeholder(t) for t in texts)


def approve_skeleton(ws: Workspace, wp: str, key_id: str | None = None) -> Report:
    from govkit.actions.lock import keys_exist, sign_body
    from govkit.actions.records import stage_record
    from govkit.gates.lock import current_lock, load_records
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    report = Report(COMMAND, wp)
    with transaction(ws, COMMAND, wp) as tx:
        rel, _ = ws.resolve_packet(wp)
        pkt_wp = Path(rel).stem
        pkt = ws.packet(rel)
        report.facts["packet"] = rel
        for name in ("BOOTSTRAP", "SKELETON"):
            if not _filled(pkt, name):
                report.error("GK-SKEL-UNFILLED", f"{name} is missing or still holds template "
                             "text; there is nothing to approve", rel, None,
                             f"the coder writes the {name} section first")
        if pkt.done_like:
            report.error("GK-SKEL-DONE", f"{rel} is done ({pkt.status.text}); nothing to "
                         "approve", rel, pkt.status.line)
        skel = section_sha256(pkt, "SKELETON")
        records = load_records(ws, pkt_wp)
        last = next((r for r in reversed(records) if r.type == TYPE), None)
        if last is not None and last.body.get("skeleton_sha256") == skel:
            report.error("GK-SKEL-ALREADY", f"this SKELETON is already approved ({last.path})",
                         last.path, None, "implementation may start; run govkit gate-check")
        refuse_if_failed(ws, report, COMMAND)
        lock = current_lock(records)
        body = {"packet": rel,
                "locked_sha256": str(lock.body.get("locked_sha256")) if lock else
                hashlib.sha256(ws.abs(rel).read_bytes()).hexdigest(),
                "bootstrap_sha256": section_sha256(pkt, "BOOTSTRAP"),
                "skeleton_sha256": skel}
        kid = sign_body(ws, TYPE, body, key_id,
                        require=bool(key_id) or bool(ws.config.get("approvals.trusted_keys")))
        rec = stage_record(ws, tx, pkt_wp, TYPE, body)
        if kid:
            tx.audit_data["signed_by"] = kid
        commit(ws, tx)
    report.facts.update({"record": rec.path, "signed_by": kid or "(unsigned)"})
    how = f"signed by {kid}" if kid else (
        "unsigned: no operator key here" if not keys_exist(ws) else
        "unsigned: the operator's private key is not on this machine")
    report.info("GK-SKEL-APPROVED", f"skeleton of {pkt_wp} approved: {rec.path} ({how})",
                rec.path)
    report.next_commands = [f"git add {rec.path} && git commit -m \"[{pkt_wp}] chore: "
                            "skeleton approved\"", f"govkit gate-check {pkt_wp}"]
    return report

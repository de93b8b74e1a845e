"""record-refinement: a complete refinement is recorded for the operator's review (signing must
wait for a new turn)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from govkit.actions.common import append_gate_entry, commit, refuse_if_failed
from govkit.model.refinement import content_sha256
from govkit.result import Report
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def record_refinement(ws: Workspace, wp: str, path: str | None = None) -> Report:
    from govkit.gates.refinement import check_refinement
    from govkit.txn.transaction import transaction

    command = "record-refinement"
    wp = ws.check_wp_id(wp)
    ref_rel = (path or ws.refinement_rel(wp)).replace("\\", "/")
    ref_rel = ref_rel.removeprefix("./")
    ws.safe_path(ref_rel, "refinement path")
    report = Report(command, wp)
    with transaction(ws, command, wp) as tx:
        sub = check_refinement(ws, wp, ref_rel, require_signature=False,
                               report=Report("refinement-check", wp))
        report.merge(sub)
        if not report.passed:
            report.error("GK-REC-NOT-READY", f"refinement is not ready for review: {ref_rel}",
                         ref_rel, None, f"fix the findings above (govkit refinement-check {wp})")
        refuse_if_failed(ws, report, command)
        name, spec = ws.current_spec()
        now = time.time()
        entry = {
            "wpId": wp, "type": "REFINEMENT", "refinement_path": ref_rel,
            "spec_target_resolved": f"{ws.p('spec_current')} -> {name or '<unresolved>'}",
            "spec_target_sha1": spec.sha1_raw if spec is not None else "<unresolved>",
            "timestamp": iso(now),
            "turn_token": str(int(now * 1000)),
            "refinement_sha256": content_sha256(ws.abs(ref_rel).read_bytes()),
        }
        append_gate_entry(ws, tx, entry)
        from govkit.actions.records import stage_record

        stage_record(ws, tx, wp, "REFINEMENT", {
            "refinement": {"path": ref_rel, "content_sha256": entry["refinement_sha256"]},
            "spec": {"name": name, "sha1": entry["spec_target_sha1"] if spec else None},
            "turn_token": entry["turn_token"]})
        commit(ws, tx)
    wait = int(ws.config.get("signature.min_interval_seconds"))
    report.facts.update({"refinement": ref_rel, "turn_token": entry["turn_token"]})
    report.info("GK-REC-RECORDED", f"technical refinement recorded for {wp} ({ref_rel})")
    report.warn("GK-REC-NEW-TURN", "signing must wait for a new turn: the operator reviews the "
                f"refinement, writes 'USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT {wp}', and only "
                f"then gives a one-time signature (not before {wait}s from now)", ref_rel, None,
                "do not sign in the same turn that recorded the refinement")
    report.next_commands = [f"govkit record-signature {wp} <signature>"]
    return report

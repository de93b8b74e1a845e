"""record-signature: the operator's one-time signature over a recorded refinement (the rules are
in govkit.gates.signature).

One transaction: the refinement's USER_REVIEW_STATUS and USER_SIGNATURE lines (only those bytes),
the SIGNATURE_AUDIT row and the SIGNATURE gate-log record land together or not at all.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from govkit.actions.common import append_gate_entry, commit, refuse_if_failed
from govkit.gates.signature import (
    check_format,
    check_interval,
    check_one_time_use,
    check_window,
)
from govkit.model.refinement import content_sha256
from govkit.model.sigaudit import audit_row, insert_audit_row, spec_version
from govkit.result import Report
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "record-signature"


@contextmanager
def repo_signature_lock(ws: Workspace):
    """A lock shared by every worktree of the repository (in the git common dir), so that two
    worktrees cannot both consume the same token."""
    from govkit.store.lock import WorkspaceLock

    common = ws.git.out("rev-parse", "--git-common-dir").strip()
    path = (ws.root / common).resolve() / "govkit" / "signature.lock"
    lock = WorkspaceLock(path, timeout=float(ws.config.get("lock.timeout_seconds")),
                         command=COMMAND)
    with lock:
        yield lock


# ---- record-signature -------------------------------------------------------------------------
def record_signature(ws: Workspace, wp: str, token: str) -> Report:
    from govkit.gates.refinement import check_refinement
    from govkit.model.common import is_placeholder
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    token = (token or "").strip()
    report = Report(COMMAND, wp)
    if not check_format(ws, token, report):
        refuse_if_failed(ws, report, COMMAND)
    check_window(ws, token, report, time.time())
    refuse_if_failed(ws, report, COMMAND)
    with repo_signature_lock(ws), transaction(ws, COMMAND, wp) as tx:
        now = time.time()
        log = ws.gate_log()
        log_rel = ws.p("gate_log")
        ref_entry = log.last(wp, "REFINEMENT")
        if ref_entry is None:
            report.error("GK-SIG-NO-REFINEMENT", f"no REFINEMENT record for {wp} in {log_rel}",
                         log_rel, None, f"govkit record-refinement {wp}")
            refuse_if_failed(ws, report, COMMAND)
        prev = log.last(wp, "SIGNATURE")
        if prev is not None:
            report.error("GK-SIG-ALREADY", f"a signature is already recorded for {wp} "
                         f"({prev.get('signature')}); a WP is signed once", log_rel, None,
                         "to re-plan, create a new revision (-vN)")
        check_interval(ws, ref_entry, report, now)
        ref_rel = str(ref_entry.get("refinement_path") or ws.refinement_rel(wp)).replace("\\", "/")
        ws.safe_path(ref_rel, "refinement path")
        report.facts["refinement"] = ref_rel
        sub = check_refinement(ws, wp, ref_rel, require_signature=False,
                               report=Report("refinement-check", wp))
        report.merge(sub)
        if not ws.abs(ref_rel).is_file():
            refuse_if_failed(ws, report, COMMAND)
        ref = ws.refinement(ref_rel)
        want_sha = ref_entry.get("refinement_sha256")
        raw = ws.abs(ref_rel).read_bytes()
        if want_sha and want_sha != content_sha256(raw):
            report.error("GK-SIG-REF-CHANGED", "the refinement changed after it was recorded "
                         "for review", ref_rel, None,
                         f"govkit record-refinement {wp} again, and sign in a later turn")
        if ref.enrichment_needed.text.upper() == "YES":
            report.error("GK-SIG-ENRICHMENT", "refinement declares ENRICHMENT_NEEDED=YES; a "
                         "packet signature is forbidden until the spec is enriched", ref_rel,
                         ref.enrichment_needed.line)
        ev = ref.user_approval_evidence
        want_ev = f"APPROVE REFINEMENT {wp}"
        if not ev.present or is_placeholder(ev.text):
            report.error("GK-SIG-EVIDENCE", "USER_APPROVAL_EVIDENCE is missing", ref_rel,
                         ev.line or None, f"the operator writes '- USER_APPROVAL_EVIDENCE: "
                         f"{want_ev}' after reviewing")
        elif ev.text != want_ev:
            report.error("GK-SIG-EVIDENCE", f"USER_APPROVAL_EVIDENCE is {ev.text!r}; it must be "
                         f"exactly '{want_ev}'", ref_rel, ev.line)
        if not ref.user_signature.present or not ref.user_review_status.present:
            report.error("GK-SIG-FIELDS", "the refinement needs '- USER_REVIEW_STATUS:' and "
                         "'- USER_SIGNATURE:' lines", ref_rel, None, "copy them from the template")
        elif not is_placeholder(ref.user_signature.text):
            report.error("GK-SIG-ALREADY", f"the refinement already has USER_SIGNATURE "
                         f"{ref.user_signature.text}; signatures are one-time use", ref_rel,
                         ref.user_signature.line)
        if ws.config.get("approvals.require_signed"):
            from govkit.signing.approvals import check_approval

            check_approval(ws, wp, ref_rel, report)
        audit_rel = ws.p("signature_audit")
        if not ws.abs(audit_rel).is_file():
            report.error("GK-SIG-AUDIT-MISSING", "signature audit file is missing", audit_rel,
                         None, "govkit init writes it (a table | Signature | Used By | ...)")
        if report.passed:
            check_one_time_use(ws, token, report)
        refuse_if_failed(ws, report, COMMAND)

        # Stage the three writes.
        from govkit.model.edit import set_field

        new_ref = set_field(raw, ref.user_review_status.line, "USER_REVIEW_STATUS", "APPROVED")
        new_ref = set_field(new_ref, ref.user_signature.line, "USER_SIGNATURE", token)
        tx.write(ref_rel, new_ref)
        spec_name, _ = ws.current_spec()
        row = audit_row(token, wp, spec_version(spec_name), ref_rel)
        tx.write(audit_rel, insert_audit_row(ws.abs(audit_rel).read_bytes(), row, audit_rel))
        append_gate_entry(ws, tx, {"wpId": wp, "type": "SIGNATURE", "signature": token,
                                   "timestamp": iso(now), "refinement_path": ref_rel})
        tx.audit_data["refinement"] = ref_rel
        from govkit.actions.records import stage_record

        stage_record(ws, tx, wp, "SIGNATURE", {
            "signature": token, "audit": audit_rel,
            "refinement": {"path": ref_rel, "content_sha256": content_sha256(new_ref)}})
        commit(ws, tx)
    report.facts["signature"] = token
    report.info("GK-SIG-RECORDED", f"signature recorded for {wp}: {ref_rel} is APPROVED and "
                f"signed, {audit_rel} has the row, {log_rel} has the SIGNATURE record")
    branch = ws.config.get("branch_template").format(wp=wp)
    report.next_commands = [f"govkit worktree-add {wp}",
                            f"govkit record-prepare {wp} <coder-id> --branch {branch}"]
    return report


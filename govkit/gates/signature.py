"""record-signature, and the signature rules: token format, the minimum interval since the
refinement was recorded, and "a signature is one-time use" (this module and nowhere else).

One transaction: the refinement's USER_REVIEW_STATUS and USER_SIGNATURE lines (only those bytes),
the SIGNATURE_AUDIT row and the SIGNATURE gate-log record land together or not at all.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

from govkit.errors import GovkitError
from govkit.gates.orchestrator import (
    append_gate_entry,
    commit,
    content_sha256,
    iso_now,
    parse_ts,
    refuse_if_failed,
    ts_problem,
)
from govkit.report import Report

COMMAND = "record-signature"


# ---- the rules --------------------------------------------------------------------------------
def check_format(ws, token: str, report: Report) -> bool:
    pattern = ws.config.get("signature.token_pattern")
    try:
        ok = re.fullmatch(pattern, token or "") is not None
    except re.error as exc:
        raise GovkitError(f"signature.token_pattern is not a valid regex: {exc}",
                          path=ws.config.source or ".GOV/govkit.yaml") from None
    if not ok or not token.isalnum():
        report.error("GK-SIG-FORMAT", f"signature {token!r} has the wrong format (expected "
                     f"{pattern}, e.g. operator{time.strftime('%d%m%Y%H%M', time.gmtime())})",
                     None, None, "the operator types {user}{DDMMYYYYHHMM} once, for this WP")
        return False
    return True


def check_interval(ws, ref_entry: dict, report: Report, now: float) -> None:
    """The configured minimum time between the recorded refinement and its signature."""
    minimum = float(ws.config.get("signature.min_interval_seconds"))
    log_rel = ws.p("gate_log")
    problem = ts_problem(ref_entry, "REFINEMENT record", now)
    if problem:
        code = "GK-SIG-CLOCK" if "future" in problem else "GK-SIG-TIMESTAMP"
        report.error(code, problem, log_rel, None,
                     "record the refinement again (govkit record-refinement) and sign later")
        return
    elapsed = now - parse_ts(ref_entry["timestamp"]).timestamp()
    if elapsed < minimum:
        wait = max(1, int(minimum - elapsed + 0.999))
        report.error("GK-SIG-INTERVAL", f"signature {elapsed:.1f}s after the refinement was "
                     f"recorded; the minimum is {minimum:g}s: wait {wait}s more", log_rel, None,
                     "the operator reviews the refinement in a new turn, then signs")


def check_one_time_use(ws, token: str, report: Report) -> None:
    """A signature token is one-time use: it may not appear anywhere, on any branch, in any
    worktree, anywhere in history, in the gate log or in the signature audit."""
    from govkit.sigindex import find_uses

    uses = find_uses(ws, token)
    if uses:
        first = uses[0]
        more = f" (and {len(uses) - 1} more place(s))" if len(uses) > 1 else ""
        report.error("GK-SIG-REUSED", f"signature {token} was already used: {first.describe()}"
                     f"{more}; signatures are one-time use", first.path, first.line,
                     "the operator must provide a new signature")
        report.facts["first_use"] = first.describe()


def check_audited(ws, wp: str, sig: str, report: Report, prefix: str) -> None:
    """The signature is in SIGNATURE_AUDIT exactly once, in a row that names this WP
    (codes <prefix>-AUDIT, <prefix>-REUSED, <prefix>-OTHER-WP)."""
    rows = ws.signature_rows()
    audit_rel = ws.p("signature_audit")
    if rows is None:
        report.error(f"{prefix}-AUDIT", "signature audit file is missing", audit_rel)
        return
    mine = [r for r in rows if r.signature == sig]
    if not mine:
        report.error(f"{prefix}-AUDIT", f"signature {sig} is not in the signature audit", audit_rel, None,
                     f"govkit record-signature {wp} {sig} records it")
    elif len(mine) > 1:
        report.error(f"{prefix}-REUSED", f"signature {sig} appears {len(mine)} times in the signature audit "
                     "(signatures are one-time use)", audit_rel, mine[1].line)
    elif not mine[0].names_wp(wp):
        report.error(f"{prefix}-OTHER-WP", f"signature {sig} was recorded for another work packet "
                     f"({mine[0].purpose})", audit_rel, mine[0].line,
                     "each packet needs its own operator signature")


@contextmanager
def repo_signature_lock(ws):
    """A lock shared by every worktree of the repository (in the git common dir), so that two
    worktrees cannot both consume the same token."""
    from govkit.store import WorkspaceLock

    common = ws.git.out("rev-parse", "--git-common-dir").strip()
    path = (ws.root / common).resolve() / "govkit" / "signature.lock"
    lock = WorkspaceLock(path, timeout=float(ws.config.get("lock.timeout_seconds")),
                         stale_seconds=float(ws.config.get("lock.stale_seconds")),
                         command=COMMAND)
    with lock:
        yield lock


# ---- the audit row ----------------------------------------------------------------------------
def audit_row(token: str, wp: str, spec_name: str | None, ref_rel: str) -> str:
    d = token[-12:]
    when = f"{d[4:8]}-{d[2:4]}-{d[0:2]} {d[8:10]}:{d[10:12]}" if d.isdigit() else iso_now()[:16]
    m = re.search(r"v([0-9.]+)\.md$", spec_name or "")
    spec_ver = f"v{m.group(1)}" if m else (spec_name or "<unresolved>")
    return (f"| {token} | Orchestrator | {when} | Task packet creation: {wp} | {spec_ver} | "
            f"Approved after Technical Refinement (see {ref_rel} ). |")


def _insert_audit_row(ws, raw: bytes, row: str) -> bytes:
    from govkit.edit import insert_lines, split_lines

    rel = ws.p("signature_audit")
    lines = [ln.decode("utf-8", "replace").lstrip("\ufeff") for ln in split_lines(raw)]
    head = next((i for i, ln in enumerate(lines)
                 if re.match(r"^\|\s*Signature\s*\|\s*Used By\s*\|", ln, re.IGNORECASE)), None)
    if head is None or head + 1 >= len(lines) or not re.match(r"^\|\s*:?-{3,}", lines[head + 1]):
        raise GovkitError("signature audit has no '| Signature | Used By | ...' table with a "
                          "separator line", path=rel, hint="restore the table header from git")
    return insert_lines(raw, head + 3, [row])  # newest first, right under the separator


# ---- record-signature -------------------------------------------------------------------------
def record_signature(ws, wp: str, token: str) -> Report:
    from govkit.gates.refinement import check_refinement, resolve_spec
    from govkit.model.common import is_placeholder
    from govkit.txn import transaction

    wp = ws.check_wp_id(wp)
    token = (token or "").strip()
    report = Report(COMMAND, wp)
    if not check_format(ws, token, report):
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
            from govkit.approvals import check_approval

            check_approval(ws, wp, ref_rel, report)
        audit_rel = ws.p("signature_audit")
        if not ws.abs(audit_rel).is_file():
            report.error("GK-SIG-AUDIT-MISSING", "signature audit file is missing", audit_rel,
                         None, "govkit init writes it (a table | Signature | Used By | ...)")
        if report.passed:
            check_one_time_use(ws, token, report)
        refuse_if_failed(ws, report, COMMAND)

        # Stage the three writes.
        from govkit.edit import set_field

        new_ref = set_field(raw, ref.user_review_status.line, "USER_REVIEW_STATUS", "APPROVED")
        new_ref = set_field(new_ref, ref.user_signature.line, "USER_SIGNATURE", token)
        tx.write(ref_rel, new_ref)
        spec_name, _ = resolve_spec(ws)
        tx.write(audit_rel, _insert_audit_row(ws, ws.abs(audit_rel).read_bytes(),
                                              audit_row(token, wp, spec_name, ref_rel)))
        append_gate_entry(ws, tx, {"wpId": wp, "type": "SIGNATURE", "signature": token,
                                   "timestamp": iso_now(now), "refinement_path": ref_rel})
        tx.audit_data = {"refinement": ref_rel}
        commit(ws, tx)
    report.facts["signature"] = token
    report.info("GK-SIG-RECORDED", f"signature recorded for {wp}: {ref_rel} is APPROVED and "
                f"signed, {audit_rel} has the row, {log_rel} has the SIGNATURE record")
    branch = ws.config.get("branch_template").format(wp=wp)
    report.next_commands = [f"govkit worktree-add {wp}",
                            f"govkit record-prepare {wp} <coder-id> --branch {branch}"]
    return report


"""`ci --base`: the signatures and the custody of each WP whose records REF..HEAD adds. Every
record made in the range carries an audit witness; a LOCK or AMEND made in the range carries an
operator signature that verifies (required by the strict profile); a LOCK made in the range
closes a valid transaction (REFINEMENT -> SIGNATURE -> PREPARE -> LOCK with matching hashes, as
pre-work requires); a SIGNATURE made in the range is in the signature audit once, for this WP
(and, with approvals.require_signed, has a valid signed approval). Each finding names the commit
that broke the rule (govkit/gates/basewalk.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from govkit.gates.basewalk import History, named
from govkit.gates.lock import LOCK_TYPES, check_envelope, current_lock, strict
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.model.records import Record
    from govkit.workspace import Workspace

FIX = "restore the records from REF; only govkit's own commands write records"


def check_range_records(ws: Workspace, wp: str, hist: History, at_base: list[Record],
                        at_head: list[Record], report: Report) -> None:
    base_paths = {r.path for r in at_base}
    new = [r for r in at_head if r.path not in base_paths]
    if not new:
        return
    sub = Report(report.gate, wp)
    head_lock = current_lock(at_head)
    pkt_rel = ws.packet_rel(wp)
    for r in new:
        who = named(hist.added_by(r.path), hist.base)
        if r.witness is None:
            sub.error("GK-CUSTODY-TRAIL", f"record {r.path} has no audit witness (govkit "
                      f"writes one with every record){who}", r.path, None, FIX)
        if r.type == "LOCK" and any(x.type == "LOCK" and x.seq < r.seq for x in at_head):
            sub.error("GK-CUSTODY-ORDER", f"{r.path} is a second LOCK of {wp}: a lock is never "
                      f"replaced (re-locking is the operator's AMEND){who}", r.path, None, FIX)
        if r.type in LOCK_TYPES:
            said = any(f.code == "GK-LOCK-SIGNATURE" and f.path == r.path
                       for f in report.findings)
            if r.body.get("envelope") is None and strict(ws) and not said:
                sub.error("GK-LOCK-SIGNATURE", f"{r.path} was made in the range without an "
                          f"operator signature (profile strict){who}", r.path, None,
                          f"the operator locks with a key: govkit lock {wp} / govkit amend {wp}")
            elif r is not head_lock and r.body.get("envelope") is not None:
                _named(sub, who, lambda rep, r=r: check_envelope(ws, r, pkt_rel, rep))
        if r.type == "SIGNATURE":
            _signature(ws, wp, hist, r, sub)
    first = next((r for r in at_head if r.type == "LOCK"), None)
    if first is not None and first.path not in base_paths and ws.abs(pkt_rel).is_file():
        _custody(ws, wp, hist, first, pkt_rel, sub)
    seen = set()
    for f in sub.findings:      # the custody check and the rules above may say the same
        if (f.code, f.path, f.message) not in seen:
            seen.add((f.code, f.path, f.message))
            report.findings.append(f)


def _named(sub: Report, who: str, check) -> None:
    part = Report(sub.gate, sub.wp)
    check(part)
    sub.extend(f._replace(message=f.message + who) for f in part.findings)


def _custody(ws: Workspace, wp: str, hist: History, lock: Record, pkt_rel: str,
             sub: Report) -> None:
    """pre-work's chain of custody, for a LOCK the range made; a finding names the last commit
    that changed the file it names (the record, the refinement), else the LOCK's commit."""
    from govkit.errors import GovkitError
    from govkit.gates.custody import check_custody

    part = Report(sub.gate, wp)
    ref_rel = str((lock.body.get("refinement") or {}).get("path") or ws.refinement_rel(wp))
    try:
        ws.safe_path(ref_rel, "the LOCK's refinement path")
        check_custody(ws, wp, pkt_rel, ws.packet(pkt_rel), ref_rel, part)
    except GovkitError as exc:
        part.error("GK-CUSTODY-HASH", f"chain of custody of {wp}: {exc.message}", lock.path)
    lock_by = hist.added_by(lock.path)
    for f in part.findings:
        who = named(hist.added_by(f.path or "") or lock_by, hist.base)
        sub.extend([f._replace(message=f.message + who)])


class _AuditAt:
    """What check_audited reads of the workspace, as one commit left the signature audit."""

    def __init__(self, ws: Workspace, raw: bytes | None):
        self._ws, self._raw = ws, raw

    def p(self, key: str) -> str:
        return self._ws.p(key)

    def signature_rows(self):
        if self._raw is None:
            return None
        from govkit.errors import GovkitError
        from govkit.model.markdown import parse
        from govkit.model.sigaudit import parse_signature_audit
        from govkit.util.textio import decode

        try:
            return parse_signature_audit(parse(decode(self._raw, self.p("signature_audit"))))
        except GovkitError:
            return None


def _signature(ws: Workspace, wp: str, hist: History, rec: Record, sub: Report) -> None:
    """The SIGNATURE record against the signature audit (gates/signature.py's rule), judged
    after every commit that changed either; with approvals.require_signed, the approval."""
    from govkit.gates.signature import check_audited

    token = str(rec.body.get("signature") or "")
    audit_rel = ws.p("signature_audit")
    state = {"audit": hist.at_base(audit_rel), "made": False}

    def audited(raw: bytes | None) -> Report:
        part = Report(sub.gate, wp)
        check_audited(cast("Workspace", _AuditAt(ws, raw)), wp, token, part, "GK-CI-SIG")
        return part

    def after(hits) -> bool:
        for c in hits:
            if c.path == audit_rel:
                state["audit"] = hist.blob(c)
            else:
                state["made"] = c.status != "D"
        return bool(state["made"]) and not audited(state["audit"]).passed

    who = hist.culprit(lambda p: p in (audit_rel, rec.path), False, after)
    now = ws.abs(audit_rel)
    part = audited(now.read_bytes() if now.is_file() else None)
    suffix = named(who, hist.base) if who else " (in the work tree, not committed)"
    sub.extend(f._replace(message=f.message + suffix) for f in part.findings)
    if ws.config.get("approvals.require_signed"):
        from govkit.signing.approvals import approval_rel, verify

        ref = rec.body.get("refinement") or {}
        ref_rel = str(ref.get("path") or ws.refinement_rel(wp))
        app_rel = approval_rel(ws, wp)
        for code, msg, path in verify(ws, wp, ref_rel):
            by = hist.added_by(app_rel) or hist.added_by(ref_rel) or hist.added_by(rec.path)
            sub.error(code, f"{msg}{named(by, hist.base)}", path, None,
                      f"the operator approves {wp} with a trusted key (govkit approve {wp})")

"""gate-check: the BOOTSTRAP -> SKELETON -> SKELETON APPROVED -> implementation sequence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govkit.model.markdown import heading_matches, report_hidden_headings
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

MARKER = "SKELETON APPROVED"
RECORD_TYPE = "SKELETON-APPROVED"


def _is_impl_heading(text: str) -> bool:
    t = " ".join(text.split()).upper()
    return t.startswith("VALIDATION (CODER)") or heading_matches(t, "VALIDATION REPORT")


def check_phases(ws: Workspace, wp: str, packet_rel: str | None = None) -> Report:
    report = Report("gate-check", wp)
    rel = packet_rel or ws.resolve_packet(wp)[0]
    pkt = ws.packet(rel)
    md = pkt.md
    report.facts["packet"] = rel
    src = pkt.doc.lines
    report_hidden_headings(md, report, rel)

    for f in md.fences:
        if f.fenced and not f.closed:
            report.error("GK-PHASE-FENCE", "code fence is never closed, so everything after it is "
                         "hidden from the gates", rel, f.line,
                         "close the fence with a matching ``` or ~~~ line")

    bootstrap = next((h for h in md.headings if heading_matches(h.text, "BOOTSTRAP")), None)
    skeleton = next((h for h in md.headings if heading_matches(h.text, "SKELETON")
                     and h.text.strip().upper() != MARKER), None)
    heading_lines = {h.line for h in md.headings}
    # The marker is a whole source line of its own (not a heading, table cell or list item).
    approval = next((n for n, _ in md.text_lines
                     if n not in heading_lines and 0 < n <= len(src)
                     and src[n - 1].strip() == MARKER), None)
    impl = next((h for h in md.headings if _is_impl_heading(h.text)), None)

    if pkt.in_progress and not bootstrap:
        report.error("GK-PHASE-BOOTSTRAP", "'In Progress' status requires a BOOTSTRAP section",
                     rel, pkt.status.line, "add a '## BOOTSTRAP' section before starting work")
    approved = _approval_record(ws, rel, pkt, report)
    if approval is not None and not approved:
        approval = _legacy_line(ws, rel, approval, report)
    elif approved:
        approval = approval or 0
    if impl and approval is None:
        report.error("GK-PHASE-UNAPPROVED", f"implementation detected ('{impl.text}') without "
                     "the operator's skeleton approval", rel, impl.line,
                     f"the operator runs: govkit approve-skeleton {Path(rel).stem}")
    if not bootstrap or not skeleton:
        missing = [n for n, v in (("BOOTSTRAP", bootstrap), ("SKELETON", skeleton)) if not v]
        if impl and approval is None:
            missing.append(MARKER)
        report.error("GK-PHASE-MISSING", "missing mandatory phase section(s): " + ", ".join(missing),
                     rel, None, "add '## BOOTSTRAP' and '## SKELETON' sections (see the template)")
    if bootstrap and skeleton and bootstrap.line > skeleton.line:
        report.error("GK-PHASE-ORDER", "SKELETON appears before BOOTSTRAP", rel, skeleton.line,
                     "move the BOOTSTRAP section above SKELETON")
    if approval and skeleton and skeleton.line > approval:
        report.error("GK-PHASE-APPROVAL-ORDER", f"'{MARKER}' must follow the SKELETON section",
                     rel, approval, "move the marker below the SKELETON section")
    if report.passed:
        report.facts["phase"] = ("implementation" if impl else "approved" if approval
                                 else "skeleton")
    return report


def _approval_record(ws: Workspace, rel: str, pkt, report: Report) -> bool:
    """The last SKELETON-APPROVED record counts when it approves the SKELETON as it is now
    (and, with trusted keys configured, carries a valid operator signature)."""
    from govkit.gates.lock import load_records

    problems: list = []
    records = load_records(ws, Path(rel).stem, problems=problems)
    last = next((r for r in reversed(records) if r.type == RECORD_TYPE), None)
    if last is None:
        return False
    report.facts["skeleton_approval"] = last.path
    if last.body.get("skeleton_sha256") != section_sha256(pkt, "SKELETON"):
        report.error("GK-PHASE-SKELETON-CHANGED", f"the SKELETON changed after the operator "
                     f"approved it ({last.path})", rel, None,
                     f"restore the approved SKELETON, or the operator approves it again: "
                     f"govkit approve-skeleton {Path(rel).stem}")
        return False
    trusted = [str(k) for k in ws.config.get("approvals.trusted_keys") or []]
    env = last.body.get("envelope")
    if trusted and env is None:
        report.error("GK-PHASE-APPROVAL-SIGNATURE", f"{last.path} carries no operator "
                     "signature, and trusted keys are configured", last.path, None,
                     f"the operator approves with a key: govkit approve-skeleton "
                     f"{Path(rel).stem}")
        return False
    if env is not None:
        from govkit.signing.dsse import open_envelope

        stmt, _, problem = open_envelope(ws, env, trusted)
        body = {k: v for k, v in last.body.items() if k != "envelope"}
        if stmt is None or stmt.get("predicate") != body:
            report.error("GK-PHASE-APPROVAL-SIGNATURE", f"{last.path}: "
                         f"{problem or 'the signed statement does not match the record'}",
                         last.path, None, "restore the record from git")
            return False
    return True


def section_sha256(pkt, name: str) -> str | None:
    """SHA-256 of a section's source lines (heading excluded, trailing blanks dropped), or None
    when the packet has no such section."""
    import hashlib

    rng = pkt.md.section(name, exact=True)
    if rng is None:
        return None
    lines = pkt.doc.lines[rng[0]:rng[1] - 1]
    text = "\n".join(ln.rstrip() for ln in lines).strip("\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _legacy_line(ws: Workspace, rel: str, line: int, report: Report) -> int | None:
    """A bare 'SKELETON APPROVED' line: any agent can type it. compat accepts it with a
    warning (the original's rule); strict does not count it."""
    if ws.config.get("profile") == "strict":
        report.warn("GK-PHASE-LEGACY-APPROVAL", f"a bare '{MARKER}' line is not an approval in "
                    "the strict profile", rel, line,
                    f"the operator runs: govkit approve-skeleton {Path(rel).stem}")
        return None
    report.warn("GK-PHASE-LEGACY-APPROVAL", f"skeleton approved by a bare '{MARKER}' line, "
                "which the governed agent could have typed (accepted in the compat profile)",
                rel, line, f"the operator runs: govkit approve-skeleton {Path(rel).stem}")
    return line

"""gate-check: the BOOTSTRAP -> SKELETON -> SKELETON APPROVED -> implementation sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.model.markdown import heading_matches
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

MARKER = "SKELETON APPROVED"


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
    if impl and approval is None:
        report.error("GK-PHASE-UNAPPROVED", f"implementation detected ('{impl.text}') without a "
                     f"'{MARKER}' marker", rel, impl.line,
                     f"the operator approves the skeleton by adding a line '{MARKER}' after it")
    if not bootstrap or not skeleton:
        missing = [n for n, v in (("BOOTSTRAP", bootstrap), ("SKELETON", skeleton)) if not v]
        if impl and approval is None:
            missing.append(MARKER)
        report.error("GK-PHASE-MISSING", "missing mandatory phase section(s): " + ", ".join(missing),
                     rel, None, "add '## BOOTSTRAP' and '## SKELETON' sections (see the template)")
    if bootstrap and skeleton and bootstrap.line > skeleton.line:
        report.error("GK-PHASE-ORDER", "SKELETON appears before BOOTSTRAP", rel, skeleton.line,
                     "move the BOOTSTRAP section above SKELETON")
    if approval is not None and skeleton and skeleton.line > approval:
        report.error("GK-PHASE-APPROVAL-ORDER", f"'{MARKER}' must follow the SKELETON section",
                     rel, approval, "move the marker below the SKELETON section")
    if report.passed:
        report.facts["phase"] = ("implementation" if impl else "approved" if approval
                                 else "skeleton")
    return report

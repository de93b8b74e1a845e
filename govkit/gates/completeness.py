"""packet completeness (kernel 12.3) for every active packet. Fields are read per line through
the Markdown model, so a placeholder is caught where it stands (the reference's `$` without `m`
only ever looked at the end of the file), and an empty PACKET_FORMAT_VERSION is not a version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.gates.activeset import active_packets
from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.packet import list_after
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

STATUSES = ("READY FOR DEV", "IN PROGRESS", "DONE", "DONE (HISTORICAL)")
CLOSURE_LISTS = ("SERVER_SOURCES_OF_TRUTH", "REQUIRED_PROVENANCE_FIELDS", "VERIFICATION_PLAN",
                 "ERROR_TAXONOMY_PLAN", "UI_GUARDRAILS", "VALIDATOR_ASSERTIONS")


def _placeholder(value: str) -> bool:
    v = strip_ticks(value.strip())
    return is_placeholder(v) or (v.startswith("{") and v.endswith("}")) or v.upper() == "TBD"


def _filled_list(md, label: str) -> tuple[bool | None, int]:
    """(None: no such field; False: empty or only placeholders; True: filled, line)."""
    entries, line = list_after(md, label)
    if entries is None:
        return None, 0
    return any(not _placeholder(f"{e.path} {e.note}") for e in entries), line


def check_completeness(ws: Workspace, report: Report) -> None:
    for wp, rel in active_packets(ws):
        _check_packet(ws, wp, rel, report)


def _check_packet(ws: Workspace, wp: str, rel: str, report: Report) -> None:
    from govkit.model.markdown import report_hidden_headings

    pkt = ws.packet(rel)
    md = pkt.md
    report_hidden_headings(md, report, rel)
    status = " ".join(pkt.status.text.replace("*", " ").split()).upper()
    if not any(status == s or status.startswith(s + " ") for s in STATUSES):
        report.error("GK-CI-PACKET-STATUS", f"{wp}: Status must be Ready for Dev, In Progress or "
                     f"Done, got '{pkt.status.text or '<missing>'}'", rel, pkt.status.line or None,
                     "set '- **Status:** Ready for Dev'")
    has_current = md.field("SPEC_CURRENT") is not None
    if not has_current and not (md.field("SPEC_BASELINE") and md.field("SPEC_TARGET")):
        report.error("GK-CI-PACKET-SPEC", f"{wp}: no spec reference (SPEC_CURRENT, or SPEC_BASELINE "
                     "and SPEC_TARGET)", rel, None, "add '- SPEC_CURRENT: .GOV/roles_shared/SPEC_CURRENT.md'")
    if _placeholder(pkt.risk_tier.text):
        report.error("GK-CI-PACKET-FIELD", f"{wp}: RISK_TIER is missing or a placeholder", rel,
                     pkt.risk_tier.line or None, "LOW, MEDIUM or HIGH")
    for label in ("DONE_MEANS", "TEST_PLAN"):
        filled, line = _filled_list(md, label)
        if not filled:
            report.error("GK-CI-PACKET-FIELD", f"{wp}: {label} is "
                         f"{'missing' if filled is None else 'empty or a placeholder (TBD, <fill>)'}",
                         rel, line or None, f"list what {label} requires")
    if md.heading("BOOTSTRAP") is None and md.field("BOOTSTRAP") is None:
        report.error("GK-CI-PACKET-FIELD", f"{wp}: no BOOTSTRAP section", rel, None, "add '## BOOTSTRAP'")
    if _placeholder(pkt.user_signature.text):
        report.error("GK-CI-PACKET-SIGNATURE", f"{wp}: no USER_SIGNATURE", rel,
                     pkt.user_signature.line or None, "the packet is created from a signed refinement")
    fmt = pkt.packet_format_version
    if fmt.present:
        if _placeholder(fmt.text):
            report.error("GK-CI-PACKET-FORMAT", f"{wp}: PACKET_FORMAT_VERSION is empty or a "
                         "placeholder", rel, fmt.line, "e.g. 2026-02-01")
        else:
            _check_closure(md, wp, rel, report)


def _check_closure(md, wp: str, rel: str, report: Report) -> None:
    if md.heading("END_TO_END_CLOSURE_PLAN", min_level=2) is None:
        report.error("GK-CI-PACKET-CLOSURE", f"{wp}: no '## END_TO_END_CLOSURE_PLAN' section", rel,
                     None, "add it from the template")
    f = md.field("END_TO_END_CLOSURE_PLAN_APPLICABLE")
    value = strip_ticks(f.value).upper() if f else ""
    if value not in ("YES", "NO"):
        report.error("GK-CI-PACKET-CLOSURE", f"{wp}: END_TO_END_CLOSURE_PLAN_APPLICABLE must be YES "
                     f"or NO, got '{f.value.strip() if f else '<missing>'}'", rel, f.line if f else None)
        return
    if value == "NO":
        return
    tb = md.field("TRUST_BOUNDARY")
    if tb is None or _placeholder(tb.value):
        report.error("GK-CI-PACKET-CLOSURE", f"{wp}: TRUST_BOUNDARY is missing or a placeholder",
                     rel, tb.line if tb else None)
    for label in CLOSURE_LISTS:
        filled, line = _filled_list(md, label)
        if not filled:
            report.error("GK-CI-PACKET-CLOSURE", f"{wp}: {label} needs at least one item that is "
                         "not a placeholder", rel, line or None)

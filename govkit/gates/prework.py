"""pre-work: the packet is authorized, anchored, signed and checkpointed before any code is touched."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.gates.phase import check_phases
from govkit.gates.refinement import check_refinement
from govkit.model.common import is_placeholder
from govkit.model.cor701 import GATE_NAMES, MANIFEST_FIELDS
from govkit.result import Report
from govkit.vcs.git import BlobBatch

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")


def check_prework(ws: Workspace, wp: str) -> Report:
    report = Report("pre-work", wp)
    rel, how = ws.resolve_packet(wp)
    report.facts["packet"] = rel
    if how != "exact":
        report.info("GK-PRE-RESOLVED", f"{wp} resolved to {rel} via {how}", rel)
    report.merge(check_phases(ws, wp, rel))
    pkt = ws.packet(rel)
    pkt_wp = Path(rel).stem
    needs_gate = not pkt.done_like
    # The checkpoint's git process starts now and runs while the checks below parse and read.
    batch = BlobBatch(ws.git) if needs_gate else None
    try:
        _check_prepare(ws, pkt_wp, pkt, report)
        _check_structure(ws, pkt, rel, report)
        if not pkt.status.present:
            report.error("GK-PRE-STATUS", "missing canonical **Status:** field", rel, None,
                         "add '- **Status:** Ready for Dev' to METADATA")
        report.facts["status"] = pkt.status.text or "<missing>"
        if pkt.modern and needs_gate:
            _check_agentic(pkt, rel, report)
            _check_filled(ws, pkt, rel, report)
        from govkit.gates.lock import check_lock

        check_lock(ws, pkt_wp, rel, report)
        if batch is not None:
            ref_rel = _refinement_rel(ws, pkt, pkt_wp, rel, report)
            if ref_rel:
                from govkit.gates.custody import check_custody

                check_custody(ws, pkt_wp, rel, pkt, ref_rel, report)
                _check_signatures(ws, pkt_wp, pkt, rel, ref_rel, report)
                _check_checkpoint(ws, pkt_wp, [rel, ref_rel], report, batch)
    finally:
        if batch is not None:
            batch.close()
    _check_manifest_template(pkt, rel, report)
    if pkt.done_like:
        # The original skips the gates for a done packet (kernel-gates.md 2.6A): its work is
        # over, so pre-work authorizes nothing and never suggests rewriting its manifest.
        add = report.error if ws.config.get("profile") == "strict" else report.warn
        add("GK-PRE-DONE", f"{pkt_wp} is done (Status '{pkt.status.text}'): pre-work authorizes "
            "no new work on it", rel, pkt.status.line or None,
            f"new work is a new revision ({pkt_wp}-v2: refine, sign, prepare it)")
    elif report.passed:
        report.next_commands = [f"just post-work {wp}", f"govkit manifest {wp} --write"]
    return report


def _check_prepare(ws: Workspace, wp: str, pkt, report: Report) -> None:
    log = ws.gate_log()
    prep = log.last(wp, "PREPARE")
    log_rel = ws.p("gate_log")
    if prep is None:
        msg = f"no PREPARE record for {wp} in {log_rel}"
        hint = (f"govkit record-prepare {wp} <coder-id>; the record must be committed on this "
                "branch (create-task-packet --checkpoint carries it)")
        if pkt.modern:
            report.error("GK-PRE-PREPARE", msg, log_rel, None, hint)
        else:
            report.warn("GK-PRE-PREPARE", msg, log_rel, None, hint)
        return
    branch = ws.git.branch()
    want = str(prep.get("branch") or "").strip()
    want = want.removeprefix("refs/heads/")
    report.facts["branch"] = branch or "(detached HEAD)"
    if want and branch != want:
        report.error("GK-PRE-BRANCH", f"wrong branch: PREPARE expects '{want}', current is "
                     f"'{branch or 'detached HEAD'}'", log_rel, None, f"git switch {want}")
    wt = str(prep.get("worktree_dir") or "").replace("\\", "/")
    if wt:
        target = Path(wt) if os.path.isabs(wt) else (ws.root / wt)
        if os.path.realpath(target) != os.path.realpath(ws.root):
            report.warn("GK-PRE-WORKTREE", f"running in {ws.root}, but PREPARE names worktree "
                        f"'{wt}'", log_rel, None, f"cd into the worktree '{wt}'")


def _has_label(pkt, name: str) -> bool:
    from govkit.model.markdown import heading_matches

    n = name.upper()
    return any(f.label.upper() == n for f in pkt.md.fields) or \
        any(heading_matches(h.text, name) for h in pkt.md.headings)


def _check_structure(ws: Workspace, pkt, rel: str, report: Report) -> None:
    missing = [f for f in ws.config.get("packet.required_fields") if not _has_label(pkt, f)]
    if missing:
        report.error("GK-PRE-STRUCTURE", "task packet missing fields: " + ", ".join(missing), rel,
                     None, "add them as '- FIELD: value' lines or '## FIELD' sections (template)")
    if not (_has_label(pkt, "SPEC_CURRENT") or
            (_has_label(pkt, "SPEC_BASELINE") and _has_label(pkt, "SPEC_TARGET"))):
        report.warn("GK-PRE-SPECREF", "packet names neither SPEC_CURRENT nor SPEC_BASELINE and "
                    "SPEC_TARGET", rel)
    if not pkt.merge_base:
        report.warn("GK-PRE-MERGE-BASE", "packet has no parsable MERGE_BASE_SHA (40 hex digits)",
                    rel, pkt.merge_base_sha.line or None,
                    "set '- MERGE_BASE_SHA: <git merge-base main HEAD>'")


# Fields and sections that must carry real values before work starts, besides
# packet.required_fields: the guide's list (docs/user-guide.md, "Fill the packet"). The coder's
# later sections (STATUS_HANDOFF, EVIDENCE_MAPPING, EVIDENCE, VALIDATION) are not checked here.
MUST_FILL = ("RISK_TIER", "WHAT", "OUT_OF_SCOPE", "TEST_PLAN", "DONE_MEANS", "BOOTSTRAP",
             "SKELETON")


def _values(pkt, name: str) -> tuple[list[str], int | None] | None:
    """The texts a field or section holds (its value, its list items, or its section's text
    lines), with its line; None when the packet has neither."""
    from govkit.model.packet import list_after

    f = pkt.md.field(name)
    if f is not None:
        if f.value.strip():
            return [f.value], f.line
        items, _ = list_after(pkt.md, name)
        return [e.path + " " + e.note for e in items or []], f.line
    rng = pkt.md.section(name, exact=True)
    if rng is None:
        return None
    texts = [t.strip().lstrip("-*+ ").strip() for _, t in pkt.md.text_in(rng[0] + 1, rng[1])]
    return [t for t in texts if t], rng[0]


def _check_filled(ws: Workspace, pkt, rel: str, report: Report) -> None:
    """An active packet's required fields, sections and scope carry real values, not template
    text."""
    names = list(dict.fromkeys([*ws.config.get("packet.required_fields"), *MUST_FILL]))
    for name in names:
        found = _values(pkt, name)
        if found is None:
            continue
        values, line = found
        if not values or all(is_placeholder(v) for v in values):
            shown = values[0].strip() if values else "(empty)"
            report.error("GK-PRE-PLACEHOLDER", f"{name} still holds template text: {shown}",
                         rel, line, f"fill {name} in the packet (and commit it)")
    scope = [e for e in (pkt.in_scope_paths or [])
             if not is_placeholder(e.path) and e.path.lower() != "path/to/file"]
    if not scope:
        report.error("GK-PRE-SCOPE", "IN_SCOPE_PATHS is missing or lists no real path", rel,
                     pkt.in_scope_line or None,
                     "list the files, directories (src/api/) or globs (src/**/*.py) the work may change")


def _check_agentic(pkt, rel: str, report: Report) -> None:
    mode = pkt.agentic_mode.text.split(" ")[0].upper() if pkt.agentic_mode else ""
    if mode not in ("YES", "NO"):
        report.error("GK-PRE-AGENTIC", "AGENTIC_MODE missing or invalid (expected YES or NO)", rel,
                     pkt.agentic_mode.line or None)
        return
    if mode == "YES":
        for v, label in ((pkt.orchestrator_model, "ORCHESTRATOR_MODEL"),
                         (pkt.orchestration_started_at, "ORCHESTRATION_STARTED_AT_UTC")):
            if is_placeholder(v.text):
                report.error("GK-PRE-AGENTIC", f"AGENTIC_MODE=YES requires {label}", rel,
                             v.line or pkt.agentic_mode.line)
        t = pkt.orchestration_started_at.text
        if t and not is_placeholder(t) and not _ISO_Z.match(t):
            report.error("GK-PRE-AGENTIC", "ORCHESTRATION_STARTED_AT_UTC must be an ISO UTC time "
                         "like 2026-02-01T10:00:00Z", rel, pkt.orchestration_started_at.line)


def _refinement_rel(ws: Workspace, pkt, wp: str, rel: str, report: Report) -> str | None:
    ref_rel = pkt.refinement_file.text.strip("`") if not is_placeholder(pkt.refinement_file.text) \
        else ws.refinement_rel(wp)
    ref_rel = ref_rel.replace("\\", "/")
    try:
        ws.safe_path(ref_rel, "REFINEMENT_FILE")
    except Exception as exc:  # GovkitError: a packet field, so a finding, not exit 2
        report.error("GK-PRE-REFINEMENT-PATH", str(exc), rel, pkt.refinement_file.line or None)
        return None
    report.merge(check_refinement(ws, wp, ref_rel, require_signature=True,
                                  report=Report("refinement-check", wp)))
    return ref_rel


def _check_signatures(ws: Workspace, wp: str, pkt, rel: str, ref_rel: str, report: Report) -> None:
    sig = pkt.user_signature.text.strip("`")
    if is_placeholder(sig):
        report.error("GK-PRE-SIGNATURE", "packet USER_SIGNATURE is missing or <pending>", rel,
                     pkt.user_signature.line or None)
        return
    if ws.abs(ref_rel).is_file():
        ref_sig = ws.refinement(ref_rel).user_signature.text
        if ref_sig and not is_placeholder(ref_sig) and ref_sig != sig:
            report.error("GK-PRE-SIGNATURE", f"USER_SIGNATURE mismatch: packet has {sig}, "
                         f"refinement has {ref_sig}", rel, pkt.user_signature.line)
    if ws.signature_rows() is None:
        report.warn("GK-PRE-SIG-AUDIT", "signature audit file is missing", ws.p("signature_audit"))
    else:
        from govkit.gates.signature import check_audited

        check_audited(ws, wp, sig, report, "GK-PRE-SIG")
    if ws.config.get("approvals.require_signed"):
        from govkit.signing.approvals import check_approval

        check_approval(ws, wp, ref_rel, report)


def _check_checkpoint(ws: Workspace, wp: str, rels: list[str], report: Report,
                      batch: BlobBatch) -> None:
    blobs = batch.read([f"HEAD:{rel}" for rel in rels])  # one git process
    for rel in rels:
        blob = blobs.get(f"HEAD:{rel}")
        hint = (f"git add {rels[0]} {rels[1]} && git commit -m "
                f"\"docs: checkpoint packet+refinement [{wp}]\"")
        if blob is None:
            report.error("GK-PRE-CHECKPOINT", f"{rel} is not committed yet (checkpoint required)",
                         rel, None, hint)
        elif blob != ws.abs(rel).read_bytes():
            report.error("GK-PRE-CHECKPOINT", f"{rel} differs from the checkpoint commit (HEAD)",
                         rel, None, hint)


def _check_manifest_template(pkt, rel: str, report: Report) -> None:
    sec = pkt.md.section("VALIDATION", exact=True)
    if sec is None:
        report.error("GK-PRE-VALIDATION", "VALIDATION section missing (required for the "
                     "deterministic manifest)", rel, None, "add '## VALIDATION' from the template")
        return
    labels = {f.label.upper() for f in pkt.md.fields if sec[0] <= f.line < sec[1]}
    missing = [f for _, f in MANIFEST_FIELDS if f.upper() not in labels]
    if missing:
        report.error("GK-PRE-MANIFEST", "validation manifest missing fields: " + ", ".join(missing),
                     rel, sec[0], "copy the manifest block from the template")
    body = "\n".join(t for n, t in pkt.md.text_in(*sec))
    absent = [g for g in GATE_NAMES if g not in body]
    if not missing and absent:
        report.warn("GK-PRE-MANIFEST-GATES", "manifest lists no gate line for: " + ", ".join(absent),
                    rel, sec[0])

"""refinement-check: a technical refinement is complete, anchored to the current spec, and
(when required) approved and signed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.model.common import is_placeholder
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

REQUIRED_HEADINGS = ("GAPS_IDENTIFIED", "FLIGHT_RECORDER_INTERACTION", "RED_TEAM_ADVISORY",
                     "PRIMITIVES")


def _int(value: str) -> int | None:
    v = value.strip()
    return int(v) if v.isdigit() else None


def _first_non_ascii(text: str) -> tuple[int, int, str] | None:
    if text.isascii():  # the usual case, without a Python loop over every character
        return None
    for n, line in enumerate(text.split("\n"), 1):
        for c, ch in enumerate(line, 1):
            if ord(ch) > 0x7F:
                return n, c, ch
    return None


def check_refinement(ws: Workspace, wp: str, rel: str | None = None, require_signature: bool = False,
                     report: Report | None = None) -> Report:
    report = report or Report("refinement-check", wp)
    rel = rel or ws.refinement_rel(wp)
    report.facts.setdefault("refinement", rel)
    ws.safe_path(rel, "refinement path")
    if not ws.abs(rel).is_file():
        report.error("GK-REF-MISSING", "refinement file is missing", rel, None,
                     f"write it (govkit create-task-packet {wp} scaffolds it from the template)")
        return report
    ref = ws.refinement(rel)
    doc = ref.doc
    if doc.has_bom:
        report.error("GK-REF-BOM", "file starts with a UTF-8 byte order mark (BOM); refinements "
                     "must be ASCII", rel, 1, "save the file as UTF-8 without BOM (remove the "
                     "first three bytes EF BB BF)")
    bad = _first_non_ascii(doc.text)
    if bad:
        report.error("GK-REF-ASCII", f"non-ASCII character {bad[2]!r} (U+{ord(bad[2]):04X}) at "
                     f"column {bad[1]}", rel, bad[0], "replace it with ASCII text")
    if not ref.has_heading("TECHNICAL_REFINEMENT"):
        report.error("GK-REF-HEADING", "missing TECHNICAL_REFINEMENT heading", rel, 1,
                     "start the file with '## TECHNICAL_REFINEMENT: <WP>'")
    if ref.wp_id.text != wp:
        report.error("GK-REF-WPID", f"WP_ID mismatch: expected {wp}, got "
                     f"{ref.wp_id.text or '<missing>'}", rel, ref.wp_id.line or None,
                     f"set '- WP_ID: {wp}'")

    name, spec = ws.current_spec(report)
    if spec is not None:
        want = f"{ws.p('spec_current')} -> {name}"
        if ref.spec_target_resolved.text != want:
            report.error("GK-REF-SPEC-TARGET", f"SPEC_TARGET_RESOLVED is "
                         f"'{ref.spec_target_resolved.text or '<missing>'}', expected '{want}'",
                         rel, ref.spec_target_resolved.line or None,
                         "re-anchor the refinement to the current spec")
        if not spec.sha1_matches(ref.spec_target_sha1.text):
            report.error("GK-REF-SPEC-SHA1", f"SPEC_TARGET_SHA1 does not match {name} "
                         f"(expected {spec.sha1_lf})", rel, ref.spec_target_sha1.line or None,
                         _bump_hint(ws, wp, ref, spec))

    for h in REQUIRED_HEADINGS:
        if not ref.has_heading(h):
            report.error("GK-REF-SECTION", f"missing required section heading: {h}", rel, None,
                         f"add '### {h}' (see the template)")

    verdict = ref.clearly_covers_verdict.text.upper()
    enrich = ref.enrichment_needed.text.upper()
    if verdict not in ("PASS", "FAIL"):
        report.error("GK-REF-VERDICT", "CLEARLY_COVERS_VERDICT must be PASS or FAIL", rel,
                     ref.clearly_covers_verdict.line or None)
    if is_placeholder(ref.clearly_covers_reason.text):
        report.error("GK-REF-REASON", "CLEARLY_COVERS_REASON is missing or a placeholder", rel,
                     ref.clearly_covers_reason.line or None)
    if enrich not in ("YES", "NO"):
        report.error("GK-REF-ENRICHMENT", "ENRICHMENT_NEEDED must be YES or NO", rel,
                     ref.enrichment_needed.line or None)
    if verdict == "PASS" and enrich == "YES":
        report.error("GK-REF-CONSISTENCY", "CLEARLY_COVERS_VERDICT=PASS contradicts "
                     "ENRICHMENT_NEEDED=YES", rel, ref.enrichment_needed.line)
    if verdict == "FAIL" and enrich == "NO":
        report.error("GK-REF-CONSISTENCY", "CLEARLY_COVERS_VERDICT=FAIL requires "
                     "ENRICHMENT_NEEDED=YES", rel, ref.enrichment_needed.line)
    if ref.ambiguity_found.present:
        amb = ref.ambiguity_found.text.upper()
        if amb not in ("YES", "NO"):
            report.error("GK-REF-AMBIGUITY", "AMBIGUITY_FOUND must be YES or NO", rel,
                         ref.ambiguity_found.line)
        elif amb == "YES" and not (verdict == "FAIL" and enrich == "YES"):
            report.error("GK-REF-AMBIGUITY", "AMBIGUITY_FOUND=YES requires "
                         "CLEARLY_COVERS_VERDICT=FAIL and ENRICHMENT_NEEDED=YES", rel,
                         ref.ambiguity_found.line)
    _check_enrichment(ref, enrich, rel, report)
    _check_anchors(ref, spec, name, rel, report)
    if require_signature:
        check_signed(ref, rel, report)
    return report


def _bump_hint(ws: Workspace, wp: str, ref, spec) -> str:
    """What to do after a spec bump: `govkit reanchor` when every anchored excerpt is unchanged
    in the new spec (moved lines follow), else which anchors changed."""
    from govkit.gates.reanchor_plan import FOLLOWS, old_spec_name, plan

    moves = plan(ws, ref, old_spec_name(ref.spec_target_resolved.text), spec) if ref.anchors \
        else []
    changed = [f"{m.anchor} {m.status}" for m in moves if m.status not in FOLLOWS]
    if moves and not changed:
        return (f"the spec changed, but every anchored excerpt is unchanged in it: for a locked "
                f"WP, `govkit reanchor {wp}` moves the refinement (and any moved lines) to it, "
                "audited, without a new signature; before the lock, update the anchors and "
                "record the refinement again")
    if changed:
        return (f"the spec changed under the anchors ({', '.join(changed)}): the operator reviews "
                f"again; a signed WP needs a new signature or a -vN packet")
    return "the spec changed since this refinement was written: re-check the anchors, then " \
        "update SPEC_TARGET_SHA1"


def _not_applicable(body: str) -> bool:
    b = body.strip().lower().replace(" ", "")
    return b in ("", "<notapplicable>", "<notapplicable;enrichment_needed=no>")


def _check_enrichment(ref, enrich: str, rel: str, report: Report) -> None:
    e = ref.enrichment
    if enrich == "NO":
        if is_placeholder(ref.reason_no_enrichment.text):
            report.error("GK-REF-ENRICHMENT", "REASON_NO_ENRICHMENT is missing or a placeholder",
                         rel, ref.reason_no_enrichment.line or None)
        if e.found and not _not_applicable(e.body):
            report.error("GK-REF-ENRICHMENT", "ENRICHMENT_NEEDED=NO but PROPOSED_SPEC_ENRICHMENT "
                         "has content", rel, e.line,
                         "set the block to '<not applicable; ENRICHMENT_NEEDED=NO>'")
    elif enrich == "YES":
        if not e.found or _not_applicable(e.body) or is_placeholder(e.body) or "<paste" in e.body:
            report.error("GK-REF-ENRICHMENT", "ENRICHMENT_NEEDED=YES requires the verbatim "
                         "PROPOSED_SPEC_ENRICHMENT text", rel, e.line or None)


def _check_anchors(ref, spec, name, rel: str, report: Report) -> None:
    if not ref.anchors:
        report.error("GK-REF-ANCHORS", "SPEC_ANCHORS missing: include one or more ANCHOR "
                     "sections", rel, None, "add '#### ANCHOR 1' with SPEC_ANCHOR, "
                     "CONTEXT_START_LINE, CONTEXT_END_LINE, CONTEXT_TOKEN, EXCERPT_ASCII_ESCAPED")
        return
    for a in ref.anchors:
        label = f"ANCHOR {a.number}".strip()
        if is_placeholder(a.spec_anchor.text):
            report.error("GK-REF-ANCHOR", f"{label}: SPEC_ANCHOR is missing or a placeholder", rel,
                         a.spec_anchor.line or a.line)
        if is_placeholder(a.token.text):
            report.error("GK-REF-ANCHOR", f"{label}: CONTEXT_TOKEN is missing or a placeholder",
                         rel, a.token.line or a.line)
        elif len(a.token.text) < 3:
            report.warn("GK-REF-TOKEN-WEAK", f"{label}: CONTEXT_TOKEN '{a.token.text}' is too short "
                        "to identify the spec text", rel, a.token.line)
        start, end = _int(a.start.text), _int(a.end.text)
        if start is None or end is None or start < 1 or end < start:
            report.error("GK-REF-ANCHOR-LINES", f"{label}: CONTEXT_START_LINE/CONTEXT_END_LINE must be "
                         "integers with start >= 1 and end >= start", rel,
                         (a.start.line if start is None else a.end.line) or a.line)
            start = None
        if a.excerpt is None or is_placeholder(a.excerpt) or "<paste" in (a.excerpt or ""):
            report.error("GK-REF-EXCERPT", f"{label}: EXCERPT_ASCII_ESCAPED is missing or a "
                         "placeholder", rel, a.excerpt_line)
        if spec is None or start is None:
            continue
        if end > spec.line_count:
            report.error("GK-REF-ANCHOR-LINES", f"{label}: CONTEXT_END_LINE {end} is beyond the end "
                         f"of {name} ({spec.line_count} lines)", rel, a.end.line)
            continue
        window = spec.window(start, end)
        if a.token.text and not is_placeholder(a.token.text) and a.token.text not in window:
            report.error("GK-REF-TOKEN", f"{label}: CONTEXT_TOKEN '{a.token.text}' not found in "
                         f"{name} lines {start}-{end}", rel, a.token.line,
                         "the spec moved: re-anchor the lines or fix the token")
        elif a.excerpt and not is_placeholder(a.excerpt):
            ex = " ".join(a.excerpt.split())
            if ex and ex not in " ".join(window.split()):
                report.warn("GK-REF-EXCERPT-DRIFT", f"{label}: the excerpt is not the text of "
                            f"{name} lines {start}-{end}", rel, a.excerpt_line,
                            "paste the current spec lines into EXCERPT_ASCII_ESCAPED")


def check_signed(ref, rel: str, report: Report) -> None:
    wp = ref.wp_id.text
    ev = ref.user_approval_evidence
    if ev.present and (is_placeholder(ev.text) or ev.text != f"APPROVE REFINEMENT {wp}"):
        report.error("GK-REF-APPROVAL", f"USER_APPROVAL_EVIDENCE must be exactly "
                     f"'APPROVE REFINEMENT {wp}'", rel, ev.line,
                     "the operator types the approval after reviewing the refinement")
    if ref.user_review_status.text.upper() != "APPROVED":
        report.error("GK-REF-UNAPPROVED", "USER_REVIEW_STATUS is not APPROVED", rel,
                     ref.user_review_status.line or None,
                     f"govkit record-signature {wp} <signature> sets it")
    if is_placeholder(ref.user_signature.text):
        report.error("GK-REF-UNSIGNED", "USER_SIGNATURE is missing or <pending>", rel,
                     ref.user_signature.line or None, f"govkit record-signature {wp} <signature>")

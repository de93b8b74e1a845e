"""The orchestrator's refinement draft: `govkit draft refinement WP --section N [...]`.

The LLM writes the prose (summary, gaps, red-team advisory, primitives); govkit computes every
anchor from the spec, so the anchors are valid by construction: the window is the section's
heading line through its last non-blank line (at most MAX_WINDOW lines), the context token is
the heading's text (it is on the first line of the window), the excerpt is the window's lines
ASCII-escaped. The draft is checked with refinement-check (signature pending) BEFORE anything is
written; it is written in one transaction, never over an existing refinement without --force."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from govkit.agents.textsafe import ascii_escape, one_line
from govkit.errors import GovkitError
from govkit.llm.base import INPUT_MARK
from govkit.result import Report
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace

MAX_WINDOW = 40
PROMPT = ("You draft the technical refinement of a work packet from the Master Spec sections "
          "below: a one-sentence summary of what the sections require, the gaps (what the spec "
          "does not say), a red-team advisory (how the work could go wrong or be abused), the "
          "primitives (types, functions, files) and one note per section on why it anchors the work.")


def _find_section(spec, number: str):
    want = number.strip().rstrip(".")
    for s in spec.sections:
        if s.number == want:
            return s
    known = ", ".join(s.number for s in spec.sections if s.number) or "none"
    raise GovkitError(f"spec section {number!r} not found in {spec.path}", path=spec.path,
                      hint=f"numbered sections: {known}")


def anchor_for(spec, number: str) -> dict:
    """SPEC_ANCHOR, window, token and excerpt of one numbered section."""
    s = _find_section(spec, number)
    start = s.line
    end = min(s.end_line, start + MAX_WINDOW - 1, len(spec.lines))
    while end > start and not spec.lines[end - 1].strip():
        end -= 1
    window = spec.lines[start - 1:end]
    token = s.title
    if not token.isascii() or len(token) < 3:
        words = sorted((w for line in window for w in line.split() if w.isascii() and w.isalnum()),
                       key=lambda w: (-len(w), w))
        token = words[0] if words else spec.lines[start - 1].strip()
    excerpt = [ascii_escape(line).replace("```", "'''") for line in window]
    return {"number": s.number, "title": s.title, "start": start, "end": end, "token": token,
            "excerpt": excerpt, "text": "\n".join(window)}


def render(wp: str, spec_current: str, spec_name: str, spec_sha1: str, anchors: list[dict],
           prose: dict, now: str) -> str:
    def bullets(items) -> str:
        lines = [f"- {one_line(i)}" for i in items if str(i).strip()]
        return "\n".join(lines or ["- None."])

    notes = {str(n.get("section")): n.get("why", "") for n in prose.get("anchor_notes", [])}
    out = [f"## TECHNICAL_REFINEMENT: {wp}", "", "### METADATA", f"- WP_ID: {wp}",
           f"- CREATED_AT: {now}", f"- SPEC_TARGET_RESOLVED: {spec_current} -> {spec_name}",
           f"- SPEC_TARGET_SHA1: {spec_sha1}", "- USER_REVIEW_STATUS: PENDING", "- USER_SIGNATURE: <pending>",
           f"- USER_APPROVAL_EVIDENCE: <pending> (must equal: APPROVE REFINEMENT {wp})",
           "- DRAFTED_BY: govkit draft refinement (LLM prose; anchors computed from the spec)", "",
           "### GAPS_IDENTIFIED", bullets(prose.get("gaps", [])), "",
           "### FLIGHT_RECORDER_INTERACTION",
           "- Reads spec sections " + ", ".join(a["number"] for a in anchors) + "; records nothing new.", "",
           "### RED_TEAM_ADVISORY", bullets(prose.get("red_team", [])), "",
           "### PRIMITIVES", bullets(prose.get("primitives", [])), "",
           "### CLEARLY_COVERS", "- CLEARLY_COVERS_VERDICT: PASS",
           f"- CLEARLY_COVERS_REASON: {one_line(prose.get('summary', ''))}", "- AMBIGUITY_FOUND: NO", "",
           "### ENRICHMENT", "- ENRICHMENT_NEEDED: NO",
           "- REASON_NO_ENRICHMENT: The anchored sections state the rules this work implements "
           "(draft: the operator confirms on review).", "",
           "#### PROPOSED_SPEC_ENRICHMENT (VERBATIM) (required if ENRICHMENT_NEEDED=YES)", "```text",
           "<not applicable; ENRICHMENT_NEEDED=NO>", "```", "", "### SPEC_ANCHORS"]
    for n, a in enumerate(anchors, 1):
        out += ["", f"#### ANCHOR {n}", f"- SPEC_ANCHOR: {ascii_escape(a['title'])}",
                f"- CONTEXT_START_LINE: {a['start']}", f"- CONTEXT_END_LINE: {a['end']}",
                f"- CONTEXT_TOKEN: {ascii_escape(a['token'])}"]
        why = notes.get(a["number"])
        if why:
            out.append(f"- WHY: {one_line(why)}")
        out += ["- EXCERPT_ASCII_ESCAPED:", "  ```text"] + [f"  {line}" for line in a["excerpt"]] + ["  ```"]
    return "\n".join(out) + "\n"


def draft_refinement(ws: Workspace, wp: str, sections: list[str], force: bool = False,
                     output: str | None = None, provider=None) -> Report:
    from govkit.actions.common import commit
    from govkit.agents.llmcall import deadline, provider_for
    from govkit.gates.refinement import check_refinement
    from govkit.llm import load_schema
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    if not sections:
        raise GovkitError("name at least one spec section", hint=f"govkit draft refinement {wp} --section 1")
    rel = (output or ws.refinement_rel(wp)).replace("\\", "/").removeprefix("./")
    ws.safe_path(rel, "refinement path")
    if ws.abs(rel).exists() and not force:
        raise GovkitError("the refinement exists; a draft never overwrites it", path=rel,
                          hint="review the existing file, or pass --force (or --output FILE)")
    report = Report("draft-refinement", wp)
    name, spec = ws.current_spec(report)
    if spec is None:
        return report
    anchors = [anchor_for(spec, s) for s in dict.fromkeys(sections)]
    facts = {"wp": wp, "spec": name,
             "sections": [{"id": a["number"], "title": a["title"], "text": a["text"]} for a in anchors]}
    provider = provider or provider_for(ws, wp=wp)
    prose = provider.complete_json("refinement_draft", load_schema("refinement_draft"),
                                   [{"role": "system", "content": PROMPT},
                                    {"role": "user", "content": f"{INPUT_MARK}\n{json.dumps(facts, sort_keys=True)}"}],
                                   deadline_s=deadline(ws))
    text = render(wp, ws.p("spec_current"), name, spec.sha1_raw, anchors, prose, iso())
    _precheck(ws, wp, text, report, check_refinement)
    if not report.passed:
        report.error("GK-DRAFT-INVALID", "the draft does not pass refinement-check; nothing was written",
                     rel, None, "report this: drafts are valid by construction")
        return report
    with transaction(ws, "draft-refinement", wp) as tx:
        tx.write_text(rel, text)
        commit(ws, tx)
    report.facts.update({"refinement": rel, "anchors": len(anchors), "provider": provider.name})
    report.info("GK-DRAFT-WRITTEN", f"refinement draft written ({len(anchors)} anchor(s)); it passes "
                "refinement-check with the signature pending", rel)
    report.next_commands = [f"govkit refinement-check {wp}", f"govkit record-refinement {wp}"]
    return report


def _precheck(ws: Workspace, wp: str, text: str, report: Report, check) -> None:
    """refinement-check on the draft in a scratch file in the state directory, before writing."""
    import os

    scratch = f"{ws.p('state_dir')}/drafts/{wp}.{os.getpid()}.md"
    path = ws.safe_path(scratch, "draft scratch file")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_text(text, encoding="utf-8")
        sub = check(ws, wp, scratch, require_signature=False, report=Report("refinement-check", wp))
    finally:
        path.unlink(missing_ok=True)
    for f in sub.findings:
        report.add(f.code, f.severity, f.message, f.path, f.line, f.hint)

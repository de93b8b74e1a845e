"""`govkit new refinement WP --section S`: the refinement scaffold, without an LLM.

The template with SPEC_TARGET_RESOLVED and SPEC_TARGET_SHA1 filled from the current spec and one
ANCHOR block per section whose window, token and excerpt govkit computes from the spec (the same
computation as `govkit draft refinement`, govkit.agents.orchestrator.anchor_for). The prose
(gaps, red-team advisory, primitives, verdicts) stays `<fill>` for the orchestrator; the command
exits 0 and says what is left to fill. Written in one transaction, never over an existing file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

COMMAND = "new-refinement"


def anchor_block(n: int, a: dict) -> list[str]:
    from govkit.agents.textsafe import ascii_escape

    number = f"{a['number']} " if a.get("number") and not a["title"].startswith(a["number"]) \
        else ""
    return ["", f"#### ANCHOR {n}", f"- SPEC_ANCHOR: {ascii_escape(number + a['title'])}",
            f"- CONTEXT_START_LINE: {a['start']}", f"- CONTEXT_END_LINE: {a['end']}",
            f"- CONTEXT_TOKEN: {ascii_escape(a['token'])}", "- EXCERPT_ASCII_ESCAPED:",
            "  ```text", *[f"  {line}" for line in a["excerpt"]], "  ```"]


def scaffold(ws: Workspace, wp: str, spec, anchors: list[dict]) -> str:
    """The template filled for wp, its ANCHOR blocks replaced by the computed ones."""
    from govkit.actions.packet import scaffold_text
    from govkit.model.markdown import heading_matches, parse
    from govkit.util.textio import decode

    text = scaffold_text(ws, wp)
    md = parse(decode(text.encode("utf-8"), ws.refinement_rel(wp)))
    first = next((h for h in md.headings if heading_matches(h.text, "ANCHOR")
                  and h.text.strip().upper().startswith("ANCHOR")), None)
    if first is None:
        raise GovkitError("the refinement template has no '#### ANCHOR 1' block",
                          path=f"{ws.p('templates_dir')}/REFINEMENT_TEMPLATE.md",
                          hint="restore it from govkit's packaged template (govkit init)")
    lines = text.split("\n")[:first.line - 1]
    while lines and not lines[-1].strip():
        lines.pop()
    for n, a in enumerate(anchors, 1):
        lines += anchor_block(n, a)
    return "\n".join(lines) + "\n"


def new_refinement(ws: Workspace, wp: str, sections: list[str]) -> Report:
    from govkit.actions.common import commit
    from govkit.agents.orchestrator import anchor_for
    from govkit.txn.transaction import transaction

    wp = ws.check_wp_id(wp)
    if not sections:
        raise GovkitError("name at least one spec section",
                          hint=f"govkit new refinement {wp} --section 1")
    report = Report(COMMAND, wp)
    name, spec = ws.current_spec(report)
    if spec is None:
        return report
    rel = ws.refinement_rel(wp)
    anchors = [anchor_for(spec, s) for s in dict.fromkeys(sections)]
    text = scaffold(ws, wp, spec, anchors)
    with transaction(ws, COMMAND, wp) as tx:
        if ws.abs(rel).exists():
            raise GovkitError("the refinement exists; the scaffold never overwrites it",
                              path=rel, hint="edit it, or move it away first")
        tx.write_text(rel, text)
        commit(ws, tx)
    left = [ln.split(":", 1)[0].lstrip("- ") or ln for ln in text.split("\n")
            if "<fill" in ln or "<pending>" in ln.split(":", 1)[-1][:10]]
    report.facts.update({"refinement": rel, "spec": name, "spec_sha1": spec.sha1_raw,
                         "anchors": [{"section": a["number"], "start": a["start"],
                                      "end": a["end"], "token": a["token"]} for a in anchors]})
    report.info("GK-NEWREF-WRITTEN", f"refinement scaffold written: {rel} (spec {name}, "
                f"{len(anchors)} anchor(s) computed from it); {len(left)} line(s) still say "
                "<fill>", rel)
    report.next_commands = [f"fill the <fill> lines of {rel} (gaps, flight recorder, red team, "
                            "primitives, CLEARLY_COVERS, ENRICHMENT)",
                            f"govkit refinement-check {wp}", f"govkit record-refinement {wp}"]
    return report

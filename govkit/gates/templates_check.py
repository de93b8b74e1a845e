"""template drift: the templates a project copies still carry the headings, fields and the
COR-701 manifest block the gates read. A template that is absent is fine (govkit falls back to
its packaged copy); one that lost a required part would mint packets the gates reject."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

PACKET = "TASK_PACKET_TEMPLATE.md"
REFINEMENT = "REFINEMENT_TEMPLATE.md"
STUB = "TASK_PACKET_STUB_TEMPLATE.md"

# name -> (headings, fields); headings match at a word boundary ("WAIVERS GRANTED", ...).
REQUIRED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    PACKET: (("METADATA", "SCOPE", "WAIVERS GRANTED", "BOOTSTRAP", "SKELETON",
              "END_TO_END_CLOSURE_PLAN", "VALIDATION", "EVIDENCE_MAPPING", "EVIDENCE",
              "VALIDATION_REPORTS"),
             ("WP_ID", "RISK_TIER", "Status", "PACKET_FORMAT_VERSION", "SPEC_BASELINE",
              "REFINEMENT_FILE", "MERGE_BASE_SHA", "USER_SIGNATURE", "CODER_MODEL",
              "CODER_REASONING_STRENGTH", "IN_SCOPE_PATHS", "TEST_PLAN", "DONE_MEANS",
              "END_TO_END_CLOSURE_PLAN_APPLICABLE")),
    REFINEMENT: (("TECHNICAL_REFINEMENT", "METADATA", "GAPS_IDENTIFIED", "FLIGHT_RECORDER_INTERACTION",
                  "RED_TEAM_ADVISORY", "PRIMITIVES", "CLEARLY_COVERS", "ENRICHMENT",
                  "PROPOSED_SPEC_ENRICHMENT", "SPEC_ANCHORS", "ANCHOR"),
                 ("WP_ID", "SPEC_TARGET_RESOLVED", "SPEC_TARGET_SHA1", "USER_REVIEW_STATUS",
                  "USER_SIGNATURE", "USER_APPROVAL_EVIDENCE", "CLEARLY_COVERS_VERDICT",
                  "CLEARLY_COVERS_REASON", "ENRICHMENT_NEEDED", "SPEC_ANCHOR", "CONTEXT_START_LINE",
                  "CONTEXT_END_LINE", "CONTEXT_TOKEN", "EXCERPT_ASCII_ESCAPED")),
    STUB: (("METADATA",), ("WP_ID", "STUB_STATUS")),
}
MANIFEST_FIELDS = ("Target File", "Start", "End", "Line Delta", "Pre-SHA1", "Post-SHA1", "Gates Passed")


def check_templates(ws: Workspace, report: Report) -> None:
    from govkit.model.markdown import report_hidden_headings

    tdir = ws.p("templates_dir")
    for name, (headings, fields) in REQUIRED.items():
        rel = f"{tdir}/{name}"
        if not ws.abs(rel).is_file():
            report.info("GK-CI-TEMPLATE-ABSENT", f"{name} is not in {tdir}: govkit uses its packaged "
                        "template", rel, None)
            continue
        md = ws.md(rel)
        report_hidden_headings(md, report, rel)
        for h in headings:
            if md.heading(h) is None:
                report.error("GK-CI-TEMPLATE-HEADING", f"{name} lost the required heading '{h}'",
                             rel, None, f"restore '## {h}' (govkit's packaged template has it)")
        for label in fields:
            if md.field(label) is None:
                report.error("GK-CI-TEMPLATE-FIELD", f"{name} lost the field '{label}'", rel, None,
                             f"restore the line '- {label}: ...'")
        coder = ws.config.get("packet.coder_sections") or [] if name == PACKET else []
        for h in coder:
            if md.heading(h) is None and h not in headings:
                report.error("GK-CI-TEMPLATE-HEADING", f"{name} lost the coder section '{h}' "
                             "(packet.coder_sections)", rel, None, f"restore '## {h}'")
        if name == PACKET:
            _check_manifest(md, rel, report)


def _check_manifest(md, rel: str, report: Report) -> None:
    sec = md.section("VALIDATION", exact=True, min_level=2)
    if sec is None:
        return   # the heading finding says it
    have = {f.label.upper() for f in md.fields if sec[0] <= f.line < sec[1]}
    missing = [f for f in MANIFEST_FIELDS if f.upper() not in have]
    if missing:
        report.error("GK-CI-TEMPLATE-MANIFEST", f"the VALIDATION manifest block of {PACKET} lacks "
                     f"{', '.join(missing)}", rel, sec[0], "restore the COR-701 manifest block")

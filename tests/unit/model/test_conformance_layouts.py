"""Real-world packet/refinement layouts (synthetic snippets) read the way the reference reads them.

Each snippet reproduces a layout observed in real `.GOV/` artifacts (see docs/compatibility.md,
"Checked against real artifacts"); the text itself is made up.
"""

from __future__ import annotations

from govkit.model.packet import parse_packet
from govkit.model.refinement import parse_refinement
from govkit.util.textio import decode


def doc(text: str, name: str = "x.md"):
    return decode(text.encode("utf-8"), name)


def test_scope_lists_under_a_heading_are_read():
    text = ("# Task Packet: WP-9-Demo\n\n## SCOPE\n\n### IN_SCOPE_PATHS\n- tools/check.mjs (New)\n"
            "- Makefile (Update)\n\n### OUT_OF_SCOPE\n- Other scripts.\n\n---\n\n## NEXT\n- x\n")
    pkt = parse_packet(doc(text))
    assert [e.path for e in pkt.in_scope_paths] == ["tools/check.mjs", "Makefile"]
    assert [e.note for e in pkt.in_scope_paths] == ["(New)", "(Update)"]
    assert pkt.in_scope_line == 5
    assert [e.path for e in pkt.out_of_scope] == ["Other"]


def test_scope_heading_without_items_is_empty_not_missing():
    pkt = parse_packet(doc("## SCOPE\n### IN_SCOPE_PATHS\nnone yet\n## END\n"))
    assert pkt.in_scope_paths == []


def test_bold_label_with_star_children():
    text = ("## Scope\n- **What**: thing\n- **IN_SCOPE_PATHS**:\n  * src/a.rs (refactor)\n"
            "  * src/api/ (no pool usage)\n- **OUT_OF_SCOPE**:\n  * docs\n")
    pkt = parse_packet(doc(text))
    assert [e.path for e in pkt.in_scope_paths] == ["src/a.rs", "src/api/"]


def test_paragraph_bold_fields_and_decorated_status():
    text = ("# Work Packet: WP-9-Old\n\n**Status:** READY FOR DEV \u2b55  \n**Authority:** spec  \n"
            "**USER_SIGNATURE:** <pending>\n\n## Quality Gate\n- **RISK_TIER:** HIGH\n")
    pkt = parse_packet(doc(text))
    assert pkt.status.text.startswith("READY FOR DEV") and pkt.status.line == 3
    assert not pkt.done_like and not pkt.in_progress
    assert pkt.user_signature.text == "<pending>"
    assert pkt.risk_tier.text == "HIGH"


def test_status_with_bracketed_token_is_done_like():
    pkt = parse_packet(doc("## Metadata\n- TASK_ID: WP-9-X\n- **Status:** Done [VALIDATED]\n"))
    assert pkt.done_like


def test_status_inside_validation_report_is_ignored():
    text = ("## Metadata\n- **Status:** In Progress\n\n## VALIDATION_REPORTS\n"
            "### VALIDATION REPORT - WP-9-X\n- Task Packet: p.md (Status: Done)\n"
            "- **Status:** Ready for Dev\n")
    pkt = parse_packet(doc(text))
    assert pkt.status.text == "In Progress" and pkt.in_progress


def test_refinement_excerpt_with_nested_fence_keeps_later_anchors():
    text = ("## TECHNICAL_REFINEMENT (MASTER SPEC)\n\n### SPEC_ANCHORS\n\n#### ANCHOR 1\n"
            "- SPEC_ANCHOR: Spec 1.2\n- CONTEXT_TOKEN: Plan\n- EXCERPT_ASCII_ESCAPED:\n"
            "  ```text\n  heading\n\n  ```text\n  Plan (Derived)\n  ```\n  ```\n\n"
            "#### ANCHOR 2\n- SPEC_ANCHOR: Spec 1.3\n- CONTEXT_TOKEN: norm\n"
            "- EXCERPT_ASCII_ESCAPED:\n  ```text\n  norm text\n  ```\n")
    ref = parse_refinement(doc(text))
    assert [a.number for a in ref.anchors] == ["1", "2"]
    assert ref.anchors[1].token.text == "norm"
    assert all(a.excerpt for a in ref.anchors)

"""Artifact parsers: fields with lines, empty fields, fences, tables, state files."""

from __future__ import annotations

import pytest

from govkit.demo import sample
from govkit.errors import GovkitError
from govkit.model import markdown as mdparse
from govkit.model.board import parse_board
from govkit.model.gatelog import parse_gate_log
from govkit.model.packet import parse_packet
from govkit.model.refinement import parse_refinement
from govkit.model.registry import parse_registry, registry_map
from govkit.model.sigaudit import parse_signature_audit
from govkit.model.spec import MasterSpec, newest, parse_pointer
from govkit.model.validator_state import parse_validator_state
from govkit.util.textio import decode


def doc(text: str, name: str = "x.md"):
    return decode(text.encode("utf-8"), name)


def test_packet_fields_have_lines_and_empty_fields_stay_empty():
    text = sample.packet_text("WP-1-A", sample.SPEC_NAME, "a" * 40)
    text = text.replace("- USER_SIGNATURE: operator211120260900", "- USER_SIGNATURE:")
    text = text.replace("**User Signature Locked:** operator211120260900", "")
    pkt = parse_packet(doc(text))
    assert pkt.wp_id.text == "WP-1-A" and pkt.wp_id.line == 5
    assert pkt.user_signature.text == ""  # empty stays empty
    assert pkt.status.text == "Ready for Dev"
    assert pkt.merge_base == "a" * 40
    assert [e.path for e in pkt.in_scope_paths] == ["src/app.py"]
    assert pkt.modern and not pkt.done_like


def test_scope_entries_with_notes_backticks_and_flat_lists():
    md = "## SCOPE\n- IN_SCOPE_PATHS:\n  - `src/a b.py` (new)\n  - src/api/ dir\n- OUT_OF_SCOPE:\n  - x\n"
    pkt = parse_packet(doc(md))
    assert [(e.path, e.note) for e in pkt.in_scope_paths] == [("src/a b.py", "(new)"),
                                                              ("src/api/", "dir")]
    flat = "## SCOPE\n- IN_SCOPE_PATHS:\n- src/a.py\n- src/b.py\n- OUT_OF_SCOPE:\n- c\n"
    assert [e.path for e in parse_packet(doc(flat)).in_scope_paths] == ["src/a.py", "src/b.py"]
    assert parse_packet(doc("# x\n")).in_scope_paths is None


def test_status_position_precedence_ignores_reports():
    text = ("# P\n## VALIDATION_REPORTS\nStatus: Done\n## METADATA\n- **Status:** In Progress\n")
    pkt = parse_packet(doc(text))
    assert pkt.status.text == "In Progress" and pkt.in_progress and not pkt.done_like


def test_fields_inside_fences_are_not_fields_and_tilde_fences_work():
    md = mdparse.parse(doc("- A: 1\n~~~\n- B: 2\n~~~\n```\n- C: 3\n"))
    assert [f.label for f in md.fields] == ["A"]
    assert md.fences[0].closed and not md.fences[1].closed


def test_waivers_are_structured():
    text = ("## WAIVERS GRANTED\nper [CX-573F] dirty tree\n- WAIVER_ID: W-1\n  - SCOPE: src/x.py\n"
            "  - REASON: vendor\n  - APPROVED_BY: op\n  - EXPIRES: 2099-01-01\n")
    w = parse_packet(doc(text)).waivers
    assert len(w) == 1 and w[0].waiver_id == "W-1" and w[0].scope == "src/x.py"
    assert parse_packet(doc("## WAIVERS GRANTED\nper [CX-573F]\n")).waivers == []


def test_refinement_anchors_and_enrichment():
    spec = sample.spec_text()
    text = sample.refinement_text("WP-1-A", sample.SPEC_NAME, "0" * 40, spec.split("\n"))
    ref = parse_refinement(doc(text))
    assert ref.wp_id.text == "WP-1-A"
    assert len(ref.anchors) == 1
    a = ref.anchors[0]
    assert a.start.text == "4" and a.end.text == "6" and a.token.text == "cap1r1"
    assert "cap1r1" in a.excerpt
    assert ref.enrichment.found and "not applicable" in ref.enrichment.body
    # A '#' line inside the enrichment fence does not end the section (defect 20).
    t2 = text.replace("<not applicable; ENRICHMENT_NEEDED=NO>", "# heading inside\nbody")
    assert parse_refinement(doc(t2)).enrichment.body == "# heading inside\nbody"


def test_board_registry_signature_audit():
    board = sample.board_text({"Done": ["- **[WP-1-A]** - [VALIDATED]"],
                               "In Progress": ["- **[WP-1-B]** - [IN_PROGRESS]"]})
    d = doc(board)
    b = parse_board(d, mdparse.parse(d))
    assert [(e.wp, e.token, e.section) for e in b.entries] == [
        ("WP-1-B", "IN_PROGRESS", "In Progress"), ("WP-1-A", "VALIDATED", "Done")]
    reg = sample.registry_text([("WP-1-A", ".GOV/task_packets/WP-1-A-v2.md", "Done", "n"),
                                ("WP-1-A", ".GOV/task_packets/WP-1-A-v3.md", "Done", "n")])
    rows = parse_registry(mdparse.parse(doc(reg)))
    assert registry_map(rows)["WP-1-A"].active.endswith("v3.md")
    audit = sample.sigaudit_rows_text([sample.sigaudit_row("op111120261200", "WP-1-A")])
    rows = parse_signature_audit(mdparse.parse(doc(audit)))
    assert rows[0].signature == "op111120261200" and rows[0].names_wp("WP-1-A")
    assert not rows[0].names_wp("WP-1") and rows[0].line == 5


def test_gate_log_and_validator_state():
    log = parse_gate_log(doc('{"gate_logs":[{"wpId":"W","type":"PREPARE","branch":"b"},'
                             '{"wpId":"W","type":"PREPARE","branch":"c"}]}', "g.json"), "g.json")
    assert log.last("W", "PREPARE")["branch"] == "c" and log.last("W", "SIGNATURE") is None
    with pytest.raises(GovkitError) as exc:
        parse_gate_log(doc('{"gate_logs": [}', "g.json"), "g.json")
    assert exc.value.line == 1 and "byte 15" in exc.value.message
    vs = parse_validator_state(doc('{"validation_sessions":{"WP-1":{"status":"COMMITTED"}},'
                                   '"archived_sessions":[{"wpId":"WP-1"},{"wpId":"WP-2"}]}'),
                               "v.json", "WP-1")
    assert vs.session("WP-1")["status"] == "COMMITTED" and len(vs.archived) == 1


def test_spec_pointer_versions_and_hashes():
    ptr = parse_pointer(doc("# SPEC\n\n**Handshake_Master_Spec_v02.125.md**\n**Codex v1.4.md**\n"),
                        "*_Master_Spec_v*.md")
    assert ptr.name == "Handshake_Master_Spec_v02.125.md" and ptr.line == 3
    assert newest(["A_Master_Spec_v02.9.md", "A_Master_Spec_v02.125.md", "A_Master_Spec_v2.md"]) \
        == "A_Master_Spec_v02.125.md"
    crlf = decode(b"# S\r\n## 1. Intro\r\nline\r\n", "s.md")
    lf = decode(b"# S\n## 1. Intro\nline\n", "s.md")
    assert MasterSpec(crlf).sha1_lf == MasterSpec(lf).sha1_lf == MasterSpec(lf).sha1_raw
    assert MasterSpec(crlf).sha1_matches(MasterSpec(crlf).sha1_raw)
    secs = MasterSpec(lf).sections
    assert secs[1].number == "1" and secs[1].line == 2

"""govkit.model.scaffold: the starting texts parse back with the model parsers."""

from __future__ import annotations

from govkit.model.board import parse_board
from govkit.model.markdown import parse
from govkit.model.registry import parse_registry
from govkit.model.scaffold import board_text, pointer_text, registry_text, sigaudit_rows_text
from govkit.model.sigaudit import parse_signature_audit
from govkit.util.textio import decode

SECTIONS = ["Ready for Dev", "In Progress", "Done", "Blocked", "Stub Backlog (Not Activated)",
            "Superseded (Archive)"]


def md_of(text: str):
    doc = decode(text.encode(), "x.md")
    return doc, parse(doc)


def test_pointer_text():
    text = pointer_text("Spec_v02.001.md")
    assert text.endswith("**Spec_v02.001.md**\n")
    _, md = md_of(text)
    assert [h.text for h in md.headings] == ["SPEC_CURRENT"]
    assert (5, "**Spec_v02.001.md**") in md.text_lines


def test_empty_board():
    doc, md = md_of(board_text())
    assert [h.text for h in md.headings if h.level == 2] == SECTIONS
    assert md.headings[0].text == "Task Board"
    assert parse_board(doc, md).entries == []


def test_board_with_entries():
    doc, md = md_of(board_text({"Blocked": ["- **[WP-5]** - [BLOCKED] waiting"]}))
    (e,) = parse_board(doc, md).entries
    assert (e.wp, e.token, e.section) == ("WP-5", "BLOCKED", "Blocked")


def test_registry_round_trip():
    rows = [("WP-1", "WP-1-v2", "Done", "moved"), ("WP-2", "WP-2", "Ready for Dev", "")]
    _, md = md_of(registry_text(rows))
    assert [(r.base, r.active, r.board, r.notes) for r in parse_registry(md)] == rows
    _, md = md_of(registry_text())
    assert parse_registry(md) == [] and md.tables[0].header[0] == "Base WP ID"


def test_sigaudit_round_trip():
    _, md = md_of(sigaudit_rows_text())
    assert parse_signature_audit(md) == []
    assert md.tables[0].header == ("Signature", "Used By", "Date/Time", "Purpose",
                                   "Master Spec Version", "Notes")
    _, md = md_of(sigaudit_rows_text(["| tok | me | 2026-01-01 00:00 | p | v1 | n |"]))
    assert [r.signature for r in parse_signature_audit(md)] == ["tok"]

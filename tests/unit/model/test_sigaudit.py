"""govkit.model.sigaudit: the SIGNATURE_AUDIT table, its rows and the newest-first insert."""

from __future__ import annotations

import re

import pytest

from govkit.errors import GovkitError
from govkit.model.markdown import parse
from govkit.model.scaffold import sigaudit_rows_text
from govkit.model.sigaudit import SignatureRow, audit_row, insert_audit_row, parse_signature_audit, spec_version
from govkit.util.textio import decode

OLD = "| op010120261000 | Orchestrator | 2026-01-01 10:00 | Task packet creation: WP-0 | v1 | n |"


def rows_of(raw: bytes) -> list[SignatureRow]:
    return parse_signature_audit(parse(decode(raw, "SIGNATURE_AUDIT.md")))


def test_parse_rows():
    raw = (sigaudit_rows_text([OLD, "| --- | |", "| short | only |"]) +
           "\n| Other | x |\n|---|---|\n| nope | y |\n").encode()
    rows = rows_of(raw)
    assert [(r.signature, r.line) for r in rows] == [("op010120261000", 5), ("short", 7)]
    first = rows[0]
    assert (first.used_by, first.when, first.purpose, first.spec_version, first.notes) == (
        "Orchestrator", "2026-01-01 10:00", "Task packet creation: WP-0", "v1", "n")
    assert (rows[1].used_by, rows[1].notes) == ("only", "")     # missing cells read as ""


@pytest.mark.parametrize("text, wp, want", [
    ("Task packet creation: WP-1", "WP-1", True),
    ("for WP-1.", "WP-1", True),
    ("(WP-1)", "WP-1", True),
    ("WP-1-v2", "WP-1", False),
    ("WP-10", "WP-1", False),
    ("WP-1.2", "WP-1", False),
    ("XWP-1", "WP-1", False),
    ("WP-1_b", "WP-1", False),
    ("WP-1-v2 done", "WP-1-v2", True),
])
def test_names_wp_exact_id(text, wp, want):
    assert SignatureRow("s", "u", "w", text, "v", "", 1).names_wp(wp) is want
    assert SignatureRow("s", "u", "w", "", "v", text, 1).names_wp(wp) is False  # Purpose only


@pytest.mark.parametrize("name, want", [("Project_Master_Spec_v01.001.md", "v01.001"),
                                        ("Spec_v2.md", "v2"), ("Spec.md", "Spec.md"),
                                        (None, "<unresolved>"), ("", "<unresolved>")])
def test_spec_version(name, want):
    assert spec_version(name) == want


def test_audit_row_from_token_time():
    row = audit_row("op251220261345", "WP-7", "v01.001", "refinements/WP-7.md")
    assert row == ("| op251220261345 | Orchestrator | 2026-12-25 13:45 | Task packet creation: WP-7 | "
                   "v01.001 | Approved after Technical Refinement (see refinements/WP-7.md ). |")


def test_audit_row_without_digits_uses_now():
    when = audit_row("token", "WP-7", "v1", "r.md").split(" | ")[2]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", when)


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_insert_audit_row_newest_first(eol):
    raw = sigaudit_rows_text([OLD]).replace("\n", eol).encode()
    new_row = audit_row("op251220261345", "WP-7", "v1", "r.md")
    out = insert_audit_row(raw, new_row, "SIGNATURE_AUDIT.md")
    lines = out.decode().split(eol)
    assert lines[4] == new_row and lines[5] == OLD
    assert out.replace((new_row + eol).encode(), b"") == raw
    assert [r.signature for r in rows_of(out)] == ["op251220261345", "op010120261000"]


def test_insert_audit_row_needs_table():
    with pytest.raises(GovkitError) as exc:
        insert_audit_row(b"# Signature Audit\n\nno table\n", "| x |", "SIGNATURE_AUDIT.md")
    assert exc.value.path == "SIGNATURE_AUDIT.md"

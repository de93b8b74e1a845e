"""SIGNATURE_AUDIT model: the append-only table of consumed signatures."""

from __future__ import annotations

import re
from typing import NamedTuple

from govkit.errors import GovkitError
from govkit.model.edit import insert_lines, table_row, table_start, text_lines
from govkit.model.markdown import MdDoc
from govkit.util.timeutil import iso


class SignatureRow(NamedTuple):
    signature: str
    used_by: str
    when: str
    purpose: str
    spec_version: str
    notes: str
    line: int

    def names_wp(self, wp: str) -> bool:
        """The row's Purpose column names exactly this WP as one of its words ('Task packet
        creation: WP-1-A'); never a substring of a longer id, never another column."""
        words = re.split(r"[\s,;()\[\]|]+", self.purpose)
        return any(w.strip("`*").rstrip(".:") == wp for w in words if w)


def parse_signature_audit(md: MdDoc) -> list[SignatureRow]:
    rows = []
    for table in md.tables:
        if not table.header or table.header[0].strip().upper() != "SIGNATURE":
            continue
        for r in table.rows:
            c = list(r.cells) + [""] * 6
            if c[0] and not set(c[0]) <= set("-: "):
                rows.append(SignatureRow(c[0], c[1], c[2], c[3], c[4], c[5], r.line))
    return rows


def spec_version(spec_name: str | None) -> str:
    """'Project_Master_Spec_v01.001.md' -> 'v01.001' (the audit's Master Spec Version column)."""
    m = re.search(r"v([0-9.]+)\.md$", spec_name or "")
    return f"v{m.group(1)}" if m else (spec_name or "<unresolved>")


def audit_row(token: str, wp: str, spec_ver: str, ref_rel: str) -> str:
    """The row record-signature adds for a consumed token (the reference's wording)."""
    d = token[-12:]
    when = f"{d[4:8]}-{d[2:4]}-{d[0:2]} {d[8:10]}:{d[10:12]}" if d.isdigit() else iso()[:16]
    return table_row([token, "Orchestrator", when, f"Task packet creation: {wp}", spec_ver,
                      f"Approved after Technical Refinement (see {ref_rel} )."])


def insert_audit_row(raw: bytes, row: str, rel: str) -> bytes:
    """The audit with row inserted first (newest first), right under the separator line."""
    head = table_start(text_lines(raw), "Signature")
    if head is None:
        raise GovkitError("signature audit has no '| Signature | Used By | ...' table with a "
                          "separator line", path=rel, hint="restore the table header from git")
    return insert_lines(raw, head + 3, [row])

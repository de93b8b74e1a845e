"""TASK_BOARD, WP_TRACEABILITY_REGISTRY and SIGNATURE_AUDIT models."""

from __future__ import annotations

import re
from dataclasses import dataclass

from govkit.mdparse import MdDoc
from govkit.textio import Text

ENTRY_RE = re.compile(r"^\*\*\[(WP-[^\]]+)\]\*\*\s+-\s+\[([A-Z_]+)\]\s*(.*)$")


@dataclass(frozen=True)
class BoardEntry:
    wp: str | None
    token: str | None
    section: str
    text: str
    line: int
    depth: int


@dataclass
class Board:
    path: str
    doc: Text
    md: MdDoc
    entries: list[BoardEntry]

    def section_of(self, wp: str) -> list[BoardEntry]:
        return [e for e in self.entries if e.wp == wp]


def parse_board(doc: Text, md: MdDoc) -> Board:
    entries = []
    h2 = [h for h in md.headings if h.level == 2]
    for item in md.all_items:
        sec = ""
        for h in h2:
            if h.line < item.line:
                sec = h.text
        m = ENTRY_RE.match(item.text)
        entries.append(BoardEntry(m.group(1) if m else None, m.group(2) if m else None, sec,
                                  item.text, item.line, item.depth))
    return Board(doc.path, doc, md, entries)


@dataclass(frozen=True)
class RegistryRow:
    base: str
    active: str
    board: str
    notes: str
    line: int


def parse_registry(md: MdDoc) -> list[RegistryRow]:
    rows = []
    for table in md.tables:
        if not table.header or "BASE WP" not in table.header[0].upper():
            continue
        for r in table.rows:
            cells = list(r.cells) + ["", "", "", ""]
            if cells[0].startswith("WP-"):
                rows.append(RegistryRow(cells[0], cells[1], cells[2], cells[3], r.line))
    return rows


def registry_map(rows: list[RegistryRow]) -> dict[str, RegistryRow]:
    """base id -> row; later rows override earlier ones (as in the reference)."""
    out: dict[str, RegistryRow] = {}
    for r in rows:
        out[r.base] = r
    return out


@dataclass(frozen=True)
class SignatureRow:
    signature: str
    used_by: str
    when: str
    purpose: str
    spec_version: str
    notes: str
    line: int

    def names_wp(self, wp: str) -> bool:
        """The row's purpose or notes name exactly this WP (not a longer id)."""
        rx = re.compile(r"(?<![A-Za-z0-9_.-])" + re.escape(wp) + r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9])")
        return bool(rx.search(self.purpose) or rx.search(self.notes))


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

"""TASK_BOARD model (.GOV/roles_shared/TASK_BOARD.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from govkit.model.markdown import MdDoc
from govkit.util.textio import Text

ENTRY_RE = re.compile(r"^\*\*\[(WP-[^\]]+)\]\*\*\s+-\s+\[([A-Z_]+)\]\s*(.*)$")


class BoardEntry(NamedTuple):
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

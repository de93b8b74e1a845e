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


def set_status(doc: Text, value: str) -> str | None:
    """The packet text with its `Status:` field line set to value (None: no such line)."""
    from govkit.model.markdown import parse

    f = parse(doc).field("Status")
    if f is None:
        return None
    lines = doc.text.split("\n")
    line = lines[f.line - 1]
    cut = line.rfind(f.value.strip()) if f.value.strip() else len(line.rstrip())
    lines[f.line - 1] = line[:cut].rstrip() + " " + value
    return "\n".join(lines)


def set_board_entry(doc: Text, wp: str, section: str, token: str) -> str:
    """The board with every top-level entry of wp removed and `- **[wp]** - [token]` added at
    the end of the `## section` (the section is added when missing).

    Merge-friendly layout: each entry is followed by a blank line and goes in just before the
    next heading; a removed entry leaves its blank line. So two WPs moving on two branches
    never change adjacent lines, and git's union merge of the board (`merge=union`, set by
    `govkit init`) keeps exactly one entry per WP, in any merge order."""
    from govkit.model.markdown import parse

    md = parse(doc)
    board = parse_board(doc, md)
    lines = doc.text.split("\n")
    drop = {e.line - 1 for e in board.entries if e.wp == wp and e.depth == 0}
    entry = f"- **[{wp}]** - [{token}]"
    h = next((x for x in md.headings if x.level == 2 and x.text.strip() == section), None)
    if h is None:
        kept = [ln for i, ln in enumerate(lines) if i not in drop]
        return "\n".join(kept).rstrip("\n") + f"\n\n## {section}\n\n{entry}\n"
    _, end = md.section_range(h)
    at = end - 1                                   # 0-based: the next heading line
    if at >= len(lines):
        at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    out: list[str] = []
    at_out = None
    for i, ln in enumerate(lines):
        if i == at:
            at_out = len(out)
        if i not in drop:
            out.append(ln)
    if at_out is None:
        at_out = len(out)
    block = [entry, ""]
    if at_out > 0 and out[at_out - 1].strip():
        block.insert(0, "")
    out[at_out:at_out] = block
    return "\n".join(out)

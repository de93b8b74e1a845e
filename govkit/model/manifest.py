"""COR-701 manifest blocks of a packet's ## VALIDATION section, with their source lines.

A block starts at a `- **Target File**:` line and owns the known field lines and gate checkbox
lines up to the next Target File line or the end of the section. Labels are case-insensitive.
Unlike the original parser, a known field before any Target File is an error (it never
overwrites the previous block), and a field given twice in one block is an error.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import NamedTuple

from govkit.model.common import is_placeholder, strip_ticks
from govkit.model.cor701 import FIELD_LABELS as LABELS
from govkit.model.cor701 import GATE_LINE, label_key, unquote_path
from govkit.model.markdown import MdDoc
from govkit.result import ERROR, Finding
from govkit.util.paths import is_absolute_like

TEMPLATE_TARGETS = {"path/to/file", "path/to/file.ext"}


class FieldValue(NamedTuple):
    value: str
    line: int


@dataclass
class ManifestBlock:
    index: int                          # 1-based, in packet order
    line: int                           # the Target File line
    end_line: int                       # the last line owned by the block
    fields: dict[str, FieldValue] = field(default_factory=dict)
    gates_checked: set[str] = field(default_factory=set)
    gate_lines: list[int] = field(default_factory=list)

    def raw(self, key: str) -> str | None:
        f = self.fields.get(key)
        return None if f is None else strip_ticks(f.value.strip())

    def line_of(self, key: str) -> int:
        f = self.fields.get(key)
        return f.line if f else self.line

    @property
    def target_raw(self) -> str:
        return self.raw("targetfile") or ""

    @property
    def target(self) -> str:
        return normalize_target(self.target_raw)[0]

    @property
    def is_template(self) -> bool:
        t = self.target_raw.strip()
        return t.lower() in TEMPLATE_TARGETS or (is_placeholder(t) and t != "") or \
            t.startswith("<")


@dataclass
class Manifest:
    section: tuple[int, int] | None     # [heading line, end line) of ## VALIDATION
    blocks: list[ManifestBlock]
    findings: list[Finding]

    @property
    def real_blocks(self) -> list[ManifestBlock]:
        return [b for b in self.blocks if not b.is_template]


def normalize_target(value: str) -> tuple[str, str | None]:
    """(canonical repo-relative POSIX path, problem or None)."""
    v = unquote_path(strip_ticks(value.strip()))
    if not v:
        return "", "empty Target File"
    v = v.replace("\\", "/")
    if is_absolute_like(v):
        return v, f"Target File must be repository-relative, got absolute path '{v}'"
    norm = posixpath.normpath(v)
    if norm == "." or norm.startswith("../") or norm == "..":
        return norm, f"Target File '{v}' leaves the repository"
    return norm, None


def find_section(md: MdDoc) -> tuple[int, int] | None:
    """The ## VALIDATION section (not VALIDATION_REPORTS / VALIDATION REPORT...)."""
    for h in md.headings:
        t = h.text.strip().upper()
        if h.level == 2 and (t == "VALIDATION" or (t.startswith("VALIDATION")
                                                     and not t[10:11].isalnum()
                                                     and t[10:11] != "_"
                                                     and "REPORT" not in t)):
            return md.section_range(h)
    return None


def parse_manifest(md: MdDoc, path: str) -> Manifest:
    sec = find_section(md)
    findings: list[Finding] = []
    if sec is None:
        return Manifest(None, [], findings)
    start, end = sec
    blocks: list[ManifestBlock] = []
    cur: ManifestBlock | None = None
    events: list[tuple[int, str, tuple[str, str]]] = []
    for f in md.fields:
        if start < f.line < end and not md.in_code(f.line):
            key = label_key(f.label)
            if key in LABELS:
                events.append((f.line, "field", (key, f.value)))
    for n, text in md.text_in(start + 1, end):
        if md.in_code(n):
            continue
        m = GATE_LINE.match(text)
        if m:
            events.append((n, "gate", (m.group(1), m.group(2).lower())))
    events.sort(key=lambda e: e[0])
    for line, kind, data in events:
        if kind == "field":
            key, value = data
            if key == "targetfile":
                cur = ManifestBlock(len(blocks) + 1, line, line)
                blocks.append(cur)
                cur.fields[key] = FieldValue(value, line)
                continue
            if cur is None:
                findings.append(Finding(
                    "GK-POST-MANIFEST-ORPHAN", ERROR,
                    f"manifest field '{LABELS[key]}' appears before any Target File", path, line,
                    "every manifest block starts with '- **Target File**: `path`'"))
                continue
            if key in cur.fields:
                findings.append(Finding(
                    "GK-POST-MANIFEST-DUPFIELD", ERROR,
                    f"Manifest[{cur.index}]: '{LABELS[key]}' given twice (first at line "
                    f"{cur.fields[key].line})", path, line, "keep one value per field"))
                continue
            cur.fields[key] = FieldValue(value, line)
            cur.end_line = max(cur.end_line, line)
        elif cur is not None:
            mark, name = data
            if mark in "xX":
                cur.gates_checked.add(name)
            cur.gate_lines.append(line)
            cur.end_line = max(cur.end_line, line)
    seen: dict[str, ManifestBlock] = {}
    for b in blocks:
        if b.is_template or not b.target_raw:
            continue
        t = b.target
        if t in seen:
            findings.append(Finding(
                "GK-POST-MANIFEST-DUP", ERROR,
                f"Manifest[{b.index}]: duplicate block for '{t}' (first at line {seen[t].line})",
                path, b.line, "keep one block per file (govkit manifest WP --write merges them)"))
        else:
            seen[t] = b
    return Manifest(sec, blocks, findings)

"""Markdown structure from markdown-it-py block tokens: headings, fields, list items, fences, tables.

Only block structure is parsed (inline parsing is disabled: we never render, and it is the slow
part). Every element carries its 1-based source line. Field lines ("- LABEL: value",
"- **Label:** value", "**Status:** x") are read per source line of a block's inline content, so
an empty field stays empty and never takes the next line's value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from govkit.util.record import dataclass, field  # not dataclasses: start-up
from govkit.util.textio import Text

if TYPE_CHECKING:
    from govkit.result import Report

# Bump when the parse result for the same bytes changes (the parse cache is keyed by it).
CACHE_VERSION = 3

# One source line of block text: optional bold label, colon, value.
_FIELD_RE = re.compile(
    r"^(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z0-9_ ./()-]{0,80}?)(?::(?:\*\*|__)|(?:\*\*|__)?:)"
    r"[ \t]*(?P<value>.*)$")  # split_field strips the line first: no trailing blanks to skip


class Heading(NamedTuple):
    level: int
    text: str
    line: int


class Field(NamedTuple):
    label: str
    value: str
    line: int
    in_item: bool  # the field is a list item ("- LABEL: value")


@dataclass
class Item:
    text: str          # first line of the item's own text ("" when none)
    line: int
    depth: int
    children: list[Item] = field(default_factory=list)


class Fence(NamedTuple):
    info: str
    content: str
    line: int          # the opening fence line
    end_line: int      # the last line of the block (closing fence when closed)
    closed: bool
    fenced: bool       # False for indented code blocks


class Row(NamedTuple):
    cells: tuple[str, ...]
    line: int


class Table(NamedTuple):
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    line: int


@lru_cache(maxsize=2)
def _parser(full: bool):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    # Raw "<pending>" lines and "[x]: y" lines are artifact text, not HTML or link definitions.
    md.disable(["inline", "html_block", "reference"])
    if full:
        md.enable("table")
    return md


@lru_cache(maxsize=1)
def _heading_parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero")
    md.enable(["heading", "fence", "code"])
    md.disable("inline")
    return md


def split_field(text: str) -> tuple[str, str] | None:
    """'LABEL: value' / '**Label:** value' / '**Label**: value' -> (label, value)."""
    m = _FIELD_RE.match(text.strip())
    if not m:
        return None
    return m.group("label").strip(), m.group("value")


class MdDoc:
    """The block structure of one Markdown artifact."""

    def __init__(self, doc: Text, headings_only: bool = False):
        self.doc = doc
        self.path = doc.path
        self.headings: list[Heading] = []
        self.fields: list[Field] = []
        self.items: list[Item] = []      # top-level items, in order (children nested)
        self.all_items: list[Item] = []  # every item, in source order
        self.fences: list[Fence] = []
        self.tables: list[Table] = []
        self.text_lines: list[tuple[int, str]] = []  # (line, text) of every non-code block line
        self.hidden_headings: list[int] = []  # lines of headings a broken fence had swallowed
        self._build(headings_only)

    # ---- building -------------------------------------------------------------------------
    def _build(self, headings_only: bool) -> None:
        # markdown-it counts CR, LF and CRLF as line ends: so must the fence-closure check.
        src_lines = self.doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        md = _heading_parser() if headings_only else _parser(True)
        tokens = md.parse(self.doc.text)
        outside = _outside_line_fences(src_lines)
        start = 0
        while True:
            cut = _hidden_heading(tokens, src_lines, outside, start)
            if cut is None:
                self._consume(tokens, src_lines, start)
                return
            # A column-0 heading that a broken fence swallowed: take it (GK-MD-FENCE), so
            # neither reading of the fences can hide a section from a gate.
            self._consume(md.parse("\n".join(src_lines[start:cut])), src_lines, start)
            self.hidden_headings.append(cut + 1)
            start = cut
            tokens = md.parse("\n".join(src_lines[start:]))

    def _consume(self, tokens, src_lines: list[str], off: int) -> None:
        stack: list[Item] = []
        need_item_text: Item | None = None
        heading_level = 0
        table: dict | None = None
        row: list[str] | None = None
        row_line = 0
        for tok in tokens:
            t = tok.type
            if t == "heading_open":
                heading_level = int(tok.tag[1])
            elif t == "inline" and heading_level:
                self.headings.append(Heading(heading_level, tok.content.strip(),
                                             off + tok.map[0] + 1))
                self.text_lines.append((off + tok.map[0] + 1, tok.content.strip()))
                heading_level = 0
            elif t in ("fence", "code_block"):
                start, end = off + tok.map[0], off + tok.map[1]
                closed = True
                if t == "fence":
                    last = src_lines[end - 1].strip() if end - 1 < len(src_lines) else ""
                    closed = end - 1 > start and last.startswith(tok.markup) and \
                        set(last) <= {tok.markup[0]} and len(last) >= len(tok.markup)
                self.fences.append(Fence(tok.info.strip(), tok.content, start + 1, end,
                                         closed, t == "fence"))
            elif t == "list_item_open":
                item = Item("", off + tok.map[0] + 1, len(stack))
                (stack[-1].children if stack else self.items).append(item)
                self.all_items.append(item)
                stack.append(item)
                need_item_text = item
            elif t == "list_item_close":
                stack.pop()
                need_item_text = None
            elif t == "table_open":
                table = {"header": (), "rows": [], "line": off + tok.map[0] + 1}
            elif t == "tr_open":
                row, row_line = [], off + tok.map[0] + 1
            elif t in ("th_open", "td_open"):
                pass
            elif t == "inline" and row is not None:
                row.append(tok.content.strip())
            elif t == "tr_close" and table is not None and row is not None:
                if not table["header"]:
                    table["header"] = tuple(row)
                else:
                    table["rows"].append(Row(tuple(row), row_line))
                row = None
            elif t == "table_close" and table is not None:
                self.tables.append(Table(table["header"], tuple(table["rows"]), table["line"]))
                table = None
            elif t == "inline":
                first = off + tok.map[0] + 1
                in_item = need_item_text is not None
                for i, text in enumerate(tok.content.split("\n")):
                    line = first + i
                    self.text_lines.append((line, text))
                    if i == 0 and need_item_text is not None:
                        need_item_text.text = text.strip()
                    parsed = split_field(text)
                    if parsed:
                        self.fields.append(Field(parsed[0], parsed[1], line, in_item and i == 0))
                need_item_text = None

    # ---- cache form (govkit.store.cache) -----------------------------------------------------
    def to_data(self) -> dict:
        """Plain JSON data from which from_data() rebuilds an equal MdDoc without parsing."""
        pos = {id(it): n for n, it in enumerate(self.all_items)}
        parent = {id(c): pos[id(it)] for it in self.all_items for c in it.children}
        first = _first_texts(self.text_lines)
        return {
            "h": [[h.level, h.text, h.line] for h in self.headings],
            "f": [[f.label, f.value, f.line, f.in_item] for f in self.fields],
            # An item's text is usually its first text line, stripped: null then (less to decode).
            "i": [[None if i.text == first.get(i.line) else i.text, i.line, i.depth,
                   parent.get(id(i), -1)] for i in self.all_items],
            "c": [[f.info, f.content, f.line, f.end_line, f.closed, f.fenced] for f in self.fences],
            "t": [[list(t.header), [[list(r.cells), r.line] for r in t.rows], t.line]
                  for t in self.tables],
            "x": _text_lines_data(self.text_lines),
            "m": list(self.hidden_headings),
        }

    @classmethod
    def from_data(cls, doc: Text, data: dict) -> MdDoc:
        """The MdDoc that to_data() described (ValueError/TypeError/KeyError when malformed)."""
        md = cls.__new__(cls)
        md.doc, md.path = doc, doc.path
        md.headings = [Heading(int(a), str(b), int(c)) for a, b, c in data["h"]]
        md.fields = [Field(str(a), str(b), int(c), bool(d)) for a, b, c, d in data["f"]]
        md.text_lines = _text_lines_from(data["x"])
        first = _first_texts(md.text_lines)
        md.all_items, md.items = [], []
        for text, line, depth, par in data["i"]:
            item = Item(first[line] if text is None else str(text), int(line), int(depth))
            if par >= 0:
                md.all_items[par].children.append(item)
            else:
                md.items.append(item)
            md.all_items.append(item)
        md.fences = [Fence(str(a), str(b), int(c), int(d), bool(e), bool(f))
                     for a, b, c, d, e, f in data["c"]]
        md.tables = [Table(tuple(h), tuple(Row(tuple(c), int(n)) for c, n in rows), int(line))
                     for h, rows, line in data["t"]]
        md.hidden_headings = [int(n) for n in data["m"]]
        return md

    # ---- queries --------------------------------------------------------------------------
    def field(self, label: str, start: int = 0, end: int | None = None) -> Field | None:
        """First field with this label (case-insensitive) within [start, end) lines."""
        want = label.upper()
        for f in self.fields:
            if f.line < start or (end is not None and f.line >= end):
                continue
            if f.label.upper() == want:
                return f
        return None

    def fields_named(self, label: str) -> list[Field]:
        want = label.upper()
        return [f for f in self.fields if f.label.upper() == want]

    def value(self, label: str, default: str = "") -> str:
        f = self.field(label)
        return f.value.strip() if f else default

    def heading(self, name: str, exact: bool = False, min_level: int = 1) -> Heading | None:
        for h in self.headings:
            if h.level >= min_level and heading_matches(h.text, name, exact):
                return h
        return None

    @property
    def line_count(self) -> int:
        """len(doc.lines), counted once (section_range needs it for every section)."""
        n = self.__dict__.get("_line_count")
        if n is None:
            n = self._line_count = self.doc.text.count("\n") + 1
        return n

    def section_range(self, h: Heading) -> tuple[int, int]:
        """[first line, end line) of the section a heading opens (until a heading of <= level)."""
        end = self.line_count + 1
        for other in self.headings:
            if other.line > h.line and other.level <= h.level:
                end = other.line
                break
        return h.line, end

    def section(self, name: str, exact: bool = False, min_level: int = 1) -> tuple[int, int] | None:
        h = self.heading(name, exact, min_level)
        return self.section_range(h) if h else None

    def items_in(self, start: int, end: int) -> list[Item]:
        return [i for i in self.all_items if start <= i.line < end]

    def fences_in(self, start: int, end: int) -> list[Fence]:
        return [f for f in self.fences if start <= f.line < end]

    def text_in(self, start: int, end: int) -> list[tuple[int, str]]:
        return [(n, t) for n, t in self.text_lines if start <= n < end]

    def in_code(self, line: int) -> bool:
        return any(f.line <= line <= f.end_line for f in self.fences)


def _text_lines_data(text_lines: list[tuple[int, str]]) -> list:
    """[joined text, line numbers]: one JSON string decodes several times faster than a pair
    per line. A setext heading's text holds a newline: then the pairs themselves."""
    texts = [s for _, s in text_lines]
    if any("\n" in s for s in texts):
        return [[n, s] for n, s in text_lines]
    return ["\n".join(texts), [n for n, _ in text_lines]]


def _text_lines_from(data) -> list[tuple[int, str]]:
    if type(data) is list and len(data) == 2 and type(data[0]) is str:
        joined, nums = data
        if type(nums) is not list or set(map(type, nums)) - {int}:
            raise ValueError("malformed text lines")
        texts = joined.split("\n") if nums else []
        if len(texts) != len(nums) or (not nums and joined):
            raise ValueError("malformed text lines")
        return list(zip(nums, texts))
    return [(int(n), str(s)) for n, s in data]


def _first_texts(text_lines) -> dict:
    """line -> its first text line, stripped (what an item starting there takes as its text)."""
    first: dict = {}
    for n, text in text_lines:
        if n not in first:
            first[n] = text.strip()
    return first


_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")


def _outside_line_fences(lines: list[str]) -> list[bool]:
    """Per line: outside any fence when fences are read line by line (a line starting, after
    indentation, with ``` or ~~~ opens; the same run alone, at least as long, closes)."""
    out, fence = [], ""
    for line in lines:
        t = line.strip()
        if not fence and t[:3] in ("```", "~~~"):
            fence = t[:len(t) - len(t.lstrip(t[0]))]
            out.append(False)
        elif fence and t and set(t) == {fence[0]} and len(t) >= len(fence):
            fence = ""
            out.append(False)
        else:
            out.append(not fence)
    return out


def _hidden_heading(tokens, lines: list[str], outside: list[bool], off: int) -> int | None:
    """0-based index of the first column-0 ATX heading inside a fence token of this parse
    that the line reading of fences leaves outside any fence."""
    for tok in tokens:
        if tok.type != "fence" or not tok.map:
            continue
        for i in range(off + tok.map[0] + 1, min(off + tok.map[1], len(lines))):
            if outside[i] and _ATX.match(lines[i]):
                return i
    return None


def report_hidden_headings(md: MdDoc, report: Report, rel: str | None = None) -> None:
    """GK-MD-FENCE for each heading a broken fence had swallowed (MdDoc._build takes it, and a
    cached parse carries the lines): every gate that reads the artifact says so, once a line."""
    if not md.hidden_headings:
        return
    rel = rel or md.path
    have = {(f.path, f.line) for f in report.findings if f.code == "GK-MD-FENCE"}
    lines = md.doc.text.splitlines()
    for n in md.hidden_headings:
        if (rel, n) in have:
            continue
        text = lines[n - 1].strip() if 0 < n <= len(lines) else ""
        report.warn("GK-MD-FENCE", f"heading '{text}' sits inside a code block that a broken "
                    "fence above opened; read as a heading", rel, n,
                    "indent every line of a fenced block in a list item, or close it")


def heading_matches(text: str, name: str, exact: bool = False) -> bool:
    """Heading text equals name, or (not exact) starts with it at a word boundary."""
    t, n = text.strip().upper(), name.upper()
    if t == n:
        return True
    if exact or not t.startswith(n):
        return False
    nxt = t[len(n)]
    return not (nxt.isalnum() or nxt == "_")


def parse(doc: Text, headings_only: bool = False) -> MdDoc:
    return MdDoc(doc, headings_only)

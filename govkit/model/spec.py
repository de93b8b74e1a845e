"""SPEC_CURRENT pointer and Master Spec models."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from functools import cached_property
from typing import NamedTuple

from govkit.util.textio import Text

_VERSION_RE = re.compile(r"_v(\d+(?:\.\d+)*)\.md$")


def glob_to_search(pattern: str) -> re.Pattern:
    """A file-name glob as a regex that finds such names inside text (no path separators)."""
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(r"[A-Za-z0-9._-]*")
        elif ch == "?":
            out.append(r"[A-Za-z0-9._-]")
        else:
            out.append(re.escape(ch))
    return re.compile(r"(?<![A-Za-z0-9._-])" + "".join(out) + r"(?![A-Za-z0-9_-])")


def version_of(name: str) -> tuple[int, ...] | None:
    m = _VERSION_RE.search(name)
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


def newest(names: list[str]) -> str | None:
    """The spec name with the highest version (segment-wise numeric; missing segments = 0)."""
    parsed = [(v, n) for n in sorted(names) if (v := version_of(n)) is not None]
    if not parsed:
        return None
    width = max(len(v) for v, _ in parsed)
    best = parsed[0]
    for v, n in parsed[1:]:
        if v + (0,) * (width - len(v)) >= best[0] + (0,) * (width - len(best[0])):
            best = (v, n)
    return best[1]


class SpecPointer(NamedTuple):
    path: str
    name: str | None       # the first spec file name the pointer mentions
    line: int


def parse_pointer(doc: Text, pattern: str, md=None) -> SpecPointer:
    from govkit.model import markdown as mdparse

    rx = glob_to_search(pattern)
    md = md or mdparse.parse(doc)
    for line, text in sorted(md.text_lines):
        m = rx.search(text)
        if m and fnmatch.fnmatchcase(m.group(0), pattern):
            return SpecPointer(doc.path, m.group(0), line)
    # Also accept a name inside a code span/fence (rare but seen).
    for f in md.fences:
        m = rx.search(f.content)
        if m:
            return SpecPointer(doc.path, m.group(0), f.line + 1)
    return SpecPointer(doc.path, None, 0)


class Section(NamedTuple):
    number: str | None
    title: str
    level: int
    line: int
    end_line: int


class MasterSpec:
    """The spec's bytes, its LF-normalised lines and (lazily) its headings."""

    def __init__(self, doc: Text):
        self.doc = doc
        self.path = doc.path

    @cached_property
    def lf_text(self) -> str:
        text = self.doc.text
        if "\r" not in text:  # the usual case; two replace() passes cost 2 ms on 2.7 MB
            return text
        return text.replace("\r\n", "\n").replace("\r", "\n")

    @cached_property
    def lines(self) -> list[str]:
        # Same count as the reference: a trailing newline adds one (empty) line.
        return self.lf_text.split("\n")

    @cached_property
    def sha1_raw(self) -> str:
        return hashlib.sha1(self.doc.raw).hexdigest()

    @cached_property
    def sha1_lf(self) -> str:
        body = ("\ufeff" if self.doc.has_bom else "") + self.lf_text
        return hashlib.sha1(body.encode("utf-8")).hexdigest()

    def sha1_matches(self, value: str) -> bool:
        v = value.strip().lower()
        return v == self.sha1_raw or v == self.sha1_lf  # the LF form only when raw differs

    @cached_property
    def sections(self) -> list[Section]:
        from govkit.model import markdown as mdparse

        md = mdparse.parse(self.doc, headings_only=True)
        out = []
        total = len(self.lines)
        for n, h in enumerate(md.headings):
            end = total
            for other in md.headings[n + 1:]:
                if other.level <= h.level:
                    end = other.line - 1
                    break
            first = h.text.split(" ", 1)[0].rstrip(".")
            number = first if re.fullmatch(r"\d+(?:\.\d+)*", first) else None
            out.append(Section(number, h.text, h.level, h.line, end))
        return out

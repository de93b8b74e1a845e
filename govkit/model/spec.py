"""SPEC_CURRENT pointer and Master Spec models."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from functools import cached_property
from itertools import accumulate
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


# The line index: where every LINE_STEP-th line starts. Bump LINE_INDEX_VERSION when it changes.
LINE_STEP = 256
LINE_INDEX_VERSION = 1


class MasterSpec:
    """The spec's bytes, its LF-normalised lines and (lazily) its headings.

    With a parse cache, line_count and window() answer from a line index kept there instead of
    splitting the whole spec (3 ms for 2.7 MB): an index is used only after it was checked
    against the text (each block holds exactly LINE_STEP lines, so a wrong or stale entry is
    never used), and one is written when there was none."""

    def __init__(self, doc: Text, cache=None):
        self.doc = doc
        self.path = doc.path
        self._cache = cache  # govkit.store.cache.Cache or None

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
    def _index(self) -> tuple[int, list[int]] | None:
        """(line count, offsets in lf_text of lines 1, 1 + LINE_STEP, ...), checked; None when
        there is no cache or no valid entry (lines is then split and the index written)."""
        if self._cache is None or "lines" in self.__dict__:
            return None
        from govkit import __version__
        from govkit.store.cache import key

        k = key("spec-lines", str(LINE_INDEX_VERSION), __version__, self.sha1_raw,
                str(len(self.doc.raw)))
        data = self._cache.get(k)
        if _index_fits(data, self.lf_text):
            return data[0], data[1]
        lines = self.lines
        starts = [0, *accumulate(len(line) + 1 for line in lines)]
        self._cache.put(k, [len(lines), starts[0:len(lines):LINE_STEP]])
        return None

    @property
    def line_count(self) -> int:
        """len(lines)."""
        index = self._index
        return index[0] if index is not None else len(self.lines)

    def window(self, start: int, end: int) -> str:
        """"\n".join(lines[start - 1:end]) for 1 <= start <= end <= line_count."""
        index = self._index
        if index is None or not 1 <= start <= end <= index[0]:
            return "\n".join(self.lines[start - 1:end])
        offsets, text = index[1], self.lf_text
        first, last = (start - 1) // LINE_STEP, (end - 1) // LINE_STEP
        stop = offsets[last + 1] - 1 if last + 1 < len(offsets) else len(text)
        lines = text[offsets[first]:stop].split("\n")
        base = first * LINE_STEP
        return "\n".join(lines[start - 1 - base:end - base])

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


def _index_fits(data, text: str) -> bool:
    """Is data [count, offsets] the line index of text? Each offset must follow a newline and
    each block hold exactly LINE_STEP newlines (str.count: 1 ms for 2.7 MB, no copies)."""
    if not (isinstance(data, list) and len(data) == 2 and type(data[0]) is int and
            isinstance(data[1], list) and data[0] >= 1):
        return False
    count, offsets = data
    if len(offsets) != (count - 1) // LINE_STEP + 1 or offsets[:1] != [0] or \
            not all(type(o) is int for o in offsets):
        return False
    for before, at in zip(offsets, offsets[1:]):
        if not before < at <= len(text) or text[at - 1] != "\n" or \
                text.count("\n", before, at) != LINE_STEP:
            return False
    return text.count("\n", offsets[-1]) == count - 1 - (len(offsets) - 1) * LINE_STEP

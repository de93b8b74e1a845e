"""The normative requirements of a spec's main body: sentences with MUST, SHALL, SHOULD or
REQUIRED (upper case, as RFC 2119 writes them), outside code, tables and appendices."""

from __future__ import annotations

import re
from typing import NamedTuple

_KEYWORD = re.compile(r"\b(MUST|SHALL|SHOULD|REQUIRED)\b")
_MUST = ("MUST", "SHALL", "REQUIRED")
REQ_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")
_SENTENCE = re.compile(r"\S.*?(?:[.!?](?=\s|$)|$)")   # up to . ! ? before a space or the end
_BACK_MATTER = ("APPENDIX", "ANNEX", "CHANGELOG", "CHANGE LOG", "REVISION HISTORY")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")


class Requirement(NamedTuple):
    id: str
    level: str           # MUST (MUST, SHALL, REQUIRED) or SHOULD
    text: str
    line: int            # first spec line of the sentence
    end_line: int
    section: str         # the enclosing heading's number, or its title
    explicit: bool       # the id was written in the spec


def _section_key(title: str) -> str:
    m = _NUMBER.match(title + " ")
    return m.group(1) if m else title.strip()


def _back_matter(title: str) -> bool:
    t = _NUMBER.sub("", title.strip() + " ").strip().upper()
    return t.startswith(_BACK_MATTER)


def extract(md) -> list[Requirement]:
    """Requirements of an MdDoc (govkit.model.markdown), in spec order, ids unique."""
    headings = {h.line: h for h in md.headings}
    items = {i.line for i in md.all_items}
    out: list[Requirement] = []
    used: dict[str, int] = {}
    counters: dict[str, int] = {}
    section, skip_level = "0", 0
    para: list[tuple[int, str]] = []

    def flush() -> None:
        if not para:
            return
        if len(para) == 1:
            text, offsets = para[0][1].strip(), [(0, para[0][0])]
        else:
            parts, offsets, size = [], [], 0
            for n, t in para:
                offsets.append((size, n))
                parts.append(t.strip())
                size += len(parts[-1]) + 1
            text = " ".join(parts)
        para.clear()
        if not _KEYWORD.search(text):
            return
        for m in _SENTENCE.finditer(text):
            s = m.group(0).strip()
            kws = _KEYWORD.findall(s)
            if not kws:
                continue
            start, end = m.start(), m.end() - 1
            first = last = offsets[0][1]
            for off, n in offsets:
                if off <= start:
                    first = n
                if off <= end:
                    last = n
            ids = REQ_ID.findall(s)
            if ids:
                rid, explicit = ids[0], True
            else:
                counters[section] = counters.get(section, 0) + 1
                rid, explicit = f"REQ-{section}-{counters[section]}", False
            used[rid] = used.get(rid, 0) + 1
            if used[rid] > 1:
                rid = f"{rid}.{used[rid]}"
            level = "MUST" if any(k in _MUST for k in kws) else "SHOULD"
            out.append(Requirement(rid, level, s, first, last, section, explicit))

    prev = -1
    for n, text in md.text_lines:
        h = headings.get(n)
        if h is not None:
            flush()
            if skip_level and h.level <= skip_level:
                skip_level = 0
            if not skip_level and _back_matter(h.text):
                skip_level = h.level
            section = _section_key(h.text).replace(" ", "_") or "0"
            prev = n
            continue
        if skip_level:
            continue
        if n != prev + 1 or n in items or not text.strip():
            flush()
        if text.strip():
            para.append((n, text))
        prev = n
    flush()
    return out

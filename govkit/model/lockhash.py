"""The locked content of a task packet (pure): everything except the bodies of the coder's
sections (their heading lines stay) and the value of the `Status:` field line, LF-normalised,
BOM dropped. Sections are the level-1 and level-2 headings; text before the first heading is
the section '(top)'."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from govkit.model.markdown import heading_matches

TOP = "(top)"


class LockedView(NamedTuple):
    sha256: str                       # of `text`
    sections: dict[str, str]          # section name -> sha256 of its locked lines
    text: str                         # the normalised locked content
    lines: list[tuple[int, str]]      # (original line number, text) of every locked line
    parts: dict[str, list[tuple[int, str]]]  # section name -> its locked lines


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _blank_value(line: str, value: str) -> str:
    body = line.rstrip(" \t")
    if not value.strip():
        return body
    cut = body.rfind(value.strip())
    return body[:cut].rstrip(" \t") if cut > 0 else body


def locked_view(text: str, coder_sections, md=None) -> LockedView:
    """The locked view of a packet's text. md: its MdDoc when already parsed (line numbers of
    the same text). ValueError for input that cannot be read (never another exception)."""
    if not isinstance(text, str):
        raise ValueError("packet text expected")
    norm = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        if md is None:
            from govkit.model import markdown as mdparse
            from govkit.util.textio import Text

            md = mdparse.parse(Text("<packet>", b"", norm, False, False))
        headings = [h for h in md.headings if h.level <= 2]
        fields = md.fields
    except RecursionError:
        raise ValueError("packet is nested too deeply to parse") from None
    src = norm.split("\n")
    coder = [str(c) for c in coder_sections or []]
    # Section boundaries: (first line, name, is coder section)
    bounds: list[tuple[int, str, bool]] = [(1, TOP, False)]
    seen: dict[str, int] = {}
    for h in headings:
        name = h.text.strip()
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} #{seen[name]}"
        is_coder = h.level == 2 and any(heading_matches(h.text, c) for c in coder)
        bounds.append((h.line, name, is_coder))
    status_line = None
    coder_ranges = []
    for i, (start, _, is_coder) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(src) + 1
        if is_coder:
            coder_ranges.append((start + 1, end))
    for f in fields:
        if f.label.strip().upper() == "STATUS" and \
                not any(a <= f.line < b for a, b in coder_ranges):
            status_line = f
            break
    parts: dict[str, list[tuple[int, str]]] = {}
    lines: list[tuple[int, str]] = []
    for i, (start, name, is_coder) in enumerate(bounds):
        end = bounds[i + 1][0] if i + 1 < len(bounds) else len(src) + 1
        if start > len(src):
            continue
        keep = range(start, start + 1) if is_coder else range(start, end)
        own = []
        for n in keep:
            if n > len(src):
                break
            line = src[n - 1]
            if status_line is not None and n == status_line.line:
                line = _blank_value(line, status_line.value)
            own.append((n, line))
        if name == TOP and not own:
            continue
        parts[name] = own
        lines.extend(own)
    locked = "\n".join(t for _, t in lines)
    sections = {name: _sha("\n".join(t for _, t in own)) for name, own in parts.items()}
    return LockedView(_sha(locked), sections, locked, lines, parts)

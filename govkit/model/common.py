"""Small shared pieces of the artifact models."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from govkit.errors import GovkitError
from govkit.util.textio import Text

PLACEHOLDER_EXACT = {"", "PENDING", "<pending>", "<unclaimed>", "tbd", "TBD", "<fill>"}


def is_placeholder(value: str | None) -> bool:
    """Empty, a <pending>/<fill...>/<paste...>/<unclaimed> marker, or PENDING/TBD."""
    if value is None:
        return True
    v = value.strip()
    if v in PLACEHOLDER_EXACT or v.upper() in ("PENDING", "TBD"):
        return True
    low = v.lower()
    return low.startswith(("<fill", "<paste", "<pending", "<unclaimed", "{{"))


def strip_ticks(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v.startswith("`") and v.endswith("`"):
        v = v[1:-1].strip()
    return v


_SHA40 = re.compile(r"[0-9a-fA-F]{40}")


def leading_sha(value: str) -> str | None:
    """The 40-hex value at the start of a field, ignoring backticks and a trailing comment."""
    v = strip_ticks(value.strip().split(" ", 1)[0]) if value.strip() else ""
    return v.lower() if _SHA40.fullmatch(v) else None


class Value(NamedTuple):
    """A field value with the line it came from (line 0: absent)."""

    text: str = ""
    line: int = 0

    @property
    def present(self) -> bool:
        return self.line > 0

    def __bool__(self) -> bool:
        return bool(self.text)


def val(md, label: str, start: int = 0, end: int | None = None) -> Value:
    f = md.field(label, start, end)
    return Value(f.value.strip(), f.line) if f else Value()


# Deeper nesting than any artifact needs: refused, so nothing later recurses out of the stack.
MAX_JSON_DEPTH = 100

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


def json_too_deep(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does parsed JSON nest arrays/objects deeper than limit? (level by level: no recursion)"""
    level, depth = [data], 0
    while level:
        depth += 1
        nxt = []
        for node in level:
            if isinstance(node, dict):
                node = node.values()
            elif not isinstance(node, list):
                continue
            if depth > limit:
                return True
            nxt += [c for c in node if isinstance(c, (dict, list))]
        level = nxt
    return False


def _deep_at(text: str, limit: int) -> tuple[int, int]:
    """(line, column) of the first bracket deeper than limit (strings skipped); (1, 1) if none."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                i = m.start()
                return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1
        elif ch in "]}":
            depth -= 1
    return 1, 1


def _too_deep(doc: Text) -> GovkitError:
    line, col = _deep_at(doc.text, MAX_JSON_DEPTH)
    return GovkitError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels (column {col})",
                       path=doc.path, line=line,
                       hint="govkit's JSON files are nearly flat; restore the file from git")


def load_json(doc: Text):
    try:
        data = json.loads(doc.text)
    except RecursionError:
        raise _too_deep(doc) from None
    except json.JSONDecodeError as exc:
        byte = len(doc.text[: exc.pos].encode("utf-8")) + (3 if doc.has_bom else 0)
        raise GovkitError(f"malformed JSON: {exc.msg} (column {exc.colno}, byte {byte})",
                          path=doc.path, line=exc.lineno,
                          hint="repair the JSON by hand (git diff shows what changed); govkit "
                               "never overwrites a file it cannot parse") from None
    # Fewer brackets than the limit cannot nest past it: skip the walk (the common case).
    if doc.text.count("[") + doc.text.count("{") > MAX_JSON_DEPTH and json_too_deep(data):
        raise _too_deep(doc)
    return data

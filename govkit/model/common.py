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


def load_json(doc: Text):
    try:
        return json.loads(doc.text)
    except json.JSONDecodeError as exc:
        byte = len(doc.text[: exc.pos].encode("utf-8")) + (3 if doc.has_bom else 0)
        raise GovkitError(f"malformed JSON: {exc.msg} (column {exc.colno}, byte {byte})",
                          path=doc.path, line=exc.lineno,
                          hint="repair the JSON by hand (git diff shows what changed); govkit "
                               "never overwrites a file it cannot parse") from None

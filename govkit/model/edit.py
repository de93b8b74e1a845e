"""Byte-preserving edits of Markdown artifacts.

Changing one field rewrites only the value bytes on that field's line; every other byte of the
file (BOM, CRLF or LF endings, trailing spaces, other lines) stays as it was.
"""

from __future__ import annotations

import re

from govkit.errors import GovkitError
from govkit.model.markdown import split_field

BOM = b"\xef\xbb\xbf"


def split_lines(raw: bytes) -> list[bytes]:
    """Lines with their endings kept (b'\\r\\n', b'\\n' or none on the last line)."""
    return raw.splitlines(keepends=True) if raw else []


def eol_of(raw: bytes) -> bytes:
    """The file's dominant line ending, for inserted lines."""
    crlf = raw.count(b"\r\n")
    return b"\r\n" if crlf and crlf * 2 >= raw.count(b"\n") else b"\n"


def _body_and_end(line: bytes) -> tuple[bytes, bytes]:
    if line.endswith(b"\r\n"):
        return line[:-2], b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[:-1], line[-1:]
    return line, b""


def set_field(raw: bytes, line_no: int, label: str, new_value: str) -> bytes:
    """Replace the value of the field `label` on 1-based line `line_no` (of the BOM-less text)."""
    lines = split_lines(raw)
    if not 1 <= line_no <= len(lines):
        raise GovkitError(f"line {line_no} does not exist (file has {len(lines)} lines)")
    idx = line_no - 1
    body, end = _body_and_end(lines[idx])
    prefix = BOM if idx == 0 and body.startswith(BOM) else b""
    text = body[len(prefix):].decode("utf-8")
    parsed = split_field(text.lstrip(" \t-*+>").lstrip())
    if not parsed or parsed[0].upper() != label.upper():
        raise GovkitError(f"line {line_no} is not a '{label}' field: {text.strip()!r}")
    value = parsed[1]
    stripped = text.rstrip(" \t")
    trailing = text[len(stripped):]
    if value:
        cut = stripped.rfind(value)
        head = stripped[:cut]
    else:
        head = stripped + " "
    new_text = head + new_value + trailing
    lines[idx] = prefix + new_text.encode("utf-8") + end
    return b"".join(lines)


def replace_lines(raw: bytes, start: int, end: int, new_lines: list[str]) -> bytes:
    """Replace 1-based lines [start, end) with new_lines, written with the file's line ending."""
    lines = split_lines(raw)
    eol = eol_of(raw)
    block = [ln.encode("utf-8") + eol for ln in new_lines]
    if end - 1 >= len(lines) and lines and block and not _body_and_end(lines[-1])[1]:
        block[-1] = block[-1][: -len(eol)]  # the file had no final newline: keep it that way
    return b"".join(lines[: start - 1] + block + lines[end - 1:])


def insert_lines(raw: bytes, before: int, new_lines: list[str]) -> bytes:
    """Insert new_lines before 1-based line `before` (len+1 appends)."""
    lines = split_lines(raw)
    eol = eol_of(raw)
    if before > len(lines) and lines and not _body_and_end(lines[-1])[1]:
        lines[-1] = lines[-1] + eol
    block = [ln.encode("utf-8") + eol for ln in new_lines]
    return b"".join(lines[: before - 1] + block + lines[before - 1:])


def text_lines(raw: bytes) -> list[str]:
    """The decoded lines without their endings (BOM dropped), indexed like split_lines(raw)."""
    out = [ln.decode("utf-8", "replace").rstrip("\r\n") for ln in split_lines(raw)]
    if out:
        out[0] = out[0].lstrip("\ufeff")
    return out


def table_start(lines: list[str], first_header: str) -> int | None:
    """Index of a Markdown table's header row whose first cell is first_header (any case), when
    the separator row follows it; None when there is no such table."""
    want = first_header.strip().lower()
    for i, ln in enumerate(lines[:-1]):
        cells = ln.strip().strip("|").split("|")
        if ln.lstrip().startswith("|") and cells[0].strip().lower() == want \
                and re.match(r"^\s*\|\s*:?-{3,}", lines[i + 1]):
            return i
    return None


def table_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"

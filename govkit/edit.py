"""Byte-preserving edits of Markdown artifacts.

Changing one field rewrites only the value bytes on that field's line; every other byte of the
file (BOM, CRLF or LF endings, trailing spaces, other lines) stays as it was.
"""

from __future__ import annotations

from govkit.errors import GovkitError
from govkit.mdparse import split_field

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

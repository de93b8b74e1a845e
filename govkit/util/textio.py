"""Reading artifacts: size limit, binary and UTF-8 checks, BOM and line-ending facts."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from govkit.errors import GovkitError

BOM = "\ufeff"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
_LONE_CR = re.compile(r"\r(?!\n)")


class Text(NamedTuple):
    """A decoded artifact. `text` has the BOM removed and each lone CR made an LF (CRLF kept);
    offsets and lines refer to it."""

    path: str          # repo-relative display path
    raw: bytes
    text: str
    has_bom: bool
    crlf: bool

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def decode(raw: bytes, display: str) -> Text:
    if b"\x00" in raw:
        line = _line_at(raw, raw.index(b"\x00"))
        raise GovkitError("file is binary (contains NUL bytes), expected UTF-8 Markdown/JSON text",
                          path=display, line=line,
                          hint="restore the file from git or recreate it from the template")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_at(raw, exc.start)
        raise GovkitError(f"invalid UTF-8 at byte {exc.start} (0x{raw[exc.start]:02x})", path=display,
                          line=line, hint="re-save the file as UTF-8") from None
    has_bom = text.startswith(BOM)
    if has_bom:
        text = text[1:]
    if "\r" in text:
        # A lone CR ends a line for markdown-it, YAML and bytes.splitlines(): make it one here
        # too, so that every line number means the same line (CRLF stays as it is).
        text = _LONE_CR.sub("\n", text)
    # Every CR left is the start of a CRLF, and one character is found much faster than two
    # (2 ms on a 2.7 MB spec).
    return Text(display, raw, text, has_bom, "\r" in text)


def _line_at(raw: bytes, pos: int) -> int:
    """1-based line of byte pos (CR, LF and CRLF each end a line)."""
    head = raw[:pos]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def read_bytes(path: Path, display: str | None = None, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, or GovkitError (exit 2). A FIFO, device or socket is refused
    without blocking: it is opened non-blocking and checked on the open descriptor (no race)."""
    display = display or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise GovkitError("file not found", path=display) from None
    except IsADirectoryError:
        raise GovkitError("expected a file, found a directory", path=display) from None
    except OSError as exc:
        raise GovkitError(f"cannot read file: {exc.strerror or exc}", path=display) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise GovkitError("expected a file, found a directory", path=display)
        if not stat.S_ISREG(st.st_mode):
            raise GovkitError(f"expected a regular file, found a {_kind(st.st_mode)}", path=display,
                              hint="replace it with the real file (git checkout -- PATH)")
        if max_bytes is not None and st.st_size > max_bytes:
            raise GovkitError(f"file is too large ({st.st_size / 1e6:.1f} MB; limit "
                              f"{max_bytes / 1e6:.1f} MB)", path=display,
                              hint="artifacts are small Markdown/JSON files; raise "
                                   "limits.max_artifact_bytes in .GOV/govkit.yaml if this is intended")
        chunks = []
        left = (max_bytes + 1) if max_bytes is not None else -1
        size = max(st.st_size + 1, 1 << 16)  # the whole file in one read, usually: no copy
        while left:
            chunk = os.read(fd, size if left < 0 else min(left, size))
            if not chunk:
                break
            chunks.append(chunk)
            if left > 0:
                left -= len(chunk)
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise GovkitError(f"cannot read file: {exc.strerror or exc}", path=display) from None
    finally:
        os.close(fd)
    if max_bytes is not None and len(raw) > max_bytes:  # grew while we read it
        raise GovkitError(f"file is too large (limit {max_bytes / 1e6:.1f} MB)", path=display)
    return raw


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def read_text(path: Path, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              allow_empty: bool = False) -> Text:
    """Read a text artifact or raise GovkitError (exit 2) naming the file and the fix."""
    display = display or str(path)
    doc = decode(read_bytes(path, display, max_bytes), display)
    if not allow_empty and (not doc.text or doc.text.isspace()):  # strip() would copy it
        raise GovkitError("file is empty", path=display,
                          hint="fill it in from the template (govkit init writes the templates)")
    return doc

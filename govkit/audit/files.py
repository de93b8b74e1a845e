"""The files of one trail: rotated ones (oldest first), the current one, quarantined tails."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from govkit.util.timeutil import compact_us

_STAMP = r"\d{8}T\d{6}\.\d{6}Z"


def stamp() -> str:
    return compact_us()


def _names(path: Path) -> list[str]:
    try:
        return os.listdir(path.parent)
    except (FileNotFoundError, NotADirectoryError):
        return []


def rotated(path: Path) -> list[Path]:
    """Rotated files of the trail at path, oldest first (`<name>.<UTC stamp>`)."""
    rx = re.compile(re.escape(path.name) + r"\." + _STAMP + r"$")
    return [path.parent / n for n in sorted(n for n in _names(path) if rx.match(n))]


def quarantined(path: Path) -> list[Path]:
    rx = re.compile(re.escape(path.name) + r"\.quarantine\." + _STAMP + r"(\.\d+)?$")
    return [path.parent / n for n in sorted(n for n in _names(path) if rx.match(n))]


def chain(path: Path) -> list[Path]:
    """Every file of the trail in chain order (rotated ones, then the current one if present)."""
    out = rotated(path)
    if path.exists():
        out.append(path)
    return out


def rotated_name(path: Path) -> Path:
    cand = path.with_name(f"{path.name}.{stamp()}")
    while cand.exists():  # same microsecond: wait for the next one
        time.sleep(0.000002)
        cand = path.with_name(f"{path.name}.{stamp()}")
    return cand


def quarantine_name(path: Path) -> Path:
    base = path.with_name(f"{path.name}.quarantine.{stamp()}")
    n, cand = 0, base
    while cand.exists():
        n += 1
        cand = base.with_name(f"{base.name}.{n}")
    return cand


def last_line(path: Path, end: int | None = None, limit: int = 1 << 24) -> bytes | None:
    """The last complete line of path ending at byte `end` (default: end of file), or None."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return None
    with fh:
        size = os.fstat(fh.fileno()).st_size if end is None else end
        if size <= 0:
            return None
        fh.seek(size - 1)
        if fh.read(1) != b"\n":
            return None
        pos, chunk, buf = size - 1, 8192, b""
        while pos > 0 and size - pos < limit:
            start = max(0, pos - chunk)
            fh.seek(start)
            buf = fh.read(pos - start) + buf
            pos = start
            i = buf.rfind(b"\n")
            if i >= 0:
                return buf[i + 1:] + b"\n"
            chunk *= 2
        return buf + b"\n" if pos == 0 else None

"""Reading artifacts: size limit, binary and UTF-8 checks, BOM and line-ending facts."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from govkit.errors import GovkitError

BOM = "\ufeff"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


class Text(NamedTuple):
    """A decoded artifact. `text` has the BOM removed; offsets and lines refer to it."""

    path: str          # repo-relative display path
    raw: bytes
    text: str
    has_bom: bool
    crlf: bool

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def decode(raw: bytes, display: str) -> Text:
    if b"\x00" in raw[:8192]:
        raise GovkitError("file is binary (contains NUL bytes), expected UTF-8 Markdown/JSON text",
                          path=display, hint="restore the file from git or recreate it from the template")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GovkitError(f"invalid UTF-8 at byte {exc.start} (0x{raw[exc.start]:02x})", path=display,
                          line=line, hint="re-save the file as UTF-8") from None
    has_bom = text.startswith(BOM)
    if has_bom:
        text = text[1:]
    return Text(display, raw, text, has_bom, "\r\n" in text)


def read_text(path: Path, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              allow_empty: bool = False) -> Text:
    """Read a text artifact or raise GovkitError (exit 2) naming the file and the fix."""
    display = display or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise GovkitError("file not found", path=display) from None
    except OSError as exc:
        raise GovkitError(f"cannot read file: {exc.strerror}", path=display) from None
    if path.is_dir():
        raise GovkitError("expected a file, found a directory", path=display)
    if size > max_bytes:
        raise GovkitError(f"file is too large ({size / 1e6:.1f} MB; limit {max_bytes / 1e6:.1f} MB)",
                          path=display, hint="artifacts are small Markdown/JSON files; raise "
                                             "limits.max_artifact_bytes in .GOV/govkit.yaml if this is intended")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GovkitError(f"cannot read file: {exc.strerror}", path=display) from None
    doc = decode(raw, display)
    if not allow_empty and not doc.text.strip():
        raise GovkitError("file is empty", path=display,
                          hint="fill it in from the template (govkit init writes the templates)")
    return doc

"""Text the agents write into Markdown artifacts: ASCII only, one line per item."""

from __future__ import annotations


def ascii_escape(text: str) -> str:
    """Non-ASCII characters as \\uXXXX (\\UXXXXXXXX beyond the BMP): what EXCERPT_ASCII_ESCAPED means."""
    out = []
    for ch in text:
        o = ord(ch)
        out.append(ch if o < 0x80 else (f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"))
    return "".join(out)


def one_line(text: str, limit: int = 600) -> str:
    """Model prose as one safe Markdown list item: ASCII, no newlines or control characters,
    no leading heading or list markers, never a placeholder."""
    s = ascii_escape(" ".join(str(text).split()))
    s = "".join(c for c in s if c.isprintable())
    s = s.lstrip("#>-*+ ").strip()
    if len(s) > limit:
        s = s[:limit].rstrip() + " ..."
    if not s or s.startswith(("<", "{{")) or s.upper() in ("PENDING", "TBD"):
        return "None."
    return s

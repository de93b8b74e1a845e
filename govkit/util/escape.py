"""The one escape for untrusted text on its way to a terminal, a gate block or XML.

File names, field values, messages and hints come from the repository, so an attacker chooses
them: a newline forges a `GATE_STATUS: PASS` line, ESC/OSC bytes drive the terminal, bidi
controls reorder what a reviewer reads. `escape` shows every such character as a visible
escape (`\\n`, `\\x1b`, `\\u202e`), so the result is one line with no control character.

Escaped: C0 (U+0000-U+001F, tab and newline too), DEL, C1 (U+0080-U+009F), the line and
paragraph separators U+2028/U+2029, the bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E,
U+2066-U+2069), lone surrogates (undecodable bytes under surrogateescape: unprintable as UTF-8)
and U+FFFE/U+FFFF (which XML 1.0 cannot hold). A backslash is left as it is: the escaped text is
for reading; the JSON output carries the exact value.
"""

from __future__ import annotations

import re

_UNSAFE = ("\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
           "\ud800-\udfff\ufffe\uffff")
UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _one(m: re.Match) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escape(text: object) -> str:
    """`text` as one line of safe, visible characters (str() of anything else first)."""
    s = text if isinstance(text, str) else str(text)
    return UNSAFE_RE.sub(_one, s) if UNSAFE_RE.search(s) else s


def escape_lines(text: str) -> str:
    """Multi-line text govkit built itself (e.g. a manifest block): keep its newlines, escape
    everything else in each line."""
    return "\n".join(escape(line) for line in text.split("\n"))


GATE_WORDS = ("GATE_OUTPUT", "GATE_STATUS", "NEXT_COMMANDS")


def data_line(text: object) -> str:
    """A printed line that starts with data (e.g. an audit record): escaped, and marked with
    "> " if it would begin like a gate-block line, so pasted output cannot hold a forged one."""
    s = escape(text)
    return f"> {s}" if s.lstrip().startswith(GATE_WORDS) else s


def is_safe(text: str) -> bool:
    return UNSAFE_RE.search(text) is None

"""COR-701: the one hashing model, the gate names and their codes, path quoting.

Hashing model (docs/compatibility.md, "post-work"): SHA-1 over LF-normalised bytes for text
(`\\r\\n` -> `\\n`, then a lone `\\r` -> `\\n`), over the raw bytes for binary (a NUL byte anywhere).
The same function hashes HEAD, index, worktree and range content. The variants that the original
cor701-sha/post-work would also have accepted (raw bytes, CRLF form) are "compat" hashes: a
manifest that carries one of them gets a warning, never an error.
"""

from __future__ import annotations

import hashlib
import re

from govkit.util.bytes import ZERO_SHA, is_binary, line_count, normalize_eol  # noqa: F401

# The ten gates of cor701-spec.json, in order, with their error codes.
GATES: tuple[tuple[str, str], ...] = (
    ("anchors_present", "C701-G01"),
    ("window_matches_plan", "C701-G02"),
    ("rails_untouched_outside_window", "C701-G04"),
    ("filename_canonical_and_openable", "C701-G06"),
    ("pre_sha1_captured", "C701-G05"),
    ("post_sha1_captured", "C701-G05"),
    ("line_delta_equals_expected", "C701-G05"),
    ("all_links_resolvable", "C701-G05"),
    ("manifest_written_and_path_returned", "C701-G05"),
    ("current_file_matches_preimage", "C701-G08"),
)
GATE_NAMES = tuple(g for g, _ in GATES)
GATE_CODES = dict(GATES)

# The fields of one manifest block, in the order govkit writes them: (key, label). A key is the
# label without spaces, '_', '-' and '*', lower-cased (label_key), so any spelling matches.
MANIFEST_FIELDS: tuple[tuple[str, str], ...] = (
    ("targetfile", "Target File"), ("start", "Start"), ("end", "End"),
    ("linedelta", "Line Delta"), ("presha1", "Pre-SHA1"), ("postsha1", "Post-SHA1"),
    ("gatespassed", "Gates Passed"),
)
FIELD_LABELS = dict(MANIFEST_FIELDS)
# One gate checkbox line of a manifest block: "- [x] anchors_present".
GATE_LINE = re.compile(r"^\s*(?:[-*+]\s*)?\[([ xX])\]\s*([A-Za-z0-9_]+)\s*$")


def label_key(label: str) -> str:
    return re.sub(r"[\s_\-*]", "", label).lower()


def canonical_sha1(data: bytes | None) -> str:
    """The one COR-701 hash; None (file absent) hashes to 40 zeros."""
    if data is None:
        return ZERO_SHA
    if is_binary(data):
        return hashlib.sha1(data).hexdigest()
    return hashlib.sha1(normalize_eol(data)).hexdigest()


def variants(data: bytes | None) -> dict[str, str]:
    """canonical, raw and crlf hashes (all equal for binary; all zeros for an absent file)."""
    if data is None:
        return {"canonical": ZERO_SHA, "raw": ZERO_SHA, "crlf": ZERO_SHA}
    raw = hashlib.sha1(data).hexdigest()
    if is_binary(data):
        return {"canonical": raw, "raw": raw, "crlf": raw}
    lf = normalize_eol(data)
    return {"canonical": hashlib.sha1(lf).hexdigest(), "raw": raw,
            "crlf": hashlib.sha1(lf.replace(b"\n", b"\r\n")).hexdigest()}


def compat_hashes(data: bytes | None) -> set[str]:
    """Hashes the original tool accepted that differ from the canonical one."""
    v = variants(data)
    return {v["raw"], v["crlf"]} - {v["canonical"]}


# ---- path quoting: manifests stay ASCII even for non-ASCII file names ------------------------
_ESC = {"\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
        '"': '"', "\\": "\\"}
_UNESC = {v: k for k, v in _ESC.items()}


def needs_quote(path: str) -> bool:
    return (path != path.strip() or "`" in path
            or any(ord(c) < 0x20 or ord(c) >= 0x7F or c in '"\\' for c in path))


def quote_path(path: str) -> str:
    """git's C-style quoting (octal escapes for every non-ASCII byte), only when needed."""
    if not needs_quote(path):
        return path
    out = ['"']
    for b in path.encode("utf-8", "surrogateescape"):
        c = chr(b)
        if c in _ESC:
            out.append("\\" + _ESC[c])
        elif b < 0x20 or b >= 0x7F:
            out.append(f"\\{b:03o}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def unquote_path(value: str) -> str:
    """Inverse of quote_path; a value not starting and ending with '\"' is returned as is."""
    v = value
    if not (len(v) >= 2 and v.startswith('"') and v.endswith('"')):
        return v
    body, buf, i = v[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n in "01234567" and i + 3 < len(body) + 0 and all(
                    ch in "01234567" for ch in body[i + 1:i + 4]) and len(body[i + 1:i + 4]) == 3:
                buf.append(int(body[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            if n in _UNESC:
                buf += _UNESC[n].encode()
                i += 2
                continue
        buf += c.encode("utf-8", "surrogateescape")
        i += 1
    return bytes(buf).decode("utf-8", "surrogateescape")

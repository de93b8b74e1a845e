"""COR-701: the one hashing model, the gate names and their codes, path quoting.

Hashing model (docs/compatibility.md, "post-work"): SHA-1 over LF-normalised bytes for text
(`\\r\\n` -> `\\n`, then a lone `\\r` -> `\\n`), over the raw bytes for binary (a NUL byte anywhere).
The same function hashes HEAD, index, worktree and range content. The variants that the original
cor701-sha/post-work would also have accepted (raw bytes, CRLF form) are "compat" hashes: a
manifest that carries one of them gets a warning, never an error.
"""

from __future__ import annotations

import hashlib

ZERO_SHA = "0" * 40

REQUIRED_FIELDS = ("target_file", "start", "end", "pre_sha1", "post_sha1", "line_delta",
                   "gates_passed")

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


def is_binary(data: bytes) -> bool:
    return b"\x00" in data


def normalize_eol(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


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


def line_count(data: bytes | None) -> int:
    """Lines as git counts them: newline characters plus an unterminated last line."""
    if not data:
        return 0
    n = data.count(b"\n")
    return n if data.endswith(b"\n") else n + 1


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


# ---- `govkit sha FILE` (the cor701-sha helper) ------------------------------------------------
def sha_report(ws, file: str):
    """Hash variants of FILE at HEAD, in the index and in the work tree, and what to declare."""
    import os
    from pathlib import Path

    from govkit.diffset import cat_blobs, read_worktree
    from govkit.errors import GovkitError
    from govkit.report import Report

    raw = (file or "").strip()
    if not raw:
        raise GovkitError("missing FILE argument")
    p = Path(raw.replace("\\", "/"))
    if not p.is_absolute():
        p = Path(os.getcwd()) / p
    p = Path(os.path.abspath(p))
    rel = None
    for root in (ws.root, Path(os.path.abspath(ws.root))):
        try:
            rel = p.relative_to(root).as_posix()
            break
        except ValueError:
            try:
                rel = Path(os.path.realpath(p.parent)).joinpath(p.name).relative_to(root).as_posix()
                break
            except ValueError:
                continue
    if rel is None or rel in ("", "."):
        raise GovkitError(f"'{file}' is outside the repository {ws.root}")
    ws.safe_path(rel, "FILE")
    blobs = cat_blobs(ws.git, [f"HEAD:{rel}", f":{rel}"])
    head, index = blobs.get(f"HEAD:{rel}"), blobs.get(f":{rel}")
    work = read_worktree(ws.root, rel)
    if head is None and index is None and work is None:
        raise GovkitError(f"'{rel}' exists neither at HEAD, nor in the index, nor in the work tree",
                          hint="check the path (it is relative to the current directory)")
    report = Report("sha")
    report.facts["file"] = quote_path(rel)
    for name, data in (("HEAD", head), ("INDEX", index), ("WORKTREE", work)):
        if data is None:
            report.facts[name] = "<absent>"
            continue
        v = variants(data)
        report.facts[name] = v["canonical"] + (" (binary)" if is_binary(data) else "")
        if v["raw"] != v["canonical"]:
            report.facts[f"{name} raw bytes (compat)"] = v["raw"]
        if v["crlf"] not in (v["canonical"], v["raw"]):
            report.facts[f"{name} CRLF form (compat)"] = v["crlf"]
    staged = index != head
    report.facts["Pre-SHA1"] = canonical_sha1(head) + ("  (new file)" if head is None else "")
    post_src = index if staged else work
    report.facts["Post-SHA1"] = canonical_sha1(post_src) + (
        "  (from the index: staged)" if staged else "  (from the work tree)")
    if work != index and staged:
        report.warn("GK-SHA-UNSTAGED", f"{rel} has unstaged edits on top of the staged version; "
                    "post-work in staged mode uses the index", rel, None, f"git add -- {rel}")
    elif not staged and work != head:
        report.info("GK-SHA-NOT-STAGED", f"{rel} is not staged: Post-SHA1 is the work-tree hash",
                    rel)
    report.info("GK-SHA-AFTER-COMMIT", "after committing, post-work (range mode) compares "
                "Pre-SHA1 with the base revision; `govkit manifest WP --write` computes every "
                "hash for you", rel)
    return report

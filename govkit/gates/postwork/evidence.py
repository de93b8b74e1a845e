"""EVIDENCE and EVIDENCE_MAPPING: the recorded test evidence and every `path:line` citation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.gates.postwork.entry import INT_RE
from govkit.model import cor701
from govkit.model.common import is_placeholder, strip_ticks
from govkit.result import Report
from govkit.vcs.diffset import DiffSet

if TYPE_CHECKING:
    from govkit.workspace import Workspace

# A citation is PATH:LINE[-END] where PATH is any run of characters git allows in a path up
# to the ':' (so '@', '+', '=' ... are kept: assets/packs/router_pack@1.json:1).
_CITE_RE = re.compile(r"(?<![^\s`'\"()<>\[\]{}|,;:])([^\s`'\"()<>\[\]{}|,;:]+):(\d+)(?:-(\d+))?(?!\w)")
_PATHLIKE = re.compile(r"/|\.[A-Za-z0-9_]+$")
_CUTS = "@=+~#!$&*"


def candidates(path: str) -> list[str]:
    """The path, then its suffixes after each punctuation character, longest first: the
    longest one that exists is the cited file."""
    out = [path]
    for i, ch in enumerate(path):
        if ch in _CUTS and path[i + 1:] and _PATHLIKE.search(path[i + 1:]):
            out.append(path[i + 1:])
    return out


def _section_lines(pkt, name: str) -> tuple[tuple[int, int] | None, list[tuple[int, str]]]:
    sec = pkt.md.section(name, exact=True, min_level=2)
    if sec is None:
        return None, []
    lines = pkt.doc.text.split("\n")
    body = [(n, lines[n - 1].rstrip("\r")) for n in range(sec[0] + 1, min(sec[1], len(lines) + 1))]
    return sec, body


def citations(pkt) -> list[tuple[str, int, int | None, int]]:
    """(path, line, end line or None, packet line) of every path:line in EVIDENCE_MAPPING."""
    _, body = _section_lines(pkt, "EVIDENCE_MAPPING")
    out = []
    for n, text in body:
        for m in _CITE_RE.finditer(text):
            path = m.group(1)
            while path.startswith("./"):
                path = path[2:]
            if not path or not _PATHLIKE.search(path) or path.startswith(("http", "//")):
                continue
            out.append((path, int(m.group(2)), int(m.group(3)) if m.group(3) else None, n))
    return out


def check_links(ws: Workspace, pkt, ds: DiffSet, report: Report | None) -> bool:
    """Every path:line cited in EVIDENCE_MAPPING exists in the post-change tree."""
    from govkit.vcs import diffset
    from govkit.vcs.git import cat_blobs

    cites = citations(pkt)
    if not cites:
        return True
    changed = ds.by_path()
    gone = {f.path for f in ds.files if f.deleted}
    need = sorted({p for c in cites for p in candidates(c[0]) if p not in changed})
    blobs: dict[str, bytes | None] = {}
    if ds.mode == "worktree":
        for p in need:
            blobs[p] = diffset.read_worktree(ws.root, p) if ".." not in p.split("/") else None
    else:
        prefix = "" if ds.mode == "staged" else ds.head
        specs = {p: f"{prefix}:{p}" for p in need if ".." not in p.split("/")}
        got = cat_blobs(ws.git, list(specs.values()))
        blobs = {p: got.get(s) for p, s in specs.items()}
    ok = True
    for cited, line, end, at in cites:
        path = next((p for p in candidates(cited)
                     if (p in changed and p not in gone) or blobs.get(p) is not None), cited)
        if path in changed:
            data = None if path in gone else changed[path].new_data
        else:
            data = blobs.get(path)
        if data is None:
            ok = False
            if report is not None:
                report.error("GK-POST-LINK", f"EVIDENCE_MAPPING cites {path}:{line}, but {path} "
                             "does not exist in the post-change tree", pkt.path, at,
                             "cite a file of the change (all_links_resolvable)")
            continue
        n = cor701.line_count(data)
        last = end if end is not None else line
        if line < 1 or last > n or last < line:
            ok = False
            if report is not None:
                report.error("GK-POST-LINK", f"EVIDENCE_MAPPING cites {path}:{line}"
                             f"{'-' + str(end) if end else ''}, but {path} has {n} line(s) "
                             "after the change", pkt.path, at, "fix the line number")
    return ok


def check_evidence(pkt, report: Report) -> None:
    rel = pkt.path
    sec, body = _section_lines(pkt, "EVIDENCE_MAPPING")
    if sec is None or not any(t.strip() for _, t in body):
        report.error("GK-POST-EVIDENCE-MAPPING", "missing or empty ## EVIDENCE_MAPPING section "
                     "(required for modern packets)", rel, sec[0] if sec else None,
                     "map each requirement to path:line in the changed files")
    elif not citations(pkt):
        report.error("GK-POST-EVIDENCE-MAPPING", "EVIDENCE_MAPPING cites no path:line", rel,
                     sec[0], "add entries such as '- rule 1.4 -> src/app.py:12'")
    sec, body = _section_lines(pkt, "EVIDENCE")
    if sec is None or not any(t.strip() for _, t in body):
        report.error("GK-POST-EVIDENCE", "missing or empty ## EVIDENCE section (required for "
                     "modern packets)", rel, sec[0] if sec else None,
                     "record '- COMMAND: ...' and '- EXIT_CODE: 0'")
        return
    fields = [f for f in pkt.md.fields if sec[0] < f.line < sec[1]]
    cmds = [f for f in fields if f.label.upper() == "COMMAND"
            and not is_placeholder(strip_ticks(f.value)) and "<paste" not in f.value.lower()]
    codes = [f for f in fields if f.label.upper() == "EXIT_CODE"
             and INT_RE.match(strip_ticks(f.value.strip()))]
    if not cmds:
        report.error("GK-POST-EVIDENCE", "EVIDENCE has no filled '- COMMAND:' line", rel, sec[0],
                     "paste the command you ran")
    if not codes:
        report.error("GK-POST-EVIDENCE", "EVIDENCE has no '- EXIT_CODE: <integer>' line", rel,
                     sec[0], "record the exit code, e.g. '- EXIT_CODE: 0'")

"""concurrency: In Progress WPs never share files, and each one beyond the first has its own
worktree (kernel 11.4, without its defects: scopes are compared as globs and directories, stale
worktrees do not count, and CI is judged from the committed records instead of skipped). A WP is
In Progress when this tree's board says so, or when `govkit start` set its packet In Progress
on its own branch (main's board says so only after the merge)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.globs import matches

if TYPE_CHECKING:
    from govkit.workspace import Workspace

_GLOB = "*?"


def _norm(pattern: str) -> str:
    p = pattern.strip().replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def _as_globs(pattern: str) -> list[tuple[str, ...]]:
    """A scope entry as glob segment tuples: a plain path also covers everything under it
    (as govkit.util.globs.matches reads it)."""
    p = _norm(pattern)
    if not p:
        return []
    if p.endswith("/"):
        return [tuple(p.rstrip("/").split("/")) + ("**",)]
    segs = tuple(p.split("/"))
    if not any(c in p for c in _GLOB):
        return [segs, segs + ("**",)]
    # "a/**.py": a ** inside a segment crosses directories like a lone one.
    return [tuple(s if "**" not in s or s == "**" else s.replace("**", "*") for s in segs)]


@lru_cache(maxsize=4096)
def _seg_meet(a: str, b: str) -> bool:
    """Can one path segment match both fnmatch-style patterns (* and ?)?"""
    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            if go(i + 1, j) or (j < len(b) and go(i, j + 1)):
                return True
        if j < len(b) and b[j] == "*":
            if go(i, j + 1) or (i < len(a) and go(i + 1, j)):
                return True
        if i == len(a) or j == len(b) or a[i] == "*" or b[j] == "*":
            return False
        return (a[i] == "?" or b[j] == "?" or a[i] == b[j]) and go(i + 1, j + 1)

    return go(0, 0)


def _path_meet(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Can one path match both segment patterns ('**' = any number of segments)?"""
    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "**":
            if go(i + 1, j) or (j < len(b) and go(i, j + 1)):
                return True
        if j < len(b) and b[j] == "**":
            if go(i, j + 1) or (i < len(a) and go(i + 1, j)):
                return True
        if i == len(a) or j == len(b) or a[i] == "**" or b[j] == "**":
            return False
        return _seg_meet(a[i], b[j]) and go(i + 1, j + 1)

    return go(0, 0)


def scopes_overlap(a: str, b: str) -> bool:
    """True when some path is inside both scope entries (files, directories or globs)."""
    return any(_path_meet(x, y) for x in _as_globs(a) for y in _as_globs(b))


def _tracked(ws: Workspace) -> list[str]:
    return [p for p in ws.git.out("ls-files", "-z", check=False).split("\0") if p]


def check_concurrency(ws: Workspace, report: Report) -> None:
    board_rel = ws.p("task_board")
    if not ws.abs(board_rel).is_file():
        report.error("GK-CI-CONC-BOARD", "task board is missing", board_rel, None,
                     "govkit init writes one")
        return
    running: dict[str, int | None] = {}
    for e in ws.board().entries:
        if e.wp and e.token == "IN_PROGRESS":
            running.setdefault(e.wp, e.line)
    deferred: GovkitError | None = None
    try:
        on_branch = _started_on_branches(ws, set(running))
    except GovkitError as exc:  # e.g. an unreadable gate log: judge the board first, then say so
        on_branch, deferred = {}, exc
    for wp in on_branch:
        running[wp] = None
    wps = sorted(running)
    report.facts.setdefault("in_progress", wps)
    if on_branch:
        report.facts["in_progress_on_branches"] = {wp: ref for wp, (ref, _) in on_branch.items()}
    scopes: dict[str, list[str]] = {}
    for wp in wps:
        if wp in on_branch:
            pkt = on_branch[wp][1]
            rel = pkt.path
        else:
            try:
                rel, _how = ws.resolve_packet(wp)
            except GovkitError as exc:
                report.error("GK-CI-CONC-PACKET", f"In Progress WP {wp} has no packet: "
                             f"{exc.message}", board_rel, running[wp], exc.hint)
                continue
            pkt = ws.packet(rel)
        entries = [s.path for s in pkt.in_scope_paths or [] if _norm(s.path)]
        if not entries:
            report.error("GK-CI-CONC-SCOPE", f"In Progress WP {wp} declares no IN_SCOPE_PATHS, so "
                         "its changes cannot be kept apart from other WPs", rel,
                         pkt.in_scope_line or None, "list the files or globs it may change")
        scopes[wp] = entries
    tracked: list[str] | None = None
    for n, a in enumerate(wps):
        for b in wps[n + 1:]:
            pairs = sorted({(x, y) for x in scopes.get(a, []) for y in scopes.get(b, [])
                            if scopes_overlap(x, y)})
            if not pairs:
                continue
            if tracked is None:
                tracked = _tracked(ws)
            files = sorted(f for f in tracked if any(matches(f, x) and matches(f, y) for x, y in pairs))
            shown = "; ".join(f"'{x}' ~ '{y}'" for x, y in pairs[:5])
            named = f" (files: {', '.join(files[:8])}{' ...' if len(files) > 8 else ''})" if files else ""
            report.error("GK-CI-CONC-OVERLAP", f"In Progress WPs {a} and {b} overlap in "
                         f"IN_SCOPE_PATHS: {shown}{named}", board_rel, running[b],
                         "narrow the scopes, or finish one WP before starting the other")
    if deferred is not None:
        raise deferred
    _check_worktrees(ws, wps, running, report)


def _started_on_branches(ws: Workspace, known: set[str]) -> dict:
    """WPs started on their own branch (`govkit start` commits there, so this tree's board still
    says Ready for Dev): for each packet of this tree that is not done, its PREPARE branch, local
    or a remote-tracking copy, holds the packet with Status In Progress. {wp: (ref, packet)};
    one for-each-ref and one cat-file for all of them."""
    from govkit.model import markdown as mdparse
    from govkit.model.packet import parse_packet
    from govkit.util.textio import decode
    from govkit.vcs.git import cat_blobs

    pdir = ws.p("task_packets_dir")
    d = ws.abs(pdir)
    if not d.is_dir():
        return {}
    wanted: dict[str, tuple[str, str]] = {}
    log = ws.gate_log()   # record-prepare always logs PREPARE there (also in strict)
    here = ws.git.branch()
    for name in sorted(os.listdir(d)):
        wp = name[:-3]
        rel = f"{pdir}/{name}"
        if not name.endswith(".md") or wp in known or not (d / name).is_file():
            continue
        prep = log.last(wp, "PREPARE")
        branch = str((prep or {}).get("branch") or "").removeprefix("refs/heads/")
        if branch and branch != here and not ws.packet(rel).done_like:
            wanted[wp] = (branch, rel)
    if not wanted:
        return {}
    refs = ws.git.out("for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes",
                      check=False).split()
    specs: dict[str, list[str]] = {}
    for wp, (branch, rel) in wanted.items():
        mine = [r for r in refs if r == f"refs/heads/{branch}" or
                (r.startswith("refs/remotes/") and r.split("/", 3)[3:] == [branch])]
        specs[wp] = [f"{r}:{rel}" for r in mine]
    blobs = cat_blobs(ws.git, [s for v in specs.values() for s in v])
    out = {}
    for wp, names in specs.items():
        for spec in names:
            raw = blobs.get(spec)
            if raw is None:
                continue
            try:
                doc = decode(raw, wanted[wp][1])
                pkt = parse_packet(doc, mdparse.parse(doc))
            except GovkitError:
                continue
            if pkt.in_progress:
                out[wp] = (spec.split(":", 1)[0], pkt)
                break
    return out


def _check_worktrees(ws: Workspace, wps: list[str], lines: dict[str, int | None],
                     report: Report) -> None:
    board_rel = ws.p("task_board")
    if len(wps) < 2:
        return
    # The committed records (PREPARE) say where each WP runs: two WPs may not share one.
    log = ws.gate_log()
    seen: dict[str, str] = {}
    for wp in wps:
        prep = log.last(wp, "PREPARE")
        wt = str((prep or {}).get("worktree_dir") or "").replace("\\", "/").rstrip("/")
        if not wt:
            continue
        key = os.path.normpath(wt)
        if key in seen:
            report.error("GK-CI-CONC-SHARED", f"In Progress WPs {seen[key]} and {wp} are prepared "
                         f"for the same worktree '{wt}'", ws.p("gate_log"), None,
                         f"govkit record-prepare {wp} <coder> with its own worktree")
        else:
            seen[key] = wp
    if os.environ.get("CI"):
        report.facts["worktrees"] = "CI: judged from the board and the PREPARE records"
        return
    live = [t for t in ws.git.worktrees() if "prunable" not in t and "bare" not in t]
    linked = max(0, len(live) - 1)
    need = len(wps) - 1
    report.facts["worktrees"] = {"linked": linked, "required": need}
    if linked < need:
        report.error("GK-CI-CONC-WORKTREE", f"{len(wps)} WPs are In Progress ({', '.join(wps)}) "
                     f"but only {linked} linked worktree(s) exist; each WP beyond the first needs "
                     "its own", board_rel, lines[wps[1]], "govkit worktree-add <WP>")

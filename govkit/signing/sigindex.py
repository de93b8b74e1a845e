"""Where has a signature token ever been used? (the search behind the one-time-use rule).

The rule itself lives in govkit/gates/signature.py; this module only finds uses, everywhere:

1. the gate log (every entry, any field) and the SIGNATURE_AUDIT rows of this worktree;
2. the working tree of every worktree of the repository (`git worktree list --porcelain`), tracked
   and untracked files, committed or not (`git grep --untracked`, one process per worktree);
3. the whole history of every ref (`git log --all -S<token>`: ONE process that walks every commit
   reachable from any branch, tag, remote or stash once and reports the commits that add or
   remove the token; `--reverse` puts the first use first), and every commit message
   (`git log --all --grep`, one more process).

All git processes run concurrently. The audit trail and govkit's own state directory are not
searched: they record refused attempts, and a refused token must stay usable. A git failure is an
error (fail closed), never "not found".
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from govkit.workspace import Workspace


class Use(NamedTuple):
    where: str            # "gate log", "signature audit", "worktree", "history", "commit message"
    path: str | None = None
    line: int | None = None
    commit: str | None = None
    ref: str | None = None
    detail: str = ""

    def describe(self) -> str:
        loc = f"{self.path}:{self.line}" if self.path and self.line else (self.path or "")
        if self.where == "history":
            return (f"first used in commit {self.commit[:12]} on {self.ref or '?'}"
                    + (f" at {loc}" if loc else ""))
        if self.where == "commit message":
            return f"used in the message of commit {self.commit[:12]} on {self.ref or '?'}"
        if self.where == "worktree":
            return f"present in worktree {self.detail} at {loc}"
        return f"used in the {self.where} at {loc}" + (f" ({self.detail})" if self.detail else "")


def _excluded(ws: Workspace) -> list[str]:
    out = [ws.p("state_dir")]
    return [p.rstrip("/") for p in out if p and p not in (".", "")]


def _is_excluded(path: str, excl: list[str]) -> bool:
    return any(path == e or path.startswith(e + "/") for e in excl)


def _start(ws: Workspace, args: list[str], cwd: Path | None = None) -> subprocess.Popen:
    from govkit.vcs.git import PINNED, _counter, _env

    _counter["spawned"] += 1
    try:
        return subprocess.Popen(["git", *PINNED, *args], cwd=cwd or ws.root, env=_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise GovkitError("git is not installed or not on PATH") from None


def _finish(proc: subprocess.Popen, what: str, ok_codes=(0,)) -> str:
    out, err = proc.communicate()
    if proc.returncode not in ok_codes:
        msg = err.decode("utf-8", "replace").strip().splitlines()
        raise GovkitError(f"one-time-use search failed ({what}): "
                          f"{msg[-1] if msg else proc.returncode}",
                          hint="the signature cannot be checked, so it is not accepted; fix the "
                               "repository (git fsck) and retry")
    return out.decode("utf-8", "replace")


def find_uses(ws: Workspace, token: str, history: bool = True) -> list[Use]:
    """Every place the token occurs, most authoritative first (empty: never used)."""
    if not token or not token.isalnum():
        raise GovkitError(f"signature token {token!r} must be alphanumeric to be searched")
    excl = _excluded(ws)
    procs: dict[str, subprocess.Popen] = {}
    has_head = ws.git.head() is not None
    if history and has_head:
        procs["history"] = _start(ws, ["log", "--all", "--source", "--reverse", "--no-renames",
                                       "--format=%x01%H %S", "--name-only", "-S" + token])
        procs["message"] = _start(ws, ["log", "--all", "--source", "--reverse", "-F",
                                       "--format=%H %S", "--grep=" + token])
    trees = []
    for t in ws.git.worktrees():
        wt = t.get("worktree")
        if not wt or "bare" in t or "prunable" in t or not Path(wt).is_dir():
            continue
        trees.append(wt)
        excl_specs = [f":(exclude){e}" for e in excl]
        procs[f"wt:{wt}"] = _start(ws, ["grep", "-n", "-I", "-F", "--untracked", "--no-color",
                                        "-e", token, "--", ".", *excl_specs], cwd=Path(wt))
    if not trees:
        procs[f"wt:{ws.root}"] = _start(ws, ["grep", "-n", "-I", "-F", "--untracked", "-e", token,
                                             "--", ".", *[f":(exclude){e}" for e in excl]])

    uses: list[Use] = []
    uses += _in_state(ws, token)

    if "history" in procs:
        out = _finish(procs.pop("history"), "git log -S")
        first = None
        for block in out.split("\x01")[1:]:
            lines = [ln for ln in block.splitlines() if ln.strip()]
            if not lines:
                continue
            sha, _, ref = lines[0].partition(" ")
            paths = [p for p in lines[1:] if not _is_excluded(p, excl)]
            if paths:
                first = (sha, ref, paths)
                break
        if first:
            sha, ref, paths = first
            path, line = _locate(ws, sha, token, paths)
            uses.append(Use("history", path, line, sha, ref))
        msg = _finish(procs.pop("message"), "git log --grep")
        for ln in msg.splitlines():
            if ln.strip():
                sha, _, ref = ln.partition(" ")
                uses.append(Use("commit message", commit=sha, ref=ref))
                break
    for key, proc in procs.items():
        wt = key[3:]
        out = _finish(proc, f"git grep in {wt}", ok_codes=(0, 1))
        for ln in out.splitlines():
            path, _, rest = ln.partition(":")
            num, _, _ = rest.partition(":")
            uses.append(Use("worktree", path, int(num) if num.isdigit() else None, detail=wt))
    return uses


def _locate(ws: Workspace, sha: str, token: str, paths: list[str]) -> tuple[str | None, int | None]:
    """path:line of the token in commit sha (or in its parent, when the commit removed it)."""
    for rev in (sha, sha + "^"):
        p = ws.git.run("grep", "-n", "-I", "-F", "-e", token, rev, "--", *paths, check=False)
        if p.returncode == 0:
            first = p.stdout.decode("utf-8", "replace").splitlines()[0]
            # <rev>:<path>:<line>:<text>
            parts = first.split(":", 3)
            if len(parts) >= 3 and parts[2].isdigit():
                return parts[1], int(parts[2])
    return paths[0], None


def _in_state(ws: Workspace, token: str) -> list[Use]:
    uses = []
    log = ws.gate_log()
    for n, e in enumerate(log.entries):
        if any(isinstance(v, str) and token in v for v in e.values()):
            uses.append(Use("gate log", ws.p("gate_log"), None,
                            detail=f"entry {n + 1}: {e.get('type')} {e.get('wpId')}"))
    rows = ws.signature_rows() or []
    for r in rows:
        if token in (r.signature, ) or token in r.notes or token in r.purpose:
            uses.append(Use("signature audit", ws.p("signature_audit"), r.line,
                            detail=r.purpose))
    return uses

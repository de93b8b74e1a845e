"""The demo's machinery: a Demo runs real commands (govkit as `python -m govkit --repo DIR`,
git) in a checkout, prints each command, its verdict line and its warnings, and raises
StageFailed on an unexpected exit code. A Step is one stage of the tour."""

from __future__ import annotations

import difflib
import hashlib
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from govkit.errors import GovkitError
from govkit.util.escape import escape


class StageFailed(Exception):
    """A command gave an unexpected verdict; the demo stops at this stage."""


@dataclass
class Step:
    name: str                                  # short stage name, printed and used in errors
    say: str                                   # one line: what this stage shows
    run: Callable[[Demo], None]                # raises StageFailed on an unexpected verdict


@dataclass
class Demo:
    home: Path                                 # the demo directory: repo/, keys/, wt-*/, ...
    out: Callable[[str], None] = print
    env: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)

    @property
    def repo(self) -> Path:
        """The main checkout (branch main)."""
        return self.home / "repo"

    def wt(self, wp: str) -> Path:
        """A WP's worktree: the default worktree_template `../wt-{wp}` beside the repository."""
        return self.home / f"wt-{wp}"

    def say(self, text: str) -> None:
        self.out(f"  {escape(text)}")

    def _where(self, at: Path | None) -> str:
        return (at or self.repo).name

    # ---- commands ---------------------------------------------------------------------------
    def gk(self, *args: str, at: Path | None = None, expect: int = 0,
           show: bool = True) -> subprocess.CompletedProcess:
        """Run govkit in a checkout (default: the main one); check its exit code."""
        where = at or self.repo
        cmd = [sys.executable, "-m", "govkit", "--repo", str(where), *args]
        if show:
            self.out(f"[{self._where(at)}] $ govkit {_cmdline(args)}")
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd=where)
        if show:
            self.out(f"  {escape(verdict_line(p))}")
            for ln in p.stdout.splitlines():
                if ln.startswith("WARNING ") or (expect != 0 and ln.startswith("ERROR ")):
                    self.out(f"    {escape(ln.strip())}")
        if p.returncode != expect:
            detail = (p.stdout + p.stderr).strip()
            raise StageFailed(f"`govkit {' '.join(args)}` exited {p.returncode}, expected {expect}"
                              + (f"\n{_indent(detail)}" if detail else ""))
        return p

    def git(self, *args: str, at: Path | None = None, show: bool = True) -> str:
        if show:
            self.out(f"[{self._where(at)}] $ git {_cmdline(args)}")
        try:
            p = subprocess.run(["git", *args], cwd=at or self.repo, capture_output=True,
                               text=True, env=self.env)
        except FileNotFoundError:
            raise GovkitError("git is not installed or not on PATH", hint="install git") from None
        if p.returncode != 0:
            raise StageFailed(f"`git {' '.join(args)}` failed: {(p.stderr or p.stdout).strip()}")
        return p.stdout.strip()

    def commit(self, message: str, at: Path | None = None) -> str:
        """Commit everything; the message carries the trailers that witness the audit trail's
        head (as every govkit commit does), so cutting the trail later is detected."""
        self.git("add", "-A", at=at, show=False)
        trailers = self.gk("audit", "trailers", at=at, show=False).stdout.strip()
        self.git("commit", "-q", "-m", message, *(["-m", trailers] if trailers else []), at=at,
                 show=False)
        self.out(f"[{self._where(at)}] $ git commit -m {shlex.quote(message)}  "
                 "(+ the audit trailers of `govkit audit trailers`)")
        return self.git("rev-parse", "HEAD", at=at, show=False)

    def clean(self, at: Path | None = None) -> None:
        """`git status --porcelain` must be empty."""
        status = self.git("status", "--porcelain", at=at)
        if status:
            raise StageFailed(f"the tree of {self._where(at)} is not clean:\n{_indent(status)}")
        self.say("(git status: clean)")

    # ---- files ------------------------------------------------------------------------------
    def read(self, rel: str, at: Path | None = None) -> str:
        return ((at or self.repo) / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str, at: Path | None = None, show: bool = True) -> None:
        from govkit.store.atomic import atomic_write_bytes

        if show:
            self.out(f"  write {escape(rel)}")
        atomic_write_bytes((at or self.repo) / rel, text.encode("utf-8"))

    def edit(self, rel: str, pairs: dict[str, str], at: Path | None = None,
             who: str = "") -> None:
        """Replace exact template lines, as a person filling the file would, and show the edit
        as a short diff."""
        old = self.read(rel, at)
        new = old
        for a, b in pairs.items():
            if a not in new:
                raise StageFailed(f"{rel} has no line {a!r} to fill")
            new = new.replace(a, b, 1)
        self.write(rel, new, at, show=False)
        self.out(f"  edit {escape(rel)}" + (f"  ({who})" if who else ""))
        for ln in short_diff(old, new):
            self.out(f"    {escape(ln)}")


    def show_commit_diff(self, rel: str, at: Path | None = None, rev: str = "HEAD",
                         limit: int = 16, who: str = "govkit", per_hunk: int = 0) -> None:
        """What commit `rev` changed in one file, as a short diff (e.g. what govkit wrote into
        a packet)."""
        old = self.git("show", f"{rev}^:{rel}", at=at, show=False)
        new = self.git("show", f"{rev}:{rel}", at=at, show=False)
        self.out(f"  {escape(rel)} in {rev} ({who})")
        for ln in short_diff(old, new, limit, per_hunk):
            self.out(f"    {escape(ln)}")


def short_diff(old: str, new: str, limit: int = 16, per_hunk: int = 0) -> list[str]:
    """The changed lines (-/+) without context or headers; at most `limit` lines, and with
    per_hunk at most that many removed and added lines of each hunk (so every place shows)."""
    lines: list[str] = []
    hunk: list[str] = []
    skipped = 0

    def flush() -> None:
        nonlocal skipped
        keep = hunk if not per_hunk else (
            [h for h in hunk if h[0] == "-"][:per_hunk] + [h for h in hunk if h[0] == "+"][:per_hunk])
        skipped += len(hunk) - len(keep)
        lines.extend(keep)
        hunk.clear()

    for ln in difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm=""):
        if ln.startswith("@@"):
            flush()
        elif not ln.startswith(("---", "+++")):
            hunk.append(ln)
    flush()
    if len(lines) > limit:
        skipped += len(lines) - limit
        lines = lines[:limit]
    if skipped:
        lines.append(f"... ({skipped} more changed line(s))")
    return lines


def tree_hash(root: Path, git_index: str, head: str) -> str:
    """SHA-256 over every file of a work tree (path, mode, content; not .git) plus the index
    and HEAD: equal before and after means the tree is byte for byte what it was."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if name == ".git":
                continue
            st = os.lstat(p)
            rel = p.relative_to(root).as_posix()
            data = os.readlink(p).encode() if os.path.islink(p) else p.read_bytes()
            h.update(f"{rel}\0{st.st_mode:o}\0".encode() + hashlib.sha256(data).digest())
    h.update(git_index.encode() + b"\0" + head.encode())
    return h.hexdigest()


def _cmdline(args: tuple[str, ...]) -> str:
    return escape(" ".join(shlex.quote(a) for a in args))


def _indent(text: str) -> str:
    return "\n".join("    " + escape(line) for line in text.splitlines()[-15:])


def verdict_line(p: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in (p.stdout or "").splitlines() if ln.strip()]
    for ln in reversed(lines):
        if ln.rstrip().endswith(("PASS", "FAIL")) or ": PASS" in ln or ": FAIL" in ln:
            return ln.strip()
    err = [ln for ln in (p.stderr or "").splitlines() if ln.strip()]
    if lines:
        return lines[-1].strip()
    return err[-1].strip() if err else f"(exit {p.returncode})"

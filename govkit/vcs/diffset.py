"""One change set, read from git in batches: a constant number of git processes per mode.

- name-status + numstat for every file: ONE `git diff --raw --numstat -z -M` call;
- the hunks of every file: ONE `git diff --unified=0 -M` call;
- the content of every old/new blob: ONE `git cat-file --batch` call (worktree files from disk).

All calls use the pinned options of govkit.vcs.git (config-independent output). The three modes:
staged (index vs base), worktree (work tree vs base; untracked, non-ignored files count as new
files) and range (base commit vs head commit).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from govkit.errors import GovkitError
from govkit.util.bytes import ZERO_SHA, is_binary, line_count
from govkit.vcs.git import DIFF_PINNED, Git, cat_blobs

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
# Output-shaping options pinned on top of govkit.vcs.git.PINNED/DIFF_PINNED.
DIFF_OPTS = [*DIFF_PINNED, "-M", "--no-abbrev", "--indent-heuristic", "--inter-hunk-context=0",
             "--src-prefix=a/", "--dst-prefix=b/"]

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class Hunk(NamedTuple):
    old_start: int
    old_len: int
    new_start: int
    new_len: int


@dataclass
class FileChange:
    status: str                 # A M D R T C (first letter of git's status)
    path: str                   # the path after the change (the old path for a deletion)
    old_path: str | None        # the path before the change (None for an added file)
    old_oid: str = ZERO_SHA
    new_oid: str = ZERO_SHA
    old_mode: str = "000000"
    new_mode: str = "000000"
    adds: int | None = None     # None: binary for git (numstat '-')
    dels: int | None = None
    hunks: list[Hunk] = field(default_factory=list)
    untracked: bool = False
    old_data: bytes | None = None
    new_data: bytes | None = None
    loaded: bool = False

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    @property
    def added(self) -> bool:
        return self.status == "A"

    @property
    def delta(self) -> int | None:
        return None if self.adds is None or self.dels is None else self.adds - self.dels

    def paths(self) -> list[str]:
        return [p for p in dict.fromkeys([self.old_path, self.path]) if p]


@dataclass
class DiffSet:
    mode: str                   # staged | worktree | range
    base: str                   # commit (or the empty tree)
    head: str | None            # range head commit; None for staged/worktree
    files: list[FileChange]

    def by_path(self) -> dict[str, FileChange]:
        return {f.path: f for f in self.files}


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def mode_args(mode: str, base: str, head: str | None) -> list[str]:
    if mode == "staged":
        return ["--cached", base]
    if mode == "worktree":
        return [base]
    return [base, head or "HEAD"]


def read_changes(git: Git, mode: str, base: str, head: str | None = None) -> list[FileChange]:
    """Every changed file with status, blob ids and numstat: one git process."""
    out = git.run("diff", *DIFF_OPTS, "--raw", "--numstat", "-z", *mode_args(mode, base, head),
                  "--").stdout
    toks = out.split(b"\0")
    if toks and toks[-1] == b"":
        toks.pop()
    files: list[FileChange] = []
    i = 0
    while i < len(toks) and toks[i].startswith(b":"):
        head_tok = toks[i].decode("ascii", "replace")[1:].split(" ")
        if len(head_tok) < 5:
            raise GovkitError(f"unexpected git diff --raw output: {toks[i][:80]!r}")
        omode, nmode, ooid, noid, status = head_tok[:5]
        letter = status[:1]
        if letter == "U":
            raise GovkitError(f"unmerged path '{_decode(toks[i + 1])}': resolve the merge "
                              "conflict first", hint="git status")
        if letter in ("R", "C"):
            old, new = _decode(toks[i + 1]), _decode(toks[i + 2])
            i += 3
        else:
            old = new = _decode(toks[i + 1])
            i += 2
        fc = FileChange(letter, new, None if letter == "A" else old, ooid, noid, omode, nmode)
        if letter == "D":
            fc.path = old
        files.append(fc)
    n = 0
    while i < len(toks) and n < len(files):
        parts = toks[i].split(b"\t", 2)
        i += 1
        if len(parts) < 3:
            continue
        if parts[2] == b"":      # rename/copy: two path tokens follow
            i += 2
        fc = files[n]
        n += 1
        if parts[0] != b"-" and parts[1] != b"-":
            fc.adds, fc.dels = int(parts[0]), int(parts[1])
    return files


def read_hunks(git: Git, mode: str, base: str, head: str | None, files: list[FileChange]) -> None:
    """Hunks of every file from ONE `git diff --unified=0` call, assigned in output order."""
    if not any(f for f in files if not f.untracked):
        return
    out = git.run("diff", *DIFF_OPTS, "--unified=0", *mode_args(mode, base, head), "--").stdout
    sections: list[list[Hunk]] = []
    for line in out.split(b"\n"):
        if line.startswith(b"diff --git "):
            sections.append([])
        elif line.startswith(b"@@ ") and sections:
            m = _HUNK.match(line)
            if m:
                sections[-1].append(Hunk(int(m.group(1)), int(m.group(2) or b"1"),
                                         int(m.group(3)), int(m.group(4) or b"1")))
    tracked = [f for f in files if not f.untracked]
    want = sum(2 if f.status == "T" else 1 for f in tracked)
    if want != len(sections):
        raise GovkitError(f"git diff returned {len(sections)} file sections for {want} changed "
                          "files; cannot align hunks", hint="report this with `git diff --raw`")
    k = 0
    for f in tracked:
        f.hunks = list(sections[k])
        k += 1
        if f.status == "T":
            f.hunks += sections[k]
            k += 1


def untracked_files(git: Git) -> list[FileChange]:
    out = git.run("ls-files", "-z", "--others", "--exclude-standard").stdout
    res = []
    for tok in out.split(b"\0"):
        if tok:
            res.append(FileChange("A", _decode(tok), None, untracked=True, new_mode="100644"))
    return res


def read_worktree(root: Path, rel: str) -> bytes | None:
    p = root / rel
    try:
        if p.is_symlink():
            return os.fsencode(os.readlink(p))
        if not p.is_file():
            return None
        return p.read_bytes()
    except OSError:
        return None


def load_contents(git: Git, ds: DiffSet, root: Path) -> None:
    """Old and new bytes of every file (one cat-file process; worktree files from disk)."""
    specs = []
    for f in ds.files:
        if f.old_path and f.old_oid != ZERO_SHA and not f.old_mode.startswith("160"):
            specs.append(f.old_oid)
        if ds.mode != "worktree" and not f.deleted and f.new_oid != ZERO_SHA \
                and not f.new_mode.startswith("160"):
            specs.append(f.new_oid)
    blobs = cat_blobs(git, specs)
    for f in ds.files:
        f.old_data = blobs.get(f.old_oid) if f.old_path else None
        if f.deleted:
            f.new_data = None
        elif ds.mode == "worktree":
            f.new_data = read_worktree(root, f.path)
        else:
            f.new_data = blobs.get(f.new_oid)
        f.loaded = True


def collect(git: Git, mode: str, base: str, head: str | None = None,
            files: list[FileChange] | None = None, untracked: bool = False,
            contents: bool = True) -> DiffSet:
    """The full change set of one mode: files, numstat, hunks and (optionally) contents."""
    if files is None:
        files = read_changes(git, mode, base, head)
    if untracked and mode == "worktree":
        known = {f.path for f in files}
        files = files + [f for f in untracked_files(git) if f.path not in known]
    read_hunks(git, mode, base, head, files)
    ds = DiffSet(mode, base, head, sorted(files, key=lambda f: f.path))
    if contents:
        load_contents(git, ds, git.root)
    for f in ds.files:
        if f.untracked:
            data = f.new_data
            if data is None or is_binary(data):
                f.adds = f.dels = None if data else 0
                if data is None:
                    f.adds = f.dels = 0
            else:
                n = line_count(data)
                f.adds, f.dels = n, 0
                f.hunks = [Hunk(0, 0, 1, n)] if n else []
    return ds

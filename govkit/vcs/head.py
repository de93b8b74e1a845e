"""The git directories and HEAD's commit id read from the git files: no process in the common
case (gate events record HEAD on every run, and start-up is latency)."""

from __future__ import annotations

import os
from pathlib import Path


def git_dirs(root: Path) -> tuple[Path, Path] | None:
    """(git dir, common git dir) of the work tree at root, from `.git` (a directory, or a file
    naming the worktree's git dir); None when the files do not say (then ask git)."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_COMMON_DIR"):
        return None
    try:
        gitdir = Path(root) / ".git"
        if gitdir.is_file():
            text = gitdir.read_text().strip()
            if not text.startswith("gitdir:"):
                return None
            gitdir = (Path(root) / text[7:].strip()).resolve()
        if not (gitdir / "HEAD").is_file():
            return None
        common = gitdir
        if (gitdir / "commondir").is_file():
            common = (gitdir / (gitdir / "commondir").read_text().strip()).resolve()
        return gitdir, common
    except OSError:
        return None


def head_ref(root: Path) -> str | None:
    """What HEAD points at ('refs/heads/main'; a commit id when detached), from the files;
    None when the files do not say (then ask git)."""
    dirs = git_dirs(root)
    if dirs is None:
        return None
    try:
        head = (dirs[0] / "HEAD").read_text().strip()
    except OSError:
        return None
    return head[4:].strip() if head.startswith("ref:") else head or None


def git_head(root: Path) -> str | None:
    """HEAD's commit id from the .git files (worktrees and packed refs too); one `git
    rev-parse` call only when the files do not say."""
    dirs = git_dirs(root)
    try:
        if dirs is None:
            raise OSError("ask git")
        gitdir, common = dirs
        head = (gitdir / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head or None
        ref = head[4:].strip()
        for base in (gitdir, common):
            f = base / ref
            if f.is_file():
                return f.read_text().strip()
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
        return None  # unborn branch
    except OSError:
        pass
    import subprocess

    try:
        p = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root,
                           capture_output=True, text=True, timeout=10)
        return p.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def git_dirs_any(root: Path) -> tuple[Path, Path] | None:
    """git_dirs(root), or git's own answer (one process) when the files do not say; None
    outside a git repository."""
    dirs = git_dirs(root)
    if dirs is not None:
        return dirs
    import subprocess

    try:
        p = subprocess.run(["git", "rev-parse", "--absolute-git-dir", "--git-common-dir"],
                           cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = p.stdout.splitlines()
    if p.returncode != 0 or len(lines) < 2:
        return None
    gitdir = Path(lines[0])
    return gitdir, (gitdir / lines[1]).resolve() if not Path(lines[1]).is_absolute() \
        else Path(lines[1])

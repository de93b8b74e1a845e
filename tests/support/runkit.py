"""Helpers for the `govkit run` tests: a sample workspace whose test command is a small Python
script, ChangeSet files, and a fingerprint of every file and index entry of a repository."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

from support.repo import commit_all, git
from support.wsfactory import make_sample

WP = "WP-1-Demo"
CHECK = ("import sys\n"
         "src = open('src/app.py').read()\n"
         "print('checked', len(src))\n"
         "sys.exit(0 if 'FAIL-TESTS' not in src else 1)\n")


def setup(repo: Path, cfg: str = "", scope=("src/",), test_command: list[str] | None = None,
          check: str = CHECK) -> Path:
    """make_sample with a loop.test_command (default: python check.py) and more files in src/."""
    gov = repo / ".GOV"
    gov.mkdir(exist_ok=True)
    cmd = test_command or [sys.executable, "check.py"]
    (gov / "govkit.yaml").write_text("loop:\n  test_command: " + json.dumps(cmd) + "\n"
                                     "  test_timeout_seconds: 20\n" + cfg)
    (repo / "check.py").write_text(check)
    (repo / ".gitignore").write_text(".GOV/.govkit/\n")
    src = repo / "src"
    src.mkdir(exist_ok=True)
    (src / "util.py").write_text("def helper():\n    return 1\n")
    (src / "tool.sh").write_text("#!/bin/sh\necho tool\n")
    os.chmod(src / "tool.sh", 0o755)
    (src / "old.py").write_text("OLD = True\n")
    make_sample(repo, scope=tuple(scope))
    return repo


def blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def before(repo: Path, rel: str) -> str:
    return blob((repo / rel).read_bytes())


def changeset(path: Path, edits: list[dict], message: str = "implement rule 1.4",
              mapping: list[str] | None = ("rule 1.4 -> src/app.py:1",), **extra) -> str:
    cs = {"message": message, "edits": edits, **extra}
    if mapping:
        cs["meta"] = {"evidence_mapping": list(mapping)}
    path.write_text(json.dumps(cs, indent=1))
    return str(path)


def modify(repo: Path, rel: str, after: str) -> dict:
    return {"path": rel, "mode": "modify", "after": after, "before_sha": before(repo, rel)}


def fingerprint(repo: Path) -> dict:
    """sha256 and mode of every file in the work tree (not .git, not the state directory or
    the audit trail, which every command may write), plus the index."""
    out: dict = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        rel_dir = Path(dirpath).relative_to(repo)
        dirnames[:] = [d for d in dirnames if d != ".git"
                       and (rel_dir / d).as_posix() not in (".GOV/.govkit", ".GOV/audit")]
        for d in dirnames:
            out[(rel_dir / d).as_posix() + "/"] = "dir"
        for name in filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            key = p.relative_to(repo).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out[key] = ("link", os.readlink(p))
            else:
                out[key] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mode & 0o7777)
    out["<index>"] = git(repo, "ls-files", "-s")
    out["<HEAD>"] = git(repo, "rev-parse", "HEAD")
    return out


def runs(repo: Path) -> list[str]:
    d = repo / ".git" / "govkit" / "runs"  # the state dir lives in the git directory
    return sorted(os.listdir(d)) if d.is_dir() else []


def report(proc) -> dict:
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"not JSON: {proc.stdout!r} {proc.stderr!r}") from None


def errors(proc) -> list[str]:
    return [f["code"] for f in report(proc)["findings"] if f["severity"] == "error"]


def commit(repo: Path, msg: str = "more") -> str:
    return commit_all(repo, msg)

"""`govkit ci` starts a constant number of git processes, whatever the number of packets:
one workspace cache shared by every check, no git call per packet (issue #14)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from support.cikit import entry, make_ws, set_board
from support.repo import commit_all, init_repo, run_govkit


def _git_calls(repo: Path, tmp: Path, *args: str) -> list[str]:
    """The git command lines `govkit ARGS` ran, through a git on PATH that logs and execs."""
    real = shutil.which("git")
    if real is None or sys.platform == "win32":
        pytest.skip("needs a POSIX shell and git on PATH")
    bindir, log = tmp / "bin", tmp / "git-calls.log"
    bindir.mkdir(exist_ok=True)
    log.write_text("")
    wrapper = bindir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    p = run_govkit(*args, cwd=repo, env={"PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
                                         "CI": "", "GOVKIT_NO_CACHE": ""})
    assert p.returncode in (0, 1), p.stderr
    return [line for line in log.read_text().splitlines() if line]


def _workspace(root: Path, n: int) -> Path:
    repo = init_repo(root)
    (repo / "README.md").write_text(f"{root.name}\n")   # distinct root commits: own audit keys
    commit_all(repo, "initial")
    wps = {f"WP-1-Demo{i}": ("src/app.py",) if i == 0 else (f"src/m{i}.py",) for i in range(n)}
    make_ws(repo, wps)
    set_board(repo, {"Done": [entry(wp, "VALIDATED") for wp in wps]})
    commit_all(repo, "board")
    return repo


def test_git_processes_do_not_grow_with_packets(tmp_path):
    counts = []
    for name, n in (("one", 1), ("many", 8)):
        repo = _workspace(tmp_path / name, n)
        _git_calls(repo, tmp_path, "ci")   # the first run may make the audit key: not counted
        counts.append(_git_calls(repo, tmp_path, "ci"))
    one, many = counts
    assert one, "govkit ci ran no git at all: the wrapper did not take effect"
    assert len(many) == len(one), (one, many)

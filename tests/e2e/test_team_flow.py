"""The team workflow end to end: an orchestrator on main, two coders in two worktrees, a
validator, merges in both orders, post-work and ci on main afterwards, clean trees wherever a
person would commit (issue #16)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from govkit.demo.sample import fill_packet

from support.orchkit import SIG, setup
from support.repo import git

WPS = ("WP-1-Alpha", "WP-2-Beta")
CFG = "validator:\n  min_gate_interval_seconds: 0\n"


def ok(p):
    assert p.returncode == 0, (p.args, p.stdout, p.stderr)
    return p


def clean(path: Path) -> None:
    assert git(path, "status", "--porcelain") == "", git(path, "status", "--porcelain")


def authorize(repo: Path, gk, wp: str) -> Path:
    """The orchestrator's steps on main: one `[WP] chore: authorize` commit, a clean main."""
    for args in (("record-refinement", wp), ("record-signature", wp, SIG[:-1] + wp[3]),
                 ("worktree-add", wp), ("record-prepare", wp, "Coder-" + wp[3]),
                 ("create-task-packet", wp, "--checkpoint")):
        ok(gk(*args, cwd=repo))
    clean(repo)
    wt = repo.parent / f"wt-{wp}"
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{wp}] chore: authorize"
    return wt


def code(repo: Path, gk, wp: str, wt: Path) -> None:
    """The coder fills the packet, the operator locks it, the coder works and passes post-work."""
    src = f"src/{wp.lower()}.py"
    pkt = wt / ".GOV" / "task_packets" / f"{wp}.md"
    pkt.write_text(fill_packet(pkt.read_text(), scope=(src,)))
    ok(gk("lock", wp, cwd=wt))
    git(wt, "add", "-A")
    git(wt, "commit", "-q", "-m", f"[{wp}] docs: fill and lock packet")
    ok(gk("pre-work", wp, cwd=wt))
    (wt / "src").mkdir(exist_ok=True)
    (wt / src).write_text(f"def rule_{wp[3]}() -> bool:\n    return True\n")
    text = pkt.read_text()
    for a, b in (("- <fill: requirement -> path:line>", f"- rule 1.4 -> {src}:2"),
                 ("- COMMAND: <paste>", "- COMMAND: python -m pytest"),
                 ("- EXIT_CODE: <int>", "- EXIT_CODE: 0")):
        text = text.replace(a, b)
    pkt.write_text(text)
    git(wt, "add", "-A")
    ok(gk("manifest", wp, "--write", cwd=wt))
    git(wt, "add", "-A")
    git(wt, "commit", "-q", "-m", f"[{wp}] feat: rule")
    clean(wt)
    ok(gk("post-work", wp, cwd=wt))


def validate(gk, wp: str, wt: Path) -> None:
    ok(gk("validator-gate", "present-report", wp, "PASS", cwd=wt))
    ok(gk("validator-gate", "acknowledge", wp, cwd=wt))
    ok(gk("validator-gate", "append", wp, cwd=wt))
    ok(gk("validator-gate", "commit", wp, cwd=wt))
    clean(wt)


def merge(repo: Path, branch: str) -> None:
    """git merge, with this checkout's govkit importable by the registered driver."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    p = subprocess.run(["git", "merge", "-q", "--no-edit", branch], cwd=repo, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 0, (p.stdout, p.stderr, git(repo, "status", "--short"))


@pytest.mark.parametrize("order", [WPS, WPS[::-1]])
def test_two_coders_two_worktrees_merge_in_either_order(repo, gk, order):
    setup(repo, wps=WPS, cfg_extra=CFG)
    ok(gk("init", ".", cwd=repo))   # the merge rules (.gitattributes, the gate-log driver)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "govkit init")
    trees = {wp: authorize(repo, gk, wp) for wp in WPS}
    for wp in WPS:
        code(repo, gk, wp, trees[wp])
    for wp in WPS:
        validate(gk, wp, trees[wp])
    for wp in order:
        merge(repo, f"feat/{wp}")
        clean(repo)
    for wp in WPS:
        p = ok(gk("post-work", wp, "--json", cwd=repo))
        assert "validated commit" in json.loads(p.stdout)["facts"]["reason"]
    ok(gk("ci", cwd=repo))
    clean(repo)

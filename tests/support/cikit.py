"""Helpers for the CI-check tests: a sample workspace with several WPs and a board."""

from __future__ import annotations

from pathlib import Path

from govkit.demo import sample
from govkit.gates.ci_checks import run_checks
from govkit.model.scaffold import board_text
from govkit.result import Report
from govkit.workspace import Workspace

from support.repo import commit_all, git


def make_ws(repo: Path, wps: dict[str, tuple[str, ...]] | None = None,
            board: dict[str, list[str]] | None = None, commit: bool = True) -> Path:
    """Sample workspace: one signed WP per key of wps (value: its IN_SCOPE_PATHS)."""
    wps = wps or {"WP-1-Demo": ("src/app.py",)}
    sample.write_base(repo, board=board_text(board or {}))
    (repo / "src").mkdir(exist_ok=True)
    (repo / "src" / "app.py").write_text("def rule():\n    return True\n")
    (repo / "src" / "util.py").write_text("X = 1\n")
    base = commit_all(repo, "base")
    for n, (wp, scope) in enumerate(wps.items()):
        sample.write_wp(repo, wp, "main", base, signature=f"operator2111202609{n:02d}", scope=scope)
    if commit:
        commit_all(repo, "checkpoint")
    return repo


def set_board(repo: Path, board: dict[str, list[str]]) -> None:
    (repo / ".GOV" / "roles_shared" / "TASK_BOARD.md").write_text(board_text(board), encoding="utf-8")


def entry(wp: str, token: str) -> str:
    return f"- **[{wp}]** - [{token}]"


def run(repo: Path, names: list[str] | None = None, phase: str | None = None) -> Report:
    report = Report("ci")
    run_checks(Workspace(repo), report, names, phase)
    return report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_worktree(repo: Path, name: str) -> Path:
    wt = repo.parent / name
    git(repo, "worktree", "add", "-q", "-b", name, str(wt))
    return wt


def prepare_worktree(repo: Path, wp: str, worktree: str) -> None:
    """Point wp's PREPARE record at another worktree directory."""
    import json

    log = repo / ".GOV" / "roles" / "orchestrator" / "ORCHESTRATOR_GATES.json"
    data = json.loads(log.read_text())
    for e in data["gate_logs"]:
        if e.get("wpId") == wp and e.get("type") == "PREPARE":
            e["worktree_dir"] = worktree
    log.write_text(json.dumps(data, indent=2))

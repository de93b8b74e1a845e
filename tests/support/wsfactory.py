"""Builds a complete, valid sample workspace inside a real git repository for gate tests."""

from __future__ import annotations

from pathlib import Path

from govkit.demo import sample

from support.repo import commit_all, git


def make_sample(repo: Path, wp: str = "WP-1-Demo", branch: str = "main",
                scope: tuple[str, ...] = ("src/app.py",), commit: bool = True) -> Path:
    sample.write_base(repo)
    (repo / "src").mkdir(exist_ok=True)
    (repo / "src" / "app.py").write_text("def rule():\n    return True\n")
    base = commit_all(repo, "base")
    if branch != "main":
        git(repo, "switch", "-q", "-c", branch)
    sample.write_wp(repo, wp, branch, base, scope=scope)
    if commit:
        commit_all(repo, f"docs: checkpoint packet+refinement [{wp}]")
    return repo


def packet(repo: Path, wp: str = "WP-1-Demo") -> Path:
    return repo / ".GOV" / "task_packets" / f"{wp}.md"


def refinement(repo: Path, wp: str = "WP-1-Demo") -> Path:
    return repo / ".GOV" / "refinements" / f"{wp}.md"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")

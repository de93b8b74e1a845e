"""Shared fixtures: real git repositories in tmp dirs and govkit run as a real subprocess.
The helpers themselves live in the importable tests/support package."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.repo import commit_all, init_repo, run_govkit


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository with one initial commit on `main`."""
    r = init_repo(tmp_path / "repo")
    (r / "README.md").write_text("test repo\n")
    commit_all(r, "initial")
    return r


@pytest.fixture
def gk():
    return run_govkit

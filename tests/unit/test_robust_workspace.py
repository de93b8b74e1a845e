"""Workspace ids and paths, the lock file and the git executable: bad input is GovkitError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govkit.errors import GovkitError
from govkit.store.lock import WorkspaceLock, read_holder
from govkit.workspace import Workspace


def _ws(tmp_path: Path, cfg: str = "") -> Workspace:
    (tmp_path / ".GOV").mkdir()
    if cfg:
        (tmp_path / ".GOV" / "govkit.yaml").write_text(cfg)
    return Workspace(tmp_path)


def test_wp_id_is_exactly_the_pattern(tmp_path: Path):
    ws = _ws(tmp_path, "wp_id_pattern: 'WP-[0-9]+'\n")  # not anchored: still the whole id
    assert ws.check_wp_id("WP-12") == "WP-12"
    for bad in ("WP-12-x", "xWP-12"):
        with pytest.raises(GovkitError, match="invalid work packet id"):
            ws.check_wp_id(bad)


def test_wp_id_file_name_and_length(tmp_path: Path):
    ws = _ws(tmp_path)
    with pytest.raises(GovkitError) as exc:
        ws.check_wp_id("WP-1-Demo.md")
    assert exc.value.hint == "did you mean WP-1-Demo?"
    with pytest.raises(GovkitError, match="too long"):
        ws.check_wp_id("WP-" + "a" * 300)
    with pytest.raises(GovkitError, match="too long"):
        ws.check_wp_id("WP-" + "\u00e9" * 70)  # 143 bytes


def test_long_names_from_artifacts_never_reach_the_os(tmp_path: Path):
    ws = _ws(tmp_path)
    with pytest.raises(GovkitError, match="255 bytes"):
        ws.safe_path("a/" + "b" * 300 + ".md")
    assert ws.read(".GOV/" + "x/" * 2100 + "y.md", optional=True) is None  # > PATH_MAX


def test_lock_path_is_a_directory(tmp_path: Path):
    (tmp_path / "lock").mkdir()
    with pytest.raises(GovkitError, match="directory"):
        WorkspaceLock(tmp_path / "lock", timeout=1).acquire()


def test_lock_dir_is_a_file(tmp_path: Path):
    (tmp_path / "state").write_text("x")
    with pytest.raises(GovkitError, match="a file stands where a directory"):
        WorkspaceLock(tmp_path / "state" / "lock", timeout=1).acquire()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_lock_path_is_a_fifo(tmp_path: Path):
    os.mkfifo(tmp_path / "lock")
    assert read_holder(tmp_path / "lock") is None  # does not block
    with pytest.raises(GovkitError, match="not a regular file"):
        WorkspaceLock(tmp_path / "lock", timeout=1).acquire()


def test_lock_holder_deeply_nested(tmp_path: Path):
    (tmp_path / "lock").write_text("[" * 60000)
    assert read_holder(tmp_path / "lock") is None


def test_git_not_on_path(tmp_path: Path, monkeypatch):
    from govkit.vcs.git import Git, GitError, find_root

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="git not found on PATH"):
        Git(tmp_path).run("status")
    monkeypatch.setenv("GIT_DIR", str(tmp_path))  # forces the git process
    with pytest.raises(GitError, match="git not found on PATH"):
        find_root(tmp_path)


def test_safe_path_refuses_every_symlink_escape_with_directories_resolved_once(tmp_path):
    # safe_path resolves each directory once per Workspace; a symlink as the last name, or a
    # symlinked directory, is still followed and judged on every call.
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / ".GOV" / "task_packets").mkdir(parents=True)
    outside.mkdir()
    (outside / "x.md").write_text("x")
    (root / ".GOV" / "task_packets" / "ok.md").write_text("ok")
    os.symlink(outside / "x.md", root / ".GOV" / "task_packets" / "leak.md")
    os.symlink(root / ".GOV" / "task_packets" / "ok.md", root / ".GOV" / "task_packets" / "in.md")
    os.symlink(outside, root / ".GOV" / "linked")
    ws = Workspace(root)
    assert ws.safe_path(".GOV/task_packets/ok.md") == root / ".GOV/task_packets/ok.md"
    assert ws.safe_path(".GOV/task_packets/in.md").name == "in.md"   # inside: allowed
    for rel in (".GOV/task_packets/leak.md", ".GOV/linked/x.md", ".GOV/linked"):
        with pytest.raises(GovkitError, match="outside the repository"):
            ws.safe_path(rel)
    assert ws.safe_path(".") == root and ws.safe_path(".GOV") == root / ".GOV"
    os.symlink("loop", root / ".GOV" / "loop")
    with pytest.raises(GovkitError, match="symlink loop"):
        ws.safe_path(".GOV/loop")

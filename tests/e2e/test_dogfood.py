"""This repository dogfoods govkit: its own .GOV/ workspace and justfile (made by `govkit init`)
must pass `govkit ci`, the way .ci/run runs it. The test copies the repository's files (tracked
and new, not ignored) into a fresh git repository, so it judges the tree as it is now, as a
fresh clone would see it: no audit trail, no keys, no parse cache. `python -m govkit` runs in
the copy, so it is the copy's own govkit that judges it, as in .ci/run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from support.repo import ROOT, commit_all, init_repo, run_govkit


def _own_files() -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout of govkit (an sdist or a copy): nothing to dogfood")
    p = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                       cwd=ROOT, capture_output=True)
    if p.returncode != 0:
        pytest.skip(f"git ls-files failed in {ROOT}: {p.stderr.decode(errors='replace')}")
    return [f for f in p.stdout.decode().split("\0") if f]


@pytest.fixture(scope="module")
def own_tree(tmp_path_factory) -> Path:
    dest = init_repo(tmp_path_factory.mktemp("dogfood") / "govkit")
    for rel in _own_files():
        src = ROOT / rel
        if src.is_symlink() or not src.is_file():   # deleted in the work tree, or not a file
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / rel)
    commit_all(dest, "govkit as it is now")
    return dest


def _ci(repo: Path, **env: str) -> subprocess.CompletedProcess:
    # govkit reads CI and GOVKIT_NO_CACHE as set when non-empty: "" is the unset state here.
    return run_govkit("ci", "--json", cwd=repo, timeout=120,
                      env={"CI": "", "GOVKIT_NO_CACHE": "", **env})


def test_repository_keeps_its_own_workspace(own_tree):
    for rel in (".GOV/roles_shared/SPEC_CURRENT.md", ".GOV/roles_shared/TASK_BOARD.md",
                ".GOV/govkit.yaml", "justfile"):
        assert (own_tree / rel).is_file(), f"{rel} is missing: run `govkit init` at the top level"
    assert "\nprofile: strict" in (own_tree / ".GOV/govkit.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("env", [{}, {"CI": "1"}], ids=["warm-cache-allowed", "CI=1"])
def test_govkit_ci_passes_on_its_own_tree(own_tree, env):
    p = _ci(own_tree, **env)
    assert p.returncode == 0, p.stdout + p.stderr
    report = json.loads(p.stdout)
    assert report["verdict"] == "PASS"
    ran = {c["check"]: c["errors"] for c in report["facts"]["ci_checks"]}
    assert set(ran) >= {"concurrency", "completeness", "references", "boundary", "templates"}
    assert not any(ran.values())


def test_its_own_ci_still_rejects_drift(own_tree, tmp_path):
    # The control: the same tree with a broken board entry, a dangling governance reference and
    # a debugger stop in govkit's source (the dogfood config's forbidden pattern) fails, so the
    # PASS above is a verdict, not a check that cannot fail.
    broken = tmp_path / "broken"
    shutil.copytree(own_tree, broken, symlinks=True)
    board = broken / ".GOV/roles_shared/TASK_BOARD.md"
    board.write_text(board.read_text(encoding="utf-8") + "\n## In Progress\n\n- WP-1 broken entry\n",
                     encoding="utf-8")
    # A new module nobody imports: govkit runs from this copy (`python -m govkit` in its cwd).
    (broken / "govkit" / "stray.py").write_text("def f():\n    breakpoint()\n", encoding="utf-8")
    just = broken / "justfile"
    just.write_text(just.read_text(encoding="utf-8") + "\ngone:\n    cat .GOV/scripts/gone.mjs\n",
                    encoding="utf-8")
    commit_all(broken, "drift")
    p = _ci(broken, CI="1")
    assert p.returncode == 1, p.stdout + p.stderr
    codes = {f["code"] for f in json.loads(p.stdout)["findings"]}
    assert {"GK-BOARD-FORMAT", "GK-CI-REF-MISSING", "GK-FORBIDDEN-NO-DEBUGGER"} <= codes

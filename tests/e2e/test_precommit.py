"""The .pre-commit-hooks.yaml hooks, run by the real pre-commit (`pre-commit try-repo`) against
a temporary repository. pre-commit installs govkit from this repository into its own virtualenv
with pip: offline that needs click etc. in the configured package index; when it cannot, the
test skips and says why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.cikit import make_ws
from support.repo import ROOT

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
NO_INDEX = ("No matching distribution", "Could not find a version", "Failed to establish a new connection",
            "Network is unreachable", "Temporary failure in name resolution")


def test_hooks_file_declares_the_three_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["govkit-ci", "govkit-pre-work", "govkit-post-work"]
    for h in hooks:
        assert h["language"] == "python" and h["pass_filenames"] is False
        assert h["entry"] == "govkit " + h["id"].removeprefix("govkit-")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(repo: Path, home: Path, hook: str, *extra: str) -> subprocess.CompletedProcess:
    if PRE_COMMIT is None:
        pytest.skip("pre-commit is not installed (pip install 'govkit[dev]')")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    p = subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", *extra], cwd=repo,
                       capture_output=True, text=True, env=env, timeout=900)
    out = p.stdout + p.stderr
    if p.returncode != 0 and any(s in out for s in NO_INDEX):
        pytest.skip("pre-commit could not install govkit's dependencies without a package index: "
                    + next(s for s in NO_INDEX if s in out))
    return p


def test_govkit_ci_hook_passes_then_rejects_drift(repo, home):
    make_ws(repo)
    p = _try_repo(repo, home, "govkit-ci")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "govkit ci" in p.stdout and "Passed" in p.stdout
    board = repo / ".GOV" / "roles_shared" / "TASK_BOARD.md"
    board.write_text(board.read_text().replace("## Done\n", "## Done\n\n- **[WP-1-Demo]** - [BOGUS]\n"))
    p = _try_repo(repo, home, "govkit-ci")
    assert p.returncode == 1
    assert "Failed" in p.stdout and "GK-BOARD-FORMAT" in p.stdout


def test_govkit_pre_work_hook_takes_the_wp(repo, home):
    make_ws(repo)
    p = _try_repo(repo, home, "govkit-pre-work")
    # pre-commit reports any failing hook as 1; govkit asked for the WP id (args in the config)
    assert p.returncode == 1 and "Missing argument 'WP'" in p.stdout

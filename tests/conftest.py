"""Shared fixtures: real git repositories in tmp dirs and govkit run as a real subprocess.
The helpers themselves live in the importable tests/support package."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from support.repo import commit_all, init_repo, run_govkit

# The suite must judge the same code on a developer's machine and on a CI runner. A runner sets CI
# (which turns the parse cache off) and a git hook sets GIT_DIR and friends; tests that are about
# those set them themselves (monkeypatch or an explicit env), so the inherited values go here.
for _var in ("CI", "GOVKIT_NO_CACHE", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
             "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
    os.environ.pop(_var, None)

# Hypothesis profiles (the pytest plugin picks one with --hypothesis-profile=NAME). default:
# derandomized, so CI sees the same cases every run; deep: ten times the cases, new ones each
# run, failures kept in a database outside the repository. No deadline: CI machines are slow.
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
          HealthCheck.filter_too_much]
settings.register_profile("default", deadline=None, derandomize=True, database=None,
                          max_examples=100, suppress_health_check=_QUIET)
settings.register_profile("deep", deadline=None, derandomize=False, max_examples=1000,
                          suppress_health_check=_QUIET, database=DirectoryBasedExampleDatabase(
                              os.path.join(tempfile.gettempdir(), "govkit-hypothesis-db")))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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

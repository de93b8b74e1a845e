"""Test helpers: real git repositories in tmp dirs and govkit run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Isolation: govkit makes per-repository audit keys in $XDG_CONFIG_HOME/govkit/keys/; no test
# may write to the real home. Every subprocess inherits this.
CONFIG_HOME = tempfile.mkdtemp(prefix="govkit-test-config-")
os.environ["XDG_CONFIG_HOME"] = CONFIG_HOME


def git(cwd: Path, *args: str, check: bool = True) -> str:
    p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"git {args} failed: {p.stderr}")
    return p.stdout


def init_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    # A per-repository author: two repositories whose first commits have the same tree, message
    # and second would otherwise share a root commit id, hence the per-repository audit key in
    # CONFIG_HOME (govkit names keys by the root commit), and one test would read another's key.
    git(path, "config", "user.email", f"test+{os.urandom(6).hex()}@example.com")
    git(path, "config", "user.name", "Test")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(path: Path, message: str = "commit") -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message, "--allow-empty")
    return git(path, "rev-parse", "HEAD").strip()



def run_govkit(*args: str, cwd: Path | None = None, env: dict | None = None,
               input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m govkit ARGS` as a real process; returns the CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env["XDG_CONFIG_HOME"] = CONFIG_HOME
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "govkit", *args], cwd=cwd, capture_output=True,
                          text=True, env=full_env, input=input, timeout=timeout)


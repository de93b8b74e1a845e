"""Operator keys for tests of strict workspaces (what `govkit init` writes): the private key in a
temp directory outside the repository, the public key in .GOV/keys/, trusted in the config.

Every later govkit call that signs (create-task-packet, lock, amend) runs with the returned env
(GOVKIT_KEY_DIR), exactly as an operator exports it."""

from __future__ import annotations

from pathlib import Path

from support.repo import run_govkit

KEY_ID = "op-test"


def key_env(key_dir: Path) -> dict[str, str]:
    return {"GOVKIT_KEY_DIR": str(key_dir)}


def provision(repo: Path, key_dir: Path, key_id: str = KEY_ID) -> dict[str, str]:
    """`govkit keys init --trust` for repo with the private key in key_dir; returns the env."""
    env = key_env(key_dir)
    p = run_govkit("keys", "init", "--key-id", key_id, "--trust", "--key-dir", str(key_dir),
                   cwd=repo, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (key_dir / f"{key_id}.key").is_file() and (repo / f".GOV/keys/{key_id}.pub").is_file()
    return env


def init_strict(repo: Path, key_dir: Path | None, key_id: str = KEY_ID,
                *extra: str) -> dict[str, str]:
    """`govkit init` (profile strict) in repo; with key_dir, `--keys` provisions the operator key
    in the same step. Returns the env later commands need."""
    args = ["init", str(repo), *extra]
    env: dict[str, str] = {}
    if key_dir is not None:
        env = key_env(key_dir)
        args += ["--keys", "--key-id", key_id, "--key-dir", str(key_dir)]
    p = run_govkit(*args, cwd=repo, env=env or None)
    assert p.returncode == 0, p.stdout + p.stderr
    return env

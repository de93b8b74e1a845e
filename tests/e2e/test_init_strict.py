"""`govkit init` writes profile strict; strict locks need an operator key (issue #12): init says
how (or makes it with --keys), create-task-packet without one is exit 2 naming the fix and
writes nothing, and a WP walks through with a provisioned key."""

from __future__ import annotations

import json

import pytest

from govkit import config as config_mod

from support.keys import init_strict, provision
from support.orchkit import CFG, WP, filled_draft, ok, setup, sign_flow
from support.repo import commit_all, git

PKT = f".GOV/task_packets/{WP}.md"


def _workspace(repo, gk, key_dir=None, *extra: str) -> dict:
    """init (strict unless extra says otherwise, optionally --keys), the sample spec and a
    refinement, committed."""
    env = init_strict(repo, key_dir, "op-test", *extra)
    cfg = (repo / CFG).read_text() if (repo / CFG).exists() else ""
    setup(repo, interval=None, commit=False)
    (repo / CFG).write_text(cfg + "signature:\n  min_interval_seconds: 0\n")
    commit_all(repo, "govkit workspace")
    return env


def _tree(repo) -> dict:
    """Every file of the repository and its bytes (outside .git)."""
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(repo).parts}


def test_init_writes_strict_and_says_how_to_get_keys(tmp_path, gk):
    target = tmp_path / "proj"
    p = gk("init", str(target), cwd=tmp_path, env={"GOVKIT_KEY_DIR": str(tmp_path / "none")})
    ok(p)
    assert config_mod.load(target).get("profile") == "strict"
    assert "govkit keys init --trust" in p.stdout and "profile strict" in p.stdout
    assert not (target / ".GOV/keys").exists() or not any((target / ".GOV/keys").iterdir())
    doc = gk("doctor", "--json", cwd=target)
    found = [f["message"] for f in json.loads(doc.stdout)["findings"]
             if f["code"] == "GK-DOCTOR-PROFILE"]
    assert found and found[0].startswith("profile strict (set in .GOV/govkit.yaml)")
    warned = [f for f in json.loads(doc.stdout)["findings"] if f["code"] == "GK-DOCTOR-OPERATOR-KEY"]
    assert warned and warned[0]["severity"] == "warning" and "no operator key" in warned[0]["message"]


def test_init_profile_compat_keeps_the_old_behaviour(tmp_path, gk):
    target = tmp_path / "proj"
    p = gk("init", str(target), "--profile", "compat", cwd=tmp_path)
    ok(p)
    assert not (target / CFG).exists()
    assert config_mod.load(target).data == config_mod.DEFAULTS
    assert "keys init" not in p.stdout
    other = tmp_path / "other"
    ok(gk("init", str(other), "--profile", "compat", "--with-config", cwd=tmp_path))
    assert config_mod.load(other).data == config_mod.DEFAULTS


def test_init_keys_provisions_a_trusted_key_outside_the_repository(tmp_path, gk):
    target, kdir = tmp_path / "proj", tmp_path / "keys"
    p = gk("init", str(target), "--keys", "--key-id", "op1", "--key-dir", str(kdir), "--json",
           cwd=tmp_path)
    ok(p)
    out = json.loads(p.stdout)
    assert ".GOV/keys/op1.pub" in out["created"]
    assert (kdir / "op1.key").stat().st_mode & 0o777 == 0o600
    assert not list(target.rglob("*.key"))
    cfg = config_mod.load(target)
    assert cfg.get("profile") == "strict" and cfg.get("approvals.trusted_keys") == ["op1"]
    assert any("GOVKIT_KEY_DIR" in n for n in out["notes"])
    doc = gk("doctor", "--json", cwd=target, env={"GOVKIT_KEY_DIR": str(kdir)})
    assert "GK-DOCTOR-OPERATOR-KEY" not in doc.stdout


def test_init_keys_refuses_a_key_dir_inside_the_repository_before_writing(tmp_path, gk):
    target = tmp_path / "proj"
    p = gk("init", str(target), "--keys", "--key-dir", str(target / "k"), cwd=tmp_path)
    assert p.returncode == 2 and "inside the repository" in p.stderr
    assert "Traceback" not in p.stderr and not (target / ".GOV").exists()
    p = gk("init", str(target), "--key-dir", str(tmp_path / "k"), cwd=tmp_path)
    assert p.returncode == 2 and "--keys" in p.stderr and not (target / ".GOV").exists()


def test_strict_create_task_packet_without_a_key_is_exit_2_and_writes_nothing(repo, gk,
                                                                              tmp_path):
    _workspace(repo, gk)
    none = {"GOVKIT_KEY_DIR": str(tmp_path / "none")}
    sign_flow(repo, gk)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    commit_all(repo, "signed and prepared")
    before, head = _tree(repo), git(repo, "rev-parse", "HEAD")
    p = gk("create-task-packet", WP, "--checkpoint", cwd=repo, env=none)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "govkit keys init --trust [--key-dir DIR]" in p.stderr
    assert "profile strict" in p.stderr and "Traceback" not in p.stderr
    assert _tree(repo) == before and git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""
    # A key that exists but is not trusted would sign locks the gates refuse: same refusal.
    kdir = tmp_path / "k2"
    ok(gk("keys", "init", "--key-id", "untrusted", "--key-dir", str(kdir), cwd=repo))
    p = gk("create-task-packet", WP, cwd=repo, env={"GOVKIT_KEY_DIR": str(kdir)})
    assert p.returncode == 2 and "trusted_keys" in p.stderr
    assert not (repo / PKT).exists()


def test_compat_init_creates_the_packet_without_a_key(repo, gk, tmp_path):
    _workspace(repo, gk, None, "--profile", "compat")
    assert config_mod.load(repo).get("profile") == "compat"
    sign_flow(repo, gk)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    ok(gk("create-task-packet", WP, cwd=repo, env={"GOVKIT_KEY_DIR": str(tmp_path / "none")}))
    assert (repo / PKT).is_file()


@pytest.mark.parametrize("profile", ["strict", "compat"])
def test_walk_with_keys_from_init(repo, gk, tmp_path, profile):
    env = _workspace(repo, gk, tmp_path / "keys", "--profile", profile)
    assert config_mod.load(repo).get("profile") == profile
    filled_draft(repo, gk, checkpoint=True, env=env)
    ok(gk("lock", WP, cwd=repo, env=env))
    commit_all(repo, f"[{WP}] docs: fill and lock packet")
    lock = json.loads(next((repo / ".GOV/records" / WP).glob("*-LOCK.json")).read_text())
    assert lock["body"]["envelope"]["signatures"][0]["keyid"] == "op-test"
    p = gk("pre-work", WP, "--json", cwd=repo, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "GK-LOCK-NONE" not in p.stdout


def test_keys_init_later_provisions_a_strict_workspace(repo, gk, tmp_path):
    _workspace(repo, gk)
    env = provision(repo, tmp_path / "keys")
    commit_all(repo, "operator key")
    sign_flow(repo, gk)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    ok(gk("create-task-packet", WP, cwd=repo, env=env))
    assert (repo / PKT).is_file()


def test_strict_refuses_an_unsigned_lock_even_before_keys_exist(repo, gk, tmp_path):
    # A coder can write a LOCK record by hand; in strict only the operator's signature counts,
    # also in a workspace whose operator never provisioned a key (no trusted keys yet).
    from support.custody import lock_packet
    from support.postwork import setup as pw_setup

    init_strict(repo, None)
    commit_all(repo, "govkit init")
    pw_setup(repo, {"src/a.txt": "a\n"})
    lock_packet(repo)
    commit_all(repo, "a LOCK nobody signed")
    p = gk("pre-work", "WP-1-Demo", "--json", cwd=repo)
    sig = [f for f in json.loads(p.stdout)["findings"] if f["code"] == "GK-LOCK-SIGNATURE"]
    assert p.returncode == 1 and sig and sig[0]["severity"] == "error"
    assert "profile is strict" in sig[0]["message"]

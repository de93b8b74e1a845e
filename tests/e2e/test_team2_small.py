"""Problem 8 (small things): init --project names the starter spec (default: the directory),
keys init --key-dir, approve's next hint, justfile recipes that do not echo `govkit ... "$@"`
and add no second failure message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.orchkit import SIG, WP, ok, setup
from support.repo import ROOT


def test_init_project_names_the_starter_spec(tmp_path, gk):
    ok(gk("init", str(tmp_path / "billing-svc"), "--project", "Billing", cwd=tmp_path))
    assert (tmp_path / "billing-svc" / "Billing_Master_Spec_v01.000.md").is_file()
    ok(gk("init", str(tmp_path / "shop"), cwd=tmp_path))
    assert (tmp_path / "shop" / "shop_Master_Spec_v01.000.md").is_file()
    bad = gk("init", str(tmp_path / "x"), "--project", "a/b", cwd=tmp_path)
    assert bad.returncode == 2 and not (tmp_path / "x").exists()


def test_keys_init_key_dir_and_approve_hint(repo, gk, tmp_path):
    setup(repo)
    kdir = tmp_path / "opkeys"
    p = gk("keys", "init", "--key-id", "op1", "--trust", "--key-dir", str(kdir), "--json",
           cwd=repo, env={"GOVKIT_KEY_DIR": str(tmp_path / "elsewhere")})
    assert p.returncode == 0, p.stdout + p.stderr
    assert (kdir / "op1.key").is_file() and not (tmp_path / "elsewhere").exists()
    env = {"GOVKIT_KEY_DIR": str(kdir)}
    ok(gk("record-refinement", WP, cwd=repo))
    ok(gk("record-signature", WP, SIG, cwd=repo))
    a = gk("approve", WP, "--key-id", "op1", "--json", cwd=repo, env=env)
    assert a.returncode == 0, a.stdout + a.stderr
    hints = json.loads(a.stdout)["next_commands"]
    assert not any("record-signature" in h for h in hints)   # already signed
    assert any(h.startswith(f"govkit worktree-add {WP}") for h in hints)


def _just() -> str | None:
    cand = Path(sys.executable).parent / "just"
    return str(cand) if cand.exists() else None


def test_justfile_does_not_echo_placeholders_or_repeat_failures(repo, gk):
    exe = _just()
    if exe is None:
        pytest.skip("just is not installed")
    ok(gk("init", cwd=repo))
    env = dict(os.environ, GOVKIT=f"{sys.executable} -m govkit", PYTHONPATH=str(ROOT))
    p = subprocess.run([exe, "record-signature", "WP-1-None", SIG], cwd=repo,
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode != 0
    assert '"$@"' not in p.stdout + p.stderr
    assert "error: Recipe" not in p.stderr

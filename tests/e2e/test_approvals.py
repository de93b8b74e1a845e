"""Signed approvals (Ed25519): keys init, approve, and require_signed in record-signature,
create-task-packet and pre-work. Unknown key, changed refinement, replay for another WP fail."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest

from support.orchkit import SIG, WP, codes, ok, other_sig, ref_rel, setup
from support.repo import git

pytest.importorskip("cryptography")


@pytest.fixture
def keyenv(tmp_path):
    return {"GOVKIT_KEY_DIR": str(tmp_path / "operator-keys")}


def _signed_setup(repo, gk, keyenv, wps=(WP,)):
    setup(repo, wps=wps, cfg_extra="approvals:\n  require_signed: true\n  trusted_keys:\n"
                                   "    - alice\n")
    p = gk("keys", "init", "--key-id", "alice", cwd=repo, env=keyenv)
    ok(p)
    return p


def test_keys_init_private_outside_repo_0600(repo, gk, keyenv):
    setup(repo)
    p = gk("keys", "init", "--key-id", "alice", "--json", cwd=repo, env=keyenv)
    ok(p)
    priv = os.path.join(keyenv["GOVKIT_KEY_DIR"], "alice.key")
    assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
    assert (repo / ".GOV/keys/alice.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY")
    assert not list(repo.rglob("*.key"))
    # A key directory inside the repository is refused.
    p = gk("keys", "init", "--key-id", "bob", cwd=repo, env={"GOVKIT_KEY_DIR": str(repo / "k")})
    assert p.returncode == 2 and "inside the repository" in p.stderr


def test_require_signed_end_to_end(repo, gk, keyenv):
    _signed_setup(repo, gk, keyenv)
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-MISSING" in codes(p)
    ok(gk("approve", WP, cwd=repo, env=keyenv))
    st = json.loads((repo / f".GOV/approvals/{WP}.json").read_text())["statement"]
    assert st["wp"] == WP and st["key_id"] == "alice" and len(st["refinement_sha256"]) == 64
    assert st["spec"].endswith(".md") and len(st["nonce"]) == 32 and st["created_utc"].endswith("Z")
    ok(gk("record-signature", WP, SIG, cwd=repo))   # signing keeps the statement valid
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    ok(gk("create-task-packet", WP, "--checkpoint", cwd=repo))
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-APPROVAL" not in " ".join(codes(p))
    # A change to the refinement after approval breaks it, in pre-work too.
    r = repo / ref_rel()
    r.write_text(r.read_text().replace("- src/app.py", "- src/evil.py"))
    git(repo, "commit", "-qam", "edit")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-APPROVAL-STALE" in codes(p)


def test_changed_refinement_unknown_key_replay_and_tamper(repo, gk, keyenv, tmp_path):
    _signed_setup(repo, gk, keyenv, wps=(WP, "WP-1-Other"))
    ok(gk("record-refinement", WP, cwd=repo))
    ok(gk("record-refinement", "WP-1-Other", cwd=repo))
    ok(gk("approve", WP, cwd=repo, env=keyenv))
    good = (repo / f".GOV/approvals/{WP}.json").read_text()
    # Replay of WP's statement for another WP.
    (repo / ".GOV/approvals/WP-1-Other.json").write_text(good)
    p = gk("record-signature", "WP-1-Other", other_sig(2), "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-WP" in codes(p)
    # Tampered statement.
    doc = json.loads(good)
    doc["statement"]["refinement_sha256"] = "0" * 64
    (repo / f".GOV/approvals/{WP}.json").write_text(json.dumps(doc))
    p = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-SIGNATURE" in codes(p)
    # A statement by a key that is not listed (even though its .pub is in the repo).
    env2 = {"GOVKIT_KEY_DIR": str(tmp_path / "mallory-keys")}
    ok(gk("keys", "init", "--key-id", "mallory", cwd=repo, env=env2))
    ok(gk("approve", WP, cwd=repo, env=env2))
    p = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-UNTRUSTED" in codes(p)
    # Changed refinement after a valid approval.
    (repo / f".GOV/approvals/{WP}.json").write_text(good)
    r = repo / ref_rel()
    r.write_text(r.read_text().replace("Rule drift", "Rule creep"))
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-STALE" in codes(p)
    # Another key's public key swapped in under the trusted name: signature fails.
    shutil.copy(repo / ".GOV/keys/mallory.pub", repo / ".GOV/keys/alice.pub")
    p = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-APPROVAL-SIGNATURE" in codes(p)


def test_approve_requires_matching_public_key(repo, gk, keyenv):
    _signed_setup(repo, gk, keyenv)
    (repo / ".GOV/keys/alice.pub").unlink()
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("approve", WP, "--json", cwd=repo, env=keyenv)
    assert p.returncode == 1 and "GK-APPROVAL-KEY" in codes(p)
    assert not (repo / f".GOV/approvals/{WP}.json").exists()

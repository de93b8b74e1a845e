"""`govkit ci --base REF` walks REF..HEAD oldest first and names, in each finding, THE commit that
broke the rule (not every commit that touched the file); locks and signatures made inside the
range must come from govkit's own, signed transaction. Real repositories, real processes."""

from __future__ import annotations

import json
import os

import pytest
from test_lock_attacks import PKT, REC, locked, replace

from govkit.demo import sample

from support.orchkit import AUDIT, CFG, LOG, WP, filled_draft, ok, other_sig, setup, sign_flow
from support.repo import commit_all, git

CUSTODY = ("GK-LOCK", "GK-GOV", "GK-CUSTODY", "GK-CI-SIG", "GK-VAL", "GK-APPROVAL")


def ci(gk, repo, ref: str) -> list[dict]:
    p = gk("ci", "--json", "--base", ref, cwd=repo)
    assert "Traceback" not in p.stderr, p.stderr
    return json.loads(p.stdout)["findings"]


def custody_errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error" and f["code"].startswith(CUSTODY)]


def head(repo) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def only_names(findings: list[dict], culprit: str, others: list[str]) -> None:
    """Each finding names the culprit commit and none of the other commits of the range."""
    assert findings
    for f in findings:
        assert culprit[:12] in f["message"], f["message"]
        assert not any(o[:12] in f["message"] for o in others), f["message"]


def widened(repo, gk) -> tuple:
    """A locked WP, then two commits: a coder field (allowed), the scope widened (the break)."""
    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c1 = commit_all(repo, "status")
    replace(pkt, "  - src/app.py\n", "  - src/**\n")
    return pkt, ref, c1, commit_all(repo, "widen the scope")


def test_drift_names_the_commit_that_widened_the_scope(repo, gk):
    pkt, ref, c1, c2 = widened(repo, gk)
    replace(pkt, "- COMMAND: <paste>", "- COMMAND: python -m pytest")
    c3 = commit_all(repo, "evidence")
    found = ci(gk, repo, ref)
    drift = [f for f in found if f["code"] == "GK-LOCK-DRIFT"]
    assert [f["severity"] for f in drift] == ["error"], found
    assert "'SCOPE'" in drift[0]["message"]
    only_names(drift, c2, [c1, c3])
    assert "GK-CUSTODY-WHERE" not in {f["code"] for f in found}



def test_post_work_base_names_the_drift_commit_once(repo, gk):
    """`post-work WP --base REF` reports the drift once, named like ci's (its own lock check,
    which knows no range, is replaced by the named finding, not repeated)."""
    _, ref, c1, c2 = widened(repo, gk)
    p = gk("post-work", WP, "--json", "--base", ref, cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    found = json.loads(p.stdout)["findings"]
    drift = [f for f in found if f["code"] == "GK-LOCK-DRIFT"]
    assert len(drift) == 1 and "'SCOPE'" in drift[0]["message"], found
    only_names(drift, c2, [c1])
    # without --base there is no range to blame: the same finding, unnamed
    plain = [f for f in json.loads(gk("post-work", WP, "--json", cwd=repo).stdout)["findings"]
             if f["code"] == "GK-LOCK-DRIFT"]
    assert len(plain) == 1 and c2[:12] not in plain[0]["message"]
    assert drift[0]["message"].startswith(plain[0]["message"])

def test_drift_repaired_in_the_range_is_not_a_finding_and_a_second_one_is_named(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "  - src/app.py\n", "  - src/**\n")
    c1 = commit_all(repo, "widen")
    replace(pkt, "  - src/**\n", "  - src/app.py\n")
    c2 = commit_all(repo, "undo")
    assert not [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    replace(pkt, "  - src/app.py\n", "  - src/app.py\n  - lib/**\n")
    c3 = commit_all(repo, "widen again")
    drift = [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    only_names(drift, c3, [c1, c2])
    # An edit not yet committed is named as such.
    replace(pkt, "- **Status:** Ready for Dev", "- **Status:** Ready for Dev\n- PRIORITY: max")
    drift = [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    assert any("not committed" in f["message"] for f in drift), drift


def test_signature_audit_row_edited_in_commit_3(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    audit = repo / AUDIT
    audit.write_bytes(sample.insert_audit_row(audit.read_bytes(),
                                              sample.sigaudit_row(other_sig(5), "WP-2-Next"),
                                              AUDIT))
    c1 = commit_all(repo, "a new row (append-only: fine)")
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c2 = commit_all(repo, "status")
    replace(audit, f"Task packet creation: {WP}", "Task packet creation: WP-9-Other")
    c3 = commit_all(repo, "tidy the audit")
    found = custody_errors(ci(gk, repo, ref))
    rewrite = [f for f in found if f["code"] == "GK-GOV-LOG-REWRITE"]
    assert [f["path"] for f in rewrite] == [AUDIT], found
    only_names(rewrite, c3, [c1, c2])


def test_config_relaxed_in_commit_2_is_named_not_commit_3(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c1 = commit_all(repo, "status")
    cfg = repo / CFG
    cfg.write_text(cfg.read_text() + "packet:\n  coder_sections: [SCOPE]\n")
    c2 = commit_all(repo, "relax")
    cfg.write_text(cfg.read_text() + "# more\n")
    c3 = commit_all(repo, "comment")
    found = [f for f in custody_errors(ci(gk, repo, ref)) if f["code"] == "GK-GOV-CONFIG"]
    only_names(found, c2, [c1, c3])


def test_gate_log_reordered_in_the_middle_commit(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    data = json.loads((repo / LOG).read_text())
    data["gate_logs"].append({"wpId": WP, "type": "NOTE", "timestamp": "2026-01-01T00:00:00Z"})
    (repo / LOG).write_text(json.dumps(data, indent=2))
    c1 = commit_all(repo, "append (fine)")
    data["gate_logs"][0], data["gate_logs"][1] = data["gate_logs"][1], data["gate_logs"][0]
    (repo / LOG).write_text(json.dumps(data, indent=2))
    c2 = commit_all(repo, "reorder")
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    data["gate_logs"].append({"wpId": WP, "type": "NOTE", "timestamp": "2026-01-01T00:00:01Z"})
    (repo / LOG).write_text(json.dumps(data, indent=2))
    c3 = commit_all(repo, "append again")
    found = [f for f in custody_errors(ci(gk, repo, ref)) if f["code"] == "GK-GOV-LOG-REWRITE"]
    only_names(found, c2, [c1, c3])


# ---- locks and signatures made inside the range ------------------------------------------------

def _keyed_base(repo, gk, tmp_path, strict: bool = True) -> tuple[str, dict]:
    """REF: a strict workspace whose config trusts the operator's key op-1."""
    setup(repo, cfg_extra="profile: strict\n" if strict else "")
    env = {"GOVKIT_KEY_DIR": str(tmp_path / "operator-keys")}
    ok(gk("keys", "init", "--key-id", "op-1", "--trust", env=env, cwd=repo))
    return commit_all(repo, "operator key"), env


def _authorize(repo, gk, env=None) -> str:
    """In the range: refine, sign, prepare, create the packet (unlocked draft), fill it. The
    operator runs create-task-packet, with their key where the profile is strict."""
    filled_draft(repo, gk, env=env)
    return commit_all(repo, f"[{WP}] chore: authorize")


def _attacker_key(tmp_path, key_id: str, pub_path=None) -> dict:
    """The coder's own Ed25519 key pair (private half in the coder's key dir)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    d = tmp_path / "coder-keys"
    d.mkdir(exist_ok=True)
    priv = Ed25519PrivateKey.generate()
    (d / f"{key_id}.key").write_bytes(priv.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.chmod(d / f"{key_id}.key", 0o600)
    if pub_path is not None:
        pub_path.write_bytes(priv.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return {"GOVKIT_KEY_DIR": str(d)}


def _forge_lock(repo, gk, key_id: str, env: dict) -> None:
    """The coder signs a LOCK with a key of their own. govkit refuses that in strict, so they
    relax the config in their work tree for that one command and put it back (nothing of it
    is committed): the records are theirs to write."""
    import yaml

    cfg = repo / CFG
    text = cfg.read_text()
    relaxed = yaml.safe_load(text)
    relaxed.pop("profile", None)
    relaxed.get("approvals", {}).pop("trusted_keys", None)
    cfg.write_text(yaml.safe_dump(relaxed))
    try:
        p = gk("lock", WP, "--key-id", key_id, env=env, cwd=repo)
    finally:
        cfg.write_text(text)
    ok(p)


def test_valid_lock_made_in_the_range_by_govkit_is_no_finding(repo, gk, tmp_path):
    ref, env = _keyed_base(repo, gk, tmp_path)
    _authorize(repo, gk, env)
    ok(gk("lock", WP, env=env, cwd=repo))
    commit_all(repo, f"[{WP}] chore: lock")
    replace(repo / PKT, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    commit_all(repo, "status")
    found = ci(gk, repo, ref)
    assert not custody_errors(found), found
    assert not [f for f in found if f["code"].startswith(CUSTODY) and f["severity"] == "warning"]


def test_valid_lock_made_in_the_range_compat_profile(repo, gk):
    setup(repo)
    ref = head(repo)
    locked(repo, gk)        # refine, sign, prepare, create, fill, lock: all in the range
    found = ci(gk, repo, ref)
    assert not custody_errors(found), found


@pytest.mark.parametrize("forgery", ["untrusted-key", "no-envelope"])
def test_forged_lock_in_the_range_under_strict_names_its_commit(repo, gk, tmp_path, forgery):
    ref, env = _keyed_base(repo, gk, tmp_path)
    c1 = _authorize(repo, gk, env)
    coder = _attacker_key(tmp_path, "coder-1", repo / ".GOV/keys/coder-1.pub")
    _forge_lock(repo, gk, "coder-1", coder)
    lock = repo / REC / "0004-LOCK.json"
    if forgery == "no-envelope":
        from govkit.model.records import encode

        data = json.loads(lock.read_text())
        del data["body"]["envelope"]
        lock.write_bytes(encode(data))
    c2 = commit_all(repo, "lock")
    replace(repo / PKT, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c3 = commit_all(repo, "status")
    found = custody_errors(ci(gk, repo, ref))
    sig = [f for f in found if f["code"] == "GK-LOCK-SIGNATURE"]
    assert sig and all(f["path"] == f"{REC}/0004-LOCK.json" for f in sig), found
    only_names(sig, c2, [c1, c3])


def test_trusted_public_key_replaced_in_the_range(repo, gk, tmp_path):
    """The coder overwrites op-1's public key with their own and signs the lock as op-1: the
    envelope verifies against HEAD's key file, so the key itself is judged at REF."""
    ref, env = _keyed_base(repo, gk, tmp_path)
    c1 = _authorize(repo, gk, env)
    coder = _attacker_key(tmp_path, "op-1", repo / ".GOV/keys/op-1.pub")
    c2 = commit_all(repo, "rotate key")
    ok(gk("lock", WP, "--key-id", "op-1", env=coder, cwd=repo))
    c3 = commit_all(repo, "lock")
    found = custody_errors(ci(gk, repo, ref))
    key = [f for f in found if f["code"] == "GK-GOV-KEY"]
    assert [f["path"] for f in key] == [".GOV/keys/op-1.pub"], found
    only_names(key, c2, [c1, c3])


def test_signature_made_in_the_range_audited_for_another_wp(repo, gk):
    setup(repo)
    ref = head(repo)
    sign_flow(repo, gk)
    c1 = commit_all(repo, "sign")
    replace(repo / AUDIT, f"Task packet creation: {WP}", "Task packet creation: WP-9-Other")
    c2 = commit_all(repo, "audit")
    found = custody_errors(ci(gk, repo, ref))
    other = [f for f in found if f["code"] == "GK-CI-SIG-OTHER-WP"]
    only_names(other, c2, [c1])
    # Repaired in c3; then two rows for one token (a second use appended by hand) in c4.
    git(repo, "checkout", "-q", c1, "--", AUDIT)
    c3 = commit_all(repo, "repair")
    assert not custody_errors(ci(gk, repo, ref))
    audit = repo / AUDIT
    row = next(ln for ln in audit.read_text().splitlines() if ln.startswith("| operator"))
    audit.write_bytes(sample.insert_audit_row(audit.read_bytes(), row.replace(WP, "WP-2-X"),
                                              AUDIT))
    c4 = commit_all(repo, "reuse")
    found = custody_errors(ci(gk, repo, ref))
    assert {"GK-CI-SIG-REUSED"} <= {f["code"] for f in found}, found
    only_names([f for f in found if f["code"] == "GK-CI-SIG-REUSED"], c4, [c1, c2, c3])


def test_second_lock_record_appended_in_the_range(repo, gk):
    """A second LOCK (not an AMEND) after the locked one: govkit never writes that."""
    from support.custody import lock_packet

    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "  - src/app.py\n", "  - src/**\n")
    lock_packet(repo, WP, PKT)
    c1 = commit_all(repo, "relock")
    found = custody_errors(ci(gk, repo, ref))
    order = [f for f in found if f["code"] == "GK-CUSTODY-ORDER"]
    only_names(order, c1, [ref])


def test_signature_in_the_range_needs_a_valid_signed_approval(repo, gk, tmp_path):
    env = {"GOVKIT_KEY_DIR": str(tmp_path / "operator-keys")}
    setup(repo, cfg_extra="approvals:\n  require_signed: true\n  trusted_keys:\n    - alice\n")
    ok(gk("keys", "init", "--key-id", "alice", cwd=repo, env=env))
    ref = commit_all(repo, "operator key")
    ok(gk("record-refinement", WP, cwd=repo))
    ok(gk("approve", WP, cwd=repo, env=env))
    ok(gk("record-signature", WP, other_sig(0), cwd=repo))
    c1 = commit_all(repo, "approved and signed")
    assert not custody_errors(ci(gk, repo, ref))
    path = repo / f".GOV/approvals/{WP}.json"
    doc = json.loads(path.read_text())
    doc["statement"]["nonce"] = "0" * 32       # the statement no longer matches its signature
    path.write_text(json.dumps(doc))
    c2 = commit_all(repo, "approval")
    found = [f for f in custody_errors(ci(gk, repo, ref))
             if f["code"] in ("GK-APPROVAL-SIGNATURE", "GK-GOV-RECORD-EDIT")]
    assert {f["code"] for f in found} == {"GK-APPROVAL-SIGNATURE", "GK-GOV-RECORD-EDIT"}, found
    only_names(found, c2, [c1])


def test_validator_state_reverted_in_commit_2_of_3(repo, gk):
    from test_custody_attacks import STATE, _locked, _validate

    from support.postwork import WP as DEMO
    from support.postwork import manifest_write, write

    _locked(repo)
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    manifest_write(gk, repo)
    commit_all(repo, "work")
    _validate(gk, repo)
    ref = commit_all(repo, f"docs: validation PASS [{DEMO}]")
    state = json.loads((repo / STATE).read_text())
    write(repo, "src/evidence.txt", "more evidence\n")
    c1 = commit_all(repo, "evidence")
    (repo / STATE).unlink()
    c2 = commit_all(repo, "tidy")
    state["validation_sessions"][DEMO]["status"] = "REPORT_PRESENTED"
    (repo / STATE).write_text(json.dumps(state))
    c3 = commit_all(repo, "a new session")
    found = [f for f in custody_errors(ci(gk, repo, ref))
             if f["code"] in ("GK-VAL-WITNESS", "GK-GOV-STATE-REVERT")]
    assert {f["code"] for f in found} == {"GK-VAL-WITNESS", "GK-GOV-STATE-REVERT"}, found
    only_names(found, c2, [c1, c3])


def test_lock_record_removed_in_commit_2_of_3(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c1 = commit_all(repo, "status")
    (repo / REC / "0004-LOCK.json").unlink()
    c2 = commit_all(repo, "drop the lock")
    replace(pkt, "- COMMAND: <paste>", "- COMMAND: python -m pytest")
    c3 = commit_all(repo, "evidence")
    found = [f for f in custody_errors(ci(gk, repo, ref))
             if f["code"] in ("GK-CUSTODY-LOCK", "GK-GOV-RECORD-EDIT")]
    assert {f["code"] for f in found} == {"GK-CUSTODY-LOCK", "GK-GOV-RECORD-EDIT"}, found
    only_names(found, c2, [c1, c3])


def test_drift_made_in_a_merge_resolution_names_the_merge(repo, gk):
    """A change made only while resolving a merge is in no walked commit: the finding names the
    merge commit (not "in the work tree"), and a file rule does the same."""
    pkt = locked(repo, gk)
    ref = head(repo)
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "side.txt").write_text("side\n")
    side = commit_all(repo, "side work")
    git(repo, "checkout", "-q", "main")
    (repo / "main.txt").write_text("main\n")
    ours = commit_all(repo, "main work")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "side")
    replace(pkt, "  - src/app.py\n", "  - src/**\n")          # the evil part of the merge
    data = json.loads((repo / LOG).read_text())
    data["gate_logs"][0], data["gate_logs"][1] = data["gate_logs"][1], data["gate_logs"][0]
    (repo / LOG).write_text(json.dumps(data, indent=2))        # and a log rewritten
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Merge branch 'side'")
    merge = head(repo)
    found = ci(gk, repo, ref)
    drift = [f for f in found if f["code"] == "GK-LOCK-DRIFT"]
    assert len(drift) == 1, found
    only_names(drift, merge, [ref, side, ours])
    assert "work tree" not in drift[0]["message"] and "merge" in drift[0]["message"]
    rewrite = [f for f in found if f["code"] == "GK-GOV-LOG-REWRITE"]
    assert rewrite, found
    only_names(rewrite, merge, [ref, side, ours])
    # a later commit that edits the packet (a coder field) carries the merge's change: the
    # drift is still the merge's
    replace(pkt, "- COMMAND: <paste>", "- COMMAND: python -m pytest")
    later = commit_all(repo, "evidence")
    drift = [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    assert len(drift) == 1
    only_names(drift, merge, [ref, side, ours, later])


def test_uncommitted_drift_is_said_to_be_in_the_work_tree(repo, gk):
    pkt = locked(repo, gk)
    ref = head(repo)
    replace(pkt, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    c1 = commit_all(repo, "status")
    replace(pkt, "  - src/app.py\n", "  - src/**\n")          # not committed
    drift = [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    assert len(drift) == 1 and drift[0]["message"].endswith("(in the work tree, not committed)")
    assert c1[:12] not in drift[0]["message"]


@pytest.mark.parametrize("carried", [False, True], ids=["at-head", "carried-by-a-later-commit"])
def test_drift_a_clean_merge_brought_in_names_the_branchs_commit(repo, gk, carried):
    """One branch widens the scope, main fills a coder field, a clean merge joins them (and,
    carried, main goes on editing the packet): neither the merge nor a later commit is the
    culprit, the widening commit is."""
    pkt = locked(repo, gk)
    ref = head(repo)
    git(repo, "checkout", "-q", "-b", "side")
    replace(pkt, "  - src/app.py\n", "  - src/**\n")
    widen = commit_all(repo, "widen the scope")
    git(repo, "checkout", "-q", "main")
    replace(pkt, "- COMMAND: <paste>", "- COMMAND: python -m pytest")
    others = [ref, commit_all(repo, "evidence")]
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side")
    others.append(head(repo))
    if carried:
        replace(pkt, "- EXIT_CODE: <int>", "- EXIT_CODE: 0")
        others.append(commit_all(repo, "exit code"))
    drift = [f for f in ci(gk, repo, ref) if f["code"] == "GK-LOCK-DRIFT"]
    assert len(drift) == 1, drift
    only_names(drift, widen, others)

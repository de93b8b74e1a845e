"""govkit amend, operator-signed locks (DSSE over an in-toto Statement), the strict profile,
and check_lock called directly (as post-work does)."""

from __future__ import annotations

import base64
import json

from test_lock_attacks import PKT, REC, errors, locked, pre, replace

from govkit.gates.lock import check_lock, current_lock, load_records, locked_scope, locked_waivers
from govkit.result import Report
from govkit.workspace import Workspace

from support.orchkit import WP
from support.repo import commit_all
from support.wsfactory import make_sample

WAIVER = "W-1;src/gen/**;generated code;operator;2099-12-31"


def test_check_lock_direct(repo, gk):
    pkt = locked(repo, gk)
    ws = Workspace(repo)
    rep = Report("t", WP)
    lock = check_lock(ws, WP, PKT, rep)
    assert lock is not None and rep.passed
    assert locked_scope(lock) == (["src/app.py"], ["everything"])
    assert lock.body["merge_base"] and len(lock.body["merge_base"]) == 40
    replace(pkt, "  - src/app.py\n", "  - src/**\n")
    rep = Report("t", WP)
    assert check_lock(Workspace(repo), WP, PKT, rep) is None
    assert rep.codes() == ["GK-LOCK-DRIFT"]
    # From git: the committed records are the same chain.
    assert [r.sha256 for r in load_records(ws, WP, rev="HEAD")] == \
        [r.sha256 for r in load_records(ws, WP)]


def test_amend_adds_a_waiver_under_a_new_lock(repo, gk):
    pkt = locked(repo, gk)
    p = gk("amend", WP, "--waiver", WAIVER, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "- WAIVER_ID: W-1" in pkt.read_text()
    commit_all(repo, "amend")
    assert pre(gk, repo).returncode == 0
    ws = Workspace(repo)
    lock = current_lock(load_records(ws, WP))
    assert lock.type == "AMEND" and [w["waiver_id"] for w in locked_waivers(lock)] == ["W-1"]
    # The same waiver id again, or a waiver of everything: refused, nothing written.
    before = pkt.read_bytes()
    assert gk("amend", WP, "--waiver", WAIVER, cwd=repo).returncode == 1
    assert gk("amend", WP, "--waiver", "W-2;**;x;op;2099-01-01", cwd=repo).returncode == 2
    assert gk("amend", WP, "--waiver", "W-2;a\nb;x;op;2099-01-01", cwd=repo).returncode == 2
    assert pkt.read_bytes() == before


def test_lock_refuses_when_locked(repo, gk):
    locked(repo, gk)
    p = gk("lock", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-LOCK-EXISTS" in errors(p)


def test_signed_lock_and_a_tampered_envelope(repo, gk, tmp_path):
    env = {"GOVKIT_KEY_DIR": str(tmp_path / "keys")}
    from support.orchkit import filled_draft, setup

    setup(repo)
    assert gk("keys", "init", "--key-id", "op-1", "--trust", env=env, cwd=repo).returncode == 0
    filled_draft(repo, gk)
    # Keys exist: locking without the operator's private key is refused.
    assert gk("lock", WP, env={"GOVKIT_KEY_DIR": str(tmp_path / "none")}, cwd=repo).returncode == 2
    assert gk("lock", WP, env=env, cwd=repo).returncode == 0
    commit_all(repo, "locked")
    assert pre(gk, repo).returncode == 0
    path = repo / REC / "0004-LOCK.json"
    data = json.loads(path.read_text())
    stmt = json.loads(base64.b64decode(data["body"]["envelope"]["payload"]))
    assert stmt["predicateType"] == "https://govkit.dev/lock/v1"
    assert stmt["subject"][0] == {"name": PKT, "digest": {"sha256": data["body"]["locked_sha256"]}}
    stmt["predicate"]["scope"]["in"] = ["**"]
    from govkit.model.records import encode
    from govkit.util import canonjson

    data["body"]["envelope"]["payload"] = base64.b64encode(canonjson.dumpb(stmt)).decode()
    data["body"]["scope"]["in"] = ["**"]
    path.write_bytes(encode(data))
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-SIGNATURE" in errors(p)


def test_legacy_packet_compat_warns_strict_fails(repo, gk):
    make_sample(repo)
    p = pre(gk, repo, "WP-1-Demo")
    assert p.returncode == 0, p.stdout
    assert "GK-LOCK-NONE" in [f["code"] for f in json.loads(p.stdout)["findings"]
                              if f["severity"] == "warning"]
    (repo / ".GOV" / "govkit.yaml").write_text("profile: strict\n")
    commit_all(repo, "strict")
    p = pre(gk, repo, "WP-1-Demo")
    assert p.returncode == 1 and "GK-LOCK-NONE" in errors(p)
    # strict: only the operator locks, with a key.
    p = gk("lock", "WP-1-Demo", cwd=repo, env={"GOVKIT_KEY_DIR": str(repo.parent / "none")})
    assert p.returncode == 2 and "operator key" in p.stderr

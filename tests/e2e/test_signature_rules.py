"""record-signature: format, interval, refinement state, one-time use everywhere, and exactly
three changed places (two refinement lines, one audit row, one gate-log record)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from support.orchkit import (
    AUDIT,
    LOG,
    SIG,
    SIG_DATE,
    WP,
    age_records,
    codes,
    log,
    ok,
    other_sig,
    ref_rel,
    set_record,
    setup,
    snapshot,
)
from support.repo import commit_all, git


def _recorded(repo, gk, **kw):
    setup(repo, **kw)
    ok(gk("record-refinement", WP, cwd=repo))


def test_success_changes_exactly_two_lines_one_row_one_record(repo, gk):
    _recorded(repo, gk)
    before = (repo / ref_rel()).read_bytes()
    audit_before = (repo / AUDIT).read_text()
    ok(gk("record-signature", WP, SIG, cwd=repo))
    after = (repo / ref_rel()).read_bytes()
    bl, al = before.split(b"\n"), after.split(b"\n")
    changed = [(a, b) for a, b in zip(bl, al) if a != b]
    assert len(bl) == len(al) and len(changed) == 2
    assert (b"- USER_REVIEW_STATUS: PENDING", b"- USER_REVIEW_STATUS: APPROVED") in changed
    assert (b"- USER_SIGNATURE: <pending>", b"- USER_SIGNATURE: " + SIG.encode()) in changed
    lines = (repo / AUDIT).read_text().split("\n")
    sep = next(i for i, ln in enumerate(lines) if ln.startswith("|---"))
    assert lines[sep + 1].startswith(f"| {SIG} | Orchestrator | {SIG_DATE} | "
                                     f"Task packet creation: {WP} |")
    assert len(lines) == len(audit_before.split("\n")) + 1
    rec = log(repo)[-1]
    assert rec["type"] == "SIGNATURE" and rec["signature"] == SIG
    assert rec["refinement_path"] == ref_rel() and rec["timestamp"].endswith("Z")
    # Signed once: a second signature for the WP is refused.
    p = gk("record-signature", WP, other_sig(), "--json", cwd=repo)
    assert p.returncode == 1 and "GK-SIG-ALREADY" in codes(p)


def test_crlf_bytes_survive(repo, gk):
    setup(repo, commit=False)
    p = repo / ref_rel()
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    before = p.read_bytes()
    ok(gk("record-signature", WP, SIG, cwd=repo))
    after = p.read_bytes()
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    assert after.replace(b"APPROVED", b"PENDING").replace(SIG.encode(), b"<pending>") == before


def test_wrong_format_is_bad_input(repo, gk):
    _recorded(repo, gk)
    snap = snapshot(repo)
    for token in ("Operator010120260900", "operator0101202609", "op-010120260900",
                  "010120260900", "operator010120260900x"):
        p = gk("record-signature", WP, token, "--json", cwd=repo)
        assert p.returncode == 2 and codes(p) == ["GK-SIG-FORMAT"], token
    assert snapshot(repo) == snap


def test_minimum_interval_says_how_long_to_wait(repo, gk):
    _recorded(repo, gk, interval=None)  # default: 10 s
    snap = snapshot(repo)
    p = gk("record-signature", WP, SIG, cwd=repo)
    assert p.returncode == 1 and "GK-SIG-INTERVAL" in p.stdout and "wait" in p.stdout
    assert snapshot(repo) == snap
    age_records(repo, 60)
    ok(gk("record-signature", WP, SIG, cwd=repo))


def test_bad_timestamps_never_pass(repo, gk):
    _recorded(repo, gk)
    future = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for value, code in ((None, "GK-SIG-TIMESTAMP"), ("not a time", "GK-SIG-TIMESTAMP"),
                        ("2026-01-01T10:00:00", "GK-SIG-TIMESTAMP"), (future, "GK-SIG-CLOCK")):
        set_record(repo, WP, "REFINEMENT", timestamp=value)
        snap = snapshot(repo)
        p = gk("record-signature", WP, SIG, "--json", cwd=repo)
        assert p.returncode == 2 and code in codes(p), value
        assert snapshot(repo) == snap


def test_enrichment_needed_yes_is_refused(repo, gk):
    setup(repo, commit=False)
    p = repo / ref_rel()
    t = p.read_text()
    t = t.replace("- CLEARLY_COVERS_VERDICT: PASS", "- CLEARLY_COVERS_VERDICT: FAIL")
    t = t.replace("- ENRICHMENT_NEEDED: NO", "- ENRICHMENT_NEEDED: YES")
    t = t.replace("<not applicable; ENRICHMENT_NEEDED=NO>", "The system SHALL log rule 1.9.")
    p.write_text(t)
    commit_all(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    snap = snapshot(repo)
    r = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert r.returncode == 2 and "GK-SIG-ENRICHMENT" in codes(r)
    assert snapshot(repo) == snap


@pytest.mark.parametrize("evidence", ["<pending> (must equal: APPROVE REFINEMENT WP-1-Orch)",
                                      "", "approve refinement WP-1-Orch", "APPROVE REFINEMENT WP-1-Other"])
def test_approval_evidence_must_be_exact(repo, gk, evidence):
    setup(repo, commit=False)
    p = repo / ref_rel()
    p.write_text(p.read_text().replace(f"- USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT {WP}",
                                       f"- USER_APPROVAL_EVIDENCE: {evidence}".rstrip()))
    commit_all(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    r = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert r.returncode == 2 and "GK-SIG-EVIDENCE" in codes(r)


def test_no_refinement_record_and_changed_refinement(repo, gk):
    setup(repo)
    r = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert r.returncode == 1 and codes(r) == ["GK-SIG-NO-REFINEMENT"]
    ok(gk("record-refinement", WP, cwd=repo))
    p = repo / ref_rel()
    p.write_text(p.read_text().replace("- src/app.py", "- src/other.py"))
    r = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert r.returncode == 1 and "GK-SIG-REF-CHANGED" in codes(r)


def test_wp_id_with_path_characters(repo, gk):
    setup(repo)
    for bad in ("../WP-1-Orch", "WP-1/x", "WP-1\\x"):
        r = gk("record-signature", bad, SIG, cwd=repo)
        assert r.returncode == 2 and "path characters" in r.stderr
    assert not (repo / LOG).exists()


def test_corrupt_gate_log_names_the_byte_and_is_kept(repo, gk):
    _recorded(repo, gk)
    bad = (repo / LOG).read_bytes()[:-5] + b",,}"
    (repo / LOG).write_bytes(bad)
    for args in (("record-signature", WP, SIG), ("record-refinement", WP),
                 ("record-prepare", WP, "Coder-A")):
        r = gk(*args, cwd=repo)
        assert r.returncode == 2 and "byte" in r.stderr and "ORCHESTRATOR_GATES.json" in r.stderr
        assert "Traceback" not in r.stderr
    assert (repo / LOG).read_bytes() == bad


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_read_only_file_is_refused_and_nothing_written(repo, gk):
    _recorded(repo, gk)
    (repo / AUDIT).chmod(0o444)
    try:
        snap = snapshot(repo)
        r = gk("record-signature", WP, SIG, cwd=repo)
        assert r.returncode == 2 and "read-only" in r.stderr
        assert snapshot(repo) == snap
        assert not list((repo / ".git/govkit").glob("txn/*.json"))
    finally:
        (repo / AUDIT).chmod(0o644)
    ok(gk("record-signature", WP, SIG, cwd=repo))


# ---- one-time use, everywhere -------------------------------------------------------------------
def test_reuse_in_signature_audit_names_the_row(repo, gk):
    setup(repo, wps=(WP, "WP-1-Second"))
    ok(gk("record-refinement", WP, cwd=repo))
    ok(gk("record-refinement", "WP-1-Second", cwd=repo))
    ok(gk("record-signature", WP, SIG, cwd=repo))
    snap = snapshot(repo, (LOG, AUDIT, ref_rel("WP-1-Second")))
    r = gk("record-signature", "WP-1-Second", SIG, cwd=repo)
    assert r.returncode == 2 and "GK-SIG-REUSED" in r.stdout and "already used" in r.stdout
    assert "signature audit" in r.stdout or "gate log" in r.stdout
    assert snapshot(repo, (LOG, AUDIT, ref_rel("WP-1-Second"))) == snap


def test_reuse_only_in_history_of_another_branch(repo, gk):
    setup(repo)
    git(repo, "switch", "-q", "-c", "other")
    (repo / "notes.md").write_text("intro\nsigned: " + SIG + "\n")
    commit_all(repo, "add note")
    (repo / "notes.md").unlink()
    commit_all(repo, "remove note")
    git(repo, "switch", "-q", "main")
    ok(gk("record-refinement", WP, cwd=repo))
    r = gk("record-signature", WP, SIG, "--json", cwd=repo)
    assert r.returncode == 2 and codes(r) == ["GK-SIG-REUSED"]
    import json

    first = json.loads(r.stdout)["findings"][0]
    assert "refs/heads/other" in first["message"] and first["path"] == "notes.md"
    assert first["line"] == 2


def test_reuse_in_commit_message(repo, gk):
    setup(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", f"approved by {SIG}")
    ok(gk("record-refinement", WP, cwd=repo))
    r = gk("record-signature", WP, SIG, cwd=repo)
    assert r.returncode == 2 and "message of commit" in r.stdout


def test_reuse_in_another_worktree_uncommitted(repo, gk, tmp_path):
    setup(repo)
    wt = tmp_path / "wt-other"
    git(repo, "worktree", "add", "-q", "-b", "feat/other", str(wt))
    (wt / "draft.md").write_text(f"pending signature {SIG}\n")   # untracked, never committed
    ok(gk("record-refinement", WP, cwd=repo))
    r = gk("record-signature", WP, SIG, cwd=repo)
    assert r.returncode == 2 and "worktree" in r.stdout and "draft.md:1" in r.stdout


def test_refused_attempts_do_not_burn_the_token(repo, gk):
    _recorded(repo, gk, interval=None)
    assert gk("record-signature", WP, SIG, cwd=repo).returncode == 1   # too early
    age_records(repo, 60)
    ok(gk("record-signature", WP, SIG, cwd=repo))

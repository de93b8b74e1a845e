"""Governance files in a WP's change are exempt only as govkit writes them (issue #10, attack 6
and its variants): code under the validator, state or audit directories, a rewritten gate log
or signature audit, an edited record, a reverted validator state, a relaxed config. Each one
must make post-work FAIL in every mode (worktree, staged, clean-tree range, --rev, --range),
and a coder who changes only in-scope files sees none of these findings."""

from __future__ import annotations

import json

import pytest

from support.custody import lock_packet
from support.postwork import errors, manifest_write, messages, post, setup, stage, write
from support.repo import commit_all, git

BASE = {"src/a.txt": "l1\nl2\nl3\n"}
LOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
AUDIT = ".GOV/roles_shared/SIGNATURE_AUDIT.md"
STATE = ".GOV/validator_gates/WP-1-Demo.json"
RECORD = ".GOV/records/WP-1-Demo/0001-LOCK.json"
GOV_CODES = {"GK-GOV-EDIT", "GK-GOV-LOG-REWRITE", "GK-GOV-RECORD-EDIT", "GK-GOV-STATE-REVERT",
             "GK-GOV-CONFIG"}

ENTRIES = [{"type": "REFINEMENT", "wpId": "WP-1-Demo", "timestamp": "2026-01-01T00:00:00.000Z"},
           {"type": "SIGNATURE", "wpId": "WP-1-Demo", "timestamp": "2026-01-01T00:01:00.000Z"}]
SIG_TABLE = ("# Signature audit\n\n| SIGNATURE | USED_BY | TIMESTAMP | PURPOSE | SPEC_VERSION | "
             "NOTES |\n|---|---|---|---|---|---|\n| operator010120260900 | orchestrator | "
             "2026-01-01T00:00:00Z | WP-1-Demo | v01.001 | refinement |\n")
COMMITTED = {"validation_sessions": {"WP-1-Demo": {
    "wpId": "WP-1-Demo", "verdict": "PASS", "status": "COMMITTED", "started": "t0",
    "gates": [{"gate": g, "timestamp": "2026-01-01T00:00:00.000Z"} for g in
              ("REPORT_PRESENTED", "USER_ACKNOWLEDGED", "WP_APPENDED", "COMMITTED")]}},
    "archived_sessions": []}


def _base(repo, extra=None):
    files = {**BASE, LOG: json.dumps({"gate_logs": ENTRIES}, indent=2), AUDIT: SIG_TABLE,
             **(extra or {})}
    base = setup(repo, files)
    # A real LOCK record (it also appends a LOCK entry to the gate log in compat).
    assert lock_packet(repo) == RECORD
    commit_all(repo, "lock")
    return base


def _legit(repo):
    write(repo, "src/a.txt", "l1\nL2\nl3\n")


def _every_mode(gk, repo, base, want: str | None):
    """Run post-work in worktree, staged, range (clean tree), --rev and --range modes; return
    {mode: error codes}. want=None: every mode must PASS."""
    out = {}
    manifest_write(gk, repo)
    p = post(gk, repo)
    out["worktree"] = p
    stage(repo)
    out["staged"] = post(gk, repo)
    commit_all(repo, "work")
    out["range"] = post(gk, repo)
    out["rev"] = post(gk, repo, "--rev", "HEAD")
    out["explicit"] = post(gk, repo, "--range", f"{base}..HEAD")
    for mode, p in out.items():
        if want is None:
            assert p.returncode == 0, f"{mode}: {messages(p)}"
            assert not GOV_CODES & set(errors(p)), f"{mode}: {messages(p)}"
        else:
            assert p.returncode == 1, f"{mode}: {messages(p)}"
            assert want in errors(p), f"{mode}: {messages(p)}"
    return out


def test_legit_change_with_govkit_state_passes_every_mode(repo, gk):
    base = _base(repo)
    _legit(repo)
    # What govkit itself writes in a WP: a new gate-log entry, a new audit row, a new record,
    # the validator state moving forward, an audit checkpoint.
    log = json.loads((repo / LOG).read_text())
    log["gate_logs"].append({"type": "PREPARE", "wpId": "WP-1-Demo"})
    write(repo, LOG, json.dumps(log, indent=2))
    write(repo, AUDIT, SIG_TABLE + "| operator010120261000 | orchestrator | 2026-01-01T01:00:00Z "
                                   "| WP-2-Other | v01.001 | refinement |\n")
    write(repo, STATE, json.dumps({"validation_sessions": {"WP-1-Demo": {
        "wpId": "WP-1-Demo", "verdict": "PASS", "status": "REPORT_PRESENTED", "started": "t1",
        "gates": [{"gate": "REPORT_PRESENTED"}]}}, "archived_sessions": []}))
    write(repo, ".GOV/checkpoints/audit-20260101T000000.000000Z.json", "{}\n")
    _every_mode(gk, repo, base, None)


@pytest.mark.parametrize("where", [".GOV/validator_gates/helper.py", ".GOV/.govkit/hook.py",
                                   ".GOV/audit/tool.py", ".GOV/templates/extra.md",
                                   ".GOV/records/WP-9-Other/0001-LOCK.json"])
def test_attack6_code_under_governance_dirs_fails_every_mode(repo, gk, where):
    base = _base(repo)
    _legit(repo)
    write(repo, where, "import os\nos.system('true')\n")
    out = _every_mode(gk, repo, base, "GK-GOV-EDIT")
    assert where in messages(out["range"])


def test_gate_log_entries_reordered_fails(repo, gk):
    base = _base(repo)
    _legit(repo)
    log = json.loads((repo / LOG).read_text())
    log["gate_logs"][:2] = log["gate_logs"][1::-1]
    write(repo, LOG, json.dumps(log, indent=2))
    out = _every_mode(gk, repo, base, "GK-GOV-LOG-REWRITE")
    assert "reordered" in messages(out["staged"])


def test_gate_log_entry_removed_fails(repo, gk):
    base = _base(repo)
    _legit(repo)
    log = json.loads((repo / LOG).read_text())
    log["gate_logs"].append(log["gate_logs"].pop(0))
    write(repo, LOG, json.dumps(log, indent=2))
    _every_mode(gk, repo, base, "GK-GOV-LOG-REWRITE")


def test_signature_audit_old_row_edited_fails(repo, gk):
    base = _base(repo)
    _legit(repo)
    write(repo, AUDIT, SIG_TABLE.replace("| WP-1-Demo |", "| WP-7-Stolen |"))
    out = _every_mode(gk, repo, base, "GK-GOV-LOG-REWRITE")
    assert "operator010120260900" in messages(out["range"])


def test_record_file_edited_or_removed_fails(repo, gk):
    base = _base(repo)
    _legit(repo)
    write(repo, RECORD, (repo / RECORD).read_text().replace('"in":["src/"]', '"in":["**"]'))
    assert '"in":["**"]' in (repo / RECORD).read_text()
    out = _every_mode(gk, repo, base, "GK-GOV-RECORD-EDIT")
    assert "0001-LOCK.json" in messages(out["range"])


def test_record_file_deleted_fails(repo, gk):
    base = _base(repo)
    _legit(repo)
    (repo / RECORD).unlink()
    _every_mode(gk, repo, base, "GK-GOV-RECORD-EDIT")


def test_committed_validator_state_deleted_fails(repo, gk):
    base = _base(repo, {STATE: json.dumps(COMMITTED, indent=2)})
    _legit(repo)
    (repo / STATE).unlink()
    out = _every_mode(gk, repo, base, "GK-GOV-STATE-REVERT")
    assert "COMMITTED" in messages(out["range"])


def test_committed_validator_state_reset_fails(repo, gk):
    base = _base(repo, {STATE: json.dumps(COMMITTED, indent=2)})
    _legit(repo)
    state = json.loads(json.dumps(COMMITTED))
    s = state["validation_sessions"]["WP-1-Demo"]
    s["status"], s["gates"] = "REPORT_PRESENTED", s["gates"][:1]
    write(repo, STATE, json.dumps(state))
    _every_mode(gk, repo, base, "GK-GOV-STATE-REVERT")


def test_config_relaxed_inside_the_change_fails_and_base_config_judges(repo, gk):
    base = _base(repo, {".GOV/govkit.yaml": "manifest:\n  exempt_paths: ['.GOV/**']\n"})
    _legit(repo)
    # Relax the rule inside the change: no file needs a manifest entry any more.
    write(repo, ".GOV/govkit.yaml", "manifest:\n  exempt_paths: ['**']\n")
    write(repo, "src/b.txt", "unmanifested\n")
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1
    assert "GK-GOV-CONFIG" in errors(p), messages(p)
    # Judged with the base's config: the new file still needs a manifest entry.
    assert "GK-POST-COVERAGE" in errors(p), messages(p)
    commit_all(repo, "work")
    for args in ((), ("--rev", "HEAD"), ("--range", f"{base}..HEAD")):
        p = post(gk, repo, *args)
        assert p.returncode == 1, messages(p)
        assert {"GK-GOV-CONFIG", "GK-POST-COVERAGE"} <= set(errors(p)), messages(p)


def test_attack6_on_a_branch_in_a_worktree(repo, gk, tmp_path):
    base = _base(repo)
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "feat/WP-1-Demo", str(wt))
    _legit(wt)
    write(wt, ".GOV/validator_gates/helper.py", "print('hi')\n")
    out = _every_mode(gk, wt, base, "GK-GOV-EDIT")
    assert ".GOV/validator_gates/helper.py" in messages(out["rev"])
    # main never saw the change; the branch's range is what is judged.
    assert not (repo / ".GOV/validator_gates/helper.py").exists()


APPROVAL = ".GOV/approvals/WP-1-Demo.json"


def test_this_wps_signed_approval_added_in_the_range_passes(repo, gk):
    # `govkit approve WP` writes it before the authorize commit, which lies inside the WP's range.
    base = _base(repo)
    _legit(repo)
    write(repo, APPROVAL, '{"wp": "WP-1-Demo", "sig": "x"}\n')
    _every_mode(gk, repo, base, None)


def test_this_wps_approval_edited_fails(repo, gk):
    base = _base(repo, {APPROVAL: '{"wp": "WP-1-Demo", "sig": "x"}\n'})
    _legit(repo)
    write(repo, APPROVAL, '{"wp": "WP-1-Demo", "sig": "forged"}\n')
    _every_mode(gk, repo, base, "GK-GOV-RECORD-EDIT")


def test_another_wps_approval_is_judged_like_code(repo, gk):
    base = _base(repo)
    _legit(repo)
    write(repo, ".GOV/approvals/WP-9-Other.json", "{}\n")
    _every_mode(gk, repo, base, "GK-GOV-EDIT")

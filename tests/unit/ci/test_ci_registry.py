"""run_checks: every check runs, a check's bad input becomes a finding naming it."""

from __future__ import annotations

import pytest

from govkit.errors import GovkitError
from govkit.gates.ci_checks import NAMES

from support.cikit import edit, entry, make_ws, prepare_worktree, run, set_board


def test_all_checks_run_and_are_summarised(repo):
    make_ws(repo)
    r = run(repo)
    assert r.passed
    assert [c["check"] for c in r.facts["ci_checks"]] == NAMES


def test_a_failing_check_does_not_stop_the_others(repo, monkeypatch):
    monkeypatch.setenv("CI", "1")
    make_ws(repo, {"WP-1-A": ("src/",), "WP-1-B": ("src/app.py",)})
    prepare_worktree(repo, "WP-1-B", "../wt-b")
    set_board(repo, {"In Progress": [entry("WP-1-A", "IN_PROGRESS"), entry("WP-1-B", "IN_PROGRESS")]})
    (repo / ".GOV" / "roles" / "orchestrator" / "ORCHESTRATOR_GATES.json").write_text("{broken")
    edit(repo / ".GOV" / "task_packets" / "WP-1-B.md", "- RISK_TIER: LOW", "- RISK_TIER: TBD")
    r = run(repo)
    codes = r.codes()
    assert "GK-CI-CONC-OVERLAP" in codes            # found before the broken gate log was read
    err = [f for f in r.findings if f.code == "GK-CI-CHECK-ERROR"]
    assert len(err) == 1 and "'concurrency'" in err[0].message
    assert err[0].path == ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
    assert "GK-CI-PACKET-FIELD" in codes            # the next checks still ran
    summary = {c["check"]: c["errors"] for c in r.facts["ci_checks"]}
    assert summary["concurrency"] == 2 and summary["completeness"] == 1


def test_unknown_check_and_bad_phase_are_usage_errors(repo):
    make_ws(repo)
    with pytest.raises(GovkitError, match="unknown check"):
        run(repo, ["nope"])
    with pytest.raises(GovkitError, match="invalid phase"):
        run(repo, phase="x")

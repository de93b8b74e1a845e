"""`govkit lock` on a packet made by the original scripts (gate-log custody, no records): the LOCK
binds the gate log's REFINEMENT, SIGNATURE and PREPARE entries, pre-work then passes without
GK-LOCK-NONE, and a later edit to those entries is caught."""

from __future__ import annotations

import json

from support.repo import commit_all
from support.wsfactory import make_sample

WP = "WP-1-Demo"
LOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"


def codes(p, severity: str) -> list[str]:
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == severity]


def test_a_migrated_legacy_packet_passes_pre_work_and_its_gate_log_is_bound(repo, gk):
    make_sample(repo)
    before = gk("pre-work", WP, "--json", cwd=repo)
    assert before.returncode == 0 and "GK-LOCK-NONE" in codes(before, "warning"), before.stdout
    p = gk("lock", WP, "--json", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    rec = json.loads((repo / json.loads(p.stdout)["facts"]["lock"]).read_text())
    assert set(rec["body"]["migrated"]["entries"]) == {"REFINEMENT", "SIGNATURE", "PREPARE"}
    commit_all(repo, f"[{WP}] chore: lock the legacy packet")
    after = gk("pre-work", WP, "--json", cwd=repo)
    assert after.returncode == 0, after.stdout
    assert "GK-LOCK-NONE" not in codes(after, "warning")
    assert not [c for c in codes(after, "error") if c.startswith("GK-CUSTODY")]
    # The gate log's custody is now bound by the lock: editing an entry is a FAIL.
    log_path = repo / (LOG if (repo / LOG).exists() else next(
        str(q.relative_to(repo)) for q in repo.rglob("ORCHESTRATOR_GATES.json")))
    data = json.loads(log_path.read_text())
    prep = [e for e in data["gate_logs"] if e.get("wpId") == WP and e.get("type") == "PREPARE"]
    assert prep, data
    prep[-1]["coder_id"] = "someone-else"
    log_path.write_text(json.dumps(data, indent=2))
    edited = gk("pre-work", WP, "--json", cwd=repo)
    assert edited.returncode == 1 and "GK-CUSTODY-HASH" in codes(edited, "error"), edited.stdout

"""pre-work, gate-check and refinement-check against real git repositories."""

from __future__ import annotations

import json

from support.repo import commit_all, git
from support.wsfactory import edit, make_sample, packet, refinement

WP = "WP-1-Demo"


def codes(proc):
    return [f["code"] for f in json.loads(proc.stdout)["findings"] if f["severity"] == "error"]


def test_prework_passes_on_sample(repo, gk):
    make_sample(repo)
    p = gk("pre-work", WP, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "pre-work WP-1-Demo: PASS" in p.stdout


def test_prework_json_gate_and_sarif_formats_agree(repo, gk):
    make_sample(repo)
    j = json.loads(gk("pre-work", WP, "--json", cwd=repo).stdout)
    assert j["verdict"] == "PASS" and j["wp"] == WP
    g = gk("--format", "gate", "pre-work", WP, cwd=repo).stdout
    assert "GATE_STATUS: PASS" in g and "NEXT_COMMANDS:" in g
    s = json.loads(gk("pre-work", WP, "--format", "sarif", cwd=repo).stdout)
    assert s["version"] == "2.1.0"


def test_checkpoint_requires_commit_and_equal_content(repo, gk):
    make_sample(repo, commit=False)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PRE-CHECKPOINT" in codes(p)
    commit_all(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0
    # Committed, then edited: the checkpoint no longer matches the working tree.
    edit(packet(repo), "- RISK_TIER: LOW", "- RISK_TIER: HIGH")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PRE-CHECKPOINT" in codes(p)


def test_wrong_branch_and_missing_prepare(repo, gk):
    make_sample(repo, branch="feat/WP-1-Demo")
    assert gk("pre-work", WP, cwd=repo).returncode == 0
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "feat/WP-1-Demo")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PRE-BRANCH" in codes(p)
    log = repo / ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
    data = json.loads(log.read_text())
    data["gate_logs"] = [e for e in data["gate_logs"] if e["type"] != "PREPARE"]
    log.write_text(json.dumps(data, indent=2))
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-PRE-PREPARE" in codes(p)


def test_signature_must_be_audited_for_this_wp(repo, gk):
    make_sample(repo)
    audit = repo / ".GOV/roles_shared/SIGNATURE_AUDIT.md"
    audit.write_text(audit.read_text().replace(f"Task packet creation: {WP} ",
                                               "Task packet creation: WP-9-Other ")
                     .replace(f"refinements/{WP}.md", "refinements/WP-9-Other.md"))
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PRE-SIG-OTHER-WP" in codes(p)


def test_signature_mismatch_between_packet_and_refinement(repo, gk):
    make_sample(repo, commit=False)
    edit(packet(repo), "- USER_SIGNATURE: operator211120260900",
         "- USER_SIGNATURE: other211120260901")
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-PRE-SIGNATURE" in codes(p) and "GK-PRE-SIG-AUDIT" in codes(p)


def test_empty_signature_field_stays_empty(repo, gk):
    """Vector 8: an empty '- USER_SIGNATURE:' never takes the next line's value."""
    make_sample(repo, commit=False)
    edit(refinement(repo), "- USER_SIGNATURE: operator211120260900", "- USER_SIGNATURE:")
    commit_all(repo)
    p = gk("refinement-check", WP, "--require-signature", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-REF-UNSIGNED" in codes(p)


def test_done_status_skips_refinement_gate_but_not_in_progress_not_done(repo, gk):
    make_sample(repo, commit=False)
    refinement(repo).unlink()
    edit(packet(repo), "- **Status:** Ready for Dev", "- **Status:** Done")
    commit_all(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0
    edit(packet(repo), "- **Status:** Done", "- **Status:** In Progress (not done)")
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-REF-MISSING" in codes(p)


def test_exact_packet_lookup_never_substring(repo, gk):
    """Vector 3: WP-1-Foo must not read WP-1-Foo-v2.md (the reference did)."""
    make_sample(repo, commit=False)
    pdir = repo / ".GOV/task_packets"
    (pdir / "WP-1-Demo-v2.md").write_text("# broken\n")
    commit_all(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0
    assert gk("pre-work", "WP-1-Dem", cwd=repo).returncode == 2


def test_revision_resolves_through_registry(repo, gk):
    make_sample(repo, wp="WP-1-Demo-v2", commit=False)
    reg = repo / ".GOV/roles_shared/WP_TRACEABILITY_REGISTRY.md"
    reg.write_text(reg.read_text() + "| WP-1-Demo | .GOV/task_packets/WP-1-Demo-v2.md | Ready | x |\n")
    commit_all(repo)
    p = gk("pre-work", "WP-1-Demo", "-v", cwd=repo)
    assert p.returncode == 0, p.stdout
    assert "WP-1-Demo-v2.md" in p.stdout


def test_merge_base_with_trailing_comment_parses(repo, gk):
    """Vector 10 / defect 18: the generated MERGE_BASE_SHA line with a comment is parsed."""
    make_sample(repo, commit=False)
    text = packet(repo).read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("- MERGE_BASE_SHA:"))
    edit(packet(repo), line, line + " (git merge-base main HEAD at creation time)")
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 0
    assert all(f["code"] != "GK-PRE-MERGE-BASE" for f in json.loads(p.stdout)["findings"])


def test_agentic_mode_rules(repo, gk):
    make_sample(repo, commit=False)
    edit(packet(repo), "- AGENTIC_MODE: NO", "- AGENTIC_MODE: YES")
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-PRE-AGENTIC" in codes(p)
    edit(packet(repo), "- ORCHESTRATOR_MODEL: <pending>", "- ORCHESTRATOR_MODEL: gpt-x")
    edit(packet(repo), "- ORCHESTRATION_STARTED_AT_UTC: <pending>",
         "- ORCHESTRATION_STARTED_AT_UTC: 2026-11-21T10:00:00Z")
    commit_all(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0


def test_missing_structure_and_validation(repo, gk):
    make_sample(repo, commit=False)
    text = packet(repo).read_text()
    head, _, rest = text.partition("## VALIDATION\n")
    tail = rest[rest.index("## STATUS_HANDOFF"):]
    packet(repo).write_text(head.replace("- RISK_TIER: LOW\n", "") + tail)
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert {"GK-PRE-STRUCTURE", "GK-PRE-VALIDATION"} <= set(codes(p))


def test_active_packet_needs_real_values_and_scope(repo, gk):
    make_sample(repo, commit=False)
    edit(packet(repo), "- RISK_TIER: LOW", "- RISK_TIER: <fill> (LOW | MEDIUM | HIGH)")
    edit(packet(repo), "  - python -m pytest", "  - <fill: the commands that prove the change>")
    edit(packet(repo), "- IN_SCOPE_PATHS:\n  - src/app.py", "- IN_SCOPE_PATHS:\n  - path/to/file")
    commit_all(repo)
    p = gk("pre-work", WP, "--json", cwd=repo)
    errors = [f for f in json.loads(p.stdout)["findings"] if f["severity"] == "error"]
    assert p.returncode == 1
    assert {"RISK_TIER", "TEST_PLAN"} <= {f["message"].split()[0] for f in errors
                                          if f["code"] == "GK-PRE-PLACEHOLDER"}
    assert "GK-PRE-SCOPE" in codes(p)

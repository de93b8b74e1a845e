"""From a spec to a locked, signed task packet with govkit commands only."""

from __future__ import annotations

import json
import re

from govkit.model.common import leading_sha

from support.orchkit import (
    AUDIT,
    LOG,
    SIG,
    WP,
    codes,
    full_flow,
    log,
    ok,
    ref_rel,
    set_record,
    setup,
    sign_flow,
)
from support.repo import git


def test_full_flow_produces_locked_packet_and_prework_passes(repo, gk):
    setup(repo)
    p = gk("record-refinement", WP, cwd=repo)
    ok(p)
    assert "new turn" in p.stdout
    raw = (repo / LOG).read_bytes()
    assert not raw.endswith(b"\n") and raw.startswith(b'{\n  "gate_logs": [\n    {\n      "wpId"')
    rec = log(repo)[0]
    assert list(rec)[:7] == ["wpId", "type", "refinement_path", "spec_target_resolved",
                            "spec_target_sha1", "timestamp", "turn_token"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rec["timestamp"])
    assert rec["turn_token"].isdigit() and len(rec["spec_target_sha1"]) == 40
    ok(gk("record-signature", WP, SIG, cwd=repo))
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    p = gk("create-task-packet", WP, "--checkpoint", cwd=repo)
    ok(p)
    text = (repo / f".GOV/task_packets/{WP}.md").read_text()
    assert text.startswith("# Task Packet: " + WP)
    mb = next(ln for ln in text.splitlines() if ln.startswith("- MERGE_BASE_SHA:"))
    assert leading_sha(mb.split(":", 1)[1]) and re.fullmatch(r"- MERGE_BASE_SHA: [0-9a-f]{40}", mb)
    assert f"- USER_SIGNATURE: {SIG}" in text and f"**User Signature Locked:** {SIG}" in text
    assert f"- REFINEMENT_FILE: {ref_rel()}" in text and "- SPEC_BASELINE: Project_Master" in text
    assert "{{" not in text
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{WP}] chore: authorize"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "status", "--porcelain", "--", f".GOV/task_packets/{WP}.md") == ""
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert "GK-PRE-SIGNATURE" not in p.stdout and "GK-PRE-CHECKPOINT" not in p.stdout
    assert "GK-PRE-SIG-AUDIT" not in p.stdout and "GK-PRE-PREPARE" not in p.stdout


def test_scaffold_when_refinement_missing(repo, gk):
    setup(repo, wps=())
    p = gk("create-task-packet", "WP-1-New", cwd=repo)
    assert p.returncode == 1
    assert "GK-PKT-SCAFFOLD" in p.stdout and "to fill" in p.stdout
    raw = (repo / ".GOV/refinements/WP-1-New.md").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"- WP_ID: WP-1-New" in raw
    assert b"{{" not in raw
    # The scaffold fails refinement-check until it is filled in, never because of a BOM.
    p = gk("refinement-check", "WP-1-New", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-REF-BOM" not in p.stdout and "GK-REF-HEADING" not in p.stdout
    assert not (repo / ".GOV/task_packets/WP-1-New.md").exists()


def test_collision_suggests_next_version(repo, gk):
    setup(repo)
    full_flow(repo, gk, checkpoint=False)
    (repo / ".GOV/task_packets/WP-1-Orch-v2.md").write_text("# Task Packet: WP-1-Orch-v2\n")
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-PKT-EXISTS"]
    assert json.loads(p.stdout)["facts"]["suggested_id"] == "WP-1-Orch-v3"


def test_packet_refused_without_prepare_or_out_of_order(repo, gk):
    setup(repo)
    sign_flow(repo, gk)
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PKT-NO-PREPARE" in codes(p)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    sig_ts = next(e for e in log(repo) if e["type"] == "SIGNATURE")["timestamp"]
    set_record(repo, WP, "PREPARE", timestamp=sig_ts)
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PKT-ORDER" in codes(p)
    set_record(repo, WP, "PREPARE", timestamp="yesterday")
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 2 and "GK-PKT-TIMESTAMP" in codes(p)
    assert not (repo / f".GOV/task_packets/{WP}.md").exists()


def test_packet_requires_signature_everywhere(repo, gk):
    setup(repo)
    sign_flow(repo, gk)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    audit = (repo / AUDIT).read_text()
    (repo / AUDIT).write_text("\n".join(ln for ln in audit.split("\n") if SIG not in ln))
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PKT-SIG-AUDIT" in codes(p)
    (repo / AUDIT).write_text(audit)
    set_record(repo, WP, "SIGNATURE", signature="other010120260900")
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PKT-SIG-LOG" in codes(p)
    assert not (repo / f".GOV/task_packets/{WP}.md").exists()


def test_unsigned_refinement_cannot_become_a_packet(repo, gk):
    setup(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("create-task-packet", WP, "--json", cwd=repo)
    assert p.returncode == 1
    assert "GK-REF-UNSIGNED" in codes(p) and "GK-REF-UNAPPROVED" in codes(p)

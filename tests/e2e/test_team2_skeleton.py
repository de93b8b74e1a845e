"""Problem 5 (operator's act): SKELETON APPROVED is a recorded, audited approval
(`govkit approve-skeleton`), not a bare line the governed agent can type (kernel-gates.md 17.1).
strict requires the record; compat accepts the legacy line with a warning."""

from __future__ import annotations

import json

from support.repo import commit_all
from support.wsfactory import edit, make_sample, packet

WP = "WP-1-Demo"
IMPL = "## VALIDATION REPORT 1\nVerdict: PASS\n\n## VALIDATION_REPORTS"
CFG = ".GOV/govkit.yaml"


def findings(p, severity="error"):
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == severity]


def test_strict_needs_the_record_not_the_bare_line(repo, gk):
    ws = make_sample(repo)
    (ws / CFG).write_text("profile: strict\n", encoding="utf-8")
    edit(packet(ws), "## VALIDATION_REPORTS", IMPL)
    edit(packet(ws), "## END_TO_END_CLOSURE_PLAN", "SKELETON APPROVED\n\n## END_TO_END_CLOSURE_PLAN")
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert p.returncode == 1, p.stdout
    assert "GK-PHASE-UNAPPROVED" in findings(p)
    assert "GK-PHASE-LEGACY-APPROVAL" in findings(p, "warning")

    a = gk("approve-skeleton", WP, "--json", cwd=ws)
    assert a.returncode == 0, a.stdout + a.stderr
    rec = json.loads(a.stdout)["facts"]["record"]
    body = json.loads((ws / rec).read_text())
    assert body["type"] == "SKELETON-APPROVED" and body["body"]["skeleton_sha256"]
    assert gk("gate-check", WP, cwd=ws).returncode == 0
    trail = gk("audit", "show", "--json", cwd=ws)
    assert "approve-skeleton" in trail.stdout

    # the approval binds the SKELETON as approved: a later edit needs a new approval
    text = packet(ws).read_text()
    head, tail = text.split("## SKELETON\n", 1)
    packet(ws).write_text(head + "## SKELETON\n- one more stub\n" + tail)
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert p.returncode == 1 and "GK-PHASE-SKELETON-CHANGED" in findings(p)
    assert gk("approve-skeleton", WP, cwd=ws).returncode == 0
    assert gk("gate-check", WP, cwd=ws).returncode == 0
    again = gk("approve-skeleton", WP, "--json", cwd=ws)
    assert again.returncode == 1 and "GK-SKEL-ALREADY" in findings(again)


def test_compat_accepts_the_legacy_line_with_a_warning(repo, gk):
    ws = make_sample(repo)
    edit(packet(ws), "## VALIDATION_REPORTS", IMPL)
    edit(packet(ws), "## END_TO_END_CLOSURE_PLAN", "SKELETON APPROVED\n\n## END_TO_END_CLOSURE_PLAN")
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert p.returncode == 0, p.stdout
    assert "GK-PHASE-LEGACY-APPROVAL" in findings(p, "warning")


def test_unfilled_skeleton_cannot_be_approved(repo, gk):
    ws = make_sample(repo)
    text = packet(ws).read_text()
    head, rest = text.split("## SKELETON\n", 1)
    body, tail = rest.split("\n## ", 1)
    packet(ws).write_text(head + "## SKELETON\n- <fill: interfaces>\n\n## " + tail)
    commit_all(ws, "unfilled")
    p = gk("approve-skeleton", WP, "--json", cwd=ws)
    assert p.returncode == 1 and "GK-SKEL-UNFILLED" in findings(p)
    assert not (ws / ".GOV/records" / WP).exists() or not any(
        "SKELETON" in f.name for f in (ws / ".GOV/records" / WP).iterdir())

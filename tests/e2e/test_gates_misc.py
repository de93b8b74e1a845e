"""gate-check phases, refinement-check rules, board-check and spec-check."""

from __future__ import annotations

import json

import pytest

from support.repo import commit_all
from support.wsfactory import edit, make_sample, packet, refinement

WP = "WP-1-Demo"


def errs(p):
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == "error"]


@pytest.fixture
def ws(repo):
    return make_sample(repo)


def test_gate_check_requires_approval_before_implementation(ws, gk):
    edit(packet(ws), "## VALIDATION_REPORTS", "## VALIDATION REPORT 1\nVerdict: PASS\n\n## VALIDATION_REPORTS")
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert p.returncode == 1 and "GK-PHASE-UNAPPROVED" in errs(p)
    edit(packet(ws), "## END_TO_END_CLOSURE_PLAN", "SKELETON APPROVED\n\n## END_TO_END_CLOSURE_PLAN")
    assert gk("gate-check", WP, cwd=ws).returncode == 0


def test_marker_inside_fence_or_before_skeleton_does_not_count(ws, gk):
    edit(packet(ws), "## VALIDATION_REPORTS", "## VALIDATION REPORT\n\n## VALIDATION_REPORTS")
    edit(packet(ws), "## END_TO_END_CLOSURE_PLAN", "~~~\nSKELETON APPROVED\n~~~\n\n## END_TO_END_CLOSURE_PLAN")
    assert "GK-PHASE-UNAPPROVED" in errs(gk("gate-check", WP, "--json", cwd=ws))
    edit(packet(ws), "## BOOTSTRAP", "SKELETON APPROVED\n\n## BOOTSTRAP")
    assert "GK-PHASE-APPROVAL-ORDER" in errs(gk("gate-check", WP, "--json", cwd=ws))


def test_unclosed_fence_cannot_hide_implementation(ws, gk):
    edit(packet(ws), "## VALIDATION_REPORTS", "```\n## VALIDATION REPORT\n")
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert p.returncode == 1 and "GK-PHASE-FENCE" in errs(p)


def test_phase_order_and_in_progress_needs_bootstrap(ws, gk):
    text = packet(ws).read_text()
    boot = text[text.index("## BOOTSTRAP"):text.index("## SKELETON")]
    packet(ws).write_text(text.replace(boot, "").replace("## END_TO_END", boot + "## END_TO_END"))
    assert "GK-PHASE-ORDER" in errs(gk("gate-check", WP, "--json", cwd=ws))
    packet(ws).write_text(text.replace(boot, "").replace("- **Status:** Ready for Dev",
                                                         "- **Status:** In Progress"))
    p = gk("gate-check", WP, "--json", cwd=ws)
    assert {"GK-PHASE-BOOTSTRAP", "GK-PHASE-MISSING"} <= set(errs(p))


@pytest.mark.parametrize("old,new,code", [
    ("- CONTEXT_TOKEN: cap1r1", "- CONTEXT_TOKEN: nowhere", "GK-REF-TOKEN"),
    ("- CONTEXT_END_LINE: 6", "- CONTEXT_END_LINE: 9999", "GK-REF-ANCHOR-LINES"),
    ("- CONTEXT_START_LINE: 4", "- CONTEXT_START_LINE: x4", "GK-REF-ANCHOR-LINES"),
    ("- CLEARLY_COVERS_VERDICT: PASS", "- CLEARLY_COVERS_VERDICT: FAIL", "GK-REF-CONSISTENCY"),
    ("- ENRICHMENT_NEEDED: NO", "- ENRICHMENT_NEEDED: maybe", "GK-REF-ENRICHMENT"),
    ("- AMBIGUITY_FOUND: NO", "- AMBIGUITY_FOUND: YES", "GK-REF-AMBIGUITY"),
    ("### PRIMITIVES", "### PRIMITIVE_LIST", "GK-REF-SECTION"),
    ("- WP_ID: WP-1-Demo", "- WP_ID: WP-1-Other", "GK-REF-WPID"),
    ("- REASON_NO_ENRICHMENT: The spec is complete here.", "- REASON_NO_ENRICHMENT: <fill>",
     "GK-REF-ENRICHMENT"),
    ("<not applicable; ENRICHMENT_NEEDED=NO>", "New rule text", "GK-REF-ENRICHMENT"),
    ("- USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT WP-1-Demo",
     "- USER_APPROVAL_EVIDENCE: approve it", "GK-REF-APPROVAL"),
    ("- USER_REVIEW_STATUS: APPROVED", "- USER_REVIEW_STATUS: PENDING", "GK-REF-UNAPPROVED"),
    ("Section 1 states the rule.", "caf\u00e9", "GK-REF-ASCII"),
])
def test_refinement_rules(ws, gk, old, new, code):
    edit(refinement(ws), old, new)
    p = gk("refinement-check", WP, "--require-signature", "--json", cwd=ws)
    assert p.returncode == 1 and code in errs(p), p.stdout


def test_refinement_spec_sha_and_target(ws, gk):
    spec = ws / "Project_Master_Spec_v01.001.md"
    spec.write_text(spec.read_text() + "extra\n")
    assert "GK-REF-SPEC-SHA1" in errs(gk("refinement-check", WP, "--json", cwd=ws))
    # A CRLF checkout of the same spec still matches (one hashing model, defect 26).
    spec.write_bytes(spec.read_bytes().replace(b"extra\n", b"").replace(b"\n", b"\r\n"))
    assert gk("refinement-check", WP, cwd=ws).returncode == 0


def test_excerpt_drift_is_a_warning(ws, gk):
    edit(refinement(ws), "  The system SHALL keep rule 1.1", "  The system MAY keep rule 1.1")
    p = gk("refinement-check", WP, "--json", cwd=ws)
    assert p.returncode == 0
    assert "GK-REF-EXCERPT-DRIFT" in [f["code"] for f in json.loads(p.stdout)["findings"]]


def test_board_check_format_verdict_and_traceability(ws, gk):
    board = ws / ".GOV/roles_shared/TASK_BOARD.md"
    assert gk("board-check", cwd=ws).returncode == 0
    edit(board, "## Done\n", "## Done\n\n- **[WP-1-Demo]** - VALIDATED\n")
    assert "GK-BOARD-FORMAT" in errs(gk("board-check", "--json", cwd=ws))
    edit(board, "- **[WP-1-Demo]** - VALIDATED", "- **[WP-1-Demo]** - [VALIDATED]")
    assert "GK-BOARD-VERDICT" in errs(gk("board-check", "--json", cwd=ws))
    edit(packet(ws), "## VALIDATION_REPORTS\n", "## VALIDATION_REPORTS\nVerdict: FAIL\n")
    p = gk("board-check", "--json", cwd=ws)
    # A verdict that contradicts the board: compat warns (the original passed it), strict fails.
    found = [(f["code"], f["severity"]) for f in json.loads(p.stdout)["findings"]]
    assert ("GK-BOARD-VERDICT", "warning") in found and "FAIL" in p.stdout
    edit(packet(ws), "Verdict: FAIL", "Verdict: PASS")
    assert gk("board-check", cwd=ws).returncode == 0
    (ws / ".GOV/task_packets/WP-1-Demo-v2.md").write_text(packet(ws).read_text())
    assert "GK-TRACE-MISSING" in errs(gk("board-check", "--json", cwd=ws))


def test_claim_check_for_in_progress(ws, gk):
    edit(packet(ws), "- **Status:** Ready for Dev", "- **Status:** In Progress")
    p = gk("board-check", "--json", cwd=ws)
    assert {"GK-CLAIM-MODEL", "GK-CLAIM-STRENGTH"} <= set(errs(p))
    edit(packet(ws), "- CODER_MODEL: <unclaimed>", "- CODER_MODEL: model-x")
    edit(packet(ws), "- CODER_REASONING_STRENGTH: <unclaimed>", "- CODER_REASONING_STRENGTH: EXTRA_HIGH")
    assert gk("board-check", cwd=ws).returncode == 0


def test_spec_check_newest_version(ws, gk):
    assert gk("spec-check", cwd=ws).returncode == 0
    (ws / "Project_Master_Spec_v01.010.md").write_text("# newer\n")
    p = gk("spec-check", "--json", cwd=ws)
    assert p.returncode == 1 and "GK-SPEC-STALE" in errs(p)
    assert json.loads(p.stdout)["facts"]["latest"] == "Project_Master_Spec_v01.010.md"


def test_ci_combines_checks(ws, gk):
    assert gk("ci", cwd=ws).returncode == 0
    commit_all(ws)
    (ws / "Project_Master_Spec_v02.000.md").write_text("# newer\n")
    assert gk("ci", cwd=ws).returncode == 1


def test_config_paths_are_honoured(ws, gk):
    (ws / ".GOV/govkit.yaml").write_text("spec:\n  file_pattern: '*_Spec_v*.md'\n"
                                         "wp_id_pattern: '^WP-[0-9]+-[A-Za-z]+$'\n")
    assert gk("spec-check", cwd=ws).returncode == 0
    assert gk("gate-check", "WP-1-Demo", cwd=ws).returncode == 0
    assert gk("gate-check", "WP-x", cwd=ws).returncode == 2


def test_forbidden_patterns_from_config(ws, gk):
    (ws / ".GOV/govkit.yaml").write_text(
        "forbidden_patterns:\n  - id: no-print\n    pattern: '\\bprint\\('\n"
        "    paths: ['src/**/*.py']\n    allow: ['src/cli.py']\n    message: use logging\n")
    (ws / "src/cli.py").write_text("print('ok')\n")
    (ws / "src/app.py").write_text("def rule():\n    print('x')\n")
    commit_all(ws)
    p = gk("ci", "--json", cwd=ws)
    found = [f for f in json.loads(p.stdout)["findings"] if f["code"] == "GK-FORBIDDEN-NO-PRINT"]
    assert p.returncode == 1 and [(f["path"], f["line"]) for f in found] == [("src/app.py", 2)]


def test_globs():
    from govkit.util.globs import matches
    assert matches("src/api/x.py", "src/api/") and not matches("src/apix.py", "src/api/")
    assert matches("src/a/b/c.py", "src/**/*.py") and matches("src/c.py", "src/**/*.py")
    assert not matches("src/c.pyc", "src/**/*.py") and matches("src/x", "src")
    assert matches(".GOV/a/b.md", ".GOV/**") and not matches("x/.GOV/a", ".GOV/**")

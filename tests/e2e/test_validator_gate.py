"""The validator state machine, with its reference defects fixed."""

from __future__ import annotations

import json

from support.repo import commit_all, git
from support.wsfactory import edit, make_sample, packet

WP = "WP-1-Demo"


def errs(p):
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == "error"]


def test_full_cycle_with_momentum_and_append_verification(repo, gk):
    (repo / ".GOV").mkdir()   # the config lands before the WP's merge base
    (repo / ".GOV/govkit.yaml").write_text("validator:\n  min_gate_interval_seconds: 0\n")
    make_sample(repo)
    vg = lambda *a: gk("validator-gate", *a, "--json", cwd=repo)
    assert vg("append", WP).returncode == 1
    assert vg("present-report", WP, "PASS").returncode == 0
    assert "GK-VAL-ORDER" in errs(vg("append", WP))
    assert vg("acknowledge", WP).returncode == 0
    # append commits what it writes: anything else uncommitted is refused.
    (repo / "stray.txt").write_text("x\n")
    p = vg("append", WP)
    assert p.returncode == 1 and errs(p) == ["GK-VAL-DIRTY"]
    (repo / "stray.txt").unlink()
    # A packet without VALIDATION_REPORTS cannot hold the report: verified, not assumed.
    edit(packet(repo), "## VALIDATION_REPORTS\n", "## NOTES\n")
    commit_all(repo, "packet without reports")
    p = vg("append", WP)
    assert p.returncode == 1 and "GK-VAL-NOT-APPENDED" in errs(p)
    edit(packet(repo), "## NOTES\n", "## VALIDATION_REPORTS\n")
    commit_all(repo, "reports back")
    assert vg("append", WP).returncode == 0
    text = packet(repo).read_text()
    assert "### VALIDATION REPORT WP-1-Demo" in text and "- Verdict: PASS" in text
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{WP}] docs: validation report"
    # The validated tree must be one post-work passed (durably recorded in the trail).
    p = vg("commit", WP)
    assert p.returncode == 1 and "GK-VAL-UNPASSED" in errs(p)
    (repo / "src/app.py").write_text("def rule():\n    return False\n")
    text = packet(repo).read_text()
    for a, b in (("- <fill: requirement -> path:line>", "- rule 1.4 -> src/app.py:2"),
                 ("- COMMAND: <paste>", "- COMMAND: python -m pytest"),
                 ("- EXIT_CODE: <int>", "- EXIT_CODE: 0")):
        text = text.replace(a, b)
    packet(repo).write_text(text)
    git(repo, "add", "-A")
    assert gk("manifest", WP, "--write", cwd=repo).returncode == 0
    commit_all(repo, "work")
    p = gk("post-work", WP, "--json", cwd=repo)
    assert p.returncode == 0, p.stdout
    assert len(json.loads(p.stdout)["facts"]["passed_tree"]) == 40
    assert vg("commit", WP).returncode == 0
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{WP}] chore: validated"
    state = json.loads((repo / ".GOV/validator_gates/WP-1-Demo.json").read_text())
    s = state["validation_sessions"][WP]
    assert s["status"] == "COMMITTED" and len(s["gates"][-1]["commit"]) == 40
    # A COMMITTED validation is never reset or overwritten.
    assert "GK-VAL-COMMITTED" in errs(vg("present-report", WP, "FAIL"))
    assert gk("validator-gate", "reset", WP, "--confirm", cwd=repo).returncode == 1
    assert vg("status", WP).returncode == 0
    # ci: the validated tree passed post-work here; a clone whose trail never saw that PASS
    # reports the VALIDATED record (once it keeps a trail).
    ci = lambda where: json.loads(gk("ci", "--json", cwd=where).stdout)["findings"]
    assert "GK-CI-UNPASSED" not in [f["code"] for f in ci(repo)]
    other = repo.parent / "other"
    git(repo.parent, "clone", "-q", str(repo), str(other))
    ci(other)   # the first governed command starts the clone's trail
    found = [f for f in ci(other) if f["code"] == "GK-CI-UNPASSED"]
    assert found and WP in found[0]["message"], ci(other)


def test_momentum_and_broken_timestamps(repo, gk):
    make_sample(repo)
    assert gk("validator-gate", "present-report", WP, "FAIL", cwd=repo).returncode == 0
    p = gk("validator-gate", "acknowledge", WP, "--json", cwd=repo)
    assert "GK-VAL-MOMENTUM" in errs(p)
    f = repo / ".GOV/validator_gates/WP-1-Demo.json"
    data = json.loads(f.read_text())
    data["validation_sessions"][WP]["gates"][0]["timestamp"] = "yesterday"
    f.write_text(json.dumps(data))
    assert "GK-VAL-TIMESTAMP" in errs(gk("validator-gate", "acknowledge", WP, "--json", cwd=repo))


def test_present_report_archives_in_progress_and_reset(repo, gk):
    make_sample(repo)
    gk("validator-gate", "present-report", WP, "FAIL", cwd=repo)
    p = gk("validator-gate", "present-report", WP, "PASS", "--json", cwd=repo)
    assert p.returncode == 0 and "GK-VAL-ARCHIVED" in p.stdout
    assert gk("validator-gate", "reset", WP, "--confirm", cwd=repo).returncode == 0
    data = json.loads((repo / ".GOV/validator_gates/WP-1-Demo.json").read_text())
    assert data["validation_sessions"] == {} and len(data["archived_sessions"]) == 2
    assert gk("validator-gate", "reset", WP, cwd=repo).returncode == 2  # --confirm required


def test_legacy_file_is_read_and_migrated(repo, gk):
    make_sample(repo)
    legacy = repo / ".GOV/roles/validator/VALIDATOR_GATES.json"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(json.dumps({"validation_sessions": {WP: {
        "wpId": WP, "verdict": "PASS", "status": "REPORT_PRESENTED",
        "gates": [{"gate": "REPORT_PRESENTED", "timestamp": "2020-01-01T00:00:00.000Z"}]}},
        "archived_sessions": []}))
    p = gk("validator-gate", "status", WP, "--json", cwd=repo)
    assert json.loads(p.stdout)["facts"]["status"] == "REPORT_PRESENTED"
    assert gk("validator-gate", "acknowledge", WP, cwd=repo).returncode == 0
    assert (repo / ".GOV/validator_gates/WP-1-Demo.json").exists()

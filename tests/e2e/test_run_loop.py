"""govkit run end to end: success, test failure with a byte-identical rollback, reviews."""

from __future__ import annotations

import os

from support import runkit as rk
from support.repo import git

WP = rk.WP


def run(gk, repo, cs, *args, env=None):
    return gk("run", WP, "--changeset", cs, "--json", *args, cwd=repo, env=env)


def test_success_commits_with_trailers_manifest_and_audit(repo, gk, tmp_path):
    rk.setup(repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    cs = rk.changeset(tmp_path / "cs.json", [
        rk.modify(repo, "src/app.py", "def rule():\n    return 1 == 1\n"),
        {"path": "src/new.py", "mode": "add", "after": "NEW = 1\n"}])
    p = run(gk, repo, cs)
    assert p.returncode == 0, p.stdout + p.stderr
    rep = rk.report(p)
    assert rep["verdict"] == "PASS" and rep["facts"]["post-work"] == "PASS"
    run_id = rep["facts"]["run"]
    # One new commit with the subject and the trailers; the tree is clean afterwards.
    assert git(repo, "rev-parse", "HEAD~1").strip() == head
    body = git(repo, "log", "-1", "--format=%B")
    assert body.startswith(f"[{WP}] implement rule 1.4\n")
    trailers = dict(line.split(": ", 1) for line in body.splitlines() if line.startswith("Govkit-"))
    assert trailers["Govkit-Run"] == run_id and int(trailers["Govkit-Audit-Seq"]) > 0
    assert len(trailers["Govkit-Audit-Head"]) == 64
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == [
        ".GOV/task_packets/WP-1-Demo.md", "src/app.py", "src/new.py"]
    # The packet carries the manifest and the evidence; post-work on the commit passes.
    packet = (repo / ".GOV/task_packets/WP-1-Demo.md").read_text()
    assert "**Target File**: `src/new.py`" in packet and "- EXIT_CODE: 0" in packet
    assert f"- RUN: {run_id}" in packet and "- rule 1.4 -> src/app.py:1" in packet
    assert gk("post-work", WP, "--rev", "HEAD", cwd=repo).returncode == 0
    v = gk("audit", "verify", "--json", cwd=repo)
    assert v.returncode == 0, v.stdout
    show = gk("audit", "show", "--json", cwd=repo).stdout
    assert run_id in show and "llm-call" in show
    assert rk.runs(repo) == []


def test_failing_tests_roll_back_byte_for_byte(repo, gk, tmp_path):
    rk.setup(repo)
    (repo / "notes.txt").write_text("untracked, never touched\n")
    (repo / "src" / "scratch.tmp").write_text("untracked in scope\n")
    before = rk.fingerprint(repo)
    cs = rk.changeset(tmp_path / "cs.json", [
        rk.modify(repo, "src/app.py", "def rule():\n    return 'FAIL-TESTS'\n"),
        {"path": "src/deep/er/new.py", "mode": "add", "after": "X = 1\n"},
        {"path": "src/old.py", "mode": "delete", "before_sha": rk.before(repo, "src/old.py")},
        {"path": "src/tool.sh", "mode": "rename", "new_path": "src/tool2.sh",
         "before_sha": rk.before(repo, "src/tool.sh")},
        rk.modify(repo, "src/util.py", "def helper():\n    return 2\n")])
    p = run(gk, repo, cs)
    assert p.returncode == 1, p.stdout + p.stderr
    rep = rk.report(p)
    assert "GK-RUN-TEST" in rk.errors(p)
    assert rep["facts"]["rollback"].startswith("verified: 7 file(s)")
    assert rep["facts"]["phases"]["tests"].startswith("FAIL")
    assert rk.fingerprint(repo) == before          # every file, mode, the index and HEAD
    assert not (repo / "src" / "deep").exists()    # the directories it created are gone
    assert os.stat(repo / "src" / "tool.sh").st_mode & 0o777 == 0o755
    assert rk.runs(repo) == []
    shown = gk("audit", "show", "--json", cwd=repo).stdout
    assert "rolled back: phase tests failed" in shown


def test_review_fail_applies_nothing(repo, gk, tmp_path):
    rk.setup(repo)
    before = rk.fingerprint(repo)
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 2\n")],
                      message="change it govkit-stub: review-fail")
    p = run(gk, repo, cs)
    assert p.returncode == 1 and "GK-RUN-REVIEW" in rk.errors(p)
    phases = rk.report(p)["facts"]["phases"]
    assert phases["review"].startswith("FAIL") and "apply" not in phases
    assert rk.fingerprint(repo) == before and rk.runs(repo) == []


def test_efficiency_fail_and_transport_error_fail_closed(repo, gk, tmp_path):
    rk.setup(repo)
    before = rk.fingerprint(repo)
    for marker, code in (("efficiency-fail", "GK-RUN-EFFICIENCY"),
                         ("efficiency-error", "GK-RUN-EFFICIENCY-ERROR")):
        cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 2\n")],
                          message=f"change it govkit-stub: {marker}")
        p = run(gk, repo, cs)
        assert p.returncode == 1 and rk.errors(p) == [code], p.stdout
        assert rk.report(p)["facts"]["phases"]["efficiency"].startswith("FAIL")
        assert rk.fingerprint(repo) == before


def test_force_efficiency_only_where_allowed_and_audited(repo, gk, tmp_path):
    rk.setup(repo)
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py",
                                                       "def rule():\n    return True  # ok\n")],
                      message="change it govkit-stub: efficiency-fail")
    p = gk("run", WP, "--changeset", cs, "--force-efficiency-pass", "--reason", "hotfix",
           cwd=repo)
    assert p.returncode == 2 and "not allowed" in p.stderr
    cfg = repo / ".GOV" / "govkit.yaml"
    cfg.write_text(cfg.read_text() + "  allow_force_efficiency: true\n")
    rk.commit(repo, "allow the override")
    p = gk("run", WP, "--changeset", cs, "--force-efficiency-pass", cwd=repo)
    assert p.returncode == 2 and "--reason" in p.stderr
    p = gk("run", WP, "--changeset", cs, "--json", "--force-efficiency-pass", "--reason",
           "operator hotfix 42", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "GK-RUN-EFFICIENCY-FORCED" in [f["code"] for f in rk.report(p)["findings"]]
    shown = gk("audit", "show", "--json", cwd=repo).stdout
    assert "run-force-efficiency" in shown and "operator hotfix 42" in shown

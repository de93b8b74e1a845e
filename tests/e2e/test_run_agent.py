"""`govkit run WP --agent [--attempts N]` with the stub coder: the agent writes the ChangeSet,
failed tests go back to it with the failure as feedback, and a spent budget is a FAIL verdict
with the tree left byte for byte as it was."""

from __future__ import annotations

import sys

from support import runkit as rk
from support.repo import git

WP = rk.WP

# The test command fails its first FAILS runs (a counter file outside the repository), then
# passes: the second attempt sees the first one's failure.
FLAKY = ("import pathlib, sys\n"
         "counter, fails = pathlib.Path(sys.argv[1]), int(sys.argv[2])\n"
         "n = int(counter.read_text()) if counter.exists() else 0\n"
         "counter.write_text(str(n + 1))\n"
         "print('run', n + 1, 'of the tests')\n"
         "sys.exit(1 if n < fails else 0)\n")


def setup(repo, tmp_path, fails: int):
    counter = tmp_path / "runs.txt"
    rk.setup(repo, check=FLAKY,
             test_command=[sys.executable, "check.py", str(counter), str(fails)])
    return counter


def agent(gk, repo, *args):
    return gk("run", WP, "--agent", "--json", *args, cwd=repo)


def test_agent_run_succeeds_and_commits_its_changeset(repo, gk, tmp_path):
    counter = setup(repo, tmp_path, fails=0)
    head = git(repo, "rev-parse", "HEAD").strip()
    p = agent(gk, repo)
    assert p.returncode == 0, p.stdout + p.stderr
    rep = rk.report(p)
    assert rep["verdict"] == "PASS" and rep["facts"]["attempts"] == 1
    assert git(repo, "rev-parse", "HEAD~1").strip() == head
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == f"[{WP}] implement DONE_MEANS (stub coder)"
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert any(c.startswith("src/") for c in changed)
    assert counter.read_text() == "1"
    assert gk("audit", "verify", cwd=repo).returncode == 0
    assert "llm-call" in gk("audit", "show", "--json", cwd=repo).stdout


def test_failed_tests_go_back_to_the_coder_and_the_second_attempt_commits(repo, gk, tmp_path):
    counter = setup(repo, tmp_path, fails=1)
    p = agent(gk, repo, "--attempts", "2")
    assert p.returncode == 0, p.stdout + p.stderr
    rep = rk.report(p)
    assert rep["verdict"] == "PASS" and rep["facts"]["attempts"] == 2
    # The first attempt's failure stays in the report as a warning, and reached the coder.
    warned = [f for f in rep["findings"] if f["code"] == "GK-RUN-TEST"
              and f["severity"] == "warning"]
    assert len(warned) == 1 and "exit 1" in warned[0]["message"]
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject.endswith("(stub coder, retry after feedback)")
    assert counter.read_text() == "2"
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    assert rk.runs(repo) == []


def test_a_spent_budget_is_a_fail_verdict_with_the_tree_unchanged(repo, gk, tmp_path):
    counter = setup(repo, tmp_path, fails=99)
    head = git(repo, "rev-parse", "HEAD").strip()
    before = rk.fingerprint(repo)
    p = agent(gk, repo, "--attempts", "3")
    assert p.returncode == 1, p.stdout + p.stderr   # a verdict, not a crash (exit 3) or usage (2)
    rep = rk.report(p)
    assert rep["facts"]["attempts"] == 3 and counter.read_text() == "3"
    codes = rk.errors(p)
    assert "GK-RUN-ATTEMPTS" in codes and "GK-RUN-TEST" in codes
    assert rep["facts"]["rollback"].startswith("verified")
    assert rk.fingerprint(repo) == before
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert rk.runs(repo) == []


def test_attempts_need_the_agent_and_at_least_one(repo, gk, tmp_path):
    setup(repo, tmp_path, fails=0)
    cs = rk.changeset(tmp_path / "cs.json", [rk.modify(repo, "src/app.py", "X = 2\n")])
    p = gk("run", WP, "--changeset", cs, "--attempts", "2", cwd=repo)
    assert p.returncode == 2 and "--agent" in p.stderr
    p = gk("run", WP, "--agent", "--attempts", "0", cwd=repo)
    assert p.returncode == 2 and "at least 1" in p.stderr

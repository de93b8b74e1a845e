"""govkit demo: a fresh directory, the team flow with two WPs in two worktrees, every stage
with its expected verdict, a failing run rolled back, both WPs merged, nothing written to the
user's own config (issues #12, #13, #16)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from govkit.demo import steps as s
from govkit.demo import tour as demo

from support.repo import git

WP1, WP2 = "WP-1-Greeting", "WP-2-Farewell"


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One run of `python -m govkit demo DIR` with HOME and XDG_CONFIG_HOME in a tmp dir."""
    from support.repo import run_govkit

    base = tmp_path_factory.mktemp("demo")
    home = base / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "GOVKIT_KEY_DIR": str(home / ".config" / "govkit" / "keys")}
    t0 = time.monotonic()
    p = run_govkit("demo", str(base / "tour"), cwd=base, env=env, timeout=300)
    return p, base / "tour", home, time.monotonic() - t0


def test_demo_passes_every_stage(ran):
    p, _, _, elapsed = ran
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "demo PASSED" in out and "Traceback" not in p.stderr
    for n, step in enumerate(demo.DEMO_STEPS, 1):
        assert f"== {n}. {step.name}: " in out
    for line in (f"pre-work {WP1}: PASS", f"pre-work {WP2}: PASS", f"run {WP1}: PASS",
                 f"run {WP2}: PASS", "ci: PASS", "spec-check: PASS", "keys-init: PASS"):
        assert line in out, line
    for wp in (WP1, WP2):
        for gate in ("lock", "approve-skeleton", "approve", "create-task-packet",
                     "validator-gate present-report", "validator-gate acknowledge",
                     "validator-gate append", "validator-gate commit"):
            assert re.search(rf"^  {re.escape(gate)} {wp}: PASS", out, re.M), (gate, wp)
        # post-work: in the worktree and on main after the merge
        assert len(re.findall(rf"^  post-work {wp}: PASS", out, re.M)) == 2, wp
    assert out.count("hmac: verified") >= 2
    assert elapsed < 120, f"demo took {elapsed:.1f}s"   # CI aim: < 30 s on a quiet machine


def test_demo_shows_the_run_loop_warnings_and_edits(ran):
    out = ran[0].stdout
    assert f"$ govkit run {WP1} --agent" in out
    for phase in ("preflight", "validate", "review", "efficiency", "apply", "tests", "manifest",
                  "commit"):
        assert re.search(rf"^ +{phase} +PASS", out, re.M), phase
    assert "WARNING GK-" in out                         # warnings are shown, not hidden
    assert "+- RISK_TIER: LOW" in out and "-- RISK_TIER: <fill> (LOW | MEDIUM | HIGH)" in out
    assert f"+- USER_APPROVAL_EVIDENCE: APPROVE REFINEMENT {WP1}" in out
    assert "profile: strict" in out or "profile strict" in out
    assert "merge=govkit-gatelog" in out
    assert f"both main and feat/{WP2} changed: .GOV/roles_shared/TASK_BOARD.md (merge=union)" in out


def test_demo_failing_run_rolls_back_byte_for_byte(ran):
    out, root = ran[0].stdout, ran[1]
    assert f"run {WP2}: FAIL" in out and "GK-RUN-TEST" in out
    assert "AssertionError: farewell('Ada') returned 'Bye, Ada'" in out
    assert re.search(r"^ +tests +FAIL", out, re.M)
    assert re.search(r"^  rollback: verified: \d+ file\(s\) restored byte for byte", out, re.M)
    m = re.search(r"tree hash before: ([0-9a-f]{16})  after: ([0-9a-f]{16})", out)
    assert m and m.group(1) == m.group(2), out
    # the broken version never reached a commit
    log = git(root / "repo", "log", "-p", "main", "--", "src/farewell.py")
    assert '"Goodbye, "' in log and '"Bye, "' not in log


def test_demo_merges_both_wps_into_a_clean_main(ran):
    root = ran[1]
    repo = root / "repo"
    subjects = git(repo, "log", "main", "--format=%s").splitlines()
    for wp in (WP1, WP2):
        assert f"[{wp}] chore: authorize" in subjects
        assert f"[{wp}] chore: validated" in subjects
        subprocess.run(["git", "merge-base", "--is-ancestor", f"feat/{wp}", "main"], cwd=repo,
                       check=True)
    assert len(git(repo, "log", "main", "--merges", "--format=%h").split()) == 2
    for tree in (repo, root / f"wt-{WP1}", root / f"wt-{WP2}"):
        assert git(tree, "status", "--porcelain") == "", tree
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert (repo / "src" / "farewell.py").is_file()
    assert "profile: strict" in (repo / ".GOV" / "govkit.yaml").read_text()
    worktrees = git(repo, "worktree", "list", "--porcelain")
    assert f"branch refs/heads/feat/{WP1}" in worktrees
    assert f"branch refs/heads/feat/{WP2}" in worktrees


def test_demo_keeps_every_key_out_of_home_and_the_repo(ran):
    _, root, home, _ = ran
    assert [p for p in home.rglob("*")] == []             # nothing under HOME or its config
    assert (root / "keys" / "operator-demo.key").is_file()
    assert oct((root / "keys" / "operator-demo.key").stat().st_mode & 0o777) == "0o600"
    assert list((root / "config" / "govkit" / "keys").glob("*.key"))   # the audit HMAC key
    tracked = git(root / "repo", "ls-files").splitlines()
    assert ".GOV/keys/operator-demo.pub" in tracked
    assert not [t for t in tracked if t.endswith(".key")]


def test_demo_refuses_non_empty_directory(tmp_path, gk):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    p = gk("demo", str(tmp_path / "busy"), cwd=tmp_path)
    assert p.returncode == 2
    assert "not empty" in p.stderr and "Traceback" not in p.stderr


def test_demo_default_directory_is_a_new_temp_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    lines: list[str] = []
    rc = demo.run_demo(None, out=lines.append, steps=[demo.Step("init", "init", s.step_init)])
    assert rc == 0, "\n".join(lines)
    m = re.search(r"^workspace: (\S+)", "\n".join(lines), re.MULTILINE)
    assert m, lines
    where = Path(m.group(1))
    assert where.parent == tmp_path and where.name.startswith("govkit-demo-")
    assert (where / "repo" / ".GOV" / "govkit.yaml").is_file()
    assert not (tmp_path / "home").exists()


def test_unexpected_verdict_names_the_stage(tmp_path):
    lines: list[str] = []

    def bad(d: demo.Demo) -> None:
        d.gk("pre-work", WP1)   # no packet yet: exit 2, not 0

    steps = [demo.Step("init", "scaffold", s.step_init),
             demo.Step("too early", "pre-work before any packet", bad),
             demo.Step("never", "not reached", s.step_base)]
    rc = demo.run_demo(str(tmp_path / "x"), out=lines.append, steps=steps)
    text = "\n".join(lines)
    assert rc == 1
    assert "demo FAILED at stage 'too early'" in text
    assert "never" not in text.split("demo FAILED")[0].split("too early")[-1]
    assert not (tmp_path / "x" / "repo" / "src").exists()


def test_tree_hash_sees_content_mode_and_index(tmp_path):
    from govkit.demo.kit import tree_hash

    (tmp_path / "a").write_text("x")
    h = tree_hash(tmp_path, "idx", "head")
    assert tree_hash(tmp_path, "idx", "head") == h
    assert tree_hash(tmp_path, "idx2", "head") != h
    os.chmod(tmp_path / "a", 0o755)
    assert tree_hash(tmp_path, "idx", "head") != h
    os.chmod(tmp_path / "a", 0o644)
    (tmp_path / "a").write_text("y")
    assert tree_hash(tmp_path, "idx", "head") != h


def test_short_diff_shows_every_changed_place_within_its_limits():
    from govkit.demo.kit import short_diff

    old = "\n".join(f"l{n}" for n in range(40))
    new = old.replace("l1\n", "L1\n").replace("l20\nl21\nl22", "M20\nM21\nM22")
    assert short_diff(old, new) == ["-l1", "+L1", "-l20", "-l21", "-l22", "+M20", "+M21", "+M22"]
    assert short_diff(old, new, per_hunk=1) == ["-l1", "+L1", "-l20", "+M20",
                                                "... (4 more changed line(s))"]
    assert short_diff(old, new, limit=3) == ["-l1", "+L1", "-l20", "... (5 more changed line(s))"]
    assert short_diff(old, old) == []

"""Issue #16, one test per numbered problem (1-8), each on a real team flow: an orchestrator on
main, coders in their own worktrees, a validator, real merges. Plus `govkit start` (In
Progress) and `govkit reanchor` inside that flow."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

import pytest

from govkit.demo.sample import SPEC_NAME, fill_packet, spec_text
from govkit.model.scaffold import pointer_text

from support.orchkit import CLAIMS, SIG, setup
from support.repo import commit_all, git

CFG = "validator:\n  min_gate_interval_seconds: 0\n"
BOARD = ".GOV/roles_shared/TASK_BOARD.md"
AUDIT = ".GOV/roles_shared/SIGNATURE_AUDIT.md"
LOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"


def ok(p):
    assert p.returncode == 0, (p.args, p.stdout, p.stderr)
    return p


def codes(p, severity: str = "error") -> list[str]:
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == severity]


def clean(path: Path) -> None:
    assert git(path, "status", "--porcelain") == "", git(path, "status", "--porcelain")


def pkt(root: Path, wp: str) -> Path:
    return root / ".GOV" / "task_packets" / f"{wp}.md"


def status(root: Path, wp: str) -> str:
    line = next(ln for ln in pkt(root, wp).read_text().split("\n") if "**Status:**" in ln)
    return line.split("**Status:**", 1)[1].strip()


def board(root: Path) -> list[tuple[str, str, str]]:
    """(wp, token, section) of every board entry, parsed by govkit's board model."""
    from govkit.model.board import parse_board
    from govkit.model.markdown import parse
    from govkit.util.textio import decode

    doc = decode((root / BOARD).read_bytes(), BOARD)
    return [(e.wp, e.token, e.section) for e in parse_board(doc, parse(doc)).entries if e.wp]


def team(repo: Path, gk, wps) -> None:
    setup(repo, wps=wps, cfg_extra=CFG)
    ok(gk("init", ".", cwd=repo))   # the merge rules (.gitattributes, the gate-log driver)
    commit_all(repo, "govkit init")


def authorize(repo: Path, gk, wp: str) -> Path:
    """The orchestrator's steps on main: one `[WP] chore: authorize` commit, a clean main."""
    for args in (("record-refinement", wp), ("record-signature", wp, SIG[:-1] + wp[3]),
                 ("worktree-add", wp), ("record-prepare", wp, "Coder-" + wp[3]),
                 ("create-task-packet", wp, "--checkpoint")):
        ok(gk(*args, cwd=repo))
    return repo.parent / f"wt-{wp}"


def fill_and_lock(gk, wp: str, wt: Path, claims: bool = True) -> None:
    text = fill_packet(pkt(wt, wp).read_text(), scope=(f"src/{wp.lower()}.py",))
    for a, b in (CLAIMS.items() if claims else ()):
        text = text.replace(a, b)
    pkt(wt, wp).write_text(text)
    ok(gk("lock", wp, cwd=wt))
    commit_all(wt, f"[{wp}] docs: fill and lock packet")


def code(gk, wp: str, wt: Path) -> None:
    """pre-work, skeleton approval, the change, evidence, manifest, commit, post-work: all in the
    worktree."""
    src = f"src/{wp.lower()}.py"
    ok(gk("pre-work", wp, cwd=wt))
    ok(gk("approve-skeleton", wp, cwd=wt))     # the operator's act, before implementation
    commit_all(wt, f"[{wp}] chore: skeleton approved")
    (wt / "src").mkdir(exist_ok=True)
    (wt / src).write_text(f"def rule_{wp[3]}() -> bool:\n    return True\n")
    text = pkt(wt, wp).read_text()
    for a, b in (("- <fill: requirement -> path:line>", f"- rule 1.4 -> {src}:2"),
                 ("- COMMAND: <paste>", "- COMMAND: python -m pytest"),
                 ("- EXIT_CODE: <int>", "- EXIT_CODE: 0")):
        text = text.replace(a, b)
    pkt(wt, wp).write_text(text)
    git(wt, "add", "-A")
    ok(gk("manifest", wp, "--write", cwd=wt))
    commit_all(wt, f"[{wp}] feat: rule")
    ok(gk("post-work", wp, cwd=wt))


def validate(gk, wp: str, wt: Path, report: Path | None = None) -> None:
    extra = ("--report", str(report)) if report else ()
    ok(gk("validator-gate", "present-report", wp, "PASS", *extra, cwd=wt))
    ok(gk("validator-gate", "acknowledge", wp, cwd=wt))
    ok(gk("validator-gate", "append", wp, cwd=wt))
    ok(gk("validator-gate", "commit", wp, cwd=wt))
    clean(wt)


def whole_wp(repo: Path, gk, wp: str) -> Path:
    wt = authorize(repo, gk, wp)
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    code(gk, wp, wt)
    validate(gk, wp, wt)
    return wt


def merge(repo: Path, branch: str):
    """git merge, with this checkout's govkit importable by the registered gate-log driver."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(["git", "merge", "-q", "--no-edit", branch], cwd=repo, env=env,
                          capture_output=True, text=True)


def chain_intact(repo: Path, wp: str) -> list[str]:
    from govkit.gates.lock import load_records
    from govkit.model.records import chain_problems
    from govkit.workspace import Workspace

    recs = load_records(Workspace(repo), wp)
    assert not chain_problems(recs), chain_problems(recs)
    return [r.type for r in recs]


# ---- problem 1: the orchestrator's steps leave a clean main; the WP branch starts there ----

def test_p1_authorize_commit_leaves_main_clean_and_the_wp_branch_merges(repo, gk):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    clean(repo)
    clean(wt)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "log", "-1", "--format=%s").strip() == f"[{wp}] chore: authorize"
    assert git(wt, "rev-parse", "HEAD").strip() == head      # starts from it: nothing copied
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    for rel in (f".GOV/task_packets/{wp}.md", f".GOV/refinements/{wp}.md", AUDIT, LOG, BOARD):
        assert rel in committed
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    code(gk, wp, wt)
    p = merge(repo, f"feat/{wp}")
    assert p.returncode == 0, p.stdout + p.stderr
    clean(repo)


# ---- problem 2: parallel WPs merge without conflicts, in any order ------------------------

def test_p2_three_worktrees_merge_in_every_order_without_conflict(repo, gk):
    wps = ("WP-1-Alpha", "WP-2-Beta", "WP-3-Gamma")
    team(repo, gk, wps)
    trees = {wp: authorize(repo, gk, wp) for wp in wps}
    for wp in wps:   # interleaved: every WP is In Progress before any is validated
        fill_and_lock(gk, wp, trees[wp])
        ok(gk("start", wp, cwd=trees[wp]))
    for wp in wps:
        code(gk, wp, trees[wp])
        validate(gk, wp, trees[wp])
    base = git(repo, "rev-parse", "HEAD").strip()
    for order in itertools.permutations(wps):
        git(repo, "reset", "-q", "--hard", base)
        for wp in order:
            p = merge(repo, f"feat/{wp}")
            assert p.returncode == 0, (order, p.stdout, p.stderr, git(repo, "status", "--short"))
            clean(repo)
        assert sorted(board(repo)) == [(wp, "VALIDATED", "Done") for wp in wps], order
        log = json.loads((repo / LOG).read_text())["gate_logs"]
        rows = (repo / AUDIT).read_text()
        for wp in wps:
            types = chain_intact(repo, wp)
            assert types[:4] == ["REFINEMENT", "SIGNATURE", "PREPARE", "LOCK"], types
            assert "START" in types and types[-1] == "VALIDATED"
            assert {e["type"] for e in log if e["wpId"] == wp} >= {"REFINEMENT", "SIGNATURE",
                                                                    "PREPARE"}
            assert rows.count(f"| {SIG[:-1] + wp[3]} |") == 1, rows   # one row per token
    ok(gk("ci", cwd=repo))
    ok(gk("audit", "verify", cwd=repo))


# ---- problem 3: post-work on main judges the WP's own range; no manifest rewrite hint --------

def test_p3_postwork_after_merge_judges_only_the_wps_range(repo, gk):
    wps = ("WP-1-Alpha", "WP-2-Beta")
    team(repo, gk, wps)
    trees = {wp: whole_wp(repo, gk, wp) for wp in wps}
    for wp in wps:
        assert merge(repo, f"feat/{wp}").returncode == 0
    assert trees
    for wp in wps:
        p = ok(gk("post-work", wp, "--json", cwd=repo))
        data = json.loads(p.stdout)
        assert "validated commit" in data["facts"]["reason"]
        assert not any("manifest" in c and "--write" in c for c in data["next_commands"])
    # a foreign change in the first WP's files after the merge is not judged as its work
    (repo / "src" / "wp-1-alpha.py").write_text("x = 1\n")
    commit_all(repo, "later change on main")
    ok(gk("post-work", "WP-1-Alpha", cwd=repo))


# ---- problem 4: the validator steps write what they check, in one order --------------------

def test_p4_validator_writes_the_report_and_commits_a_clean_tree(repo, gk, tmp_path):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    code(gk, wp, wt)
    findings = tmp_path / "findings.txt"
    findings.write_text("rule 1.4 holds: src/wp-1-alpha.py:2\n")
    ok(gk("validator-gate", "present-report", wp, "PASS", "--report", str(findings), cwd=wt))
    ok(gk("validator-gate", "acknowledge", wp, cwd=wt))
    ok(gk("validator-gate", "append", wp, cwd=wt))
    text = pkt(wt, wp).read_text()
    assert f"### VALIDATION REPORT {wp}" in text and "- Verdict: PASS" in text
    assert "  - rule 1.4 holds: src/wp-1-alpha.py:2" in text
    assert git(wt, "log", "-1", "--format=%s").strip() == f"[{wp}] docs: validation report"
    clean(wt)
    (wt / "stray.txt").write_text("uncommitted\n")
    p = gk("validator-gate", "commit", wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-VAL-DIRTY" in codes(p)
    (wt / "stray.txt").unlink()
    ok(gk("validator-gate", "commit", wp, cwd=wt))
    clean(wt)
    head = git(wt, "rev-parse", "HEAD").strip()
    assert git(wt, "log", "-1", "--format=%s").strip() == f"[{wp}] chore: validated"
    rec = sorted((wt / ".GOV" / "records" / wp).glob("*-VALIDATED.json"))[-1]
    assert json.loads(rec.read_text())["body"]["commit"] in (head, git(wt, "rev-parse",
                                                                      "HEAD~1").strip())


# ---- problem 5: guide, templates and gates agree ------------------------------------------

def test_p5_scaffold_computes_the_target_and_prework_refuses_unfilled_fields(repo, gk):
    import hashlib

    from govkit.config import DEFAULTS

    wp = "WP-1-Alpha"
    team(repo, gk, ())
    p = ok(gk("new", "refinement", wp, "--section", "1", "--json", cwd=repo))
    text = (repo / f".GOV/refinements/{wp}.md").read_text()
    sha = hashlib.sha1((repo / SPEC_NAME).read_bytes()).hexdigest()
    assert f"SPEC_TARGET_SHA1: {sha}" in text and "{{" not in text
    assert json.loads(p.stdout)["facts"]["anchors"][0]["section"] == "1"
    # the packet footer names exactly the coder sections of the config
    team_wp = "WP-2-Beta"
    (repo / f".GOV/refinements/{wp}.md").unlink()
    setup(repo, wps=(team_wp,), cfg_extra=CFG)
    wt = authorize(repo, gk, team_wp)
    footer = pkt(wt, team_wp).read_text().split("only the coder's sections change: ", 1)[1]
    named = footer.split(" (and govkit's Status line)")[0].split(", ")
    assert named == list(DEFAULTS["packet"]["coder_sections"])
    # pre-work refuses a BOOTSTRAP that still holds template text
    text = fill_packet(pkt(wt, team_wp).read_text()).replace(
        "- Read spec section 1; plan: edit src/app.py.",
        "- <fill: files read, commands run, and the plan before touching code>")
    for a, b in CLAIMS.items():
        text = text.replace(a, b)
    pkt(wt, team_wp).write_text(text)
    ok(gk("lock", team_wp, cwd=wt))
    commit_all(wt, "lock")
    p = gk("pre-work", team_wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-PRE-PLACEHOLDER" in codes(p)
    assert "BOOTSTRAP" in p.stdout


# ---- problem 6: the packet's Status and the board follow every transition ----------------

def test_p6_status_and_board_follow_each_transition(repo, gk):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    assert status(wt, wp) == "Ready for Dev"
    assert board(repo) == [(wp, "READY_FOR_DEV", "Ready for Dev")]
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    assert status(wt, wp) == "In Progress"
    assert board(wt) == [(wp, "IN_PROGRESS", "In Progress")]
    assert git(wt, "log", "-1", "--format=%s").strip() == f"[{wp}] chore: start"
    clean(wt)
    ok(gk("board-check", cwd=wt))
    code(gk, wp, wt)
    validate(gk, wp, wt)
    assert status(wt, wp) == "Done"
    assert board(wt) == [(wp, "VALIDATED", "Done")]
    # pre-work no longer waves a Done WP through with a manifest hint
    p = gk("pre-work", wp, "--json", cwd=wt)
    assert "GK-PRE-DONE" in codes(p, "warning") and json.loads(p.stdout)["next_commands"] == []
    # a Done WP is not started again (nothing written)
    p = gk("start", wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-START-STATUS" in codes(p)
    clean(wt)


# ---- problem 7: signature window, and a spec bump under an open WP --------------------------

def test_p7_future_token_refused_and_spec_bump_reanchors_in_the_worktree(repo, gk):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    ok(gk("record-refinement", wp, cwd=repo))
    p = gk("record-signature", wp, "dev311299990000", "--json", cwd=repo)
    assert p.returncode == 2 and "GK-SIG-WINDOW" in codes(p)
    for args in (("record-signature", wp, SIG), ("worktree-add", wp),
                 ("record-prepare", wp, "Coder-1"), ("create-task-packet", wp, "--checkpoint")):
        ok(gk(*args, cwd=repo))
    wt = repo.parent / f"wt-{wp}"
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    # The operator bumps the spec on main (the anchored lines move down by two).
    lines = spec_text().split("\n")
    new = "Project_Master_Spec_v01.002.md"
    (repo / new).write_text("\n".join(lines[:1] + ["", "Preface added."] + lines[1:]))
    (repo / ".GOV/roles_shared/SPEC_CURRENT.md").write_text(pointer_text(new))
    commit_all(repo, "spec v01.002")
    assert merge(wt, "main").returncode == 0
    p = gk("pre-work", wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-REF-SPEC-SHA1" in codes(p)
    hint = next(f["hint"] for f in json.loads(p.stdout)["findings"]
                if f["code"] == "GK-REF-SPEC-SHA1")
    assert f"govkit reanchor {wp}" in hint
    ok(gk("reanchor", wp, cwd=wt))
    clean(wt)
    ok(gk("ci", "--base", "main", cwd=wt))   # the REANCHOR and refinement change are govkit's
    code(gk, wp, wt)
    # A CI checkout has the WP branch and origin/main only: the same range is judged.
    ci = repo.parent / "ci-clone"
    git(repo.parent, "clone", "-q", "-b", f"feat/{wp}", str(repo), str(ci))
    assert "refs/heads/main" not in git(ci, "for-each-ref", "--format=%(refname)")
    p = ok(gk("post-work", wp, "--json", cwd=ci, env={"CI": "1"}))
    assert "moved up to" in json.loads(p.stdout)["facts"]["reason"]   # main's bump is not the WP's
    validate(gk, wp, wt)
    assert merge(repo, f"feat/{wp}").returncode == 0
    assert "REANCHOR" in chain_intact(repo, wp)
    ok(gk("post-work", wp, cwd=repo))
    ok(gk("ci", cwd=repo))


# ---- problem 8: "wait and retry" exits 1 with the remaining wait, for both intervals --------

def test_p8_both_interval_errors_exit_1_with_the_wait(repo, gk):
    wp = "WP-1-Alpha"
    setup(repo, wps=(wp,), interval=3600,
          cfg_extra="validator:\n  min_gate_interval_seconds: 3600\n")
    ok(gk("record-refinement", wp, cwd=repo))
    p = gk("record-signature", wp, SIG, "--json", cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-SIG-INTERVAL"]
    assert "wait " in p.stdout
    (repo / ".GOV/govkit.yaml").write_text("signature:\n  min_interval_seconds: 0\n"
                                           "validator:\n  min_gate_interval_seconds: 3600\n")
    commit_all(repo, "config")
    for args in (("record-signature", wp, SIG), ("record-prepare", wp, "Coder-1", "--branch",
                                                  "main", "--worktree-dir", "."),
                 ("create-task-packet", wp, "--checkpoint")):
        ok(gk(*args, cwd=repo))
    ok(gk("validator-gate", "present-report", wp, "PASS", cwd=repo))
    p = gk("validator-gate", "acknowledge", wp, "--json", cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-VAL-MOMENTUM"], p.stdout
    assert "wait " in p.stdout


def test_p8_glossary_explains_the_terms():
    from govkit.model.markdown import parse
    from govkit.util.textio import decode

    path = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
    md = parse(decode(path.read_bytes(), "docs/user-guide.md"))
    h = md.heading("Glossary", exact=True)
    assert h is not None
    start, end = md.section_range(h)
    terms = " ".join(t for _, t in md.text_in(start, end))
    for term in ("COR-701", "FLIGHT_RECORDER_INTERACTION", "turn_token", "modern packet",
                 "IN_PROGRESS", "REANCHOR"):
        assert term in terms, term


# ---- In Progress: start refusals, and ci's concurrency check on main ----------------------

def test_start_refusals_write_nothing(repo, gk):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    p = gk("start", wp, "--json", cwd=wt)           # the packet is a draft: not locked
    assert p.returncode == 1 and "GK-START-UNLOCKED" in codes(p)
    fill_and_lock(gk, wp, wt, claims=False)
    p = gk("start", wp, "--json", cwd=wt)           # no CODER_MODEL claim
    assert p.returncode == 1 and "GK-START-CLAIM" in codes(p)
    clean(wt)
    assert status(wt, wp) == "Ready for Dev"


def test_start_on_main_is_refused_and_repeat_is_a_noop(repo, gk):
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    fill_and_lock(gk, wp, wt)
    assert merge(repo, f"feat/{wp}").returncode == 0
    p = gk("start", wp, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-START-BRANCH" in codes(p)
    clean(repo)
    ok(gk("start", wp, cwd=wt))
    head = git(wt, "rev-parse", "HEAD").strip()
    p = ok(gk("start", wp, "--json", cwd=wt))
    assert "GK-START-ALREADY" in codes(p, "info")
    assert git(wt, "rev-parse", "HEAD").strip() == head


@pytest.mark.parametrize("overlap", [False, True])
def test_ci_on_main_sees_wps_started_on_their_branches(repo, gk, overlap):
    wps = ("WP-1-Alpha", "WP-2-Beta")
    team(repo, gk, wps)
    trees = {wp: authorize(repo, gk, wp) for wp in wps}
    for wp in wps:
        text = fill_packet(pkt(trees[wp], wp).read_text(),
                           scope=("src/shared.py",) if overlap else (f"src/{wp.lower()}.py",))
        for a, b in CLAIMS.items():
            text = text.replace(a, b)
        pkt(trees[wp], wp).write_text(text)
        ok(gk("lock", wp, cwd=trees[wp]))
        commit_all(trees[wp], "lock")
        ok(gk("start", wp, cwd=trees[wp]))
    assert sorted(board(repo)) == [(wp, "READY_FOR_DEV", "Ready for Dev") for wp in wps]
    p = gk("ci", "--json", cwd=repo)
    data = json.loads(p.stdout)
    assert data["facts"]["in_progress"] == list(wps)
    assert set(data["facts"]["in_progress_on_branches"]) == set(wps)
    if overlap:
        assert p.returncode == 1 and "GK-CI-CONC-OVERLAP" in codes(p)
    else:
        assert "GK-CI-CONC-OVERLAP" not in codes(p), p.stdout


def test_merging_a_side_branch_hides_nothing_from_postwork(repo, gk):
    """Only commits of the main branch merged into a WP branch are left out of its range: a
    side branch merged in is judged as the WP's work."""
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    git(wt, "switch", "-q", "-c", "side")
    (wt / "outside.py").write_text("print('not in scope')\n")
    commit_all(wt, "side change")
    git(wt, "switch", "-q", f"feat/{wp}")
    git(wt, "merge", "-q", "--no-ff", "--no-edit", "side")
    p = gk("post-work", wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-POST-SCOPE" in codes(p)
    assert "outside.py" in p.stdout


def test_a_local_main_commit_merged_in_counts_where_a_remote_main_exists(repo, gk):
    """Where the main branch has a remote-tracking copy, only commits on it leave a WP's range:
    a commit made on the local main (which the coder can write) and merged in is judged as the
    WP's work."""
    wp = "WP-1-Alpha"
    team(repo, gk, (wp,))
    wt = authorize(repo, gk, wp)
    fill_and_lock(gk, wp, wt)
    ok(gk("start", wp, cwd=wt))
    # The published main, as a remote-tracking ref (what `git fetch` would leave).
    git(repo, "update-ref", "refs/remotes/origin/main", git(repo, "rev-parse", "main").strip())
    (repo / "outside.py").write_text("print('not in scope')\n")
    commit_all(repo, "local main, never pushed")
    assert merge(wt, "main").returncode == 0
    p = gk("post-work", wp, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-POST-SCOPE" in codes(p), p.stdout
    assert "outside.py" in p.stdout

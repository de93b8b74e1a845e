"""Issue #10 attacks 1, 2, 3 and 7 against a LOCKED packet: `manifest --write` refuses a drifted
packet (writing nothing), and with the manifest written by hand post-work in every mode,
`post-work --base` and `ci --base` must FAIL and name what changed; validator-gate present-report
refuses a fresh start after a COMMITTED validation was deleted or reverted."""

from __future__ import annotations

import json

from support.custody import lock_packet
from support.postwork import (
    PKT,
    WP,
    block,
    errors,
    manifest_write,
    messages,
    packet,
    post,
    result,
    set_manifest,
    setup,
    stage,
    write,
)
from support.repo import commit_all, git

CFG = ".GOV/govkit.yaml"
STATE = f".GOV/validator_gates/{WP}.json"


def _locked(repo):
    base = setup(repo, {"src/a.txt": "l1\nl2\nl3\n", "lib/x.txt": "x\n",
                        CFG: "validator:\n  min_gate_interval_seconds: 0\n"})
    lock_packet(repo)
    commit_all(repo, f"chore: lock [{WP}]")
    return base


def _edit_packet(repo, old, new):
    text = packet(repo).read_text()
    assert old in text, old
    packet(repo).write_text(text.replace(old, new, 1))


CUSTODY = ("GK-LOCK", "GK-GOV", "GK-CUSTODY", "GK-VAL")


def _custody_errors(p) -> set[str]:
    return {c for c in errors(p) if c.startswith(CUSTODY)}


def _manifest_by_hand(gk, repo):
    """The attack's manifest: `manifest --write` refuses the drifted packet and writes nothing,
    so the attacker computes the blocks (`manifest --json`) and writes them in by hand."""
    before = packet(repo).read_bytes()
    p = gk("manifest", WP, "--write", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p), messages(p)
    assert packet(repo).read_bytes() == before
    entries = result(gk("manifest", WP, "--json", cwd=repo))["facts"]["entries"]
    assert entries
    set_manifest(repo, "\n".join(block(e["target"], e["start"], e["end"], e["delta"], e["pre"],
                                       e["post"]) for e in entries))
    assert packet(repo).read_bytes() != before


def _all_modes_fail(gk, repo, want: set[str], base_ref: str):
    _manifest_by_hand(gk, repo)
    runs = {"worktree": post(gk, repo)}
    stage(repo)
    runs["staged"] = post(gk, repo)
    commit_all(repo, "work")
    runs["range"] = post(gk, repo)
    runs["rev"] = post(gk, repo, "--rev", "HEAD")
    runs["base"] = post(gk, repo, "--base", base_ref)
    for mode, p in runs.items():
        assert p.returncode == 1, f"{mode}: {messages(p)}"
        assert want <= set(errors(p)), f"{mode}: {messages(p)}"
    ci = gk("ci", "--json", "--base", base_ref, cwd=repo)
    assert ci.returncode == 1 and _custody_errors(ci), messages(ci)
    return runs, ci


def test_legit_locked_work_passes_everywhere(repo, gk):
    _locked(repo)
    ref = git(repo, "rev-parse", "HEAD").strip()
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    manifest_write(gk, repo)
    for stage_it in (False, True):
        if stage_it:
            stage(repo)
        p = post(gk, repo)
        assert p.returncode == 0, messages(p)
        assert result(p)["facts"].get("lock", "").endswith("0001-LOCK.json")
    commit_all(repo, "work")
    for args in ((), ("--rev", "HEAD"), ("--base", ref), ("--base", "main")):
        p = post(gk, repo, *args)
        assert p.returncode == 0, f"{args}: {messages(p)}"
        assert not [c for c in errors(p) if c.startswith(("GK-LOCK", "GK-GOV", "GK-CUSTODY"))]
    # (ci's spec and board checks fail in this bare repository: only custody counts here)
    ci = gk("ci", "--json", "--base", ref, cwd=repo)
    assert "Traceback" not in ci.stderr and not _custody_errors(ci), messages(ci)
    assert result(ci)["facts"]["custody_wps"] == WP


def test_attack1_widened_scope_and_manifest_write(repo, gk):
    _locked(repo)
    ref = git(repo, "rev-parse", "HEAD").strip()
    _edit_packet(repo, "  - src/\n", "  - src/\n  - lib/\n")
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    write(repo, "lib/x.txt", "widened\n")
    runs, ci = _all_modes_fail(gk, repo, {"GK-LOCK-DRIFT", "GK-POST-SCOPE"}, ref)
    msg = messages(runs["range"])
    assert "lib/x.txt" in msg and "SCOPE" in msg
    assert "GK-LOCK-DRIFT" in errors(ci), messages(ci)


def test_attack2_self_granted_waiver(repo, gk):
    _locked(repo)
    ref = git(repo, "rev-parse", "HEAD").strip()
    _edit_packet(repo, "## WAIVERS GRANTED\n- NONE\n",
                 "## WAIVERS GRANTED\n- WAIVER_ID: W-1\n  - SCOPE: **\n  - REASON: speed\n"
                 "  - APPROVED_BY: operator\n  - EXPIRES: 2099-01-01\n")
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    write(repo, "lib/x.txt", "waived?\n")
    runs, ci = _all_modes_fail(gk, repo, {"GK-LOCK-DRIFT", "GK-POST-SCOPE"}, ref)
    assert "WAIVERS GRANTED" in messages(runs["staged"])
    assert "GK-LOCK-DRIFT" in errors(ci)


def test_attack3_merge_base_moved_past_out_of_scope_commit(repo, gk):
    _locked(repo)
    ref = git(repo, "rev-parse", "HEAD").strip()
    write(repo, "lib/x.txt", "sneaked in\n")
    sneak = commit_all(repo, "chore: unrelated")
    text = packet(repo).read_text()
    old = next(ln for ln in text.splitlines() if ln.startswith("- MERGE_BASE_SHA:"))
    _edit_packet(repo, old, f"- MERGE_BASE_SHA: {sneak}")
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    _manifest_by_hand(gk, repo)
    stage(repo)
    p = post(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p), messages(p)
    commit_all(repo, "work")
    for args in ((), ("--base", ref)):
        p = post(gk, repo, *args)
        assert p.returncode == 1, messages(p)
        # The locked merge base counts: the out-of-scope commit is judged.
        assert {"GK-LOCK-DRIFT", "GK-POST-SCOPE"} <= set(errors(p)), messages(p)
        assert "lib/x.txt" in messages(p)
    ci = gk("ci", "--json", "--base", ref, cwd=repo)
    assert ci.returncode == 1 and "GK-LOCK-DRIFT" in errors(ci), messages(ci)


def _validate(gk, repo):
    p = gk("post-work", WP, cwd=repo)   # the validated tree must be one that passed
    assert p.returncode == 0, p.stdout + p.stderr
    for step in (("present-report", WP, "PASS"), ("acknowledge", WP), ("append", WP),
                 ("commit", WP)):
        p = gk("validator-gate", *step, cwd=repo)
        assert p.returncode == 0, p.stdout + p.stderr


def test_attack7_deleted_committed_state_then_new_verdict(repo, gk):
    _locked(repo)
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    manifest_write(gk, repo)
    commit_all(repo, "work")
    _validate(gk, repo)
    records = sorted(p.name for p in (repo / ".GOV/records" / WP).iterdir())
    assert records[-1].endswith("-VALIDATED.json")
    log = json.loads((repo / ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json").read_text())
    assert any(e.get("type") == "VALIDATED" for e in log["gate_logs"])
    ref = commit_all(repo, f"docs: validation PASS [{WP}]")
    # The attack: delete the COMMITTED state and present a new verdict.
    (repo / STATE).unlink()
    p = gk("validator-gate", "present-report", WP, "FAIL", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-VAL-WITNESS" in errors(p), messages(p)
    assert not (repo / STATE).exists()
    # The same with the file checked out from before the validator's commit (WP_APPENDED).
    appended = git(repo, "log", "-1", "--format=%H", "--grep", "docs: validation report").strip()
    git(repo, "checkout", appended, "--", STATE)
    assert "WP_APPENDED" in (repo / STATE).read_text()
    p = gk("validator-gate", "present-report", WP, "FAIL", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-VAL-WITNESS" in errors(p), messages(p)
    # Committed: ci --base names the commit that reverted it.
    (repo / STATE).unlink(missing_ok=True)
    bad = commit_all(repo, "chore: tidy")
    ci = gk("ci", "--json", "--base", ref, cwd=repo)
    assert ci.returncode == 1, messages(ci)
    assert {"GK-GOV-STATE-REVERT", "GK-VAL-WITNESS"} <= set(errors(ci)), messages(ci)
    later = commit_all(repo, "chore: later")     # touches nothing: the culprit stays `bad`
    ci = gk("ci", "--json", "--base", ref, cwd=repo)
    named = [f["message"] for f in result(ci)["findings"]
             if f["code"] in ("GK-GOV-STATE-REVERT", "GK-VAL-WITNESS")]
    assert len(named) == 2 and all(bad[:12] in m and later[:12] not in m for m in named), named


def test_present_report_without_packet_is_exit_2(repo, gk):
    _locked(repo)
    p = gk("validator-gate", "present-report", "WP-9-Nothing", "PASS", cwd=repo)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    assert not (repo / ".GOV/validator_gates/WP-9-Nothing.json").exists()


def test_ci_base_names_the_commit_that_reordered_the_gate_log(repo, gk):
    _locked(repo)
    ref = git(repo, "rev-parse", "HEAD").strip()
    logp = repo / ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
    write(repo, "src/a.txt", "l1\nL2\nl3\n")
    commit_all(repo, "work")
    data = json.loads(logp.read_text())
    data["gate_logs"].insert(0, {"type": "PREPARE", "wpId": WP})
    logp.write_text(json.dumps(data, indent=2))
    bad = commit_all(repo, "chore: log")
    ci = gk("ci", "--json", "--base", ref, cwd=repo)
    assert ci.returncode == 1 and "GK-GOV-LOG-REWRITE" in errors(ci), messages(ci)
    assert bad[:12] in messages(ci)
    assert PKT  # the packet itself is untouched

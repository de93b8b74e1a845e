"""Issue #10, pre-work's side: each attack on a locked packet from inside the repository, as a
real repository and real govkit processes. On main every one of these got a PASS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govkit.demo import sample

from support.orchkit import AUDIT, LOG, SIG, WP, filled_draft, ok, setup, sign_flow
from support.repo import commit_all, git

PKT = f".GOV/task_packets/{WP}.md"
REC = f".GOV/records/{WP}"


def locked(repo: Path, gk) -> Path:
    """refine -> sign -> prepare -> create-task-packet -> fill -> govkit lock -> commit."""
    setup(repo)
    pkt = filled_draft(repo, gk)
    ok(gk("lock", WP, cwd=repo))
    commit_all(repo, f"docs: checkpoint packet+refinement [{WP}]")
    return pkt


def pre(gk, repo: Path, wp: str = WP):
    p = gk("pre-work", wp, "--json", cwd=repo)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def errors(p) -> list[str]:
    return [f["code"] for f in json.loads(p.stdout)["findings"] if f["severity"] == "error"]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def wp(repo, gk) -> Path:
    pkt = locked(repo, gk)
    p = pre(gk, repo)
    assert p.returncode == 0, p.stdout
    return pkt


def test_records_chain(repo, gk, wp):
    names = sorted(p.name for p in (repo / REC).iterdir())
    assert names == ["0001-REFINEMENT.json", "0002-SIGNATURE.json", "0003-PREPARE.json",
                     "0004-LOCK.json"]
    lock = json.loads((repo / REC / "0004-LOCK.json").read_text())
    assert lock["body"]["scope"]["in"] == ["src/app.py"] and lock["body"]["signature"] == SIG
    entries = [e["type"] for e in json.loads((repo / LOG).read_text())["gate_logs"]]
    assert entries == ["REFINEMENT", "SIGNATURE", "PREPARE", "LOCK"]  # compat: the gate log too


def test_attack1_widen_scope(repo, gk, wp):
    replace(wp, "  - src/app.py\n", "  - src/**\n")
    commit_all(repo, "widen")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p)
    f = next(f for f in json.loads(p.stdout)["findings"] if f["code"] == "GK-LOCK-DRIFT")
    assert "'SCOPE'" in f["message"] and "src/**" in f["message"] and "src/app.py" in f["message"]
    assert wp.read_text().split("\n")[f["line"] - 1] == "  - src/**"


def test_attack1_manifest_write_does_not_legalize_a_widened_scope(repo, gk, wp):
    replace(wp, "  - src/app.py\n", "  - src/**\n")
    (repo / "src").mkdir(exist_ok=True)
    (repo / "src" / "other.py").write_text("X = 1\n")
    git(repo, "add", "-A")
    before = wp.read_bytes()
    p = gk("manifest", WP, "--write", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p), p.stdout
    assert wp.read_bytes() == before  # nothing written


def test_attack2_self_granted_waiver(repo, gk, wp):
    replace(wp, "grants a waiver. Example layout (not a waiver):\n- NONE\n",
            "grants a waiver. Example layout (not a waiver):\n- WAIVER_ID: W-1\n  - SCOPE: **\n"
            "  - REASON: x\n  - APPROVED_BY: operator\n  - EXPIRES: 2099-01-01\n")
    commit_all(repo, "waiver")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p)
    assert "WAIVERS GRANTED" in p.stdout


def test_attack3_move_merge_base(repo, gk, wp):
    head = git(repo, "rev-parse", "HEAD").strip()
    text = wp.read_text()
    old = next(ln for ln in text.split("\n") if ln.startswith("- MERGE_BASE_SHA:"))
    replace(wp, old, f"- MERGE_BASE_SHA: {head}")
    commit_all(repo, "move base")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-DRIFT" in errors(p) and "METADATA" in p.stdout


def test_attack4_never_refined_nor_signed(repo, gk, wp):
    new = "WP-2-Forged"
    sig2 = "operator020120260900"
    ref = (repo / f".GOV/refinements/{WP}.md").read_text().replace(WP, new).replace(SIG, sig2)
    (repo / f".GOV/refinements/{new}.md").write_text(ref)
    (repo / f".GOV/task_packets/{new}.md").write_text(wp.read_text().replace(WP, new)
                                                      .replace(SIG, sig2))
    log = json.loads((repo / LOG).read_text())
    log["gate_logs"].append({"wpId": new, "type": "PREPARE", "coder_id": "Coder-A",
                             "branch": "main", "worktree_dir": ".",
                             "timestamp": "2026-01-02T09:00:00.000Z"})
    (repo / LOG).write_text(json.dumps(log, indent=2))
    audit = repo / AUDIT
    audit.write_bytes(sample.insert_audit_row(audit.read_bytes(),
                                              sample.sigaudit_row(sig2, new), AUDIT))
    commit_all(repo, "forged")
    p = pre(gk, repo, new)
    assert p.returncode == 1
    assert {"GK-CUSTODY-NONE", "GK-CUSTODY-LEGACY"} <= set(errors(p))


def test_attack5_id_embedding_another(repo, gk, wp):
    other = f"{WP}.md"
    shutil.copy(wp, repo / f".GOV/task_packets/{other}.md")
    p = gk("pre-work", other, cwd=repo)
    assert p.returncode == 2 and f"did you mean {WP}" in p.stdout + p.stderr


def test_attack5_audit_notes_do_not_name_the_wp(repo, gk, wp):
    """The signature's row names WP-1-Orch in Purpose; its Notes name WP-1-Orch-b: a packet
    WP-1-Orch-b reusing the signature is not audited."""
    other = f"{WP}-b"
    audit = repo / AUDIT
    replace(audit, f"(see .GOV/refinements/{WP}.md )", f"(see .GOV/refinements/{other}.md )")
    shutil.copy(repo / f".GOV/refinements/{WP}.md", repo / f".GOV/refinements/{other}.md")
    (repo / f".GOV/task_packets/{other}.md").write_text(wp.read_text().replace(WP, other))
    commit_all(repo, "reuse")
    p = pre(gk, repo, other)
    assert p.returncode == 1 and "GK-PRE-SIG-OTHER-WP" in errors(p)


@pytest.mark.parametrize("args", [
    ("--requestor", "op\n- IN_SCOPE_PATHS: **"),
    ("--agent-id", "a\r\n## WAIVERS GRANTED"),
    ("--requestor", "op\x1b[2J"),
])
def test_attack8_newlines_in_create_task_packet(repo, gk, args):
    setup(repo)
    sign_flow(repo, gk)
    ok(gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    p = gk("create-task-packet", WP, *args, cwd=repo)
    assert p.returncode == 2 and "control character" in p.stdout + p.stderr
    assert not (repo / PKT).exists()


@pytest.mark.parametrize("opt", ["--worktree", "--branch"])
def test_attack8_newlines_in_record_prepare(repo, gk, opt):
    setup(repo)
    sign_flow(repo, gk)
    before = (repo / LOG).read_bytes()
    p = gk("record-prepare", WP, "Coder-A", opt, "x\n- IN_SCOPE_PATHS: **", cwd=repo)
    assert p.returncode == 2 and "control character" in p.stdout + p.stderr
    assert (repo / LOG).read_bytes() == before and not (repo / f"{REC}/0003-PREPARE.json").exists()


def test_edit_the_lock_record_itself(repo, gk, wp):
    from govkit.model.records import encode

    path = repo / REC / "0004-LOCK.json"
    data = json.loads(path.read_text())
    data["body"]["scope"]["in"] = ["**"]
    path.write_bytes(encode(data))
    commit_all(repo, "edit lock")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-CUSTODY-TRAIL" in errors(p)


def test_replay_lock_of_another_wp(repo, gk, wp):
    other = "WP-2-Replay"
    shutil.copytree(repo / REC, repo / f".GOV/records/{other}")
    shutil.copy(repo / f".GOV/refinements/{WP}.md", repo / f".GOV/refinements/{other}.md")
    (repo / f".GOV/task_packets/{other}.md").write_text(wp.read_text())
    commit_all(repo, "replay")
    p = pre(gk, repo, other)
    assert p.returncode == 1 and "GK-LOCK-CHAIN" in errors(p)


@pytest.mark.parametrize("name", ["0002-SIGNATURE.json", "0003-PREPARE.json"])
def test_remove_a_record(repo, gk, wp, name):
    (repo / REC / name).unlink()
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-CHAIN" in errors(p)


def test_reorder_records(repo, gk, wp):
    d = repo / REC
    (d / "0002-SIGNATURE.json").rename(d / "tmp")
    (d / "0003-PREPARE.json").rename(d / "0002-SIGNATURE.json")
    (d / "tmp").rename(d / "0003-PREPARE.json")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-LOCK-CHAIN" in errors(p)


def test_edit_an_old_signature_audit_row(repo, gk, wp):
    replace(repo / AUDIT, f"Task packet creation: {WP}", "Task packet creation: WP-9-Other")
    p = pre(gk, repo)
    assert p.returncode == 1 and "GK-PRE-SIG-OTHER-WP" in errors(p)


def test_coder_sections_are_free(repo, gk, wp):
    replace(wp, "- COMMAND: <paste>", "- COMMAND: python -m pytest")
    replace(wp, "- Current WP_STATUS: <fill>", "- Current WP_STATUS: coding")
    replace(wp, "- **Status:** Ready for Dev", "- **Status:** In Progress")
    replace(wp, "- (validator appends reports here)", "- (none yet)")
    commit_all(repo, "coder edits")
    p = pre(gk, repo)
    assert p.returncode == 0, p.stdout
    assert not [f for f in json.loads(p.stdout)["findings"]
                if f["code"].startswith(("GK-LOCK", "GK-CUSTODY"))]

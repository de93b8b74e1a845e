"""`govkit reanchor WP` (issue #16, problem 7): after a spec bump, a locked WP whose anchored
excerpts are unchanged moves to the new spec version in one audited step without a new
signature; a changed excerpt writes nothing and says what the WP needs; the chain of custody
and the lock accept only a REANCHOR that continues from the lock's hashes."""

from __future__ import annotations

import json
from pathlib import Path

from govkit.demo.sample import SPEC_NAME, fill_packet, spec_text
from govkit.model.scaffold import pointer_text

from support.orchkit import full_flow, ref_rel, setup
from support.repo import commit_all, git

WP = "WP-1-Orch"
NEW_SPEC = "Project_Master_Spec_v01.002.md"
PKT = f".GOV/task_packets/{WP}.md"
CFG = "validator:\n  min_gate_interval_seconds: 0\n"


def ok(p):
    assert p.returncode == 0, (p.args, p.stdout, p.stderr)
    return p


def locked_wp(repo: Path, gk) -> None:
    """Refined, signed, prepared on main, packet filled and locked, all committed."""
    setup(repo, cfg_extra=CFG)
    full_flow(repo, gk)
    pkt = repo / PKT
    pkt.write_text(fill_packet(pkt.read_text()))
    ok(gk("lock", WP, cwd=repo))
    commit_all(repo, f"[{WP}] docs: fill and lock packet")
    ok(gk("pre-work", WP, cwd=repo))


def bump(repo: Path, spec: str) -> None:
    (repo / NEW_SPEC).write_text(spec, encoding="utf-8")
    (repo / ".GOV/roles_shared/SPEC_CURRENT.md").write_text(pointer_text(NEW_SPEC))
    commit_all(repo, "spec v01.002")


def moved_spec() -> str:
    """Two lines inserted above every section: each anchored excerpt moves down by two lines."""
    lines = spec_text().split("\n")
    return "\n".join(lines[:1] + ["", "Preface line added in v01.002."] + lines[1:])


def records(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / f".GOV/records/{WP}").iterdir())


def findings(proc, code: str) -> list[dict]:
    return [f for f in json.loads(proc.stdout)["findings"] if f["code"] == code]


def anchor_lines(repo: Path) -> tuple[int, int]:
    text = (repo / ref_rel()).read_text()
    start = next(ln for ln in text.split("\n") if "CONTEXT_START_LINE" in ln)
    end = next(ln for ln in text.split("\n") if "CONTEXT_END_LINE" in ln)
    return int(start.split(":")[1]), int(end.split(":")[1])


def test_moved_lines_follow_without_a_new_signature(repo, gk):
    locked_wp(repo, gk)
    before = anchor_lines(repo)
    sig_rows = (repo / ".GOV/roles_shared/SIGNATURE_AUDIT.md").read_text()
    bump(repo, moved_spec())
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1
    hint = findings(p, "GK-REF-SPEC-SHA1")[0]["hint"]
    assert f"govkit reanchor {WP}" in hint and "unchanged" in hint
    ok(gk("reanchor", WP, cwd=repo))
    assert anchor_lines(repo) == (before[0] + 2, before[1] + 2)
    rec_name = records(repo)[-1]
    assert rec_name.endswith("-REANCHOR.json")
    rec = json.loads((repo / f".GOV/records/{WP}/{rec_name}").read_text())
    body = rec["body"]
    assert body["spec"]["old"]["name"] == SPEC_NAME and body["spec"]["new"]["name"] == NEW_SPEC
    assert body["refinement"]["old_sha256"] != body["refinement"]["new_sha256"]
    assert body["anchors"][0]["status"] == "MOVED"
    assert body["anchors"][0]["new"] == [before[0] + 2, before[1] + 2]
    assert rec["witness"] is not None
    # Committed by govkit, no new signature: the audit table is as it was.
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").startswith(f"[{WP}] chore: reanchor")
    assert (repo / ".GOV/roles_shared/SIGNATURE_AUDIT.md").read_text() == sig_rows
    ok(gk("pre-work", WP, cwd=repo))
    ok(gk("refinement-check", WP, cwd=repo))
    ok(gk("audit", "verify", cwd=repo))
    # Nothing left to move: PASS, nothing written.
    p = ok(gk("reanchor", WP, "--json", cwd=repo))
    assert findings(p, "GK-REANCHOR-CURRENT") and records(repo)[-1] == rec_name


def test_unchanged_lines_only_move_the_target(repo, gk):
    locked_wp(repo, gk)
    before = anchor_lines(repo)
    bump(repo, spec_text() + "\n## 9. Appendix\n\nNew text at the end.\n")
    p = ok(gk("reanchor", WP, "--json", cwd=repo))
    assert "ANCHOR 1 UNCHANGED" in json.loads(p.stdout)["facts"]["anchors"]
    assert anchor_lines(repo) == before
    ok(gk("pre-work", WP, cwd=repo))


def test_changed_excerpt_writes_nothing_and_names_the_anchor(repo, gk):
    locked_wp(repo, gk)
    text = spec_text()
    start, end = anchor_lines(repo)
    lines = text.split("\n")
    for n in range(start - 1, end):
        lines[n] = lines[n].replace("SHALL keep", "SHALL drop")
    bump(repo, "\n".join(lines))
    ref_before = (repo / ref_rel()).read_bytes()
    names = records(repo)
    p = gk("reanchor", WP, "--json", cwd=repo)
    assert p.returncode == 1, p.stdout + p.stderr
    found = findings(p, "GK-REANCHOR-CHANGED")
    assert found and "ANCHOR 1" in found[0]["message"] and "new signature" in found[0]["message"]
    assert "-v2" in found[0]["hint"] and "record-signature" in found[0]["hint"]
    assert (repo / ref_rel()).read_bytes() == ref_before and records(repo) == names
    assert git(repo, "status", "--porcelain") == ""
    # refinement-check does not suggest reanchor here: it names the changed anchor.
    hint = findings(gk("refinement-check", WP, "--json", cwd=repo), "GK-REF-SPEC-SHA1")[0]["hint"]
    assert "reanchor" not in hint and "ANCHOR 1 CHANGED" in hint


def test_hand_edited_refinement_is_not_moved(repo, gk):
    locked_wp(repo, gk)
    bump(repo, moved_spec())
    ref = repo / ref_rel()
    ref.write_text(ref.read_text().replace("Rule drift; covered by tests.", "Anything goes."))
    commit_all(repo, "edit the signed refinement")
    names = records(repo)
    p = gk("reanchor", WP, "--json", cwd=repo)
    assert p.returncode == 1 and findings(p, "GK-REANCHOR-EDITED")
    assert records(repo) == names


def test_forged_reanchor_breaks_custody_and_lock(repo, gk):
    """A REANCHOR whose old hashes are not the lock's (written through the real record API,
    so its chain links and witness are valid) is refused by pre-work."""
    from govkit.actions.records import stage_record
    from govkit.model.refinement import content_sha256
    from govkit.txn.transaction import transaction
    from govkit.workspace import Workspace

    locked_wp(repo, gk)
    bump(repo, moved_spec())
    ref = repo / ref_rel()
    ws = Workspace(repo)
    new_sha = content_sha256(ref.read_bytes())
    body = {"packet": PKT, "lock": "forged",
            "refinement": {"path": ref_rel(), "old_sha256": "0" * 64, "new_sha256": new_sha},
            "spec": {"old": {"name": SPEC_NAME, "sha1": "0" * 40},
                     "new": {"name": NEW_SPEC, "sha1": "1" * 40}}, "anchors": []}
    with transaction(ws, "reanchor", WP) as tx:
        stage_record(ws, tx, WP, "REANCHOR", body)
    commit_all(repo, "forged reanchor")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1
    assert findings(p, "GK-LOCK-REANCHOR") and findings(p, "GK-CUSTODY-HASH")
    # and reanchor itself refuses to build on the forged link
    p = gk("reanchor", WP, "--json", cwd=repo)
    assert p.returncode == 1 and findings(p, "GK-REANCHOR-STATE")


def test_unlocked_wp_is_refused(repo, gk):
    setup(repo, cfg_extra=CFG)
    full_flow(repo, gk)   # the packet is a draft: no LOCK yet
    bump(repo, moved_spec())
    p = gk("reanchor", WP, "--json", cwd=repo)
    assert p.returncode == 1 and findings(p, "GK-REANCHOR-STATE")
    assert not any(n.endswith("REANCHOR.json") for n in records(repo))


def test_consistent_forged_reanchor_cannot_bless_other_edits(repo, gk):
    """A REANCHOR with the right old hashes, whose new hash covers more than the re-anchoring
    (here: the RED_TEAM advisory rewritten), is refused: putting its recorded lines back does
    not give the locked refinement."""
    from govkit.actions.records import stage_record
    from govkit.model.refinement import content_sha256
    from govkit.txn.transaction import transaction
    from govkit.workspace import Workspace

    locked_wp(repo, gk)
    bump(repo, moved_spec())
    ok(gk("reanchor", WP, "--no-commit", cwd=repo))
    rec_path = sorted((repo / f".GOV/records/{WP}").glob("*-REANCHOR.json"))[-1]
    body = json.loads(rec_path.read_text())["body"]
    assert body["lines"] and all(len(x) == 3 for x in body["lines"])
    rec_path.unlink()
    ref = repo / ref_rel()
    edited = ref.read_text().replace("Rule drift; covered by tests.", "Anything goes.")
    ref.write_text(edited)
    body["refinement"]["new_sha256"] = content_sha256(edited.encode())
    ws = Workspace(repo)
    with transaction(ws, "reanchor", WP) as tx:
        stage_record(ws, tx, WP, "REANCHOR", body)
    commit_all(repo, "forged reanchor")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1
    assert any("changed more of the refinement" in f["message"]
               for f in findings(p, "GK-CUSTODY-HASH")), p.stdout

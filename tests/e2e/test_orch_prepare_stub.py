"""record-prepare, worktree-add and stubs."""

from __future__ import annotations

from support.orchkit import WP, codes, full_flow, log, ok, setup, sign_flow
from support.repo import git


def test_prepare_rules(repo, gk, tmp_path):
    setup(repo)
    p = gk("record-prepare", WP, "Coder-A", "--branch", "main", "--worktree-dir", ".", "--json",
           cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-PREP-NO-SIGNATURE"]
    sign_flow(repo, gk)
    for bad in ("/abs/wt", "C:\\wt", "//server/share", "D:/x"):
        p = gk("record-prepare", WP, "Coder-A", "--worktree-dir", bad, "--json", cwd=repo)
        assert p.returncode == 2 and codes(p) == ["GK-PREP-WORKTREE-ABS"], bad
    p = gk("record-prepare", WP, "Coder-A", "--json", cwd=repo)
    assert p.returncode == 2 and "GK-PREP-BRANCH" in codes(p)
    # A branch without a worktree is not enough.
    git(repo, "branch", f"feat/{WP}")
    p = gk("record-prepare", WP, "Coder-A", "--json", cwd=repo)
    assert p.returncode == 1 and "GK-PREP-WORKTREE" in codes(p)
    git(repo, "branch", "-D", f"feat/{WP}")
    assert not [e for e in log(repo) if e["type"] == "PREPARE"]
    ok(gk("worktree-add", WP, cwd=repo))
    assert (repo.parent / f"wt-{WP}").is_dir()
    assert git(repo, "rev-parse", "--abbrev-ref", f"feat/{WP}").strip() == f"feat/{WP}"
    ok(gk("record-prepare", WP, "Coder-A", cwd=repo))
    prep = [e for e in log(repo) if e["type"] == "PREPARE"][-1]
    assert prep["branch"] == f"feat/{WP}" and prep["worktree_dir"] == f"../wt-{WP}"
    assert prep["coder_id"] == "Coder-A" and prep["timestamp"].endswith("Z")


def test_worktree_add_never_touches_existing_dir(repo, gk):
    setup(repo)
    d = repo.parent / f"wt-{WP}"
    d.mkdir()
    (d / "keep.txt").write_text("mine")
    p = gk("worktree-add", WP, "--json", cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-WT-EXISTS"]
    assert (d / "keep.txt").read_text() == "mine"
    assert git(repo, "branch", "--list", f"feat/{WP}").strip() == ""


def test_stub_create_is_not_executable_then_activates(repo, gk):
    setup(repo, wps=())
    stub = "WP-1-Later"
    ok(gk("stub", "create", stub, cwd=repo))
    assert (repo / f".GOV/task_packets/stubs/{stub}.md").is_file()
    board = (repo / ".GOV/roles_shared/TASK_BOARD.md").read_text()
    sec = board.split("## Stub Backlog (Not Activated)")[1].split("\n## ")[0]
    assert f"- **[{stub}]** - [STUB]" in sec
    p = gk("pre-work", stub, cwd=repo)
    assert p.returncode == 2 and "stub" in p.stderr and "never executable" in p.stderr
    # Activation goes through the normal path: no refinement yet -> scaffold, nothing activated.
    p = gk("stub", "activate", stub, cwd=repo)
    assert p.returncode == 1 and "GK-PKT-SCAFFOLD" in p.stdout
    # A hand-made packet does not activate a stub either.
    (repo / f".GOV/task_packets/{stub}.md").write_text(f"# Task Packet: {stub}\n")
    p = gk("stub", "activate", stub, "--json", cwd=repo)
    assert p.returncode == 1 and "GK-REF-UNSIGNED" in codes(p)
    (repo / f".GOV/task_packets/{stub}.md").unlink()
    assert f"- **[{stub}]** - [STUB]" in (repo / ".GOV/roles_shared/TASK_BOARD.md").read_text()
    # Fill the refinement, refine, sign, prepare; then activate creates the packet.
    from support.orchkit import ref_rel, refinement
    (repo / ref_rel(stub)).write_text(refinement(repo, stub))
    sign_flow(repo, gk, stub)
    ok(gk("record-prepare", stub, "Coder-A", "--branch", "main", "--worktree-dir", ".", cwd=repo))
    ok(gk("stub", "activate", stub, cwd=repo))
    assert (repo / f".GOV/task_packets/{stub}.md").is_file()
    board = (repo / ".GOV/roles_shared/TASK_BOARD.md").read_text()
    assert f"[{stub}]** - [STUB]" not in board
    ready = board.split("## Ready for Dev")[1].split("\n## ")[0]
    assert f"- **[{stub}]** - [READY_FOR_DEV]" in ready
    reg = (repo / ".GOV/roles_shared/WP_TRACEABILITY_REGISTRY.md").read_text()
    row = next(ln for ln in reg.splitlines() if ln.startswith(f"| {stub} |"))
    assert f".GOV/task_packets/{stub}.md" in row and "stubs/" not in row.split("|")[2]


def test_full_flow_with_worktree(repo, gk):
    setup(repo)
    full_flow(repo, gk, checkpoint=False)
    assert (repo / f".GOV/task_packets/{WP}.md").is_file()

"""End to end in a separate worktree: the orchestrator prepares, the coder's pre-work passes there."""

from __future__ import annotations

from support.orchkit import SIG, WP, setup
from support.repo import git
from support.wsfactory import edit


def test_checkpoint_carries_the_orchestrator_records_to_the_wp_branch(repo, gk):
    setup(repo)
    for args in (("record-refinement", WP), ("record-signature", WP, SIG), ("worktree-add", WP),
                 ("record-prepare", WP, "Coder-A"), ("create-task-packet", WP, "--checkpoint")):
        p = gk(*args, cwd=repo)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    wt = repo.parent / f"wt-{WP}"
    assert git(wt, "status", "--porcelain") == ""
    # The template's placeholders are not a work contract: pre-work says what to fill.
    p = gk("pre-work", WP, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-PRE-SCOPE" in p.stdout and "GK-PRE-PREPARE" not in p.stdout
    pkt = wt / ".GOV" / "task_packets" / f"{WP}.md"
    text = pkt.read_text()
    from govkit.demo.sample import fill_packet
    pkt.write_text(fill_packet(text))
    # Filled but not locked: the chain of custody needs the operator's LOCK first.
    p = gk("pre-work", WP, "--json", cwd=wt)
    assert p.returncode == 1 and "GK-CUSTODY-ORDER" in p.stdout
    assert gk("lock", WP, cwd=wt).returncode == 0
    git(wt, "add", "-A")
    git(wt, "commit", "-q", "-m", "docs: fill and lock packet")
    p = gk("pre-work", WP, cwd=wt)
    assert p.returncode == 0, p.stdout
    # The checkpoint never overwrites uncommitted work in the coder's worktree.
    edit(pkt, "- RISK_TIER: LOW", "- RISK_TIER: HIGH")
    p = gk("create-task-packet", WP, "--checkpoint", cwd=repo)
    assert p.returncode != 0
    assert "RISK_TIER: HIGH" in pkt.read_text()

"""Problem 7 (first half) and 8 (interval): a signature token's date must lie within
signature.window_seconds of now (a year-9999 token is refused, nothing written), and "wait and
retry" exits 1 with the remaining wait."""

from __future__ import annotations

from support.orchkit import CFG, SIG, WP, codes, ok, other_sig, setup, snapshot


def test_future_and_stale_tokens_are_refused(repo, gk):
    setup(repo)
    ok(gk("record-refinement", WP, cwd=repo))
    before = snapshot(repo)
    for token in ("dev311299990000", "operator010120200900", "operator310220260900"):
        p = gk("record-signature", WP, token, "--json", cwd=repo)
        assert p.returncode == 2, p.stdout
        assert set(codes(p)) & {"GK-SIG-WINDOW", "GK-SIG-DATE"}, p.stdout
        assert snapshot(repo) == before
    ok(gk("record-signature", WP, SIG, cwd=repo))


def test_window_is_configurable(repo, gk):
    setup(repo, cfg_extra="")
    (repo / CFG).write_text("signature:\n  min_interval_seconds: 0\n  window_seconds: 0\n")
    ok(gk("record-refinement", WP, cwd=repo))
    ok(gk("record-signature", WP, "dev010120200900", cwd=repo))


def test_interval_error_exits_1_with_the_remaining_wait(repo, gk):
    setup(repo, interval=3600)
    ok(gk("record-refinement", WP, cwd=repo))
    p = gk("record-signature", WP, other_sig(), "--json", cwd=repo)
    assert p.returncode == 1 and codes(p) == ["GK-SIG-INTERVAL"]
    assert "wait " in p.stdout and "s more" in p.stdout

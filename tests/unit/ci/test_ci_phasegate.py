"""phase gate (kernel 12.4): the phase argument is used, Blocked counts, every WP VALIDATED."""

from __future__ import annotations

import pytest

from govkit.errors import GovkitError
from govkit.gates.phasegate import parse_phase

from support.cikit import entry, make_ws, run, set_board


@pytest.fixture
def ws(repo):
    return make_ws(repo)


def test_closed_phase_passes(ws):
    set_board(ws, {"Done": [entry("WP-1-A", "VALIDATED"), entry("WP-1-B", "VALIDATED")],
                   "Superseded (Archive)": [entry("WP-1-Old", "SUPERSEDED")],
                   "Ready for Dev": [entry("WP-2-Next", "READY_FOR_DEV")]})
    r = run(ws, ["phase"], phase="1")
    assert r.passed, r.findings
    assert r.facts["phase_wps"] == 3


def test_the_phase_argument_is_used(ws):
    # The reference failed on any Ready for Dev entry whatever phase it was asked about.
    set_board(ws, {"Done": [entry("WP-1-A", "VALIDATED")],
                   "Ready for Dev": [entry("WP-2-Next", "READY_FOR_DEV")]})
    assert run(ws, ["phase"], phase="Phase-1").passed
    r = run(ws, ["phase"], phase="2")
    assert r.codes() == ["GK-CI-PHASE-OPEN"] and "WP-2-Next" in r.findings[0].message


def test_ready_and_blocked_entries_block_the_phase(ws):
    set_board(ws, {"Ready for Dev": [entry("WP-1-R", "READY_FOR_DEV")],
                   "Blocked": [entry("WP-1-X", "IN_PROGRESS")],
                   "Done": [entry("WP-1-A", "VALIDATED")]})
    r = run(ws, ["phase"], phase="1")
    assert r.codes() == ["GK-CI-PHASE-OPEN", "GK-CI-PHASE-OPEN"]
    assert {f.line for f in r.findings} == {5, 16}


def test_every_wp_must_be_validated(ws):
    set_board(ws, {"In Progress": [entry("WP-1-Run", "IN_PROGRESS")],
                   "Done": [entry("WP-1-Bad", "FAIL"), entry("WP-1-A", "VALIDATED")]})
    r = run(ws, ["phase"], phase="1")
    assert sorted(r.codes()) == ["GK-CI-PHASE-UNVALIDATED"] * 2
    assert "WP-1-Bad is [FAIL]" in " ".join(f.message for f in r.findings)


def test_no_phase_no_verdict_and_empty_phase_warns(ws):
    set_board(ws, {"Ready for Dev": [entry("WP-1-R", "READY_FOR_DEV")]})
    assert run(ws, ["phase"]).findings == []
    r = run(ws, ["phase"], phase="7")
    assert r.passed and r.codes() == ["GK-CI-PHASE-EMPTY"]


@pytest.mark.parametrize("bad", ["", "one", "1.5", "Phase-", "-1"])
def test_bad_phase_is_bad_input(bad):
    with pytest.raises(GovkitError):
        parse_phase(bad)

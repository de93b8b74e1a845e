"""Every read-only gate on a real git repository whose artifacts are mutated per example: the
gate returns a Report that renders in every format, or raises GovkitError; nothing else.

One repository per module (building one costs a dozen git processes); each example rewrites
one or two artifacts and puts them back afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import propkit as pk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.workspace import Workspace

from support.repo import init_repo
from support.wsfactory import make_sample

PKT = ".GOV/task_packets/WP-1-Demo.md"
REF = ".GOV/refinements/WP-1-Demo.md"
BOARD = ".GOV/roles_shared/TASK_BOARD.md"
REGISTRY = ".GOV/roles_shared/WP_TRACEABILITY_REGISTRY.md"
SIGAUDIT = ".GOV/roles_shared/SIGNATURE_AUDIT.md"
POINTER = ".GOV/roles_shared/SPEC_CURRENT.md"
GATELOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"
VSTATE = ".GOV/validator_gates/WP-1-Demo.json"
CONFIG = ".GOV/govkit.yaml"

SEED_FNS = {PKT: pk.packet_seeds, REF: pk.refinement_seeds, BOARD: pk.board_seeds,
         REGISTRY: pk.registry_seeds, SIGAUDIT: pk.sigaudit_seeds, POINTER: pk.pointer_seeds,
         GATELOG: pk.gatelog_seeds, VSTATE: pk.validator_seeds, CONFIG: pk.config_seeds,
         pk.SPEC: pk.spec_seeds}
REAL: dict[str, str] = {}  # the sample repository's own artifacts, seeds too
_seeds: dict[str, list[str]] = {}


def seeds(rel: str) -> list[str]:
    if rel not in _seeds:
        _seeds[rel] = SEED_FNS[rel]() + ([REAL[rel]] if rel in REAL else [])
    return _seeds[rel]


@pytest.fixture(scope="module")
def ws_root(tmp_path_factory):
    root = make_sample(init_repo(tmp_path_factory.mktemp("prop") / "repo"))
    old = os.environ.get("GOVKIT_NO_CACHE")
    os.environ["GOVKIT_NO_CACHE"] = "1"  # no cache entry per example in .git
    for rel in SEED_FNS:
        if (root / rel).is_file():
            REAL[rel] = (root / rel).read_text(encoding="utf-8")
    _seeds.clear()
    yield root
    if old is None:
        os.environ.pop("GOVKIT_NO_CACHE", None)
    else:
        os.environ["GOVKIT_NO_CACHE"] = old


def edits(*rels: str):
    """A list of (artifact, mutated bytes): one or two of the given artifacts rewritten."""
    one = st.sampled_from(rels).flatmap(lambda r: pk.mutated(seeds(r)).map(lambda b: (r, b)))
    return st.lists(one, min_size=1, max_size=2, unique_by=lambda e: e[0])


def run_gate(root: Path, changes, gate) -> None:
    saved = {}
    for rel, data in changes:
        path = root / rel
        saved[rel] = path.read_bytes() if path.is_file() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        ws = pk.survives(Workspace, root)  # the config may be one of the mutated files
        if ws is not None:
            report = pk.survives(gate, ws)
            if report is not None:
                pk.renders(report)
    finally:
        for rel, data in saved.items():
            if data is None:
                (root / rel).unlink()
            else:
                (root / rel).write_bytes(data)


@settings(max_examples=pk.scaled(1500))
@given(edits(PKT, PKT, CONFIG))
def test_gate_check(ws_root, changes):
    from govkit.gates.phase import check_phases

    run_gate(ws_root, changes, lambda ws: check_phases(ws, ws.check_wp_id(pk.WP)))


@settings(max_examples=pk.scaled(1000))
@given(edits(REF, REF, pk.SPEC, POINTER))
def test_refinement_check(ws_root, changes):
    from govkit.gates.refinement import check_refinement

    run_gate(ws_root, changes, lambda ws: check_refinement(ws, pk.WP, None, True))


@settings(max_examples=pk.scaled(700))
@given(edits(PKT, REF, GATELOG, SIGAUDIT, REGISTRY))
def test_pre_work(ws_root, changes):
    from govkit.gates.prework import check_prework

    run_gate(ws_root, changes, lambda ws: check_prework(ws, pk.WP))


@settings(max_examples=pk.scaled(800))
@given(edits(BOARD, BOARD, REGISTRY, PKT))
def test_board_check(ws_root, changes):
    from govkit.gates.board import check_board

    run_gate(ws_root, changes, check_board)


@settings(max_examples=pk.scaled(600))
@given(edits(POINTER, pk.SPEC))
def test_spec_check(ws_root, changes):
    from govkit.gates.spec import check_spec

    run_gate(ws_root, changes, check_spec)


def _ci(ws):
    from govkit.gates.board import check_board
    from govkit.gates.drift import check_forbidden
    from govkit.gates.spec import check_spec
    from govkit.result import Report

    report = Report("ci")  # what `govkit ci` runs (govkit/cli/gates_cmd.py)
    report.merge(check_spec(ws))
    report.merge(check_board(ws))
    check_forbidden(ws, report)
    return report


@settings(max_examples=pk.scaled(400))
@given(edits(CONFIG, BOARD, POINTER, REGISTRY, PKT))
def test_ci(ws_root, changes):
    run_gate(ws_root, changes, _ci)


@settings(max_examples=pk.scaled(300))
@given(edits(PKT, PKT, VSTATE))
def test_post_work(ws_root, changes):
    from govkit.gates.postwork import check_postwork

    run_gate(ws_root, changes, lambda ws: check_postwork(ws, pk.WP))

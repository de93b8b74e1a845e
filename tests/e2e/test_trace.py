"""`govkit trace` end to end: real repository, real process."""

from __future__ import annotations

import json

import pytest

from support.cikit import edit, entry, make_ws, set_board
from support.repo import commit_all

PKT = ".GOV/task_packets/WP-1-Demo.md"


@pytest.fixture
def ws(repo):
    make_ws(repo)
    set_board(repo, {"Done": [entry("WP-1-Demo", "VALIDATED")]})
    edit(repo / PKT, "- <fill: requirement -> path:line>", "- REQ-1-1 -> src/app.py:2")
    edit(repo / PKT, "- (validator appends reports here)", "- (validator appends reports here)\n\nVerdict: PASS")
    commit_all(repo, "validated")
    return repo


def test_matrix_text_and_json(ws, gk):
    p = gk("trace", cwd=ws)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[1] == "not ok - req~REQ-1-2~1 [MUST] partly - Project_Master_Spec_v01.001.md:6 - WP-1-Demo(PASS)"
    ok = [line for line in lines if line.startswith("ok")]
    assert ok == ["ok     - req~REQ-1-1~1 [MUST] covered - Project_Master_Spec_v01.001.md:5 - WP-1-Demo(PASS)"]
    assert "req~REQ-1-2~1 [MUST] partly" in p.stdout      # anchored, validated, no evidence
    assert "24 requirement(s): 1 covered, 1 partly, 0 stale evidence, 22 not covered; coverage 4.2%" in p.stdout
    j = gk("trace", "--json", cwd=ws)
    assert j.returncode == 0
    data = json.loads(j.stdout)
    f = data["facts"]
    assert data["gate"] == "trace" and f["coverage"] == 4.2
    row = next(r for r in f["requirements"] if r["id"] == "REQ-1-1")
    assert row["packets"] == [{"wp": "WP-1-Demo", "via": "ANCHOR 1 (OK)", "verdict": "PASS"}]
    assert row["evidence"] == [{"wp": "WP-1-Demo", "path": "src/app.py", "line": 2, "ok": True}]
    assert "REQ-1-1" not in f["uncovered_must"] and "REQ-3-8" in f["uncovered_must"]
    assert [x["code"] for x in data["findings"]] == ["GK-TRC-UNCOVERED"]
    again = gk("trace", "--json", cwd=ws)
    assert again.stdout == j.stdout                           # deterministic: no timestamps


def test_stale_evidence_fails(ws, gk):
    edit(ws / PKT, "- REQ-1-1 -> src/app.py:2", "- REQ-1-1 -> src/app.py:9 and src/gone.py:1")
    p = gk("trace", "--json", cwd=ws)
    assert p.returncode == 1
    data = json.loads(p.stdout)
    stale = [x for x in data["findings"] if x["code"] == "GK-TRC-STALE"]
    assert [x["message"].split(": ")[1] for x in stale] == [
        "evidence src/app.py:9 does not exist at HEAD", "evidence src/gone.py:1 does not exist at HEAD"]
    row = next(r for r in data["facts"]["requirements"] if r["id"] == "REQ-1-1")
    assert row["status"] == "stale evidence"


def test_evidence_only_in_the_work_tree_is_stale(ws, gk):
    (ws / "src" / "new.py").write_text("a\nb\n")
    edit(ws / PKT, "- REQ-1-1 -> src/app.py:2", "- REQ-1-1 -> src/new.py:2")
    assert gk("trace", cwd=ws).returncode == 1               # verified at HEAD, not on disk
    commit_all(ws, "add new.py")
    assert gk("trace", cwd=ws).returncode == 0


def test_orphan_anchor_and_fail_under(ws, gk):
    spec = ws / "Project_Master_Spec_v01.001.md"
    edit(spec, "The system SHALL keep rule 1.1 for capability 1 (token cap1r1).\n", "")
    edit(spec, "The system SHALL keep rule 1.2 for capability 1 (token cap1r2).\n", "")
    p = gk("trace", "--json", cwd=ws)
    codes = [x["code"] for x in json.loads(p.stdout)["findings"]]
    assert "GK-TRC-ORPHAN" in codes
    assert gk("trace", "--fail-under", "50", cwd=ws).returncode == 1
    assert gk("trace", "--fail-under", "0", cwd=ws).returncode == 0
    assert gk("trace", "--fail-under", "101", cwd=ws).returncode == 2

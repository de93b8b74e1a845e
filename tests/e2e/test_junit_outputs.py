"""`--junit FILE` (and `--json=FILE`) from one run of a real gate, next to its stdout format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from support.outcheck import junit_errors
from support.wsfactory import make_sample

WP = "WP-1-Demo"


def test_one_run_many_outputs(repo, gk, tmp_path):
    make_sample(repo)
    board = repo / ".GOV/roles_shared/TASK_BOARD.md"
    board.write_text(board.read_text() + "\n## In Progress\n\n- WP-1 \x1b[31mbroken\x0c entry\n")
    junit, js, sarif = tmp_path / "j.xml", tmp_path / "r.json", tmp_path / "r.sarif"
    p = gk("--format", "gate", "ci", "--junit", str(junit), f"--json={js}", "--sarif", str(sarif),
           cwd=repo)
    assert p.returncode == 1 and "GATE_STATUS: FAIL" in p.stdout
    text = junit.read_text(encoding="utf-8")
    assert junit_errors(text) == []
    root = ET.fromstring(text)
    assert int(root.get("failures")) >= 1 and root.get("tests") == str(len(root.findall("testcase")))
    assert "\x1b" not in text and "\x0c" not in text and "\\x1b[31mbroken\\x0c" in text
    doc = json.loads(js.read_text())
    assert doc["verdict"] == "FAIL" and "GK-BOARD-FORMAT" in {f["code"] for f in doc["findings"]}
    assert json.loads(sarif.read_text())["version"] == "2.1.0"


def test_gate_is_one_testcase_and_pass_has_no_failure(repo, gk, tmp_path):
    make_sample(repo)
    junit = tmp_path / "j.xml"
    p = gk("pre-work", WP, "--junit", str(junit), "-q", cwd=repo)
    assert p.returncode == 0 and p.stdout == ""
    root = ET.fromstring(junit.read_text())
    assert junit_errors(junit.read_text()) == []
    (case,) = root.findall("testcase")
    assert case.get("name") == f"pre-work {WP}" and case.find("failure") is None
    assert root.get("failures") == "0"

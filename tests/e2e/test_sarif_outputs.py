"""`--sarif FILE` on a real, broken repository: the document validates against the OASIS
schema and is clean under the SARIF Multitool's GitHub rules; a command that exits 2 still
writes one, saying so; fingerprints are stable across runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.outcheck import sarif_errors
from support.repo import commit_all, git
from support.sarifmt import multitool_problems
from support.wsfactory import make_sample

WP = "WP-1-Demo"
NAMES = ["src/a b.py", "src/x#y.py", "src/50%.py", "src/caf\u00e9.py", "src/ctl\x1b\x07.py"]


@pytest.fixture
def broken(repo: Path) -> Path:
    make_sample(repo)
    board = repo / ".GOV/roles_shared/TASK_BOARD.md"
    board.write_text(board.read_text() + "\n## In Progress\n\n- WP-1 broken entry\n")
    commit_all(repo, "break the board")
    for name in NAMES:
        (repo / name).write_text("x = 1\n")
    git(repo, "add", "src")
    return repo


def test_ci_and_post_work_sarif_validate_everywhere(broken, gk, tmp_path):
    out = tmp_path / "out dir"
    p = gk("ci", "--sarif", str(out / "ci.sarif"), cwd=broken)
    assert p.returncode == 1, p.stderr
    q = gk("--sarif", str(out / "post.sarif"), "post-work", WP, cwd=broken)
    assert q.returncode == 1, q.stderr
    for name in ("ci.sarif", "post.sarif"):
        text = (out / name).read_text(encoding="utf-8")
        assert sarif_errors(text) == []
        assert multitool_problems(out / name) == []
    post = json.loads((out / "post.sarif").read_text())["runs"][0]
    assert post["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file:///")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in post["results"]}
    assert {"src/a%20b.py", "src/x%23y.py", "src/50%25.py", "src/caf%C3%A9.py",
            "src/ctl%1B%07.py"} <= uris
    assert post["invocations"][0]["executionSuccessful"] is True
    ci = json.loads((out / "ci.sarif").read_text())["runs"][0]
    assert "GK-BOARD-FORMAT" in {r["id"] for r in ci["tool"]["driver"]["rules"]}
    assert ci["automationDetails"]["id"] == "govkit/ci/"


def test_fingerprints_stable_across_runs(broken, gk, tmp_path):
    prints = []
    for n in range(2):
        gk("post-work", WP, "--sarif", str(tmp_path / f"{n}.sarif"), cwd=broken)
        doc = json.loads((tmp_path / f"{n}.sarif").read_text())
        prints.append([r["partialFingerprints"] for r in doc["runs"][0]["results"]])
    assert prints[0] == prints[1] and len(prints[0]) >= len(NAMES)


@pytest.mark.parametrize("args", [["pre-work", "WP-../evil"], ["ci", "--no-such-option"]])
def test_exit_2_still_writes_the_documents(broken, gk, tmp_path, args):
    sarif, junit = tmp_path / "e.sarif", tmp_path / "e.xml"
    p = gk(*args, "--sarif", str(sarif), "--junit", str(junit), cwd=broken)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert sarif_errors(sarif.read_text()) == []
    inv = json.loads(sarif.read_text())["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    assert inv["toolExecutionNotifications"][0]["level"] == "error"
    assert multitool_problems(sarif) == []
    assert 'type="govkit-exit-2"' in junit.read_text()


def test_unwritable_output_is_exit_2(broken, gk, tmp_path):
    (tmp_path / "f").write_text("a file, not a directory")
    p = gk("ci", "--sarif", str(tmp_path / "f" / "x.sarif"), cwd=broken)
    assert p.returncode == 2 and "cannot write the sarif output" in p.stderr
    assert "Traceback" not in p.stderr

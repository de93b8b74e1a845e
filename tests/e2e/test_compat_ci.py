"""Issue #12, CI parity: `govkit ci` fails where the original's repository-wide checks fail
(the .GOV boundary, template text in a coder claim), and reports every finding."""

from __future__ import annotations

import json

import pytest

from support.repo import commit_all
from support.wsfactory import edit, make_sample, packet


@pytest.fixture
def ws(repo):
    return make_sample(repo)


def _ci(gk, ws):
    p = gk("ci", "--json", cwd=ws)
    assert "Traceback" not in p.stderr, p.stderr
    return p, json.loads(p.stdout)["findings"]


def _put(ws, rel, text):
    path = ws / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_boundary_reports_every_line(ws, gk):
    assert gk("ci", cwd=ws).returncode == 0
    _put(ws, "src/lib.rs", 'fn a() {}\nconst P: &str = ".GOV/task_packets";\n')
    _put(ws, "app/src/x.ts", 'import y from "../../.GOV\\\\roles/x";\n')
    _put(ws, "tests/t.toml", 'path = ".GOV/roles_shared/TASK_BOARD.md"\n')
    _put(ws, "docs/notes.md", "see .GOV/roles_shared/\n")   # not product code
    commit_all(ws, "refs")
    p, found = _ci(gk, ws)
    hits = sorted((f["path"], f["line"]) for f in found if f["code"] == "GK-BOUNDARY")
    assert p.returncode == 1
    assert hits == [("app/src/x.ts", 1), ("src/lib.rs", 2), ("tests/t.toml", 1)]


def test_boundary_allow_line_and_config(ws, gk):
    _put(ws, "src/a.py", 'X = ".GOV/x"  # govkit: allow-boundary\n')
    _put(ws, "tests/fixture.txt", ".GOV/roles\n")
    commit_all(ws, "refs")
    p, found = _ci(gk, ws)
    assert [f["path"] for f in found if f["code"] == "GK-BOUNDARY"] == ["tests/fixture.txt"]
    _put(ws, ".GOV/govkit.yaml", "boundary:\n  allow: [tests/fixture.txt]\n")
    commit_all(ws, "allow")
    p, found = _ci(gk, ws)
    assert p.returncode == 0, found


def test_boundary_judges_regular_files_only(ws, gk, tmp_path):
    # A tracked symlink is not followed (its target is judged where it lives, if tracked) and
    # a FIFO where a tracked file was is skipped, never waited on.
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text(".GOV/roles\n")
    (ws / "src").mkdir(exist_ok=True)
    os.symlink(outside, ws / "src" / "link.txt")
    _put(ws, "src/pipe.txt", ".GOV/x\n")
    _put(ws, "src/real.py", "P = '.GOV/roles'\n")
    commit_all(ws, "refs")
    (ws / "src" / "pipe.txt").unlink()
    os.mkfifo(ws / "src" / "pipe.txt")
    p, found = _ci(gk, ws)
    assert [f["path"] for f in found if f["code"] == "GK-BOUNDARY"] == ["src/real.py"]


def test_boundary_without_product_paths_judges_nothing(ws, gk):
    _put(ws, "src/a.py", 'X = ".GOV/x"\n')
    _put(ws, ".GOV/govkit.yaml", "boundary:\n  product_paths: []\n")
    commit_all(ws, "no product paths")
    p, found = _ci(gk, ws)
    assert p.returncode == 0 and not [f for f in found if f["code"] == "GK-BOUNDARY"]
    _put(ws, ".GOV/govkit.yaml", "boundary:\n  product_paths: [src/]\n")
    commit_all(ws, "src is product code")
    assert [f["path"] for f in _ci(gk, ws)[1] if f["code"] == "GK-BOUNDARY"] == ["src/a.py"]


def _claim(ws, strength):
    edit(packet(ws), "- **Status:** Ready for Dev", "- **Status:** In Progress")
    edit(packet(ws), "- CODER_MODEL: <unclaimed>", "- CODER_MODEL: gpt-5")
    edit(packet(ws), "- CODER_REASONING_STRENGTH: <unclaimed>",
         f"- CODER_REASONING_STRENGTH: {strength}")
    commit_all(ws, "claim")


def test_claim_with_template_text_fails(ws, gk):
    _claim(ws, "HIGH (LOW | MEDIUM | HIGH | EXTRA_HIGH)")
    p, found = _ci(gk, ws)
    assert p.returncode == 1 and "GK-CLAIM-STRENGTH" in [f["code"] for f in found]


@pytest.mark.parametrize("value", ["EXTRA_HIGH", "extra-high", "Medium"])
def test_claim_normalised_values_pass(ws, gk, value):
    _claim(ws, value)
    p, found = _ci(gk, ws)
    assert "GK-CLAIM-STRENGTH" not in [f["code"] for f in found]


def test_ci_reports_all_findings(ws, gk):
    # The original stops at its first failing step; govkit ci reports every check's findings.
    _claim(ws, "HIGH (LOW | MEDIUM | HIGH | EXTRA_HIGH)")
    _put(ws, "src/lib.rs", 'const P: &str = ".GOV/x";\n')
    (ws / ".GOV/roles_shared/SPEC_CURRENT.md").write_text("nothing here\n")
    commit_all(ws, "three problems")
    p, found = _ci(gk, ws)
    codes = {f["code"] for f in found if f["severity"] == "error"}
    assert p.returncode == 1
    assert {"GK-CLAIM-STRENGTH", "GK-BOUNDARY"} <= codes
    assert any(c.startswith("GK-SPEC") for c in codes), codes


def test_doctor_names_the_profile_and_why(ws, gk):
    def profile():
        p = gk("doctor", "--json", cwd=ws)
        return [f["message"] for f in json.loads(p.stdout)["findings"]
                if f["code"] == "GK-DOCTOR-PROFILE"]

    assert profile() == [m for m in profile() if m.startswith("profile compat (no .GOV/govkit")]
    assert len(profile()) == 1
    _put(ws, ".GOV/govkit.yaml", "profile: strict\n")
    assert profile()[0].startswith("profile strict (set in .GOV/govkit.yaml)")
    _put(ws, ".GOV/govkit.yaml", "main_branch: main\n")
    assert profile()[0].startswith("profile compat (.GOV/govkit.yaml does not set it")

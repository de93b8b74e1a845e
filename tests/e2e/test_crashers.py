"""Inputs that made govkit crash (exit 3) or hang, run through the real CLI: each one is now a
finding (exit 1) or bad input (exit 2) with the file, line and fix; none is ever exit 3."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.repo import ROOT, init_repo, run_govkit
from support.wsfactory import make_sample

WP = "WP-1-Demo"
PKT = f".GOV/task_packets/{WP}.md"
LOG = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_sample(init_repo(tmp_path_factory.mktemp("crash") / "repo"))


@pytest.fixture
def ws(base: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "repo"
    shutil.copytree(base, dst, symlinks=True)
    return dst


def gk(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    p = run_govkit("--repo", str(repo), *args, timeout=kw.pop("timeout", 60), **kw)
    assert p.returncode != 3 and "Traceback" not in p.stderr, p.stdout + p.stderr
    return p


def codes(p) -> list[str]:
    return sorted(f["code"] for f in json.loads(p.stdout)["findings"])


def test_cr_only_packet_is_judged_like_lf(ws: Path):
    lf = {c: gk(ws, c, WP, "--json") for c in ("gate-check", "post-work")}
    pkt = ws / PKT
    pkt.write_bytes(pkt.read_bytes().replace(b"\n", b"\r"))
    for cmd, want in lf.items():
        p = gk(ws, cmd, WP, "--json")
        assert p.returncode == want.returncode, p.stdout + p.stderr
        assert codes(p) == codes(want)  # no false "missing EVIDENCE"


@pytest.mark.parametrize("marker_text", [
    "\nSKELETON APPROVED",                               # last line, no newline
    "\n| a | b |\n|---|---|\n| SKELETON APPROVED | x |\n",  # inside a table
    "\n## SKELETON APPROVED",                            # a heading without body
    "\n## VALIDATION REPORT\r\rSKELETON APPROVED\r",     # CR-only tail
])
def test_skeleton_approved_at_odd_places(ws: Path, marker_text: str):
    pkt = ws / PKT
    pkt.write_bytes(pkt.read_bytes().rstrip(b"\n") + marker_text.encode())
    assert gk(ws, "gate-check", WP).returncode in (0, 1)


@pytest.mark.parametrize("session", [{"status": "REPORT_PRESENTED", "gates": "abc"},
                                     {"status": ["x"], "gates": []},
                                     {"status": "REPORT_PRESENTED", "gates": [1, 2]}])
def test_malformed_validator_state(ws: Path, session):
    d = ws / ".GOV" / "validator_gates"
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{WP}.json").write_text(json.dumps({"validation_sessions": {WP: session}}, indent=2))
    for action in ("status", "acknowledge"):
        p = gk(ws, "validator-gate", action, WP)
        assert p.returncode == 2 and f".GOV/validator_gates/{WP}.json:" in p.stderr, p.stderr


def test_invalid_wp_id_pattern(ws: Path):
    (ws / ".GOV" / "govkit.yaml").write_text("main_branch: main\nwp_id_pattern: 'WP-('\n")
    p = gk(ws, "gate-check", WP)
    assert p.returncode == 2
    assert ".GOV/govkit.yaml:2" in p.stderr and "'wp_id_pattern'" in p.stderr, p.stderr


def test_duplicate_config_keys(ws: Path):
    (ws / ".GOV" / "govkit.yaml").write_text("main_branch: main\nlock:\n  timeout_seconds: 3\n"
                                             "main_branch: trunk\n")
    p = gk(ws, "gate-check", WP)
    assert p.returncode == 2 and "duplicate key 'main_branch' (lines 1 and 4)" in p.stderr


def test_deep_gate_log_and_nul_path(ws: Path):
    (ws / LOG).write_text('{"gate_logs": ' + "[" * 100000 + "]" * 100000 + "}")
    p = gk(ws, "pre-work", WP)
    assert p.returncode == 2 and LOG in p.stderr and "nested" in p.stderr
    log = {"gate_logs": [{"wpId": WP, "type": "PREPARE", "branch": "main",
                          "worktree_dir": ".\u0000/x", "coder_id": "c"}]}
    (ws / LOG).write_text(json.dumps(log))
    p = gk(ws, "pre-work", WP)
    assert p.returncode == 2 and "NUL" in p.stderr, p.stderr


def test_wp_ids(ws: Path):
    p = gk(ws, "gate-check", "WP-" + "a" * 300)
    assert p.returncode == 2 and "too long" in p.stderr
    p = gk(ws, "pre-work", f"{WP}.md")
    assert p.returncode == 2 and f"did you mean {WP}" in p.stderr


def test_lock_path_is_a_directory(ws: Path):
    (ws / ".git" / "govkit" / "lock").mkdir(parents=True)  # Workspace.state_dir()
    p = gk(ws, "validator-gate", "present-report", WP, "PASS")
    assert p.returncode == 2 and "lock file is a directory" in p.stderr
    assert not (ws / ".GOV" / "validator_gates" / f"{WP}.json").exists()


def test_init_with_gov_a_file(tmp_path: Path):
    repo = init_repo(tmp_path / "r")
    (repo / ".GOV").write_text("not a directory\n")
    p = run_govkit("init", str(repo))
    assert p.returncode == 2 and ".GOV: expected a directory, found a file" in p.stderr, p.stderr
    assert sorted(x.name for x in repo.iterdir()) == [".GOV", ".git"]


def test_git_missing_from_path(ws: Path, tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    for args in (("post-work", WP), ("pre-work", WP), ("init", str(tmp_path / "new"))):
        p = run_govkit("--repo", str(ws), *args, env={"PATH": str(bin_dir)})
        assert p.returncode == 2 and "git not found on PATH" in p.stderr, p.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("rel", [PKT, ".GOV/roles_shared/TASK_BOARD.md", LOG,
                                 ".GOV/govkit.yaml"])
def test_fifo_artifact_does_not_hang(ws: Path, rel: str):
    (ws / rel).unlink(missing_ok=True)
    os.mkfifo(ws / rel)
    cmd = "board-check" if "BOARD" in rel else "pre-work"
    p = gk(ws, *([cmd] if cmd == "board-check" else [cmd, WP]), timeout=30)
    assert p.returncode == 2 and "FIFO" in p.stderr, p.stderr


NASTY = {
    "empty": b"",
    "bom only": b"\xef\xbb\xbf",
    "bom + crlf + cr": b"\xef\xbb\xbf# T\r\n## BOOTSTRAP\r- x\r\n## SKELETON\r\rSKELETON APPROVED",
    "nul": b"# T\n\x00\n",
    "latin-1": "# T\n## BOOTSTRAP \xe9\n".encode("latin-1"),
    "huge line": b"# T\n" + b"x" * 2_000_000 + b"\n",
    "headings only": b"#\n##\n###\n## BOOTSTRAP\n## SKELETON\n## VALIDATION\n## EVIDENCE\n",
    "fields without values": b"# T\n- TASK_ID:\n- WP_ID:\n- **Status:**\n- MERGE_BASE_SHA:\n",
    "ragged table": b"# T\n| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |\n|\n",
    "duplicate sections": b"## BOOTSTRAP\n## SKELETON\n## BOOTSTRAP\n## SKELETON\nSKELETON APPROVED\n"
                          b"## VALIDATION\n## VALIDATION\n",
    "deep nesting": b"> " * 5000 + b"x\n" + b"- " * 3000 + b"y\n",
    "open fence": b"## BOOTSTRAP\n```\n## SKELETON\n",
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_nasty_files_never_exit_3(base: Path, tmp_path: Path, name: str):
    """Each nasty content in place of each artifact kind, through the gates that read it."""
    repo = tmp_path / "repo"
    shutil.copytree(base, repo, symlinks=True)
    targets = [PKT, f".GOV/refinements/{WP}.md", ".GOV/roles_shared/TASK_BOARD.md",
               ".GOV/roles_shared/SPEC_CURRENT.md", ".GOV/roles_shared/SIGNATURE_AUDIT.md", LOG]
    for rel in targets:
        (repo / rel).write_bytes(NASTY[name])
    for args in (("gate-check", WP), ("pre-work", WP), ("refinement-check", WP), ("ci",),
                 ("post-work", WP), ("validator-gate", "status", WP)):
        p = gk(repo, *args)
        assert p.returncode in (0, 1, 2), (args, p.returncode)


def test_helpers_point_at_this_worktree():
    assert (ROOT / "govkit" / "util" / "textio.py").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_place_of_a_tracked_file_does_not_hang_ci(ws: Path):
    (ws / ".GOV" / "govkit.yaml").write_text("forbidden_patterns:\n  - id: todo\n    pattern: TODO\n")
    (ws / "src" / "app.py").unlink()
    os.mkfifo(ws / "src" / "app.py")
    assert gk(ws, "ci", timeout=30).returncode in (0, 1)

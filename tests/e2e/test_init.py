"""govkit init: the .GOV layout, never overwriting, git init, and the justfile recipes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govkit import config as config_mod

from support.repo import ROOT, git, init_repo

RECIPES = ("record-refinement", "record-signature", "record-prepare", "worktree-add",
           "create-task-packet", "gate-check", "refinement-check", "pre-work", "post-work",
           "manifest", "cor701-sha", "validator-gate-present", "validator-gate-acknowledge",
           "validator-gate-append", "validator-gate-commit", "validator-gate-status",
           "validator-gate-reset", "board-check", "spec-check", "ci", "audit-verify", "doctor")


def _just() -> str | None:
    found = shutil.which("just")
    if found:
        return found
    cand = Path(sys.executable).parent / "just"
    return str(cand) if cand.exists() else None


def test_init_scaffolds_every_configured_path(tmp_path, gk):
    target = tmp_path / "proj"
    p = gk("init", str(target), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "initialized git repository" in p.stdout
    assert (target / ".git").exists()
    assert git(target, "symbolic-ref", "--short", "HEAD").strip() == "main"
    paths = config_mod.DEFAULTS["paths"]
    for key, rel in paths.items():
        if key == "legacy_validator_gates":
            assert (target / rel).parent.is_dir(), key   # read only when present
        else:
            assert (target / rel).exists(), f"{key}: {rel}"
    assert (target / ".git/govkit/audit/audit.jsonl").is_file()
    assert json.loads((target / paths["gate_log"]).read_text()) == {"gate_logs": []}
    assert (target / "proj_Master_Spec_v01.000.md").is_file()   # the directory's name
    assert "proj_Master_Spec_v01.000.md" in (target / paths["spec_current"]).read_text()
    board = (target / paths["task_board"]).read_text()
    for sec in ("Ready for Dev", "In Progress", "Done", "Blocked", "Stub Backlog (Not Activated)",
                "Superseded (Archive)"):
        assert f"## {sec}" in board
    audit = (target / paths["signature_audit"]).read_text()
    assert "| Signature | Used By |" in audit and "|-----------|" in audit
    assert (target / "justfile").is_file()
    templates = sorted(p.name for p in (target / paths["templates_dir"]).iterdir())
    assert templates == ["REFINEMENT_TEMPLATE.md", "TASK_PACKET_STUB_TEMPLATE.md",
                         "TASK_PACKET_TEMPLATE.md"]
    for name in templates:
        raw = (target / paths["templates_dir"] / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and raw.isascii(), name
    # The runtime state directory ignores itself.
    assert git(target, "status", "--porcelain", "--ignored", ".GOV/.govkit").startswith("!!")


def test_fresh_workspace_passes_the_repository_gates(tmp_path, gk):
    target = tmp_path / "proj"
    assert gk("init", str(target), cwd=tmp_path).returncode == 0
    for cmd in ("spec-check", "board-check", "ci"):
        p = gk("--repo", str(target), cmd)
        assert p.returncode == 0, cmd + p.stdout + p.stderr


def test_init_never_overwrites_and_lists_skipped(tmp_path, gk):
    target = tmp_path / "proj"
    assert gk("init", str(target), cwd=tmp_path).returncode == 0
    board = target / ".GOV/roles_shared/TASK_BOARD.md"
    board.write_text("# My board\n")
    (target / "justfile").unlink()
    p = gk("init", "--json", str(target), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["created"] == ["justfile"]
    assert ".GOV/roles_shared/TASK_BOARD.md" in data["skipped"]
    assert data["git_initialized"] is False
    assert board.read_text() == "# My board\n"
    text = gk("init", str(target), cwd=tmp_path)
    assert text.returncode == 0
    assert "skipped  .GOV/roles_shared/TASK_BOARD.md (exists; not overwritten)" in text.stdout
    assert "0 created" in text.stdout


def test_init_defaults_to_current_directory_in_existing_repo(repo, gk):
    p = gk("init", cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "initialized git repository" not in p.stdout
    assert (repo / ".GOV/roles_shared/SPEC_CURRENT.md").is_file()
    assert (repo / "README.md").read_text() == "test repo\n"


def test_init_uses_repo_option(repo, gk, tmp_path):
    p = gk("--repo", str(repo), "init", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (repo / "justfile").is_file()


def test_init_refuses_a_subdirectory_of_a_repo(repo, gk):
    sub = repo / "sub"
    sub.mkdir()
    p = gk("init", str(sub), cwd=repo)
    assert p.returncode == 2
    assert "not at its top level" in p.stderr and "Traceback" not in p.stderr
    assert not (sub / ".GOV").exists()


def test_existing_spec_is_kept_and_pointed_at(repo, gk):
    (repo / "Handshake_Master_Spec_v02.125.md").write_text("# Spec\n\n## 1. One\n")
    (repo / "Handshake_Master_Spec_v02.124.md").write_text("# Spec\n\n## 1. One\n")
    p = gk("init", cwd=repo)
    assert p.returncode == 0
    assert not list(repo.glob("*_Master_Spec_v01.000.md"))
    assert "Handshake_Master_Spec_v02.125.md" in \
        (repo / ".GOV/roles_shared/SPEC_CURRENT.md").read_text()
    assert "kept the existing Master Spec" in p.stdout


def test_init_honours_configured_paths(repo, gk):
    (repo / ".GOV").mkdir()
    (repo / ".GOV/govkit.yaml").write_text("paths:\n  refinements_dir: .GOV/refs\n")
    assert gk("init", cwd=repo).returncode == 0
    assert (repo / ".GOV/refs").is_dir()
    assert not (repo / ".GOV/refinements").exists()


def test_config_outside_repo_is_refused(repo, gk):
    (repo / ".GOV").mkdir()
    (repo / ".GOV/govkit.yaml").write_text("paths:\n  task_board: ../evil/BOARD.md\n")
    p = gk("init", cwd=repo)
    assert p.returncode == 2 and "leaves the repository" in p.stderr
    assert not (repo.parent / "evil").exists()


def test_with_config_writes_a_valid_commented_example(repo, gk):
    p = gk("init", "--with-config", cwd=repo)
    assert p.returncode == 0
    cfg = repo / ".GOV/govkit.yaml"
    assert cfg.is_file()
    # the example with every default, except the profile a new workspace runs (issue #12)
    assert config_mod.load(repo).data == {**config_mod.DEFAULTS, "profile": "strict"}
    assert "\nprofile: strict" in cfg.read_text()
    assert gk("spec-check", cwd=repo).returncode == 0


def test_uncommented_example_config_equals_the_defaults(tmp_path):
    text = (ROOT / "govkit" / "templates" / "govkit.yaml").read_text()
    key = re.compile(r"^# ( *[a-z_]+:| +- | +[a-z_]+:)")
    lines = [line[2:] if key.match(line) else line for line in text.splitlines()]
    root = tmp_path / "r"
    (root / ".GOV").mkdir(parents=True)
    (root / ".GOV/govkit.yaml").write_text("\n".join(lines) + "\n")
    cfg = config_mod.load(root)
    assert cfg.source is not None
    data = dict(cfg.data)
    assert data.pop("forbidden_patterns")[0]["id"] == "no-debug-print"
    expected = dict(config_mod.DEFAULTS)
    expected.pop("forbidden_patterns")
    assert data == expected


# ---- the justfile ------------------------------------------------------------------------------

def test_justfile_has_the_kernel_recipes_and_quotes_arguments():
    text = (ROOT / "govkit" / "templates" / "justfile").read_text()
    assert "set positional-arguments" in text
    for name in RECIPES:
        assert re.search(rf"^{re.escape(name)}\b.*:$", text, re.MULTILINE), name
    # No recipe interpolates an argument into the shell text.
    body = [line for line in text.splitlines() if line.startswith("    ")]
    assert not [line for line in body if re.search(r"\{\{\s*(wp|args|file|coder|signature)",
                                                   line)]


@pytest.fixture
def fake_govkit(tmp_path):
    """A stand-in govkit that logs its argv as JSON lines and fails on gate-check WP-FAIL."""
    log = tmp_path / "calls.jsonl"
    script = tmp_path / "fakegk.py"
    script.write_text(
        "import json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "sys.exit(1 if sys.argv[1:3] == ['gate-check', 'WP-FAIL'] else 0)\n")
    return f"{sys.executable} {script}", log


def _run_just(workdir: Path, gk_cmd: str, *args: str) -> subprocess.CompletedProcess:
    exe = _just()
    if exe is None:
        pytest.skip("just is not installed (pip install rust-just)")
    env = dict(os.environ, GOVKIT=gk_cmd)
    return subprocess.run([exe, *args], cwd=workdir, capture_output=True, text=True, env=env,
                          timeout=60)


def _calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_just_recipes_pass_arguments_verbatim(repo, gk, fake_govkit):
    gk("init", cwd=repo)
    gk_cmd, log = fake_govkit
    evil = 'WP-1"; touch pwned; echo "$(touch pwned2)'
    p = _run_just(repo, gk_cmd, "pre-work", evil)
    assert p.returncode == 0, p.stderr
    p = _run_just(repo, gk_cmd, "post-work", "WP-1", "--range", "a b..HEAD")
    assert p.returncode == 0, p.stderr
    p = _run_just(repo, gk_cmd, "cor701-sha", "dir with space/file.txt")
    assert p.returncode == 0, p.stderr
    assert _calls(log) == [["gate-check", evil], ["pre-work", evil],
                           ["gate-check", "WP-1"], ["post-work", "WP-1", "--range", "a b..HEAD"],
                           ["sha", "dir with space/file.txt"]]
    assert not (repo / "pwned").exists() and not (repo / "pwned2").exists()


def test_just_two_gate_recipe_stops_at_first_failure(repo, gk, fake_govkit):
    gk("init", cwd=repo)
    gk_cmd, log = fake_govkit
    p = _run_just(repo, gk_cmd, "post-work", "WP-FAIL", "--rev", "HEAD")
    assert p.returncode != 0
    assert _calls(log) == [["gate-check", "WP-FAIL"]]


def test_just_every_recipe_maps_to_govkit(repo, gk, fake_govkit):
    gk("init", cwd=repo)
    gk_cmd, log = fake_govkit
    two = {"record-signature": ["WP-1", "sig"], "record-prepare": ["WP-1", "Coder-A"],
           "validator-gate-present": ["WP-1", "PASS"], "cor701-sha": ["f.txt"]}
    for name in RECIPES:
        args = two.get(name, [] if name in ("board-check", "spec-check", "ci", "audit-verify",
                                            "doctor") else ["WP-1"])
        p = _run_just(repo, gk_cmd, name, *args)
        assert p.returncode == 0, name + p.stderr
    heads = [" ".join(c[:2]) if c[0] in ("validator-gate", "audit") else c[0]
             for c in _calls(log)]
    for cmd in ("record-refinement", "record-signature", "record-prepare", "worktree-add",
                "create-task-packet", "gate-check", "refinement-check", "pre-work", "post-work",
                "manifest", "sha", "validator-gate present-report", "validator-gate acknowledge",
                "validator-gate append", "validator-gate commit", "validator-gate status",
                "validator-gate reset", "board-check", "spec-check", "ci", "audit verify",
                "doctor"):
        assert cmd in heads, cmd


def test_just_with_real_govkit_rejects_an_injected_id(repo, gk):
    gk("init", cwd=repo)
    gk_cmd = f"{sys.executable} -m govkit"
    env_pp = str(ROOT)
    exe = _just()
    if exe is None:
        pytest.skip("just is not installed")
    env = dict(os.environ, GOVKIT=gk_cmd, PYTHONPATH=env_pp)
    p = subprocess.run([exe, "pre-work", "WP-1; touch pwned"], cwd=repo, capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode != 0
    assert "invalid work packet id" in p.stderr
    assert not (repo / "pwned").exists()


def test_init_into_brand_new_directory_is_usable_by_git(tmp_path, gk):
    target = tmp_path / "a" / "b"
    assert gk("init", str(target), cwd=tmp_path).returncode == 0
    init_repo(target)  # idempotent: sets identity for the commit below
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "init")
    assert ".GOV/.govkit" not in git(target, "ls-files")

"""`govkit guard` (issue #15) fed recorded Claude Code PreToolUse payloads
(tests/fixtures/hooks/*.json, `${REPO}` standing for the repository) as a real process in a
repository with a locked WP whose IN_SCOPE_PATHS is src/app.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.orchkit import WP, filled_draft, ok, setup
from support.repo import ROOT, commit_all, git, init_repo, run_govkit

HOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "hooks"
PKT = f".GOV/task_packets/{WP}.md"


@pytest.fixture(scope="module")
def locked_repo(tmp_path_factory) -> Path:
    repo = init_repo(tmp_path_factory.mktemp("guard") / "repo")
    (repo / "README.md").write_text("test repo\n")
    commit_all(repo, "initial")
    setup(repo)
    filled_draft(repo, run_govkit)
    ok(run_govkit("lock", WP, cwd=repo))
    (repo / "src").mkdir(exist_ok=True)
    (repo / "src" / "app.py").write_text("def rule():\n    return 1\n")
    commit_all(repo, f"docs: checkpoint packet+refinement [{WP}]")
    return repo


def payload(name: str, repo: Path) -> str:
    return (HOOKS / f"{name}.json").read_text().replace("${REPO}", str(repo))


def guard(repo: Path, name: str, *args: str, cwd: Path | None = None):
    p = run_govkit("guard", *args, cwd=cwd or repo, input=payload(name, repo))
    assert "Traceback" not in p.stderr, p.stderr
    return p


def assert_denied(p, *words: str) -> None:
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "govkit guard:" in p.stderr and "denied" in p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)


@pytest.mark.parametrize("name", ["edit_in_scope", "bash_in_scope", "bash_read_only", "read_anything"])
def test_allowed(locked_repo, name):
    p = guard(locked_repo, name)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


@pytest.mark.parametrize("name,words", [
    ("write_out_of_scope", ["README.md is outside IN_SCOPE_PATHS of " + WP, PKT, "allows only: src/app.py"]),
    ("notebook_out_of_scope", ["notebooks/analysis.ipynb is outside IN_SCOPE_PATHS", "src/app.py"]),
    ("write_governance", ["inside the governance directory .GOV/", PKT]),
    ("multiedit_dotdot", [".GOV/roles_shared/TASK_BOARD.md is inside the governance directory"]),
    ("edit_other_worktree", ["is outside the work tree"]),
    ("bash_redirect_out_of_scope", ["Bash denied", "README.md is outside IN_SCOPE_PATHS"]),
    ("bash_tee_governance", ["Bash denied", ".GOV/task_packets/" + WP + ".md is inside the governance"]),
])
def test_denied(locked_repo, name, words):
    assert_denied(guard(locked_repo, name), *words)


def test_denied_as_json_permission_decision(locked_repo):
    p = guard(locked_repo, "write_out_of_scope", "--output", "json")
    assert p.returncode == 0
    out = json.loads(p.stdout)["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse" and out["permissionDecision"] == "deny"
    assert "README.md is outside IN_SCOPE_PATHS" in out["permissionDecisionReason"]


def test_symlink_escape_denied(locked_repo):
    """src/app.py (in scope by name) made a link to the task board: the write lands in .GOV/."""
    app = locked_repo / "src" / "app.py"
    saved = app.read_bytes()
    app.unlink()
    app.symlink_to(Path("..") / ".GOV" / "roles_shared" / "TASK_BOARD.md")
    try:
        assert_denied(guard(locked_repo, "edit_in_scope"),
                      ".GOV/roles_shared/TASK_BOARD.md is inside the governance directory")
    finally:
        app.unlink()
        app.write_bytes(saved)
    assert guard(locked_repo, "edit_in_scope").returncode == 0


def test_symlink_outside_the_repository_denied(locked_repo, tmp_path):
    link = locked_repo / "src" / "out"
    link.symlink_to(tmp_path)
    try:
        body = payload("edit_in_scope", locked_repo).replace("src/app.py", "src/out/app.py")
        p = run_govkit("guard", cwd=locked_repo, input=body)
        assert_denied(p, "outside the work tree")
    finally:
        link.unlink()


def test_unreadable_packet_denied(locked_repo):
    pkt = locked_repo / PKT
    moved = pkt.with_suffix(".moved")
    pkt.rename(moved)
    try:
        assert_denied(guard(locked_repo, "edit_in_scope"), "fail closed", WP)
    finally:
        moved.rename(pkt)


def test_broken_record_chain_denied(locked_repo):
    """A removed record (the SIGNATURE) breaks the chain: the guard trusts no scope then."""
    rec = sorted((locked_repo / ".GOV" / "records" / WP).glob("*-SIGNATURE.json"))[0]
    moved = locked_repo / "sig.json"
    rec.rename(moved)
    try:
        assert_denied(guard(locked_repo, "edit_in_scope"), "fail closed", "record chain")
    finally:
        moved.rename(rec)


def test_no_active_wp_denied(locked_repo):
    git(locked_repo, "checkout", "-q", "-b", "elsewhere")
    try:
        assert_denied(guard(locked_repo, "edit_in_scope"), "fail closed",
                      "no WP is prepared on branch elsewhere", "--wp")
        assert guard(locked_repo, "edit_in_scope", "--wp", WP).returncode == 0
    finally:
        git(locked_repo, "checkout", "-q", "main")
        git(locked_repo, "branch", "-q", "-D", "elsewhere")


def test_unlocked_packet(tmp_path):
    """compat: the unlocked packet's own scope, with a warning; strict: denied."""
    repo = init_repo(tmp_path / "repo")
    (repo / "README.md").write_text("x\n")
    commit_all(repo, "initial")
    setup(repo)
    filled_draft(repo, run_govkit)
    assert not list((repo / ".GOV" / "records" / WP).glob("*-LOCK.json"))
    p = guard(repo, "edit_in_scope")
    assert p.returncode == 0 and "is not locked" in p.stderr
    assert_denied(guard(repo, "write_out_of_scope"), "README.md is outside IN_SCOPE_PATHS",
                  "unlocked, profile compat")
    cfg = repo / ".GOV" / "govkit.yaml"
    cfg.write_text(cfg.read_text() + "profile: strict\n")
    assert_denied(guard(repo, "edit_in_scope"), "fail closed", "not locked (profile strict)")


def test_garbage_payload_and_usage(locked_repo):
    p = run_govkit("guard", cwd=locked_repo, input="not json")
    assert_denied(p, "fail closed", "not JSON")
    p = run_govkit("guard", "--bogus", cwd=locked_repo, input="{}")
    assert p.returncode == 2 and "unknown argument" in p.stderr


def test_denial_is_audited(locked_repo):
    from govkit.audit.recorder import trail_path
    from govkit.workspace import Workspace

    path = trail_path(Workspace.open(locked_repo))
    before = path.read_bytes().count(b"\n")
    assert_denied(guard(locked_repo, "write_out_of_scope"))
    new = [json.loads(x) for x in path.read_bytes().splitlines()[before:]]
    assert [r["kind"] for r in new] == ["denied"] and new[0]["command"] == "guard"
    assert "README.md" in new[0]["data"]["reason"] and new[0]["wp"] == WP


def test_from_a_subdirectory(locked_repo):
    body = json.loads(payload("bash_redirect_out_of_scope", locked_repo))
    body["cwd"] = str(locked_repo / "src")
    body["tool_input"]["command"] = "echo x > app.py && echo y > ../README.md"
    p = run_govkit("guard", cwd=locked_repo / "src", input=json.dumps(body))
    assert_denied(p, "README.md is outside IN_SCOPE_PATHS")
    assert "src/app.py" not in p.stderr.split("allows only")[0]
    shutil.rmtree(locked_repo / "nothing", ignore_errors=True)
    assert os.path.isfile(locked_repo / "src" / "app.py")


# ---- the other hosts: recorded Codex CLI and Cursor payloads (codex_*.json, cursor_*.json) ----
@pytest.mark.parametrize("name", ["codex_apply_patch_in_scope", "codex_bash_in_scope", "codex_mcp_tool"])
def test_codex_allowed(locked_repo, name):
    p = guard(locked_repo, name, "--host", "codex")
    assert p.returncode == 0 and p.stderr == "" and p.stdout == "", (p.returncode, p.stderr)


@pytest.mark.parametrize("name,words", [
    ("codex_apply_patch_out_of_scope", ["apply_patch denied", "docs/notes.md is outside IN_SCOPE_PATHS",
                                        "allows only: src/app.py"]),
    ("codex_apply_patch_move_to_governance", [".GOV/roles_shared/app.py is inside the governance"]),
    ("codex_apply_patch_delete_dotdot", ["README.md is outside IN_SCOPE_PATHS"]),
    ("codex_bash_redirect", ["Bash denied", "README.md is outside IN_SCOPE_PATHS"]),
    ("codex_bash_argv_sed", ["Bash denied", "README.md is outside IN_SCOPE_PATHS"]),
])
def test_codex_denied(locked_repo, name, words):
    p = guard(locked_repo, name, "--host", "codex")
    assert_denied(p, *words)
    assert "Update File: README.md" not in p.stderr  # patch content is not a header


def test_codex_denied_as_json(locked_repo):
    p = guard(locked_repo, "codex_apply_patch_out_of_scope", "--host", "codex", "--output", "json")
    out = json.loads(p.stdout)["hookSpecificOutput"]
    assert p.returncode == 0 and out["permissionDecision"] == "deny"
    assert "docs/notes.md" in out["permissionDecisionReason"]


@pytest.mark.parametrize("name", ["cursor_shell_in_scope", "cursor_write_in_scope", "cursor_read_file",
                                  "cursor_read_tool"])
def test_cursor_allowed(locked_repo, name):
    p = guard(locked_repo, name, "--host", "cursor")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert json.loads(p.stdout) == {"permission": "allow"}


@pytest.mark.parametrize("name,words", [
    ("cursor_shell_redirect", ["Bash denied", "README.md is outside IN_SCOPE_PATHS", PKT]),
    ("cursor_strreplace_governance", [".GOV/roles_shared/TASK_BOARD.md is inside the governance"]),
    ("cursor_delete_out_of_scope", ["README.md is outside IN_SCOPE_PATHS", "allows only: src/app.py"]),
])
def test_cursor_denied(locked_repo, name, words):
    p = guard(locked_repo, name, "--host", "cursor")
    assert p.returncode == 2, (p.stdout, p.stderr)
    out = json.loads(p.stdout)
    assert out["permission"] == "deny" and out["agent_message"] == out["user_message"]
    for w in words:
        assert w in out["agent_message"], (w, out)


def test_cursor_fails_closed(locked_repo):
    body = json.loads(payload("cursor_write_in_scope", locked_repo))
    del body["tool_input"]["file_path"]
    p = run_govkit("guard", "--host", "cursor", cwd=locked_repo, input=json.dumps(body))
    out = json.loads(p.stdout)
    assert p.returncode == 2 and out["permission"] == "deny" and "fail closed" in out["agent_message"]
    p = run_govkit("guard", "--host", "cursor", cwd=locked_repo, input='{"command": "rm -rf ."}')
    assert p.returncode == 2 and "hook_event_name" in json.loads(p.stdout)["agent_message"]
    p = run_govkit("guard", "--host", "vim", cwd=locked_repo, input="{}")
    assert p.returncode == 2 and "--host" in p.stderr


@pytest.mark.parametrize("host,name", [("claude", "write_out_of_scope"),
                                       ("codex", "codex_apply_patch_out_of_scope"),
                                       ("cursor", "cursor_shell_redirect")])
def test_the_written_hook_command_denies(locked_repo, host, name):
    """The command `govkit init --agent HOST` writes into the host's hook file, run the way the
    host runs it (its words, `govkit` being this checkout), denies with the host's convention."""
    import shlex

    from govkit.ops.agent_setup import agent_files

    files = dict(agent_files(host))
    hooks = json.loads(files[{"claude": ".claude/settings.json", "codex": ".codex/hooks.json",
                              "cursor": ".cursor/hooks.json"}[host]])["hooks"]
    if host == "cursor":
        commands = {h["command"] for event in hooks.values() for h in event}
    else:
        commands = {h["command"] for m in hooks["PreToolUse"] for h in m["hooks"]}
    (command,) = commands
    words = shlex.split(command)
    assert words[:2] == ["govkit", "guard"]
    p = run_govkit(*words[1:], cwd=locked_repo, input=payload(name, locked_repo))
    assert p.returncode == 2, (p.stdout, p.stderr)
    said = json.loads(p.stdout)["agent_message"] if host == "cursor" else p.stderr
    assert "is outside IN_SCOPE_PATHS" in said and "allows only: src/app.py" in said


HEAVY = ("click", "yaml", "markdown_it", "pydantic", "jsonschema", "httpx", "openai", "mcp",
         "mcp_types", "anyio")


@pytest.mark.parametrize("host,name,rc", [("claude", "edit_in_scope", 0), ("claude", "write_out_of_scope", 2),
                                          ("codex", "codex_apply_patch_in_scope", 0),
                                          ("cursor", "cursor_shell_redirect", 2)])
def test_guard_stays_light(locked_repo, host, name, rc):
    """Timing under a shared load says little (docs/performance.md has the figures); what keeps
    the guard fast is what it imports: no click, no parser or SDK, a bounded module count."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "govkit", "guard", "--host", host],
                       cwd=locked_repo, input=payload(name, locked_repo), capture_output=True,
                       text=True, env=env, timeout=60)
    assert p.returncode == rc, p.stderr
    mods = [ln.rsplit("|", 1)[1].strip() for ln in p.stderr.splitlines() if ln.startswith("import time:")]
    assert len(mods) > 50  # the probe works
    assert not [m for m in mods if m.split(".")[0] in HEAVY], [m for m in mods if m.split(".")[0] in HEAVY]
    assert len(mods) < 250, len(mods)


@pytest.mark.parametrize("host,name,rc", [("claude", "edit_in_scope", 0), ("claude", "write_out_of_scope", 2),
                                          ("cursor", "cursor_shell_redirect", 2)])
def test_guard_verdict_is_the_same_without_the_parse_cache(locked_repo, host, name, rc):
    """On a runner (CI set) or with GOVKIT_NO_CACHE the guard parses the artifacts itself: slower
    start, same verdict and message."""
    warm = guard(locked_repo, name, "--host", host)
    for var in ("CI", "GOVKIT_NO_CACHE"):
        p = subprocess.run([sys.executable, "-m", "govkit", "guard", "--host", host], cwd=locked_repo,
                           input=payload(name, locked_repo), capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT), var: "1"}, timeout=60)
        assert (p.returncode, p.stdout, p.stderr) == (warm.returncode, warm.stdout, warm.stderr)
        assert p.returncode == rc

"""Codex CLI's apply_patch envelope and the hosts' payload shapes (govkit/mcp/hosts.py), turned
into the PreToolUse shape the guard judges; a hypothesis property for the patch parser."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govkit.errors import GovkitError
from govkit.gates.guard import PATCH_HEADERS, patch_targets, shell_targets, tool_targets
from govkit.mcp.hosts import answer, normalize

PATHS = st.from_regex(r"[a-z][a-z0-9_./-]{0,20}", fullmatch=True).filter(lambda p: p.strip() == p)
HUNK = st.tuples(st.sampled_from([" ", "+", "-", "@@ "]), st.text(st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    max_size=40)).map("".join)


@given(st.lists(st.tuples(st.sampled_from(PATCH_HEADERS), PATHS, st.lists(HUNK, max_size=4)),
                max_size=6))
def test_patch_targets_are_exactly_the_headers(files):
    lines = ["*** Begin Patch"]
    for head, path, hunks in files:
        lines += [head + path, *hunks]
    lines.append("*** End Patch")
    want = list(dict.fromkeys(path for _, path, _ in files))
    assert patch_targets("\n".join(lines)) == want


@given(st.text(max_size=300))
def test_patch_targets_never_raise(text):
    assert all(isinstance(p, str) and p for p in patch_targets(text))


def test_apply_patch_tool():
    patch = "*** Begin Patch\n*** Add File: a.py\n+x\n*** Update File: b.py\n*** Move to: c.py\n*** End Patch"
    assert tool_targets("apply_patch", {"command": patch}) == ["a.py", "b.py", "c.py"]
    assert tool_targets("apply_patch", {"patch": patch}) == ["a.py", "b.py", "c.py"]
    with pytest.raises(GovkitError, match="names no file"):
        tool_targets("apply_patch", {"command": "*** Begin Patch\n*** End Patch"})
    with pytest.raises(GovkitError, match="no patch text"):
        tool_targets("apply_patch", {})
    # apply_patch through the shell, as a here-document
    assert "a.py" in shell_targets(f"apply_patch <<'EOF'\n{patch}\nEOF")


def test_codex_argv_command():
    p = normalize({"tool_name": "Bash", "tool_input": {"command": ["bash", "-lc", "rm -f x"]}}, "codex")
    assert p["tool_input"]["command"] == "rm -f x"
    p = normalize({"tool_name": "Bash", "tool_input": {"command": ["rm", "-f", "my file"]}}, "codex")
    assert shell_targets(p["tool_input"]["command"]) == ["my file"]
    with pytest.raises(GovkitError):
        normalize({"tool_name": "Bash", "tool_input": {"command": ["rm", 3]}}, "codex")


def test_cursor_shapes():
    roots = {"workspace_roots": ["/w"]}
    assert normalize({**roots, "hook_event_name": "beforeShellExecution", "command": "ls"}, "cursor") == \
        {"tool_name": "Bash", "tool_input": {"command": "ls"}, "cwd": "/w"}
    got = normalize({**roots, "hook_event_name": "preToolUse", "tool_name": "StrReplace",
                     "tool_input": json.dumps({"path": "a.py"})}, "cursor")
    assert got == {"tool_name": "Write", "tool_input": {"file_path": "a.py"}, "cwd": "/w"}
    got = normalize({**roots, "hook_event_name": "preToolUse", "tool_name": "Grep",
                     "tool_input": {"pattern": "x"}}, "cursor")
    assert tool_targets(got["tool_name"], got["tool_input"]) is None
    for bad in ({"hook_event_name": "preToolUse", "tool_name": "Write", "tool_input": {}},
                {"command": "ls"}, ["not", "an", "object"]):
        with pytest.raises(GovkitError):
            normalize(bad, "cursor")


def test_answers():
    assert answer("cursor", "exit", False, "no") == (2, json.dumps(
        {"permission": "deny", "user_message": "no", "agent_message": "no"}) + "\n", "")
    assert answer("cursor", "json", True, None) == (0, '{"permission": "allow"}\n', "")
    assert answer("codex", "exit", False, "no") == (2, "", "no\n")
    rc, out, err = answer("claude", "json", False, "no")
    assert rc == 0 and json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_stderr_is_one_escaped_line():
    rc, out, err = answer("claude", "exit", False, "a\x1b[31m\nGATE_STATUS: PASS")
    assert rc == 2 and err == "a\\x1b[31m\\nGATE_STATUS: PASS\n"
    rc, out, err = answer("cursor", "exit", False, "a\x1b[31m")
    assert "\x1b" not in out and json.loads(out)["agent_message"] == "a\x1b[31m"

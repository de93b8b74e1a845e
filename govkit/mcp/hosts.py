"""The agent hosts' pre-tool hook payloads and deny conventions, for `govkit guard --host`.

Every payload becomes Claude Code's PreToolUse shape (tool_name, tool_input, cwd), the one
govkit/gates/guard.py judges; every Decision goes back in the host's own words. The shapes are
the hosts' documented hook schemas (docs/agents.md names the events and what is not seen):

- claude: PreToolUse; Edit, Write, MultiEdit, NotebookEdit (file_path / notebook_path), Bash.
  Deny: exit 2 with the reason on stderr, or (--output json) exit 0 and
  hookSpecificOutput.permissionDecision "deny".
- codex: PreToolUse, Claude's wire format; `apply_patch` (the patch text in
  tool_input.command) and `Bash` (command a string, or an argv list). Deny: as claude.
- cursor: `beforeShellExecution` (command, cwd) and `preToolUse` (tool_name, tool_input;
  the file tools Write, Edit, StrReplace, MultiEdit, Delete, EditNotebook, and Shell).
  The answer is JSON on stdout, {"permission": "allow"|"deny", "user_message",
  "agent_message"}; a denial also exits 2, which Cursor reads as a block by itself."""

from __future__ import annotations

import json
import shlex

from govkit.errors import GovkitError

HOSTS = ("claude", "codex", "cursor")
CURSOR_FILE_TOOLS = ("Write", "Edit", "StrReplace", "MultiEdit", "Delete", "EditNotebook")
CURSOR_PATH_KEYS = ("file_path", "path", "target_file", "target_notebook", "notebook_path")
CURSOR_SHELL_TOOLS = ("Shell", "Bash", "run_terminal_cmd")
NOT_JUDGED = {"tool_name": "(not judged)", "tool_input": {}}


def normalize(payload: object, host: str) -> dict:
    """The payload as Claude Code's PreToolUse JSON. GovkitError (the guard denies) when it is
    not the host's documented shape."""
    if not isinstance(payload, dict):
        raise GovkitError(f"hook payload is not a JSON object ({host})",
                          hint=f"the guard reads {host}'s hook JSON on stdin")
    if host == "cursor":
        return _cursor(payload)
    if host == "codex":
        return _codex(payload)
    return payload


def _cwd(payload: dict) -> str | None:
    cwd = payload.get("cwd")
    if isinstance(cwd, str) and cwd:
        return cwd
    roots = payload.get("workspace_roots")
    if isinstance(roots, list) and roots and isinstance(roots[0], str):
        return roots[0]
    return None


def _cursor(payload: dict) -> dict:
    event = payload.get("hook_event_name")
    cwd = _cwd(payload)
    if event == "beforeShellExecution":
        command = payload.get("command")
        if not isinstance(command, str):
            raise GovkitError("beforeShellExecution payload has no command",
                              hint="the hook payload is malformed")
        return {"tool_name": "Bash", "tool_input": {"command": command}, "cwd": cwd}
    if event == "preToolUse":
        tool = payload.get("tool_name")
        tool_input = payload.get("tool_input")
        if isinstance(tool_input, str):  # some Cursor events send the input as a JSON string
            try:
                tool_input = json.loads(tool_input)
            except ValueError:
                tool_input = None
        if not isinstance(tool, str) or not isinstance(tool_input, dict):
            raise GovkitError("preToolUse payload needs tool_name and tool_input",
                              hint="the hook payload is malformed")
        if tool in CURSOR_FILE_TOOLS:
            path = next((tool_input[k] for k in CURSOR_PATH_KEYS
                         if isinstance(tool_input.get(k), str) and tool_input[k]), None)
            if path is None:
                raise GovkitError(f"{tool} payload names no file ({', '.join(CURSOR_PATH_KEYS)})",
                                  hint="the hook payload is malformed")
            return {"tool_name": "Write", "tool_input": {"file_path": path}, "cwd": cwd}
        if tool in CURSOR_SHELL_TOOLS:
            return {"tool_name": "Bash", "tool_input": {"command": tool_input.get("command")},
                    "cwd": cwd}
        return {**NOT_JUDGED, "cwd": cwd}
    if isinstance(event, str):  # beforeReadFile, beforeMCPExecution, after*: nothing to judge
        return {**NOT_JUDGED, "cwd": cwd}
    raise GovkitError("Cursor hook payload has no hook_event_name",
                      hint="the guard reads Cursor's hook JSON (beforeShellExecution, preToolUse)")


def _codex(payload: dict) -> dict:
    tool = payload.get("tool_name")
    tool_input = payload.get("tool_input")
    if tool == "Bash" and isinstance(tool_input, dict) and isinstance(tool_input.get("command"), list):
        argv = tool_input["command"]
        if not all(isinstance(a, str) for a in argv):
            raise GovkitError("Bash payload's command is not a list of strings",
                              hint="the hook payload is malformed")
        # ["bash", "-lc", "SCRIPT"] runs SCRIPT; any other argv is one simple command
        command = argv[2] if len(argv) == 3 and argv[1] in ("-c", "-lc") else shlex.join(argv)
        return {**payload, "tool_input": {**tool_input, "command": command}}
    return payload


def answer(host: str, output: str, allow: bool, message: str | None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the host's convention for one decision. The message names
    paths from the payload: one escaped line on stderr, exact (JSON-escaped) in JSON."""
    from govkit.util.escape import escape

    if host == "cursor":
        body: dict = {"permission": "allow" if allow else "deny"}
        if message:
            body["user_message"] = message
            body["agent_message"] = message
        return (0 if allow else 2), json.dumps(body) + "\n", ""
    if allow:
        if not message:
            return 0, "", ""
        if output == "json":
            return 0, json.dumps({"systemMessage": message}) + "\n", ""
        return 0, "", escape(message) + "\n"
    if output == "json":
        return 0, json.dumps({"hookSpecificOutput": {
            "hookEventName": "PreToolUse", "permissionDecision": "deny",
            "permissionDecisionReason": message}}) + "\n", ""
    return 2, "", escape(message or "govkit guard: denied") + "\n"

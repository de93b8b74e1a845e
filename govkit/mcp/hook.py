"""`govkit guard`: run the scope guard (govkit/gates/guard.py) as a host's pre-tool hook.

Reads the hook payload on stdin (`--host claude|codex|cursor`: govkit/mcp/hosts.py reads each
host's shape) and answers with the host's convention. Claude Code and Codex CLI: exit 0 to
allow; to deny, exit 2 with the reason on stderr, or with `--output json` exit 0 and
`hookSpecificOutput.permissionDecision: deny` on stdout. Cursor: `{"permission": ...}` on
stdout, and exit 2 on a denial. It fails closed: an unreadable payload, packet or record chain,
and any internal error, deny. No click: the console script's fast path
(govkit/cli/entry.py) calls main() directly."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

USAGE = ("usage: govkit guard [--host claude|codex|cursor] [--wp WP] [--repo DIR] [--output exit|json]\n"
         "  reads the host's pre-tool hook JSON on stdin; exit 0 allows, exit 2 denies\n"
         "  (cursor: {\"permission\": ...} on stdout; --output applies to claude and codex)\n")


class _Usage(Exception):
    pass


def parse_args(argv: list[str]) -> dict:
    opts = {"wp": None, "repo": None, "output": "exit", "host": "claude"}
    i = 0
    while i < len(argv):
        a = argv[i]
        key, _, val = a.partition("=")
        if key in ("--wp", "--repo", "--output", "--host"):
            if not _:
                if i + 1 >= len(argv):
                    raise _Usage(f"{key} needs a value")
                val = argv[i + 1]
                i += 1
            opts[key[2:]] = val
        else:
            raise _Usage(f"unknown argument {a!r}")
        i += 1
    if opts["output"] not in ("exit", "json"):
        raise _Usage("--output is exit or json")
    if opts["host"] not in ("claude", "codex", "cursor"):
        raise _Usage("--host is claude, codex or cursor")
    return opts


def _branch(root: Path) -> str | None:
    from govkit.vcs.head import head_ref

    ref = head_ref(root)
    if ref is None:
        from govkit.vcs.git import Git

        ref = Git(root).run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip() or None
    return ref[len("refs/heads/"):] if ref and ref.startswith("refs/heads/") else None


def evaluate(payload: object, opts: dict):
    """(Decision, workspace or None, wp or None). Raises GovkitError when the guard cannot judge."""
    from govkit.errors import GovkitError
    from govkit.gates.guard import Decision, active_wps, decide, scope_for, tool_targets
    from govkit.mcp.hosts import normalize

    payload = normalize(payload, opts.get("host") or "claude")
    if not isinstance(payload, dict) or not isinstance(payload.get("tool_name"), str) or \
            not isinstance(payload.get("tool_input"), dict):
        raise GovkitError("hook payload needs tool_name and tool_input",
                          hint="the guard reads Claude Code's PreToolUse JSON on stdin")
    if not tool_targets(payload["tool_name"], payload["tool_input"]):
        return Decision(True, "no write to judge"), None, None
    from govkit.workspace import Workspace

    cwd_raw = payload.get("cwd")
    cwd = Path(cwd_raw) if isinstance(cwd_raw, str) and os.path.isabs(cwd_raw) else Path.cwd()
    ws = Workspace.open(opts["repo"] or cwd)
    wp = opts["wp"]
    if not wp:
        branch = _branch(ws.root)
        wps = active_wps(ws, branch)
        if len(wps) != 1:
            what = "no WP is prepared" if not wps else f"{len(wps)} WPs are prepared ({', '.join(wps)})"
            raise GovkitError(f"{what} on branch {branch or '(detached HEAD)'}: the guard cannot "
                              "tell which packet's scope applies", path=str(ws.root),
                              hint="pass --wp WP in the hook command, or work on the WP's branch")
        wp = wps[0]
    scope = scope_for(ws, wp)
    return decide(ws.root, cwd.resolve(), payload, scope, ws.p("gov_dir")), ws, wp


def _say(allow: bool, message: str | None, opts: dict, out, err) -> int:
    from govkit.mcp.hosts import answer

    rc, stdout, stderr = answer(opts.get("host") or "claude", opts.get("output") or "exit",
                                allow, message)
    out.write(stdout)
    err.write(stderr)
    return rc


def _deny(reason: str, opts: dict, out, err) -> int:
    return _say(False, reason, opts, out, err)


def main(argv: list[str], stdin=None, out=None, err=None) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    if argv and argv[0] in ("-h", "--help"):
        out.write(USAGE)
        return 0
    try:
        opts = parse_args(argv)
    except _Usage as exc:
        err.write(f"govkit guard: {exc}\n{USAGE}")
        return 2
    from govkit.errors import GovkitError

    ws = wp = None
    try:
        try:
            payload = json.loads(stdin.read() or "null")
        except ValueError as exc:
            raise GovkitError(f"hook payload is not JSON ({exc})",
                              hint="the guard reads the host's PreToolUse JSON on stdin") from None
        decision, ws, wp = evaluate(payload, opts)
    except GovkitError as exc:
        loc = exc.location()
        text = f"{loc}: {exc.message}" if loc else exc.message
        return _deny(f"govkit guard: denied (fail closed): {text}"
                     + (f"; fix: {exc.hint}" if exc.hint else ""), opts, out, err)
    except Exception as exc:  # a bug must not let an edit through: deny
        return _deny(f"govkit guard: denied (fail closed): internal error "
                     f"{type(exc).__name__}: {exc}", opts, out, err)
    if decision.allow:
        return _say(True, decision.warning, opts, out, err)
    rc = _deny(decision.reason, opts, out, err)
    try:
        from govkit.audit.recorder import denied

        denied(ws, "guard", wp, decision.reason)
    except Exception as exc:  # the denial stands either way
        err.write(f"govkit guard: audit record not written: {exc}\n")
    return rc

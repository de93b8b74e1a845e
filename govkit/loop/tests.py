"""Test commands: which TEST_PLAN lines run, and a runner that kills the whole process group.

A plain `subprocess.run(timeout=)` kills only the direct child; a grandchild it forked keeps
running and could write into the tree while the run rolls back. Each command here gets its own
session (start_new_session, so its own process group); on timeout the group gets SIGTERM, then
SIGKILL, and the runner also kills the group after a normal exit (leftover background children).

Runnable TEST_PLAN lines (the rule, documented in docs/loop.md): a list item under TEST_PLAN
whose text, with surrounding backticks removed, splits with shlex into an argument list whose
first word is a plain program name or relative path (letters, digits, `._+-/`) that exists
(on PATH, or as a file relative to the repository root), contains no
placeholder (`<...>`) and no shell operator (`|`, `&&`, `;`, `>`, `<`, `$(`, backquote).
Anything else is shown as "not runnable" and skipped; never a shell.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from typing import NamedTuple

_PROGRAM = re.compile(r"^[A-Za-z0-9._+/-]+$")
_SHELLISH = ("|", "&&", "||", ";", ">", "<", "$(", "`", "&")


class TestResult(NamedTuple):
    argv: list[str]
    exit_code: int | None        # None: killed at the timeout
    output_sha256: str
    seconds: float
    tail: str                    # the last lines of the output (for the report)


def runnable(text: str, root: str | None = None) -> list[str] | None:
    """The argument list of a TEST_PLAN line, or None when it is not runnable (see above)."""
    t = text.strip()
    if t.startswith("`") and t.endswith("`") and len(t) > 1:
        t = t.strip("`").strip()
    if not t or "<" in t or any(op in t for op in _SHELLISH):
        return None
    try:
        argv = shlex.split(t)
    except ValueError:
        return None
    if not argv or not _PROGRAM.match(argv[0]) or argv[0].startswith("-"):
        return None
    if root is not None and not _exists(argv[0], root):
        return None
    return argv


def _exists(program: str, root: str) -> bool:
    """A program on PATH, or a path (relative to the repository root) to a file."""
    import shutil

    if "/" in program:
        return os.path.isfile(program if os.path.isabs(program) else os.path.join(root, program))
    return shutil.which(program) is not None


def plan_commands(pkt, root: str | None = None) -> tuple[list[list[str]], list[str]]:
    """(runnable argument lists, skipped lines) of the packet's TEST_PLAN items."""
    from govkit.model.packet import list_after

    entries, _ = list_after(pkt.md, "TEST_PLAN")
    run: list[list[str]] = []
    skipped: list[str] = []
    for e in entries or []:
        text = (e.path + (" " + e.note if e.note else "")).strip()
        raw = _item_text(pkt, e.line) or text
        argv = runnable(raw, root)
        if argv is None:
            skipped.append(raw)
        else:
            run.append(argv)
    return run, skipped


def _item_text(pkt, line: int) -> str | None:
    for item in pkt.md.all_items:
        if item.line == line:
            return item.text
    return None


def kill_group(pgid: int, grace: float = 0.5) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `grace` seconds."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    end = time.monotonic() + grace
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.02)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_command(argv: list[str], cwd: str, timeout: float,
                on_start: Callable[[int], None] | None = None) -> TestResult:
    """Run argv (no shell) in its own process group; kill the group at the timeout."""
    import tempfile

    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            msg = f"cannot start {argv[0]}: {exc.strerror}"
            return TestResult(argv, 127, hashlib.sha256(msg.encode()).hexdigest(),
                              time.monotonic() - t0, msg)
        pgid = proc.pid  # a new session: its leader's pid is the group id
        if on_start:
            on_start(pgid)
        try:
            code: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        kill_group(pgid, grace=0.0 if code is not None else 0.5)
        if code is None:
            proc.wait()
        out.seek(0)
        data = out.read()
    tail = "\n".join(data.decode("utf-8", "replace").splitlines()[-5:])
    return TestResult(argv, code, hashlib.sha256(data).hexdigest(), time.monotonic() - t0, tail)

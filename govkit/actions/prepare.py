"""record-prepare and worktree-add: the coder's branch and worktree, recorded."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from govkit.actions.common import (
    append_gate_entry,
    check_value,
    commit,
    default_branch,
    default_worktree,
    refuse_if_failed,
)
from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.paths import is_absolute_like
from govkit.util.timeutil import iso

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def check_worktree_dir(value: str, report: Report, log_rel: str) -> str:
    wt = (value or "").strip().replace("\\", "/")
    if not wt or "\x00" in wt:
        report.error("GK-PREP-WORKTREE-ABS", "worktree dir is empty", log_rel)
    elif is_absolute_like(wt):
        report.error("GK-PREP-WORKTREE-ABS", f"worktree dir must be repo-relative, got absolute "
                     f"path '{value}'", None, None, "pass it relative to the repository root, "
                     "e.g. ../wt-<WP>")
    return wt


def record_prepare(ws: Workspace, wp: str, coder: str, branch: str | None = None,
                   worktree_dir: str | None = None) -> Report:
    from govkit.txn.transaction import transaction

    command = "record-prepare"
    wp = ws.check_wp_id(wp)
    report = Report(command, wp)
    log_rel = ws.p("gate_log")
    check_value(coder, "coder id")
    check_value(branch, "--branch")
    check_value(worktree_dir, "--worktree-dir")
    branch = (branch or "").strip() or default_branch(ws, wp)
    branch = branch.removeprefix("refs/heads/")
    wt = check_worktree_dir(worktree_dir or default_worktree(ws, wp), report, log_rel)
    coder = (coder or "").strip()
    if not coder or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}", coder):
        report.error("GK-PREP-CODER", f"coder id {coder!r} is missing or invalid (letters, "
                     "digits, . _ @ -)", None, None, "e.g. Coder-A")
    if branch.startswith("-") or not ws.git.ok("check-ref-format", "--branch", branch):
        report.error("GK-PREP-BRANCH", f"'{branch}' is not a valid branch name")
    refuse_if_failed(ws, report, command)
    with transaction(ws, command, wp) as tx:
        log = ws.gate_log()
        sig = log.last(wp, "SIGNATURE")
        if sig is None:
            report.error("GK-PREP-NO-SIGNATURE", f"no SIGNATURE record for {wp} in {log_rel}",
                         log_rel, None, f"govkit record-signature {wp} <signature>")
        if log.last(wp, "PREPARE") is not None:
            report.warn("GK-PREP-AGAIN", f"a PREPARE record already exists for {wp}; this one "
                        "supersedes it", log_rel)
        if not ws.git.branch_exists(branch):
            report.error("GK-PREP-BRANCH", f"branch '{branch}' does not exist locally", None, None,
                         f"govkit worktree-add {wp} (or git branch {branch})")
        else:
            trees = [t for t in ws.git.worktrees() if t.get("branch") == f"refs/heads/{branch}"]
            if not trees:
                report.error("GK-PREP-WORKTREE", f"no worktree has branch '{branch}' checked out",
                             None, None, f"govkit worktree-add {wp}")
            else:
                want = os.path.realpath(ws.root / wt)
                if all(os.path.realpath(t["worktree"]) != want for t in trees):
                    report.warn("GK-PREP-WORKTREE-DIR", f"branch '{branch}' is checked out at "
                                f"{trees[0]['worktree']}, not at '{wt}'", None, None,
                                "pass --worktree-dir with the real location")
        refuse_if_failed(ws, report, command)
        append_gate_entry(ws, tx, {"wpId": wp, "type": "PREPARE", "coder_id": coder,
                                   "branch": branch, "worktree_dir": wt,
                                   "timestamp": iso()})
        from govkit.actions.records import stage_record

        stage_record(ws, tx, wp, "PREPARE", {"coder_id": coder, "branch": branch,
                                             "worktree_dir": wt})
        commit(ws, tx)
    report.facts.update({"branch": branch, "worktree_dir": wt, "coder_id": coder})
    report.info("GK-PREP-RECORDED", f"prepare recorded for {wp}: {coder} on {branch} in {wt}")
    report.next_commands = [f"govkit create-task-packet {wp}"]
    return report


def worktree_add(ws: Workspace, wp: str, base: str | None = None) -> Report:
    """Create branch feat/<WP> (configurable) and worktree ../wt-<WP> (configurable)."""
    command = "worktree-add"
    wp = ws.check_wp_id(wp)
    report = Report(command, wp)
    branch = default_branch(ws, wp)
    wt = check_worktree_dir(default_worktree(ws, wp), report, ws.p("gate_log"))
    refuse_if_failed(ws, report, command)
    base = base or ws.config.get("main_branch")
    with ws.lock(command):
        if ws.git.rev_parse(base) is None:
            raise GovkitError(f"base '{base}' is not a commit", hint="pass --base REF")
        target = Path(os.path.normpath(ws.root / wt))
        if target.exists() or target.is_symlink():
            report.error("GK-WT-EXISTS", f"'{wt}' ({target}) already exists; govkit does not touch "
                         "an existing directory", None, None,
                         "remove or move it, or set worktree_template in .GOV/govkit.yaml")
        exists = ws.git.branch_exists(branch)
        if exists and any(t.get("branch") == f"refs/heads/{branch}" for t in ws.git.worktrees()):
            report.error("GK-WT-BRANCH-BUSY", f"branch '{branch}' is already checked out in a "
                         "worktree")
        refuse_if_failed(ws, report, command)
        args = ["worktree", "add"]
        if exists:
            args += [str(target), branch]
            report.info("GK-WT-BRANCH-REUSED", f"branch '{branch}' already exists; checked out")
        else:
            args += ["-b", branch, str(target), base]
        ws.git.run(*args)
    report.facts.update({"branch": branch, "worktree": str(target), "worktree_dir": wt})
    report.info("GK-WT-CREATED", f"worktree {target} on branch {branch}")
    report.next_commands = [(f"govkit record-prepare {wp} <coder-id> --branch {branch} "
                            f"--worktree-dir {wt}")]
    return report

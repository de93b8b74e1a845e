"""The durable "post-work passed for tree X" (issue #11): a post-work PASS attests the judged
tree, the range and the manifest's SHA-256 in the audit trail; validator `commit` and `ci`
require that the validated commit's tree is one that passed.

The validator's own commits (the report appended to the packet, the state file, the board, the
WP's records) come after the judged commit, so the check walks back from the commit over
commits that touch only those files."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from govkit.result import Report

if TYPE_CHECKING:
    from govkit.workspace import Workspace

WALK = 20   # validator commits between the judged commit and the validated one (a few)


def tree_of(ws: Workspace, commit: str) -> str | None:
    if commit.startswith("-"):
        return None
    p = ws.git.run("rev-parse", "--verify", "-q", "--end-of-options", f"{commit}^{{tree}}",
                   check=False)
    return p.stdout.decode().strip() if p.returncode == 0 else None


def manifest_sha256(text: str, section: tuple[int, int] | None) -> str:
    """SHA-256 of the packet's VALIDATION section (1-based [start, end) lines)."""
    lines = text.split("\n")
    body = "\n".join(lines[section[0] - 1:section[1] - 1]) if section else ""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def attest_pass(ws: Workspace, wp: str, sel, manifest_sha: str, report: Report) -> None:
    """Record the PASS for the judged tree (range/rev: the head's tree; staged: the index's
    tree). Worktree mode judges files that are not a tree yet: nothing is recorded."""
    from govkit.audit.recorder import attest
    from govkit.errors import GovkitError

    if sel.head:
        tree = tree_of(ws, sel.head)
    elif sel.mode == "staged":
        p = ws.git.run("write-tree", check=False)
        tree = p.stdout.decode().strip() if p.returncode == 0 else None
    else:
        tree = None
    if not tree:
        return
    data = {"tree": tree, "range": f"{sel.base}..{sel.head or sel.mode}",
            "manifest_sha256": manifest_sha}
    try:
        if attest(ws, "post-work", wp, data) is not None:
            report.facts["passed_tree"] = tree
    except GovkitError as exc:
        report.warn("GK-POST-NOT-ATTESTED", f"the PASS was not recorded in the audit trail: "
                    f"{exc}", None, None, "fix the trail (govkit audit verify), rerun post-work")


def passed_trees(ws: Workspace, wp: str) -> set[str] | None:
    """Trees post-work passed for wp (None: this repository keeps no trail)."""
    from govkit.audit.query import records
    from govkit.audit.recorder import trail_path

    path = trail_path(ws)
    if not path.exists():
        return None
    out: set[str] = set()
    for _, _, rec in records(path, wp=wp, kind="attest"):
        data = rec.get("data")
        if rec.get("command") == "post-work" and isinstance(data, dict) and data.get("tree"):
            out.add(str(data["tree"]))
    return out


def _validator_files(ws: Workspace, wp: str, packet_rel: str | None) -> tuple[set[str], str]:
    from govkit.gates.lock import records_dir

    exact = {ws.p("task_board"), ws.p("gate_log"), ws.p("legacy_validator_gates"),
             f"{ws.p('validator_gates_dir').rstrip('/')}/{wp}.json"}
    if packet_rel:
        exact.add(packet_rel)
    return exact, records_dir(ws, wp) + "/"


def unpassed(ws: Workspace, wp: str, commit: str, packet_rel: str | None) -> str | None:
    """Why commit's tree is not one post-work passed (walking back over validator-only
    commits), or None when it passed or no trail is kept."""
    trees = passed_trees(ws, wp)
    if trees is None:
        return None
    exact, rec_dir = _validator_files(ws, wp, packet_rel)
    c = commit
    for _ in range(WALK):
        tree = tree_of(ws, c)
        if tree in trees:
            return None
        parent = ws.git.rev_parse(f"{c}~1")
        if parent is None:
            break
        names = ws.git.out("diff", "--name-only", "--no-renames", parent, c).split("\n")
        if not all(n in exact or n.startswith(rec_dir) for n in names if n):
            break
        c = parent
    return (f"no post-work PASS is recorded for the tree of {commit[:12]} (nor of a commit "
            "before it that only the validator's steps changed)")


def check_validated_passed(ws: Workspace, report: Report) -> None:
    """ci: every VALIDATED record's commit has a tree that passed post-work (trail available,
    commit present)."""
    from govkit.errors import GovkitError
    from govkit.gates.lock import load_records

    root = ws.abs(f"{ws.p('gov_dir').rstrip('/')}/records")
    if not root.is_dir() or passed_trees(ws, "-") is None:
        return
    here = _this_trail(ws)
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        wp = d.name
        recs = [r for r in load_records(ws, wp, problems=[]) if r.type == "VALIDATED"]
        if not recs:
            continue
        theirs = (recs[-1].witness or {}).get("trail")
        if theirs != here:
            continue  # validated in another clone: its trail, not this one, saw the PASS
        sha = str((recs[-1].body or {}).get("commit") or "")
        if len(sha) != 40 or ws.git.rev_parse(sha) is None:
            continue
        try:
            prel, _ = ws.resolve_packet(wp)
        except GovkitError:   # a missing packet is reported by the gates that own it
            prel = None
        why = unpassed(ws, wp, sha, prel)
        if why:
            report.error("GK-CI-UNPASSED", f"{wp}: {recs[-1].path}: {why}", recs[-1].path, None,
                         f"govkit post-work {wp} on the validated commit, then validate again")


def _this_trail(ws: Workspace) -> str | None:
    from govkit.audit.key import load_for
    from govkit.audit.witness import trail_id_for

    key, _ = load_for(ws)
    return trail_id_for(ws, key)

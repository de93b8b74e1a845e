"""Which diff post-work judges: explicit range, --rev, staged, worktree, or the packet's base
(kernel-gates.md 9.7), and the governance state files that are not "work"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.globs import any_match
from govkit.vcs.diffset import EMPTY_TREE, DiffSet, FileChange

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def state_patterns(ws: Workspace, wp: str, packet_rel: str) -> list[str]:
    """Governance state files that change as part of the workflow itself: never scope-checked,
    never in need of a manifest, and never enough on their own to count as "work". Only the
    exact files govkit writes for this WP (govstate.py judges how they changed)."""
    from govkit.gates.postwork.govstate import exempt_patterns, gov_files

    return exempt_patterns(gov_files(ws, wp, packet_rel))


def parse_range(value: str) -> tuple[str, str]:
    v = (value or "").strip()
    parts = v.split("..")
    if "..." in v or len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise GovkitError(f"--range must be 'A..B' (two revisions), got '{value}'",
                          hint="e.g. --range main..HEAD")
    return parts[0].strip(), parts[1].strip()


def _resolve(git, rev: str, what: str) -> str:
    sha = git.rev_parse(rev)
    if sha is None:
        raise GovkitError(f"unknown revision '{rev}' ({what})",
                          hint="check the name with `git rev-parse --verify REV`")
    return sha


@dataclass
class Selection:
    mode: str
    reason: str
    base: str
    head: str | None
    files: list[FileChange] | None = None   # pre-read raw+numstat (reused by collect)


def select_mode(ws: Workspace, pkt, state: list[str], range_arg: str | None = None,
                rev: str | None = None, report: Report | None = None,
                merge_base: str | None = None, end: str | None = None) -> Selection | None:
    """Mode resolution (kernel-gates.md 9.7, with govkit's differences): explicit --range,
    --rev, staged, worktree, then packet MERGE_BASE_SHA / merge-base(main) / first parent."""
    from govkit.vcs import diffset

    git = ws.git
    if range_arg and rev:
        raise GovkitError("give either --range or --rev, not both")
    if range_arg:
        a, b = parse_range(range_arg)
        return Selection("range", "explicit --range", _resolve(git, a, "--range base"),
                         _resolve(git, b, "--range head"))
    if rev is not None:
        if not rev.strip():
            raise GovkitError("--rev needs a revision")
        head = _resolve(git, rev.strip(), "--rev")
        parent = git.rev_parse(head + "^1")
        if parent is None:
            raise GovkitError(f"cannot determine the parent commit of --rev {rev} (root commit)",
                              hint="give an explicit --range instead")
        return Selection("range", f"--rev {rev}", parent, head)
    head = git.head()
    base = head or EMPTY_TREE

    def significant(files):
        return [f for f in files if not all(any_match(p, state) for p in f.paths())]

    staged = diffset.read_changes(git, "staged", base)
    if significant(staged):
        return Selection("staged", "staged changes present", base, None, staged)
    work = diffset.read_changes(git, "worktree", base)
    untracked = [f for f in diffset.untracked_files(git) if f.path not in {w.path for w in work}]
    if significant(work) or significant(untracked):
        return Selection("worktree", "unstaged changes present", base, None, work)
    if head is None:
        if report is not None:
            report.error("GK-POST-MODE", "no changes and no commits: nothing to check",
                         hint="commit or stage the work first")
        return None
    if merge_base:
        sha = git.rev_parse(merge_base)
        if sha:
            target = end or head
            moved = main_merged_in(ws, sha, target)
            what = "locked merge base" if moved is None else \
                f"locked merge base moved up to {moved[:12]} ({ws.config.get('main_branch')}, merged in)"
            return Selection("range", f"clean tree; {what}.." + ("validated commit" if end else "HEAD"),
                             moved or sha, target)
        if report is not None:
            report.error("GK-LOCK-MERGE-BASE", f"the locked merge base {merge_base} is not a "
                         "commit of this repository", None, None,
                         "fetch the history the WP started from (git fetch --unshallow)")
        return None
    mb = pkt.merge_base if pkt is not None else None
    if mb:
        sha = git.rev_parse(mb)
        if sha:
            return Selection("range", "clean tree; packet MERGE_BASE_SHA..HEAD", sha, head)
        if report is not None:
            report.warn("GK-POST-MERGE-BASE", f"packet MERGE_BASE_SHA {mb} is not a commit of "
                        "this repository; falling back", pkt.path, pkt.merge_base_sha.line)
    main = ws.config.get("main_branch")
    mbase = git.merge_base(main, "HEAD") if git.branch_exists(main) else None
    if mbase and mbase != head:
        return Selection("range", f"clean tree; merge-base({main}, HEAD)..HEAD", mbase, head)
    parent = git.rev_parse("HEAD^1")
    if parent:
        return Selection("range", "clean tree; first parent HEAD^1..HEAD", parent, head)
    if report is not None:
        report.error("GK-POST-MODE", "no staged/working changes and no git range to check",
                     hint="pass --range A..B")
    return None


def main_merged_in(ws: Workspace, base: str, target: str) -> str | None:
    """The newest commit of the main branch that the WP's branch merged in after its locked merge
    base (e.g. a spec bump before `govkit reanchor`), or None. Its changes are main's, judged
    there, not the WP's work: the range starts from it. Only a commit reachable from the main
    branch counts (its remote-tracking copy where one exists, so a commit made on the local main
    and merged in counts as the WP's work), so merging any other branch hides nothing."""
    main = ws.config.get("main_branch")
    out = ws.git.out("rev-list", "--first-parent", "--parents", f"{base}..{target}", check=False)
    merged = [p for line in out.splitlines() for p in line.split()[2:]]   # newest first
    if not merged:
        return None
    # The main branch as fetched (origin/<main>: what the coder cannot rewrite once it is a
    # protected branch); the local branch only in a repository without a remote copy of it.
    refs = ws.git.out("for-each-ref", "--format=%(refname)", f"refs/heads/{main}",
                      f"refs/remotes/*/{main}", check=False).split()
    mains = [r for r in refs if r.startswith("refs/remotes/")] or refs
    for parent in merged:
        if ws.git.ok("merge-base", "--is-ancestor", base, parent) and \
                any(ws.git.ok("merge-base", "--is-ancestor", parent, m) for m in mains):
            return parent
    return None


def validated_commit(ws: Workspace, wp: str) -> str | None:
    """The commit the WP's last VALIDATED record names, when it is reachable from HEAD: after
    a merge the WP's range ends there, never at HEAD (other WPs' merges are not its work)."""
    from govkit.gates.validated import validated_witness

    rec, _ = validated_witness(ws, wp)
    sha = str((rec.body or {}).get("commit") or "") if rec is not None else ""
    if len(sha) != 40 or ws.git.rev_parse(sha) is None:
        return None
    return sha if ws.git.ok("merge-base", "--is-ancestor", sha, "HEAD") else None


def collect_changes(ws: Workspace, sel: Selection) -> DiffSet:
    from govkit.vcs import diffset

    return diffset.collect(ws.git, sel.mode, sel.base, sel.head, files=sel.files,
                           untracked=sel.mode == "worktree")


def requires_manifest(ws: Workspace, path: str, state: list[str]) -> bool:
    exempt = ws.config.get("manifest.exempt_paths") or []
    return not any_match(path, state) and not any_match(path, exempt)


def warn_unstaged(ws: Workspace, ds: DiffSet, state, report: Report) -> None:
    out = ws.git.run("diff", "--name-only", "-z", "--no-ext-diff", "--").stdout
    staged = {p for f in ds.files for p in f.paths()}
    extra = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
    extra = [p for p in extra if p not in staged and not any_match(p, state)]
    if extra:
        report.warn("GK-POST-UNSTAGED", "working tree has unstaged changes; post-work checks the "
                    f"STAGED changes only: {', '.join(extra[:10])}"
                    + (f" (+{len(extra) - 10} more)" if len(extra) > 10 else ""),
                    hint="stage them (git add) or stash them")

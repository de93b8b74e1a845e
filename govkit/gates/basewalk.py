"""The history of REF..HEAD for `ci --base`: the range's commits oldest first with the
governance files each one changed, and every file version the rules need from ONE
`git cat-file --batch`. A rule is judged at REF and after each commit that changed its inputs;
the commit named is the one that broke it: the first of the run of commits after which the rule
fails through HEAD (a rule broken and repaired inside the range does not count)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from govkit.util.bytes import ZERO_SHA, blob_id
from govkit.vcs.git import cat_blobs

if TYPE_CHECKING:
    from govkit.model.records import Record
    from govkit.workspace import Workspace


class Change(NamedTuple):
    status: str          # A M D T (renames are a D and an A: --no-renames)
    old: str
    new: str
    path: str


class Commit(NamedTuple):
    sha: str
    subject: str
    changes: list[Change]
    merge: bool = False


def range_log(ws: Workspace, base: str, head: str, paths: list[str]) -> list[Commit]:
    """Every non-merge commit in base..head that changed `paths`, oldest first (one git log)."""
    out = ws.git.run("log", "--reverse", "--no-merges", "--no-renames", "--raw", "-z",
                     "--no-abbrev", "--format=%x01%H %s", f"{base}..{head}", "--", *paths).stdout
    commits = []
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, _, subject = header.decode("utf-8", "replace").partition(" ")
        commits.append(Commit(sha, subject, raw_changes(rest)))
    return commits


def net_changes(ws: Workspace, base: str, head: str, paths: list[str]) -> list[Change]:
    out = ws.git.run("diff", "--raw", "-z", "--no-abbrev", "--no-renames", base, head, "--",
                     *paths).stdout
    return raw_changes(out)


def raw_changes(data: bytes) -> list[Change]:
    toks = data.lstrip(b"\n").split(b"\0")
    out, i = [], 0
    while i < len(toks):
        t = toks[i].strip(b"\n")
        if t.startswith(b":") and i + 1 < len(toks):
            meta = t[1:].split(b" ")
            out.append(Change(meta[4][:1].decode(), meta[2].decode(), meta[3].decode(),
                              toks[i + 1].decode("utf-8", "surrogateescape")))
            i += 2
        else:
            i += 1
    return out


# What a rule's verdict was before the range: its culprit is "already at REF".
AT_BASE = Commit("", "", [])


class History:
    """The range's commits and the bytes of every governance file at REF and after each change."""

    def __init__(self, ws: Workspace, base: str, log: list[Commit], net: list[Change]):
        self.base, self.log, self._ws = base, log, ws
        self._net = {c.path: c for c in net}
        every = [c for commit in log for c in commit.changes] + net
        specs = [f"{base}:{p}" for p in sorted({c.path for c in every})]
        specs += [c.new for c in every if c.new != ZERO_SHA]
        self._blobs = cat_blobs(ws.git, specs)

    def log_changes(self) -> list[Change]:
        return [c for commit in self.log for c in commit.changes]

    def at_base(self, path: str) -> bytes | None:
        return self._blobs.get(f"{self.base}:{path}")

    def blob(self, change: Change) -> bytes | None:
        return None if change.new == ZERO_SHA else self._blobs.get(change.new)

    def at_head(self, path: str) -> bytes | None:
        c = self._net.get(path)
        return self.blob(c) if c is not None else self.at_base(path)

    def old_blob(self, change: Change) -> bytes | None:
        """The bytes before a change (its parent's version); read only when a merge came
        between two walked commits."""
        if change.old == ZERO_SHA:
            return None
        if change.old not in self._blobs:
            self._blobs.update(cat_blobs(self._ws.git, [change.old]))
        return self._blobs.get(change.old)

    def merge_for(self, path: str, upto: str = "HEAD") -> Commit | None:
        """The newest merge in base..upto whose result for `path` is in none of its parents (a
        change made while resolving it, which the walk of non-merge commits cannot see). One
        git call, made only when the walk meets such a change."""
        out = self._ws.git.run("log", "--merges", "-1", "--format=%H %s",
                               f"{self.base}..{upto}", "--", path).stdout
        sha, _, subject = out.decode("utf-8", "replace").strip().partition(" ")
        return Commit(sha, subject, [], merge=True) if sha else None

    def steps(self, match: Callable[[str], bool]) -> Iterable[tuple[Commit, list[Change]]]:
        """(commit, its changes of matching paths) for each commit that changed one."""
        for commit in self.log:
            hits = [c for c in commit.changes if match(c.path)]
            if hits:
                yield commit, hits

    def added_by(self, path: str) -> Commit | None:
        """The last commit of the range that added or changed `path`."""
        return next((c for c in reversed(self.log) for ch in c.changes if ch.path == path), None)

    def culprit(self, match: Callable[[str], bool], fails_at_base: bool,
                fails_after: Callable[[list[Change]], bool]) -> Commit | None:
        """The commit that broke a rule: fails_after(changes) judges the rule after a commit's
        changes of the matching paths (called in commit order, so it may keep state)."""
        who = AT_BASE if fails_at_base else None
        for commit, hits in self.steps(match):
            if fails_after(hits):
                who = who or commit
            else:
                who = None
        return who

    def file_culprit(self, path: str, fails: Callable[[bytes | None, bool], bool]) -> Commit | None:
        """culprit() for one file: fails(bytes after the commit or None if gone, existed)."""
        state = {"existed": self.at_base(path) is not None}

        def after(hits: list[Change]) -> bool:
            c = hits[-1]
            gone = c.status == "D"
            verdict = fails(None if gone else self.blob(c), state["existed"])
            state["existed"] = state["existed"] or not gone
            return verdict

        return self.culprit(lambda p: p == path, False, after)


def named(commit: Commit | None, base: str) -> str:
    """The ' (commit ...)' suffix a finding carries."""
    if commit is None:
        return ""
    if commit is AT_BASE:
        return f" (already so at REF {base[:12]})"
    kind = "merge commit" if commit.merge else "commit"
    return f" ({kind} {commit.sha[:12]} '{commit.subject[:60]}')"


def drift_blame(hist: History, pkt_rel: str, records_dir: str,
                at_base: list[Record]) -> Callable[[str], str]:
    """For GK-LOCK-DRIFT: section name -> the commit after which that locked section differs
    from the lock in force at each commit (the lock and the packet as that commit left them).
    Lazy: nothing is read before the first call, and packets are parsed from HEAD backwards
    only as far as the drift goes."""
    steps: list[tuple[Commit, Record | None, bytes | None]] = []   # REF first
    memo: dict[tuple[str | None, bytes | None], set[str]] = {}

    def walk() -> None:
        from govkit.gates.lock import current_lock
        from govkit.model.records import parse_record

        d = records_dir.rstrip("/") + "/"
        recs = {r.path: r for r in at_base}
        pkt = hist.at_base(pkt_rel)
        pkt_id = None if pkt is not None else ZERO_SHA   # None: REF's bytes, hashed when needed
        steps.append((AT_BASE, current_lock(at_base), pkt))
        for commit, hits in hist.steps(lambda p: p == pkt_rel or p.startswith(d)):
            for c in hits:
                if c.path == pkt_rel and c.old != (pkt_id or blob_id(pkt or b"", len(c.old))):
                    # the packet this commit started from is not the last one walked: a merge
                    # resolution (or another branch) came between; judge that state as the merge's
                    merge = hist.merge_for(pkt_rel, commit.sha)
                    if merge is not None:
                        steps.append((merge, steps[-1][1], hist.old_blob(c)))
                if c.path == pkt_rel:
                    pkt, pkt_id = hist.blob(c), c.new
                elif c.status == "D":
                    recs.pop(c.path, None)
                else:
                    try:
                        recs[c.path] = parse_record(hist.blob(c) or b"", c.path)
                    except ValueError:
                        recs.pop(c.path, None)      # malformed: GK-LOCK-CHAIN says so
            steps.append((commit, current_lock([recs[k] for k in sorted(recs)]), pkt))

    def drifted(i: int) -> set[str]:
        _, lock, raw = steps[i]
        key = (lock.sha256 if lock else None, raw)
        if key not in memo:
            memo[key] = _drifted(lock, raw, pkt_rel)
        return memo[key]

    def blame(section: str) -> str:
        if not steps:
            walk()

        def last_drifted(before: int) -> int | None:
            return next((j for j in range(before - 1, -1, -1) if section in drifted(j)), None)

        def run_start(i: int) -> int:
            while i > 0 and section in drifted(i - 1):
                i -= 1
            return i

        last = len(steps) - 1
        if section in drifted(last):
            i = run_start(last)
        else:
            committed = hist.at_head(pkt_rel)
            if committed == steps[last][2] or section not in _drifted(steps[last][1], committed,
                                                                     pkt_rel):
                return " (in the work tree, not committed)"
            found = last_drifted(len(steps))   # HEAD's packet is a merge's result
            if found is None:
                return named(hist.merge_for(pkt_rel), hist.base)
            i = run_start(found)
        if steps[i][0].merge:   # a merge brought it in: a branch's commit made it, if one drifted
            found = last_drifted(i)
            if found is not None:
                i = run_start(found)
        return named(steps[i][0], hist.base)

    return blame


def _drifted(lock: Record | None, raw: bytes | None, pkt_rel: str) -> set[str]:
    """The locked sections of packet bytes `raw` that differ from `lock` (check_lock's rule)."""
    if lock is None or raw is None:
        return set()
    from govkit.errors import GovkitError
    from govkit.model import markdown as mdparse
    from govkit.model.lockhash import TOP, locked_view
    from govkit.util.textio import decode

    secs = lock.body.get("sections") or {}
    try:
        doc = decode(raw, pkt_rel)
        view = locked_view(doc.text, lock.body.get("coder_sections") or [], mdparse.parse(doc))
    except (GovkitError, ValueError):
        return set(secs) | {TOP}
    if view.sha256 == lock.body.get("locked_sha256"):
        return set()
    names = list(dict.fromkeys([*secs, *view.sections]))
    changed = {n for n in names if secs.get(n) != view.sections.get(n)}
    return changed or set(names[:1] or [TOP])

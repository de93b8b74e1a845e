"""`govkit ci --base REF` (and `post-work WP --base REF`): every change REF..HEAD makes to the
governance directory, judged against REF. Logs only grow, records are only added, validator
states never move back, the config does not change under the work it judges, each touched WP's
packet still matches its lock (the lock at REF, or one created in the range with an intact
chain), and a COMMITTED validation agrees with its VALIDATED record. Each finding names the
commit that broke the rule. Git: one `log --raw` for the range, one `diff --raw` for the net
change, one `cat-file --batch` for every blob needed."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, NamedTuple

from govkit.config import CONFIG_REL
from govkit.errors import GovkitError
from govkit.gates.postwork.govstate import FIX, rule_problem
from govkit.result import Report
from govkit.util.bytes import ZERO_SHA
from govkit.vcs.git import cat_blobs

if TYPE_CHECKING:
    from govkit.workspace import Workspace


class Change(NamedTuple):
    status: str          # A M D T (renames are a D and an A: --no-renames)
    old: str
    new: str
    path: str


def range_log(ws: Workspace, base: str, head: str, paths: list[str]) -> list[tuple[str, str, list[Change]]]:
    """(commit, subject, changes) of every non-merge commit in base..head, oldest first."""
    out = ws.git.run("log", "--reverse", "--no-merges", "--no-renames", "--raw", "-z",
                     "--no-abbrev", "--format=%x01%H %s", f"{base}..{head}", "--", *paths).stdout
    commits = []
    for chunk in out.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, _, subject = header.decode("utf-8", "replace").partition(" ")
        commits.append((sha, subject, _raw(rest)))
    return commits


def net_changes(ws: Workspace, base: str, head: str, paths: list[str]) -> list[Change]:
    out = ws.git.run("diff", "--raw", "-z", "--no-abbrev", "--no-renames", base, head, "--",
                     *paths).stdout
    return _raw(out)


def _raw(data: bytes) -> list[Change]:
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


class Kinds:
    """Every WP's governance files, by kind (ci judges all WPs at once)."""

    def __init__(self, ws: Workspace):
        self.gov = ws.p("gov_dir").rstrip("/") + "/"
        self.exact = {ws.p("gate_log"): "gatelog", ws.p("signature_audit"): "sigaudit",
                      ws.p("legacy_validator_gates"): "validator", CONFIG_REL: "config"}
        self.val = ws.p("validator_gates_dir").rstrip("/") + "/"
        self.pkts = ws.p("task_packets_dir").rstrip("/") + "/"
        self.refs = ws.p("refinements_dir").rstrip("/") + "/"
        self.records = self.gov + "records/"

    def of(self, path: str) -> tuple[str | None, str | None]:
        """(kind, WP) of a path."""
        if path in self.exact:
            return self.exact[path], None
        for d, kind, ext in ((self.val, "validator", ".json"), (self.pkts, "packet", ".md"),
                             (self.refs, "refinement", ".md")):
            rest = path[len(d):] if path.startswith(d) else ""
            if rest and "/" not in rest and rest.endswith(ext):
                return kind, rest[:-len(ext)]
        if path.startswith(self.records):
            wp = path[len(self.records):].split("/", 1)[0]
            return "records", wp
        return (None, None)


def _resolve(ws: Workspace, ref: str) -> str:
    sha = ws.git.rev_parse(ref)
    if sha is None:
        raise GovkitError(f"unknown revision '{ref}' (--base)",
                          hint="pass the protected branch or commit the change starts from")
    return sha


def base_config_raw(ws: Workspace, base_ref: str) -> tuple[bytes | None, bool]:
    """(the config's bytes at REF or None, whether HEAD's config differs)."""
    base = _resolve(ws, base_ref)
    spec = f"{base}:{CONFIG_REL}"
    raw = cat_blobs(ws.git, [spec]).get(spec)
    path = ws.abs(CONFIG_REL)
    now = path.read_bytes() if path.is_file() else None
    return raw, raw != now


def check_base(ws: Workspace, base_ref: str, report: Report, only_wp: str | None = None) -> None:
    base = _resolve(ws, base_ref)
    head = ws.git.head()
    report.facts["custody"] = f"{base[:12]}..{(head or '')[:12]}"
    if head is None or head == base:
        return
    kinds = Kinds(ws)
    gov = [kinds.gov]
    net = net_changes(ws, base, head, gov)
    log = range_log(ws, base, head, gov)
    touched = sorted({wp for c in net for k, wp in [kinds.of(c.path)] if wp})
    if only_wp is not None:
        touched = [only_wp] if only_wp in touched or any(
            kinds.of(c.path)[0] == "gatelog" for c in net) else []
    report.facts["custody_wps"] = ", ".join(touched) or "none"
    # File rules, judged on the net change; the culprit is found by walking the log.
    blobs = cat_blobs(ws.git, [o for c in net for o in (c.old, c.new) if o != ZERO_SHA])
    bad = []
    for c in net:
        kind, wp = kinds.of(c.path)
        if kind is None or (only_wp is not None and wp not in (None, only_wp)):
            continue
        if kind == "config":
            sev = report.error if touched else report.warn
            sev("GK-GOV-CONFIG", f"the governance config {c.path} changed in {base[:12]}.."
                f"{head[:12]} ({_commits_touching(log, c.path)}); the gates judge with REF's "
                "config", c.path, None, "land config changes on their own, approved by the "
                "operator, outside the WP's change")
            continue
        existed = c.old != ZERO_SHA
        hit = rule_problem(kind, blobs.get(c.old), blobs.get(c.new), existed, c.status == "D")
        if hit:
            bad.append((c.path, kind, hit))
    # A record added and then edited inside the range looks "added" on the net diff.
    for sha, subject, changes in log:
        for ch in changes:
            kind, wp = kinds.of(ch.path)
            if kind == "records" and ch.status in "MDT" and \
                    not any(b[0] == ch.path for b in bad) and (only_wp in (None, wp)):
                bad.append((ch.path, kind, ("GK-GOV-RECORD-EDIT", "a record was changed or "
                                            "removed after it was written (records are only "
                                            "ever added)")))
    if bad:
        _blame(ws, base, log, bad, report)
    for wp in touched:
        _check_wp(ws, wp, base, head, log, report, skip_lock=only_wp is not None)


def record_edits(ws: Workspace, base: str, head: str, records_dir: str, report: Report) -> None:
    """post-work on a range: a record added in the range and edited later in it is "added" on
    the net diff; its history says otherwise."""
    for sha, subject, changes in range_log(ws, base, head, [records_dir]):
        for c in changes:
            if c.status in "MDT":
                report.error("GK-GOV-RECORD-EDIT", f"{c.path}: a record was changed or removed "
                             f"after it was written (commit {sha[:12]} '{subject[:60]}')",
                             c.path, None, FIX)


def _commits_touching(log, path: str) -> str:
    shas = [sha[:12] for sha, _, ch in log if any(c.path == path for c in ch)]
    return "commit " + ", ".join(shas) if shas else "no commit"


def _blame(ws: Workspace, base: str, log, bad, report: Report) -> None:
    """Name, per broken rule, the first commit after which it no longer holds."""
    paths = {p for p, _, _ in bad}
    specs = [f"{base}:{p}" for p in paths]
    specs += [c.new for _, _, ch in log for c in ch if c.path in paths and c.new != ZERO_SHA]
    blobs = cat_blobs(ws.git, specs)
    for path, kind, (code, problem) in bad:
        old = blobs.get(f"{base}:{path}")
        culprit = None
        existed = old is not None
        for sha, subject, changes in log:
            c = next((c for c in changes if c.path == path), None)
            if c is None:
                continue
            if kind == "records":
                if c.status != "A":
                    culprit = (sha, subject)
                    break
                existed = True
                continue
            if rule_problem(kind, old, blobs.get(c.new), existed, c.status == "D"):
                culprit = (sha, subject)
                break
        who = f" (commit {culprit[0][:12]} '{culprit[1][:60]}')" if culprit else ""
        report.error(code, f"{path}: {problem}{who}", path, None, FIX)


def _check_wp(ws: Workspace, wp: str, base: str, head: str, log, report: Report,
              skip_lock: bool) -> None:
    from govkit.gates.lock import check_lock, current_lock, load_records, records_dir

    problems: list = []
    at_base = load_records(ws, wp, rev=base, problems=[])
    at_head = load_records(ws, wp, rev=head, problems=problems)
    lock_base, lock_head = current_lock(at_base), current_lock(at_head)
    d = records_dir(ws, wp) + "/"
    if lock_base is not None and (lock_head is None or lock_head.seq < lock_base.seq):
        report.error("GK-CUSTODY-LOCK", f"the LOCK of {wp} recorded at {base[:12]} "
                     f"({posixpath.basename(lock_base.path)}) is gone at HEAD "
                     f"({_commits_touching_dir(log, d)})", lock_base.path, None,
                     f"restore {d} from {base[:12]}")
    pkt_rel = ws.packet_rel(wp)
    if not skip_lock and ws.abs(pkt_rel).is_file():
        if lock_head is not None and lock_base is not None and lock_head.seq > lock_base.seq:
            report.info("GK-CUSTODY-RELOCK", f"{wp} was re-locked in the range "
                        f"({posixpath.basename(lock_head.path)})", lock_head.path)
        before = len(report.errors)
        check_lock(ws, wp, pkt_rel, report, records=at_head)
        if len(report.errors) > before:
            report.info("GK-CUSTODY-WHERE", f"{pkt_rel} changed in: "
                        f"{_commits_touching(log, pkt_rel)}", pkt_rel)
    _check_witness(ws, wp, head, at_head, report)


def _commits_touching_dir(log, d: str) -> str:
    shas = [sha[:12] for sha, _, ch in log if any(c.path.startswith(d) for c in ch)]
    return "commit " + ", ".join(shas) if shas else "no commit"


def _check_witness(ws: Workspace, wp: str, head: str, records, report: Report) -> None:
    """A VALIDATED record needs the validator state that says COMMITTED for the same commit."""
    from govkit.gates.validated import state_disagrees

    validated = [r for r in records if r.type == "VALIDATED"]
    if not validated:
        return
    rel = f"{ws.p('validator_gates_dir').rstrip('/')}/{wp}.json"
    raw = cat_blobs(ws.git, [f"{head}:{rel}"]).get(f"{head}:{rel}")
    problem = state_disagrees(raw, wp, validated[-1])
    if problem:
        report.error("GK-VAL-WITNESS", f"{rel}: {problem}", rel, None,
                     f"restore {rel} from the commit that recorded {validated[-1].path}")

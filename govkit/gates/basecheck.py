"""`govkit ci --base REF` (and `post-work WP --base REF`): every change REF..HEAD makes to the
governance directory, judged against REF. Logs only grow, records are only added, validator
states never move back, the config and the trusted public keys do not change under the work
they judge, each touched WP's packet still matches its lock (the lock at REF, or one made in the
range by a valid, signed transaction: govkit/gates/baselocks.py), and a COMMITTED validation
agrees with its VALIDATED record. Each finding names the commit that broke the rule
(govkit/gates/basewalk.py). Git: one `log --raw` for the range, one `diff --raw` for the net
change, one `cat-file --batch` for every file version of the range, and per touched WP the
records at REF and HEAD."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from govkit.config import CONFIG_REL
from govkit.errors import GovkitError
from govkit.gates.basewalk import History, named, net_changes, range_log
from govkit.gates.postwork.govstate import FIX, rule_problem
from govkit.result import Report
from govkit.util.bytes import ZERO_SHA
from govkit.vcs.git import cat_blobs

if TYPE_CHECKING:
    from govkit.workspace import Workspace


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
        self.keys = ws.p("keys_dir").rstrip("/") + "/"
        # `govkit approve WP` writes a signed approval once: like a record, it is only added.
        self.approvals = ws.p("approvals_dir").rstrip("/") + "/"
        self.trusted = {str(k) for k in ws.config.get("approvals.trusted_keys") or []}

    def of(self, path: str) -> tuple[str | None, str | None]:
        """(kind, WP) of a path."""
        if path in self.exact:
            return self.exact[path], None
        for d, kind, ext in ((self.val, "validator", ".json"), (self.pkts, "packet", ".md"),
                             (self.refs, "refinement", ".md"), (self.approvals, "records", ".json")):
            rest = path[len(d):] if path.startswith(d) else ""
            if rest and "/" not in rest and rest.endswith(ext):
                return kind, rest[:-len(ext)]
        if path.startswith(self.records):
            wp = path[len(self.records):].split("/", 1)[0]
            return "records", wp
        rest = path[len(self.keys):] if path.startswith(self.keys) else ""
        if rest.endswith(".pub") and "/" not in rest:
            return "key", rest[:-4]
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
    paths = list(dict.fromkeys([kinds.gov, kinds.keys, kinds.approvals]))
    net = net_changes(ws, base, head, paths)
    hist = History(ws, base, range_log(ws, base, head, paths), net)
    touched = sorted({wp for c in net for k, wp in [kinds.of(c.path)] if wp and k != "key"})
    if only_wp is not None:
        touched = [only_wp] if only_wp in touched or any(
            kinds.of(c.path)[0] == "gatelog" for c in net) else []
    report.facts["custody_wps"] = ", ".join(touched) or "none"
    # File rules, judged on the net change; the culprit is found by walking the range.
    for c in net:
        kind, wp = kinds.of(c.path)
        if kind is None or (only_wp is not None and kind != "key" and wp not in (None, only_wp)):
            continue
        if kind in ("config", "key"):
            _frozen(hist, kinds, kind, c.path, bool(touched), report)
            continue
        existed = c.old != ZERO_SHA
        hit = rule_problem(kind, hist.at_base(c.path), hist.blob(c), existed, c.status == "D")
        if hit and kind == "records" and any(ch.path == c.path and ch.status in "MDT"
                                             for commit in hist.log for ch in commit.changes):
            continue        # the walk below names each commit that changed the record
        if hit:
            who = hist.file_culprit(c.path, lambda new, old_too, k=kind, p=c.path: rule_problem(
                k, hist.at_base(p), new, old_too, new is None) is not None) or hist.merge_for(c.path)
            report.error(hit[0], f"{c.path}: {hit[1]}{named(who, base)}", c.path, None, FIX)
    # Records are only ever added: every commit that changed or removed one is named, also
    # when a later commit put it back (the net change hides that).
    for commit in hist.log:
        for ch in commit.changes:
            kind, wp = kinds.of(ch.path)
            if kind == "records" and ch.status in "MDT" and only_wp in (None, wp):
                report.error("GK-GOV-RECORD-EDIT", f"{ch.path}: a record was changed or removed "
                             f"after it was written (records are only ever added)"
                             f"{named(commit, base)}", ch.path, None, FIX)
    for wp in touched:
        _check_wp(ws, wp, base, head, hist, report)


def _frozen(hist: History, kinds: Kinds, kind: str, path: str, strict_sev: bool,
            report: Report) -> None:
    """The config and the trusted public keys are judged at REF: a change in the range is the
    rule's own relaxation."""
    base_blob = hist.at_base(path)
    if kind == "key" and base_blob is None and (kinds.of(path)[1] not in kinds.trusted):
        return      # a new key nobody trusts at REF cannot sign anything that counts
    who = named(hist.file_culprit(path, lambda new, _existed: new != base_blob), hist.base)
    if kind == "config":
        sev = report.error if strict_sev else report.warn
        sev("GK-GOV-CONFIG", f"the governance config {path} changed since REF "
            f"{hist.base[:12]}{who}; the gates judge with REF's config", path, None,
            "land config changes on their own, approved by the operator, outside the WP's change")
        return
    report.error("GK-GOV-KEY", f"the public key {path} of a trusted operator key changed since "
                 f"REF {hist.base[:12]}{who}; signatures are checked with REF's keys", path, None,
                 "restore the key from REF; a new operator key lands on its own, with the "
                 "config that trusts it")


def record_edits(ws: Workspace, base: str, head: str, records_dir: str, report: Report) -> None:
    """post-work on a range: a record added in the range and edited later in it is "added" on
    the net diff; its history says otherwise."""
    for commit in range_log(ws, base, head, [records_dir]):
        for c in commit.changes:
            if c.status in "MDT":
                report.error("GK-GOV-RECORD-EDIT", f"{c.path}: a record was changed or removed "
                             f"after it was written{named(commit, base)}", c.path, None, FIX)


def _add_named(report: Report, f) -> None:
    """Add a lock finding; post-work has already reported it without the commit's name (its
    own lock check knows no range), so that one is replaced, in place."""
    for i, old in enumerate(report.findings):
        if (old.code, old.path, old.line) == (f.code, f.path, f.line) and \
                f.message.startswith(old.message):
            report.findings[i] = f
            return
    report.findings.append(f)


def _check_wp(ws: Workspace, wp: str, base: str, head: str, hist: History, report: Report) -> None:
    from govkit.gates.baselocks import check_range_records
    from govkit.gates.basewalk import drift_blame
    from govkit.gates.lock import check_lock, current_lock, load_records, records_dir

    problems: list = []
    at_base = load_records(ws, wp, rev=base, problems=[])
    at_head = load_records(ws, wp, rev=head, problems=problems)
    lock_base, lock_head = current_lock(at_base), current_lock(at_head)
    d = records_dir(ws, wp) + "/"
    if lock_base is not None and (lock_head is None or lock_head.seq < lock_base.seq):
        present = {"lock": True}

        def lock_gone(hits) -> bool:
            for c in hits:
                if c.path == lock_base.path:
                    present["lock"] = c.status != "D"
            return not present["lock"]

        gone = hist.culprit(lambda p: p.startswith(d), False, lock_gone)
        report.error("GK-CUSTODY-LOCK", f"the LOCK of {wp} recorded at {base[:12]} "
                     f"({posixpath.basename(lock_base.path)}) is gone at HEAD"
                     f"{named(gone, base)}", lock_base.path, None,
                     f"restore {d} from {base[:12]}")
    pkt_rel = ws.packet_rel(wp)
    if ws.abs(pkt_rel).is_file():
        if lock_head is not None and lock_base is not None and lock_head.seq > lock_base.seq:
            report.info("GK-CUSTODY-RELOCK", f"{wp} was re-locked in the range "
                        f"({posixpath.basename(lock_head.path)})"
                        f"{named(hist.added_by(lock_head.path), base)}", lock_head.path)
        sub = Report(report.gate, wp)
        check_lock(ws, wp, pkt_rel, sub, records=at_head,
                   blame=drift_blame(hist, pkt_rel, d, at_base))
        for f in sub.findings:  # a record the range made is named by the commit that made it
            made = hist.added_by(f.path) if f.code != "GK-LOCK-DRIFT" and f.path and \
                f.path.startswith(d) else None
            _add_named(report, f._replace(message=f.message + named(made, base)))
    check_range_records(ws, wp, hist, at_base, at_head, report)
    _check_witness(ws, wp, hist, head, at_base, at_head, report)


def _check_witness(ws: Workspace, wp: str, hist: History, head: str, at_base, records,
                   report: Report) -> None:
    """A VALIDATED record needs the validator state that says COMMITTED for the same commit."""
    from govkit.gates.validated import state_disagrees
    from govkit.model.records import parse_record

    validated = [r for r in records if r.type == "VALIDATED"]
    if not validated:
        return
    rel = f"{ws.p('validator_gates_dir').rstrip('/')}/{wp}.json"
    raw = cat_blobs(ws.git, [f"{head}:{rel}"]).get(f"{head}:{rel}")
    problem = state_disagrees(raw, wp, validated[-1])
    if not problem:
        return
    d = posixpath.dirname(validated[-1].path) + "/"
    now = {"state": hist.at_base(rel) if any(c.path == rel for c in hist.log_changes())
           else raw, "rec": next((r for r in reversed(at_base) if r.type == "VALIDATED"), None)}

    def after(hits) -> bool:
        for c in hits:
            if c.path == rel:
                now["state"] = hist.blob(c)
            elif c.status != "D" and c.path.endswith("-VALIDATED.json"):
                try:
                    now["rec"] = parse_record(hist.blob(c) or b"", c.path)
                except ValueError:
                    pass
        return now["rec"] is not None and state_disagrees(now["state"], wp, now["rec"]) is not None

    fails_at_base = now["rec"] is not None and state_disagrees(now["state"], wp, now["rec"]) \
        is not None
    who = hist.culprit(lambda p: p == rel or p.startswith(d), fails_at_base, after)
    report.error("GK-VAL-WITNESS", f"{rel}: {problem}{named(who, hist.base)}", rel, None,
                 f"restore {rel} from the commit that recorded {validated[-1].path}")

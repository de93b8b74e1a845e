"""Governance files in a WP's diff: exempt from scope and manifest only as govkit writes them.

The exact files govkit writes for this WP (gate log, signature audit, this WP's validator state,
record files and signed approval, packet, refinement, board, registry, audit checkpoints) need
no scope entry and no manifest, but only for the changes govkit itself makes: logs grow at the
end, records and checkpoints are only added, a validator state never moves back. Every other
file under the governance directory is judged like code (GK-GOV-EDIT unless the packet's scope
names it), and the config that defines the rules is never changed by the work it judges
(GK-GOV-CONFIG)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govkit.config import CONFIG_REL
from govkit.result import Report
from govkit.util.globs import matches
from govkit.vcs.diffset import FileChange

if TYPE_CHECKING:
    from govkit.workspace import Workspace

VALIDATOR_ORDER = ["REPORT_PRESENTED", "USER_ACKNOWLEDGED", "WP_APPENDED", "COMMITTED"]


@dataclass
class GovFiles:
    """Where this WP's governance files live (all repo-relative POSIX paths)."""
    gov_dir: str
    exact: dict[str, str]          # path -> kind
    records_dir: str               # this WP's record directory, with a trailing /
    checkpoints_dir: str            # signed audit checkpoints (only ever added)
    runtime: list[str]             # govkit's runtime files (lock, journals, the local trail)

    def kind(self, path: str) -> str | None:
        """'gatelog', 'sigaudit', 'validator', 'records', 'checkpoint', 'exempt' (packet,
        refinement, board, registry), 'config', 'gov' (any other governance file) or None."""
        k = self.exact.get(path)
        if k:
            return k
        if path.startswith(self.records_dir):
            return "records"
        if self.checkpoints_dir and path.startswith(self.checkpoints_dir) and \
                matches(path[len(self.checkpoints_dir):], "audit-*.json"):
            return "checkpoint"
        if path == CONFIG_REL:
            return "config"
        if any(matches(path, p) for p in self.runtime):
            return "exempt"
        if path.startswith(self.gov_dir):
            return "gov"
        return None


def gov_files(ws: Workspace, wp: str, packet_rel: str) -> GovFiles:
    gov = ws.p("gov_dir").rstrip("/") + "/"
    exact = {packet_rel: "exempt", ws.refinement_rel(wp): "exempt",
             ws.p("task_board"): "exempt", ws.p("traceability_registry"): "exempt",
             ws.p("gate_log"): "gatelog", ws.p("signature_audit"): "sigaudit",
             ws.p("legacy_validator_gates"): "validator",
             f"{ws.p('validator_gates_dir').rstrip('/')}/{wp}.json": "validator",
             # `govkit approve WP` writes it and the authorize commit carries it: only added.
             f"{ws.p('approvals_dir').rstrip('/')}/{wp}.json": "records",
             CONFIG_REL: "config"}
    # The trail lives in the git directory; what the tree holds are signed checkpoints
    # (govkit audit checkpoint), which are only ever added.
    state = ws.p("state_dir").rstrip("/") + "/"
    runtime = [f"{state}lock", f"{state}.gitignore", f"{state}txn/*.json"]
    return GovFiles(gov, exact, f"{gov}records/{wp}/", f"{gov}checkpoints/", runtime)


def exempt_patterns(files: GovFiles) -> list[str]:
    """The exempt files as path patterns (exact paths, this WP's record dir, checkpoints)."""
    pats = [p for p, k in files.exact.items() if k not in ("config",)]
    pats.append(files.records_dir)
    pats += files.runtime
    if files.checkpoints_dir:
        pats.append(files.checkpoints_dir + "audit-*.json")
    return pats


def rule_problem(kind: str, old: bytes | None, new: bytes | None, existed: bool,
                 gone: bool) -> tuple[str, str] | None:
    """(code, problem) when a change of a govkit-written file is not one govkit would make.
    old/new: the bytes at the base and after the change; existed: the file was there before
    (at the base or earlier in the range); gone: deleted (or renamed away)."""
    if kind == "gatelog":
        problem = _json_log_problem(old, None if gone else new)
        return ("GK-GOV-LOG-REWRITE", problem) if problem else None
    if kind == "sigaudit":
        problem = _table_problem(old, None if gone else new)
        return ("GK-GOV-LOG-REWRITE", problem) if problem else None
    if kind == "validator":
        problem = _validator_problem(old, None if gone else new)
        return ("GK-GOV-STATE-REVERT", problem) if problem else None
    if kind in ("records", "checkpoint") and (existed or gone):
        return ("GK-GOV-RECORD-EDIT", "an existing record was changed or removed (records are "
                "only ever added)")
    return None


FIX = "restore it from the base (git checkout BASE -- PATH); govkit writes governance files only " \
      "through its commands"


def check_gov_changes(files: GovFiles, changes: list[FileChange], scope: list[str] | None,
                      report: Report, where: str = "") -> None:
    """Findings for governance changes govkit itself would never make. `scope` are the
    (locked) IN_SCOPE patterns: a governance file the packet names is judged like code."""
    named = scope or []
    for f in changes:
        for path in f.paths():
            kind = files.kind(path)
            if kind is None or kind in ("exempt", "gov"):
                continue      # "gov": the scope check reports it (GK-GOV-EDIT)
            if kind == "config":
                if any(path == p.strip().lstrip("./") for p in named):
                    continue
                report.error("GK-GOV-CONFIG", f"{where}the governance config {path} changed inside "
                             "the change it governs; the gates judge with the config of the base",
                             path, None, "revert it; a config change lands on its own, approved by "
                             "the operator, before the WP's merge base")
                continue
            gone = f.deleted or (path != f.path)   # deleted, or renamed away
            before = path == (f.old_path or f.path) and f.old_path is not None
            hit = rule_problem(kind, f.old_data if before else None, f.new_data, before, gone)
            if hit:
                report.error(hit[0], f"{where}{path}: {hit[1]}", path, None, FIX)


def _entries(raw: bytes | None) -> list | None:
    if raw is None:
        return []
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("gate_logs", []), list):
        return data.get("gate_logs", [])
    return None


def _json_log_problem(old: bytes | None, new: bytes | None) -> str | None:
    before, after = _entries(old), _entries(new)
    if before is None:
        return None         # the base was unreadable: nothing to preserve
    if after is None:
        return "the gate log is no longer a JSON object {\"gate_logs\": [...]}" if new is not None \
            else f"the gate log was deleted ({len(before)} entries)" if before else None
    if after[:len(before)] == before:
        return None
    for n, e in enumerate(before):
        if n >= len(after):
            return f"entries {n + 1}..{len(before)} of the base were removed"
        if after[n] != e:
            what = "reordered" if e in after else "changed or removed"
            return (f"entry {n + 1} of the base ({e.get('type', '?') if isinstance(e, dict) else '?'}"
                    f" {e.get('wpId', '') if isinstance(e, dict) else ''}) was {what}; the log is "
                    "append-only")
    return "the log was rewritten"


def _rows(raw: bytes | None) -> list[tuple] | None:
    """The signature rows of a SIGNATURE_AUDIT version (cells only), or None if unreadable."""
    if raw is None:
        return []
    from govkit.errors import GovkitError
    from govkit.model.markdown import parse
    from govkit.model.sigaudit import parse_signature_audit
    from govkit.util.textio import decode

    try:
        return [tuple(r)[:-1] for r in parse_signature_audit(parse(decode(raw, "audit")))]
    except GovkitError:
        return None


def _table_problem(old: bytes | None, new: bytes | None) -> str | None:
    before, after = _rows(old), _rows(new)
    if not before:
        return None
    if after is None:
        return "the signature audit is no longer readable UTF-8 Markdown"
    it = iter(after)
    for n, row in enumerate(before):
        if not any(row == r for r in it):
            return (f"row {n + 1} of the base table (signature {row[0]}) was changed, reordered "
                    "or removed; the signature audit is append-only")
    return None


def _sessions(raw: bytes | None) -> tuple[dict, list] | None:
    if raw is None:
        return {}, []
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    s, a = data.get("validation_sessions"), data.get("archived_sessions")
    return (s if isinstance(s, dict) else {}), (a if isinstance(a, list) else [])


def _rank(session) -> int:
    st = session.get("status") if isinstance(session, dict) else None
    return VALIDATOR_ORDER.index(st) if st in VALIDATOR_ORDER else -1


def _validator_problem(old: bytes | None, new: bytes | None) -> str | None:
    before = _sessions(old)
    if before is None:
        return None
    after = _sessions(new)
    if after is None:
        return "the validator state is no longer a readable JSON object"
    (bs, ba), (as_, aa) = before, after
    if aa[:len(ba)] != ba:
        return "an archived validation session was changed or removed"
    for wp, s in bs.items():
        now = as_.get(wp)
        if _rank(s) == len(VALIDATOR_ORDER) - 1:
            if now != s:
                return (f"the COMMITTED validation of {wp} was "
                        f"{'removed' if now is None else 'changed'}; a COMMITTED state never "
                        "moves back")
            continue
        if not isinstance(s, dict):
            continue
        if now is None or (isinstance(now, dict) and now.get("started") != s.get("started")):
            # present-report / reset archive an unfinished session; they never drop it.
            if s not in aa[len(ba):]:
                return f"the validation session of {wp} was dropped without being archived"
            continue
        if not isinstance(now, dict):
            return f"the validation session of {wp} is no longer an object"
        gates_before = s.get("gates") or [] if isinstance(s, dict) else []
        gates_after = now.get("gates") or []
        if _rank(now) < _rank(s) or gates_after[:len(gates_before)] != gates_before:
            return (f"the validation session of {wp} went back from "
                    f"{s.get('status') if isinstance(s, dict) else '?'} to {now.get('status')}")
    return None

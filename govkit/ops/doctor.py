"""`govkit doctor`: one health report for a workspace, repairing what is safe to repair.

Checks, in order: configuration, audit key, workspace lock (busy: who holds it),
interrupted transactions (completed by govkit.txn.recover), the audit trail (crash tails cut
into quarantine, intents without results closed as abandoned, then a full verify), and pending
runs. Anything that needs the user is an error finding whose hint is the fixing command.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import TYPE_CHECKING

from govkit import config as config_mod
from govkit.errors import GovkitError, LockTimeout
from govkit.result import Report
from govkit.util.paths import display_for
from govkit.workspace import Workspace

if TYPE_CHECKING:
    from govkit.workspace import Workspace

ABANDONED = ("abandoned: no result was recorded and no interrupted transaction was left for "
             "it; closed by govkit doctor (files left as they are)")


def open_workspace(repo: str | None, report: Report):
    """A Workspace even when the configuration is invalid (then with defaults + an error)."""
    root = Workspace.find_root(repo)
    try:
        cfg = config_mod.load(Path(root).resolve())
        report.info("GK-DOCTOR-CONFIG", "configuration is valid"
                    + (f" ({cfg.source})" if cfg.source else " (built-in defaults)"))
    except GovkitError as exc:
        report.error("GK-DOCTOR-CONFIG", exc.message, path=exc.path, line=exc.line,
                     hint=exc.hint or "fix .GOV/govkit.yaml")
        cfg = config_mod.Config(copy.deepcopy(config_mod.DEFAULTS), None)
    return Workspace(root, cfg)


def diagnose(repo: str | None) -> tuple[Report, object]:
    report = Report("doctor")
    ws = open_workspace(repo, report)
    _report_profile(ws, report)
    key_ok = _check_key(ws, report)
    if not ws.abs(ws.p("gov_dir")).is_dir():
        report.info("GK-DOCTOR-GOV", f"not a governed workspace (no {ws.p('gov_dir')}/): "
                    "nothing else to check", hint="govkit init")
        return report, ws
    try:
        lock = ws.lock("doctor")
        lock.acquire()
    except LockTimeout as exc:  # busy: the message names the holder
        report.error("GK-DOCTOR-LOCK", exc.message, path=exc.path, hint=exc.hint)
        return report, ws
    try:
        if lock.left_by is not None:  # the OS released it when that process died
            from govkit.store.lock import describe_holder

            report.info("GK-DOCTOR-LOCK", f"the last holder of the workspace lock, "
                        f"{describe_holder(lock.left_by)}, ended without releasing it (crashed "
                        "or killed); the lock was freed when its process exited, so there was "
                        "nothing to recover", path=display_for(ws.root)(lock.path))
        _check_txn(ws, report)
        _check_trail(ws, report, key_ok)
        _check_runs(ws, report)
    finally:
        lock.release()
    if report.passed:
        report.next_commands.append("none: the workspace is healthy")
    return report, ws


def _report_profile(ws: Workspace, report: Report) -> None:
    """Which profile is in force, and why (docs/compatibility.md)."""
    profile = ws.config.get("profile")
    if ws.config.source is None:
        why = (f"no {config_mod.CONFIG_REL}: an existing repository is judged as the original "
               "scripts judged it")
    elif _sets_profile(ws.root / config_mod.CONFIG_REL):
        why = f"set in {config_mod.CONFIG_REL}"
    else:
        why = f"{config_mod.CONFIG_REL} does not set it: the default"
    what = ("the original's verdicts, its practices reported as warnings ('strict: FAIL')"
            if profile == "compat" else "the original's defects refused; locks and keys required")
    report.info("GK-DOCTOR-PROFILE", f"profile {profile} ({why}): {what}",
                hint="set 'profile: strict' in .GOV/govkit.yaml to refuse what compat warns about"
                if profile == "compat" else None)
    if profile == "strict":
        from govkit.actions.lock import KEYS_FIX, operator_key_problem

        problem = operator_key_problem(ws)
        if problem is not None:
            report.warn("GK-DOCTOR-OPERATOR-KEY", "profile strict: this machine cannot sign the "
                        f"locks that create-task-packet, lock and amend write: {problem} (only "
                        "the operator's machine needs one)",
                        hint=f"the operator runs `{KEYS_FIX}` once; export GOVKIT_KEY_DIR=DIR "
                             "when the private key is not in ~/.config/govkit/keys")


def _sets_profile(path: Path) -> bool:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "profile" in data


def _check_key(ws: Workspace, report: Report) -> bool:
    from govkit.audit.key import load_for

    try:
        key, source = load_for(ws)
    except GovkitError as exc:
        report.error("GK-DOCTOR-KEY", exc.message, path=exc.path, hint=exc.hint)
        return False
    if key is None:
        report.warn("GK-DOCTOR-KEY", "no audit key: records are hash-chained but not HMAC-signed, "
                    "so someone who can write the file can re-chain it undetected",
                    hint="the next govkit command that writes the trail makes this repository's "
                         "key (docs/audit.md); or set GOVKIT_AUDIT_KEY or audit.key_file")
    else:
        report.info("GK-DOCTOR-KEY", f"audit key found ({source})")
    return True


def _check_txn(ws: Workspace, report: Report) -> None:
    from govkit.txn.recover import recover

    try:
        for msg in recover(ws, locked=True):
            report.warn("GK-DOCTOR-TXN", f"{msg} (fixed)")
    except GovkitError as exc:
        report.error("GK-DOCTOR-TXN", exc.message, path=exc.path, hint=exc.hint)


def _check_trail(ws: Workspace, report: Report, key_ok: bool) -> None:
    from govkit.audit import files
    from govkit.audit import recorder as hook
    from govkit.audit.key import load_for
    from govkit.audit.verify import verify_trail
    from govkit.gates.audit_verify import witnesses
    from govkit.txn.recover import pending_intents

    path = hook.trail_path(ws)
    show = display_for(ws.root)
    if not key_ok:
        report.error("GK-DOCTOR-TRAIL", "the audit trail was not checked: the audit key is "
                     "unusable (see GK-DOCTOR-KEY)", path=show(path), hint="fix the key first")
        return
    if not files.chain(path):  # no trail: healthy only when nothing witnessed one
        if not witnesses(ws, load_for(ws)[0], Report("audit-verify")):
            report.info("GK-DOCTOR-TRAIL", "no audit trail yet", path=show(path))
            return
    trail = hook.get_trail(ws, force=True)
    try:
        for seq, cmd, wp in trail.close_open(ABANDONED, keep=pending_intents(ws)):
            report.warn("GK-DOCTOR-INTENT", f"intent {seq} ({cmd} {wp or ''}".rstrip() + ") had "
                        "no result and no interrupted transaction: closed as abandoned, files "
                        "left as they are (fixed)", path=show(path))
        trail.flush()
    except GovkitError as exc:
        report.error("GK-DOCTOR-TRAIL", exc.message, path=show(path), hint=exc.hint)
    for msg in trail.recovered:
        report.warn("GK-DOCTOR-TRAIL", f"{msg} (fixed)")
    trail.recovered.clear()
    sub = Report("audit-verify")
    found = witnesses(ws, trail.key, sub)
    verify_trail(path, trail.key, show, all_problems=False, report=sub, witnesses=found)
    for f in sub.findings:
        if f.code == "GK-AUDIT-QUARANTINE":
            report.warn(f.code, "quarantined bytes from an earlier crash recovery", path=f.path,
                        hint=f.hint)
    if sub.errors:
        first = sub.errors[0]
        report.error("GK-DOCTOR-TRAIL", f"the audit trail does not verify: {first.code}: "
                     f"{first.message}", path=first.path, line=first.line,
                     hint="govkit audit verify --json (lists every problem)")
    else:
        report.info("GK-DOCTOR-TRAIL", f"audit trail verifies ({sub.facts.get('records', 0)} "
                    f"records, HMAC {sub.facts.get('hmac')})", path=show(path))
    report.facts["audit_records"] = sub.facts.get("records", 0)


def _check_runs(ws: Workspace, report: Report) -> None:
    runs = ws.state_dir() / "runs"
    try:
        pending = sorted(n for n in os.listdir(runs) if not n.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        pending = []
    if not pending:
        report.info("GK-DOCTOR-RUN", "no pending runs")
        return
    for name in pending:
        report.error("GK-DOCTOR-RUN", f"pending run '{name}' did not finish",
                     path=display_for(ws.root)(runs / name),
                     hint="inspect the run record; remove it once the files are as they should be")

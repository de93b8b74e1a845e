"""The signature rules: token format, the minimum interval since the refinement was recorded,
"a signature is one-time use", and "the signature audit names this WP" (this module and nowhere
else). record-signature (govkit.actions.sign) and pre-work apply them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.timeutil import parse_iso, token_stamp, ts_problem

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def check_format(ws: Workspace, token: str, report: Report) -> bool:
    pattern = ws.config.get("signature.token_pattern")
    try:
        ok = re.fullmatch(pattern, token or "") is not None
    except re.error as exc:
        raise GovkitError(f"signature.token_pattern is not a valid regex: {exc}",
                          path=ws.config.source or ".GOV/govkit.yaml") from None
    if not ok or not token.isalnum():
        report.error("GK-SIG-FORMAT", f"signature {token!r} has the wrong format (expected "
                     f"{pattern}, e.g. operator{token_stamp()})",
                     None, None, "the operator types {user}{DDMMYYYYHHMM} once, for this WP")
        return False
    return True


def token_time(token: str) -> float | None:
    """The UTC time of a token's trailing DDMMYYYYHHMM, or None when it has none or it is no
    real date (31 February)."""
    import calendar

    m = re.search(r"(\d{2})(\d{2})(\d{4})(\d{2})(\d{2})$", token or "")
    if m is None:
        return None
    day, month, year, hour, minute = (int(g) for g in m.groups())
    try:
        from datetime import datetime

        datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, 0, 0, 0, 0)))


def check_window(ws: Workspace, token: str, report: Report, now: float) -> None:
    """A token's date must lie within signature.window_seconds of now (either side): a token
    dated next year, or last year, is not today's signature. 0 turns the rule off."""
    window = float(ws.config.get("signature.window_seconds"))
    if window <= 0:
        return
    when = token_time(token)
    stamp = token_stamp(now)
    if when is None:
        report.error("GK-SIG-DATE", f"signature {token!r} does not end in a real date and time "
                     f"(DDMMYYYYHHMM, UTC)", None, None,
                     f"the operator types the time of signing, e.g. ...{stamp}")
        return
    delta = when - now
    if abs(delta) > window:
        side = "in the future" if delta > 0 else "in the past"
        report.error("GK-SIG-WINDOW", f"signature {token} is dated {abs(delta) / 3600:.1f}h "
                     f"{side}; it must lie within {window:g}s of now "
                     f"(signature.window_seconds, UTC)", None, None,
                     f"the operator signs with the current UTC time, e.g. ...{stamp}")


def check_interval(ws: Workspace, ref_entry: dict, report: Report, now: float) -> None:
    """The configured minimum time between the recorded refinement and its signature."""
    minimum = float(ws.config.get("signature.min_interval_seconds"))
    log_rel = ws.p("gate_log")
    problem = ts_problem(ref_entry, "REFINEMENT record", now)
    if problem:
        code = "GK-SIG-CLOCK" if "future" in problem else "GK-SIG-TIMESTAMP"
        report.error(code, problem, log_rel, None,
                     "record the refinement again (govkit record-refinement) and sign later")
        return
    elapsed = now - parse_iso(ref_entry["timestamp"]).timestamp()
    if elapsed < minimum:
        wait = max(1, int(minimum - elapsed + 0.999))
        report.error("GK-SIG-INTERVAL", f"signature {elapsed:.1f}s after the refinement was "
                     f"recorded; the minimum is {minimum:g}s: wait {wait}s more", log_rel, None,
                     "the operator reviews the refinement in a new turn, then signs")


def check_one_time_use(ws: Workspace, token: str, report: Report) -> None:
    """A signature token is one-time use: it may not appear anywhere, on any branch, in any
    worktree, anywhere in history, in the gate log or in the signature audit."""
    from govkit.signing.sigindex import find_uses

    uses = find_uses(ws, token)
    if uses:
        first = uses[0]
        more = f" (and {len(uses) - 1} more place(s))" if len(uses) > 1 else ""
        report.error("GK-SIG-REUSED", f"signature {token} was already used: {first.describe()}"
                     f"{more}; signatures are one-time use", first.path, first.line,
                     "the operator must provide a new signature")
        report.facts["first_use"] = first.describe()


def check_audited(ws: Workspace, wp: str, sig: str, report: Report, prefix: str) -> None:
    """The signature is in SIGNATURE_AUDIT exactly once, in a row that names this WP
    (codes <prefix>-AUDIT, <prefix>-REUSED, <prefix>-OTHER-WP)."""
    rows = ws.signature_rows()
    audit_rel = ws.p("signature_audit")
    if rows is None:
        report.error(f"{prefix}-AUDIT", "signature audit file is missing", audit_rel)
        return
    mine = [r for r in rows if r.signature == sig]
    if not mine:
        report.error(f"{prefix}-AUDIT", f"signature {sig} is not in the signature audit", audit_rel, None,
                     f"govkit record-signature {wp} {sig} records it")
    elif len(mine) > 1:
        report.error(f"{prefix}-REUSED", f"signature {sig} appears {len(mine)} times in the signature audit "
                     "(signatures are one-time use)", audit_rel, mine[1].line)
    elif not mine[0].names_wp(wp):
        report.error(f"{prefix}-OTHER-WP", f"signature {sig} was recorded for another work packet "
                     f"({mine[0].purpose})", audit_rel, mine[0].line,
                     "each packet needs its own operator signature")

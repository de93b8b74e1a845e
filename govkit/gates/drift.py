"""Forbidden-pattern rules from config (forbidden_patterns), checked over tracked files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from govkit.errors import GovkitError
from govkit.result import Report
from govkit.util.globs import any_match
from govkit.util.textio import read_bytes

if TYPE_CHECKING:
    from govkit.workspace import Workspace


def check_ci(ws: Workspace, base_ref: str | None = None,
             progress: Callable[[str], None] | None = None) -> Report:
    """`govkit ci`: spec, board, forbidden patterns, the audit trail against its witnesses, the
    check modules, and with base_ref the chain of custody of REF..HEAD, judged with the config
    at REF. progress(step) hears of each step."""
    from govkit.util.gcpause import gc_paused

    with gc_paused():   # a read-only sweep that builds every packet's model: no cycles to chase
        return _check_ci(ws, base_ref, progress)


def _check_ci(ws: Workspace, base_ref: str | None,
              progress: Callable[[str], None] | None) -> Report:
    from govkit.gates.board import check_board
    from govkit.gates.spec import check_spec

    step = progress or (lambda _step: None)
    report = Report("ci")
    if base_ref is not None:
        step(f"changes since {base_ref}")
        from govkit import config as config_mod
        from govkit.gates.basecheck import base_config_raw, check_base
        from govkit.workspace import Workspace as _Ws

        raw, changed = base_config_raw(ws, base_ref)
        if changed:
            ws = _Ws(ws.root, config_mod.from_bytes(ws.root, raw))
        check_base(ws, base_ref, report)
    step("spec")
    report.merge(check_spec(ws))
    step("board")
    report.merge(check_board(ws))
    step("forbidden patterns")
    check_forbidden(ws, report)
    from govkit.gates.passed import check_validated_passed

    step("validated WPs passed")
    check_validated_passed(ws, report)
    from govkit.gates.audit_verify import check_witnesses

    step("audit trail witnesses")
    check_witnesses(ws, report)
    from govkit.gates.ci_checks import run_checks

    run_checks(ws, report, progress=progress)
    return report


def check_forbidden(ws: Workspace, report: Report | None = None) -> Report:
    report = report or Report("forbidden-patterns")
    rules = ws.config.get("forbidden_patterns")
    if not rules:
        return report
    compiled = []
    for n, rule in enumerate(rules):
        try:
            compiled.append((rule, re.compile(rule["pattern"])))
        except re.error as exc:
            raise GovkitError(f"forbidden_patterns[{n}] ({rule['id']}): invalid regex: {exc}",
                              path=ws.config.source) from None
    files = ws.git.out("ls-files", "-z").split("\0")
    for rel in filter(None, files):
        wanted = [(r, rx) for r, rx in compiled
                  if any_match(rel, r.get("paths", ["**"])) and not any_match(rel, r.get("allow", []))]
        if not wanted:
            continue
        try:  # non-blocking: a FIFO where a tracked file was is skipped, never waited on
            data = read_bytes(ws.abs(rel), rel)
        except GovkitError:
            continue
        if b"\0" in data[:8192]:
            continue
        for lineno, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            for rule, rx in wanted:
                if rx.search(line):
                    report.error(f"GK-FORBIDDEN-{rule['id']}".upper(),
                                 rule.get("message") or f"forbidden pattern '{rule['pattern']}'",
                                 rel, lineno)
    return report

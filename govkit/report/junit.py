"""JUnit XML (Jenkins/Surefire junit-10.xsd) for one Report: one testcase per check.

`govkit ci` lists the checks it ran in facts["ci_checks"] (name and the codes it emitted), so
each check is a testcase and the rest of the findings (spec pointer, board, forbidden patterns)
one more; any other gate is one testcase. Untrusted text passes through escape() first, so no
character XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF) is ever written."""

from __future__ import annotations

from html import escape as _markup

from govkit.result import ERROR, Finding, Report
from govkit.util.escape import escape


def xml(text: object) -> str:
    return _markup(escape(text), quote=True)


def _line(f: Finding) -> str:
    loc = f.location()
    return f"{f.severity.upper()} {f.code}: {f.message}" + (f" ({loc})" if loc else "")


def _groups(report: Report) -> list[tuple[str, list[Finding]]]:
    checks = report.facts.get("ci_checks")
    title = f"{report.gate} {report.wp}" if report.wp else report.gate
    if not isinstance(checks, list) or not checks:
        return [(title, list(report.findings))]
    owner: dict[str, str] = {}
    names = [str(c.get("check")) for c in checks if isinstance(c, dict)]
    groups: dict[str, list[Finding]] = {n: [] for n in names}
    rest: list[Finding] = []
    for c in checks:
        for code in c.get("codes", []) if isinstance(c, dict) else []:
            owner.setdefault(code, str(c.get("check")))
    for f in report.findings:
        named = [n for n in names if f"check '{n}'" in f.message]
        who = named[0] if f.code == "GK-CI-CHECK-ERROR" and named else owner.get(f.code)
        (groups[who] if who in groups else rest).append(f)
    # The findings of no listed check (spec pointer, board, patterns) are one more case.
    return [(f"{report.gate}: other checks", rest)] + [(f"{report.gate}: {n}", groups[n]) for n in names]


def _case(name: str, classname: str, findings: list[Finding]) -> tuple[str, bool]:
    errs = [f for f in findings if f.severity == ERROR]
    body = ""
    if errs:
        msg = f"{len(errs)} error(s); first: {errs[0].code}: {errs[0].message}"
        detail = "\n".join(xml(_line(f)) for f in errs)
        body += f'<failure type="{xml(errs[0].code)}" message="{xml(msg)}">{detail}</failure>'
    others = [f for f in findings if f.severity != ERROR]
    if others:
        body += "<system-out>" + "\n".join(xml(_line(f)) for f in others) + "</system-out>"
    return (f'<testcase name="{xml(name)}" classname="{xml(classname)}" time="0">{body}</testcase>',
            bool(errs))


def render_junit(report: Report, exit_code: int | None = None, error: str | None = None) -> str:
    """The document; exit_code/error: a command that could not run (2 or 3) is one failed case."""
    classname = f"govkit.{report.gate}"
    if error is not None:
        cases = [(f'<testcase name="{xml(report.gate)}" classname="{xml(classname)}" time="0">'
                  f'<failure type="govkit-exit-{exit_code}" message="{xml(error)}">{xml(error)}</failure>'
                  "</testcase>", True)]
    else:
        cases = [_case(n, classname, fs) for n, fs in _groups(report)]
    failures = sum(1 for _, failed in cases if failed)
    suite = f"govkit {report.gate} {report.wp}" if report.wp else f"govkit {report.gate}"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuite name="{xml(suite)}" tests="{len(cases)}" failures="{failures}" errors="0" '
            f'skipped="0" time="0">' + "".join(c for c, _ in cases) + "</testsuite>\n")

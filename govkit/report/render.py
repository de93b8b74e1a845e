"""Renderings of a Report: text, json, gate block, SARIF, JUnit, HTML. No rules here."""

from __future__ import annotations

import os

from govkit import __version__
from govkit.result import ERROR, WARNING, Report

FORMATS = ("text", "json", "gate", "sarif", "junit", "html")

_COLORS = {"PASS": "32", "FAIL": "31", ERROR: "31", WARNING: "33", "info": "36"}


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, key: str, color: bool) -> str:
    return f"\033[{_COLORS[key]}m{text}\033[0m" if color else text


def render_text(report: Report, color: bool = False, verbosity: int = 0) -> str:
    lines = []
    for k, v in report.facts.items():
        if verbosity >= 0 and isinstance(v, (str, int, float)) and not k.startswith("_"):
            lines.append(f"{k}: {v}")
    shown = [f for f in report.findings if verbosity > 0 or f.severity != "info"]
    for f in shown:
        loc = f.location()
        head = f"{_paint(f.severity.upper(), f.severity, color)} {f.code}"
        lines.append(f"{head}: {f.message}" + (f" ({loc})" if loc else ""))
        if f.hint:
            lines.append(f"  fix: {f.hint}")
    wp = f" {report.wp}" if report.wp else ""
    summary = f"{report.gate}{wp}: {_paint(report.verdict, report.verdict, color)}"
    n_err, n_warn = len(report.errors), len(report.warnings)
    if n_err or n_warn:
        summary += f" ({n_err} error(s), {n_warn} warning(s))"
    lines.append(summary)
    if report.next_commands and verbosity >= 0:
        lines.append("next: " + " ; ".join(report.next_commands))
    return "\n".join(lines)


def render_json(report: Report) -> str:
    import json

    return json.dumps(report.to_dict(), indent=2, sort_keys=False, default=str)


def render_gate(report: Report) -> str:
    """The GATE_OUTPUT / GATE_STATUS / NEXT_COMMANDS block agents paste into packets."""
    wp = f" {report.wp}" if report.wp else ""
    out = [f"GATE_OUTPUT [{report.gate}{wp}]"]
    if not report.findings:
        out.append("- (no findings)")
    for f in report.findings:
        loc = f.location()
        out.append(f"- {f.severity.upper()} {f.code}: {f.message}" + (f" ({loc})" if loc else ""))
    out.append(f"GATE_STATUS: {report.verdict}")
    out.append("NEXT_COMMANDS:")
    out.extend(f"- {c}" for c in report.next_commands) if report.next_commands else out.append("- none")
    return "\n".join(out)


def render_sarif(report: Report) -> str:
    rules = sorted({f.code for f in report.findings})
    level = {ERROR: "error", WARNING: "warning", "info": "note"}
    results = []
    for f in report.findings:
        r = {"ruleId": f.code, "level": level[f.severity], "message": {"text": f.message}}
        if f.path:
            loc = {"artifactLocation": {"uri": f.path}}
            if f.line:
                loc["region"] = {"startLine": f.line}
            r["locations"] = [{"physicalLocation": loc}]
        results.append(r)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govkit", "version": __version__,
                                "rules": [{"id": c} for c in rules]}},
            "results": results,
        }],
    }
    import json

    return json.dumps(doc, indent=2)


def render_junit(report: Report) -> str:
    from html import escape as esc

    errs = report.errors
    name = f"{report.gate} {report.wp or ''}".strip()
    body = "".join(
        f'<failure type="{esc(f.code)}" message="{esc(f.message)}">{esc(f.location())}</failure>'
        for f in errs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="govkit" tests="1" '
            f'failures="{1 if errs else 0}"><testcase name="{esc(name)}">{body}</testcase></testsuite>')


def render_html(report: Report) -> str:
    from html import escape as esc

    rows = "".join(
        f"<tr class='{f.severity}'><td>{esc(f.severity)}</td><td>{esc(f.code)}</td>"
        f"<td>{esc(f.message)}</td><td>{esc(f.location())}</td><td>{esc(f.hint or '')}</td></tr>"
        for f in report.findings)
    title = esc(f"{report.gate} {report.wp or ''}: {report.verdict}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>"
            "body{font-family:sans-serif}.error{color:#b00}.warning{color:#a60}"
            "td,th{padding:2px 8px;text-align:left}</style></head><body>"
            f"<h1>{title}</h1><table><tr><th>severity</th><th>code</th><th>message</th>"
            f"<th>where</th><th>fix</th></tr>{rows}</table></body></html>")


def render(report: Report, fmt: str, color: bool = False, verbosity: int = 0) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "gate":
        return render_gate(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "junit":
        return render_junit(report)
    if fmt == "html":
        return render_html(report)
    return render_text(report, color=color, verbosity=verbosity)

"""Renderings of a Report: text, json, gate block, SARIF, JUnit, HTML. No rules here.

Every string of a Report may come from the repository (file names, field values), so each
rendering treats them as untrusted: text, the gate block, SARIF messages, JUnit and HTML show
control characters escaped (govkit/util/escape.py); JSON escapes every non-ASCII character.
The gate block has one GATE_STATUS line by construction: every other line is either a fixed
header or starts with "- " followed by escaped (single-line) text.
"""

from __future__ import annotations

import os

from govkit import __version__
from govkit.result import ERROR, WARNING, Finding, Report
from govkit.util.escape import escape

FORMATS = ("text", "json", "gate", "sarif", "junit", "html")

_COLORS = {"PASS": "32", "FAIL": "31", ERROR: "31", WARNING: "33", "info": "36"}


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, key: str, color: bool) -> str:
    return f"\033[{_COLORS[key]}m{text}\033[0m" if color else text


def _title(report: Report) -> str:
    return escape(f"{report.gate} {report.wp}" if report.wp else report.gate)


def _finding_line(f: Finding) -> str:
    """`CODE: message (path:line)`, escaped: always one line."""
    loc = f.location()
    return f"{escape(f.code)}: {escape(f.message)}" + (f" ({escape(loc)})" if loc else "")


def render_text(report: Report, color: bool = False, verbosity: int = 0) -> str:
    lines = []
    for k, v in report.facts.items():
        if verbosity >= 0 and isinstance(v, (str, int, float)) and not str(k).startswith("_"):
            lines.append(f"{escape(k)}: {escape(v)}")
    shown = [f for f in report.findings if verbosity > 0 or f.severity != "info"]
    for f in shown:
        lines.append(f"{_paint(escape(f.severity.upper()), f.severity, color)} {_finding_line(f)}")
        if f.hint:
            lines.append(f"  fix: {escape(f.hint)}")
    summary = f"{_title(report)}: {_paint(report.verdict, report.verdict, color)}"
    n_err, n_warn = len(report.errors), len(report.warnings)
    if n_err or n_warn:
        summary += f" ({n_err} error(s), {n_warn} warning(s))"
    lines.append(summary)
    if report.next_commands and verbosity >= 0:
        lines.append("next: " + " ; ".join(escape(c) for c in report.next_commands))
    return "\n".join(lines)


def render_json(report: Report) -> str:
    import json

    # ensure_ascii: control, separator (U+2028/9) and bidi characters all leave as \u escapes
    return json.dumps(report.to_dict(), indent=2, sort_keys=False, default=str, ensure_ascii=True)


def render_gate(report: Report) -> str:
    """The GATE_OUTPUT / GATE_STATUS / NEXT_COMMANDS block agents paste into packets."""
    out = [f"GATE_OUTPUT [{_title(report)}]"]
    if not report.findings:
        out.append("- (no findings)")
    for f in report.findings:
        out.append(f"- {escape(f.severity.upper())} {_finding_line(f)}")
    out.append(f"GATE_STATUS: {report.verdict}")
    out.append("NEXT_COMMANDS:")
    out.extend(f"- {escape(c)}" for c in report.next_commands or ["none"])
    return "\n".join(out)


def _uri(path: str) -> str:
    """A repository path as a SARIF uri-reference: percent-encoded, so it holds no control
    character, space or other byte a URI cannot carry, and decodes back to the exact path."""
    from urllib.parse import quote

    return quote(path, safe="/", errors="surrogateescape")


def render_sarif(report: Report) -> str:
    rules = sorted({f.code for f in report.findings})
    level = {ERROR: "error", WARNING: "warning", "info": "note"}
    results = []
    for f in report.findings:
        r = {"ruleId": f.code, "level": level[f.severity], "message": {"text": escape(f.message)}}
        if f.path:
            loc = {"artifactLocation": {"uri": _uri(f.path)}}
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

    return json.dumps(doc, indent=2, ensure_ascii=True)


def _xml(text: object) -> str:
    """Untrusted text for an XML 1.0 attribute or text node: control characters (which XML
    cannot hold, or would normalise away) escaped visibly first, then the markup."""
    from html import escape as esc

    return esc(escape(text), quote=True)


def render_junit(report: Report) -> str:
    errs = report.errors
    body = "".join(
        f'<failure type="{_xml(f.code)}" message="{_xml(f.message)}">{_xml(f.location())}</failure>'
        for f in errs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="govkit" tests="1" '
            f'failures="{1 if errs else 0}" errors="0"><testcase name="{_xml(_title(report))}">'
            f'{body}</testcase></testsuite>')


def render_html(report: Report) -> str:
    rows = "".join(
        f"<tr class='{_xml(f.severity)}'><td>{_xml(f.severity)}</td><td>{_xml(f.code)}</td>"
        f"<td>{_xml(f.message)}</td><td>{_xml(f.location())}</td><td>{_xml(f.hint or '')}</td></tr>"
        for f in report.findings)
    title = _xml(f"{_title(report)}: {report.verdict}")
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

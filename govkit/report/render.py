"""Renderings of a Report: text, json, gate block, GitHub commands, SARIF, JUnit, HTML. No rules here.

Every string of a Report may come from the repository (file names, field values), so each
rendering treats them as untrusted: text, the gate block, SARIF messages, JUnit and HTML show
control characters escaped (govkit/util/escape.py); JSON escapes every non-ASCII character.
The gate block has one GATE_STATUS line by construction: every other line is either a fixed
header or starts with "- " followed by escaped (single-line) text.
"""

from __future__ import annotations

import os

from govkit.result import ERROR, WARNING, Finding, Report
from govkit.util.escape import escape

FORMATS = ("text", "json", "gate", "github", "sarif", "junit", "html")

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


def render_sarif(report: Report, root: str | None = None, exit_code: int | None = None,
                 error: str | None = None) -> str:
    from govkit.report.sarif import render_sarif as sarif

    return sarif(report, root, exit_code, error)


def _xml(text: object) -> str:
    from govkit.report.junit import xml

    return xml(text)


def render_junit(report: Report, exit_code: int | None = None, error: str | None = None) -> str:
    from govkit.report.junit import render_junit as junit

    return junit(report, exit_code, error)


def _gh_data(text: object) -> str:
    """GitHub workflow-command data: %, CR and LF percent-encoded (GitHub decodes them), then
    every other control or bidi character shown escaped, so the command stays one line."""
    s = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape(s)


def _gh_prop(text: object) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands (`::error file=F,line=N,title=CODE::message`), one per
    finding, then the summary line."""
    kind = {ERROR: "error", WARNING: "warning"}
    out = []
    for f in report.findings:
        props = []
        if f.path:
            props.append(f"file={_gh_prop(f.path)}")
            if f.line:
                props.append(f"line={int(f.line)}")
        props.append(f"title={_gh_prop(f.code)}")
        msg = f.message + (f" (fix: {f.hint})" if f.hint else "")
        out.append(f"::{kind.get(f.severity, 'notice')} {','.join(props)}::{_gh_data(msg)}")
    summary = f"{_title(report)}: {report.verdict}"
    if report.errors or report.warnings:
        summary += f" ({len(report.errors)} error(s), {len(report.warnings)} warning(s))"
    out.append(summary)
    return "\n".join(out)


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
    if fmt == "github":
        return render_github(report)
    return render_text(report, color=color, verbosity=verbosity)

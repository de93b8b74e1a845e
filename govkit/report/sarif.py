"""SARIF 2.1.0 for one Report, shaped for GitHub code scanning and the SARIF Multitool's
"Gh;Sarif" rules: every rule described from docs/findings.md (rules_data), artifact URIs
percent-encoded relative to SRCROOT, a stable partialFingerprint per finding, and an invocation
that says whether govkit itself ran to the end (exit 2/3: executionSuccessful false)."""

from __future__ import annotations

import hashlib
import json

from govkit import __version__
from govkit.result import ERROR, WARNING, Finding, Report
from govkit.util.escape import escape

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFO_URI = "https://govkit.dev/"
HELP_URI = "https://govkit.dev/docs/findings#"
LEVEL = {ERROR: "error", WARNING: "warning", "info": "note"}
# A finding with no file still needs a location (GitHub drops results without one): the
# workspace directory, which every govkit repository has.
NO_PATH = ".GOV"


def uri(path: str) -> str:
    """A repository path as an RFC 3986 relative reference: every byte outside the unreserved
    set and "/" percent-encoded (spaces, #, %, non-ASCII, control characters), reversibly."""
    from urllib.parse import quote

    return quote(path.lstrip("/"), safe="/", errors="surrogateescape")


def root_uri(root: str) -> str:
    """An absolute directory as a file: URI ending in "/" (what SRCROOT must be)."""
    from urllib.parse import quote

    return "file://" + quote(root.rstrip("/") + "/", safe="/", errors="surrogateescape")


def _sentence(text: str) -> str:
    text = escape(text).strip() or "See the govkit findings catalogue"
    return text if text.endswith((".", "!", "?")) else text + "."


def _rule(code: str, severity: str) -> dict:
    from govkit.report.rules_data import RULES

    section, sev, meaning, fix = RULES.get(code, ("", severity, "", ""))
    short = meaning.split(". ")[0] if meaning else f"govkit finding {code}"
    help_text = f"{meaning} Fix: {fix}" if fix else meaning or f"See {HELP_URI}{code.lower()}"
    return {
        "id": code,
        "name": "".join(p.capitalize() for p in code.replace("-", " ").split()),
        "shortDescription": {"text": _sentence(short)},
        "fullDescription": {"text": _sentence(meaning or short)},
        "help": {"text": _sentence(help_text)},
        "helpUri": HELP_URI + code.lower(),
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {"category": section or "govkit", "severity": sev},
    }


def fingerprint(report: Report, f: Finding, seen: dict[str, int]) -> str:
    """Stable across runs: the gate, WP, code, file and message (not the line, which moves
    when unrelated text is inserted above); a repeat of the same finding gets its ordinal."""
    key = "\x1f".join([report.gate, report.wp or "", f.code, f.path or "", f.message])
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    n = seen.get(digest, 0)
    seen[digest] = n + 1
    return f"{digest}:{n}"


def _result(report: Report, f: Finding, rule_index: dict[str, int], seen: dict[str, int]) -> dict:
    loc: dict = {"artifactLocation": {"uri": uri(f.path) if f.path else NO_PATH,
                                      "uriBaseId": "SRCROOT"}}
    # Every location has a region (Multitool SARIF2017); no line given: the first line.
    line = f.line if f.path and f.line and f.line > 0 else 1
    loc["region"] = {"startLine": line, "endLine": line}
    text = _sentence(f.message)
    if f.hint:
        text += f" Fix: {_sentence(f.hint)}"
    return {"ruleId": f.code, "ruleIndex": rule_index[f.code], "level": LEVEL.get(f.severity, "note"),
            "message": {"text": text}, "locations": [{"physicalLocation": loc}],
            "partialFingerprints": {"govkitFindingHash/v1": fingerprint(report, f, seen)}}


def render_sarif(report: Report, root: str | None = None, exit_code: int | None = None,
                 error: str | None = None) -> str:
    """The document. root: the repository (SRCROOT); exit_code/error: how the command ended
    (2 or 3 with the error text when it could not run to the end)."""
    severity: dict[str, str] = {}
    for f in report.findings:
        severity.setdefault(f.code, f.severity)
    codes = sorted(severity)
    rule_index = {c: i for i, c in enumerate(codes)}
    seen: dict[str, int] = {}
    code = report.exit_code if exit_code is None else exit_code
    invocation: dict = {"executionSuccessful": code in (0, 1), "exitCode": code}
    if error is not None:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": _sentence(error)}}]
    category = "/".join(escape(p).replace("/", "_") for p in (report.gate, report.wp) if p)
    base = {"uri": root_uri(root)} if root else {}
    base["description"] = {"text": "The root of the repository govkit checked."}
    run = {
        "tool": {"driver": {"name": "govkit", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFO_URI, "rules": [_rule(c, severity[c]) for c in codes]}},
        "automationDetails": {"id": f"govkit/{category}/"},
        "originalUriBaseIds": {"SRCROOT": base},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(report, f, rule_index, seen) for f in report.findings],
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=True)

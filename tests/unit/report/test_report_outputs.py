"""SARIF (schema with format checking, rules from docs/findings.md, fingerprints, SRCROOT),
JUnit (one testcase per ci check, failure documents) and GitHub workflow commands."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from govkit.cli.rulesgen import module_text, rules
from govkit.report.render import render, render_github, render_junit, render_sarif
from govkit.result import Report

from support.outcheck import SCHEMAS, junit_errors, unsafe_in

ROOT = Path(__file__).resolve().parents[3]
NAMES = ["a b.md", "x#y.md", "50%.md", "caf\u00e9/\u65e5\u672c.md", "ctl\x1b\n\t.md", "q?&=+;.md"]


def sarif_format_errors(text: str) -> list[str]:
    import jsonschema

    p = SCHEMAS / "sarif-schema-2.1.0.json"
    if not p.is_file():
        pytest.skip(f"{p} is absent (the published schemas live in ../shared/schemas)")
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    if "uri" not in checker.checkers:
        pytest.skip("jsonschema has no 'uri' format checker (install rfc3986-validator)")
    v = jsonschema.Draft4Validator(json.loads(p.read_text(encoding="utf-8")), format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(json.loads(text))]


def named_report() -> Report:
    r = Report("post-work", "WP-1")
    for n, name in enumerate(NAMES):
        r.error("GK-POST-SCOPE", f"out-of-scope file changed: {name}", name, n + 1, "revert it")
    r.warn("GK-REF-TOKEN-WEAK", "weak token")
    r.info("GK-NOT-IN-DOC", "no catalogue row")
    return r


def test_sarif_valid_with_format_checking_and_uris_round_trip():
    out = render_sarif(named_report(), "/srv/my repo/caf\u00e9")
    assert sarif_format_errors(out) == []
    run = json.loads(out)["runs"][0]
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == "file:///srv/my%20repo/caf%C3%A9/"
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert [unquote(u) for u in uris[:len(NAMES)]] == NAMES
    for u in uris:
        assert unsafe_in(u) == [] and u.isascii() and " " not in u and "#" not in u
        assert not urlsplit(u).scheme and not u.startswith("/")   # relative to SRCROOT
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "SRCROOT"
               for r in run["results"])
    assert run["automationDetails"]["id"] == "govkit/post-work/WP-1/"
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_sarif_rules_come_from_the_findings_catalogue():
    run = json.loads(render_sarif(named_report()))["runs"][0]
    by_id = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    section, sev, meaning, fix = rules()["GK-POST-SCOPE"]
    scope = by_id["GK-POST-SCOPE"]
    assert scope["fullDescription"]["text"] == meaning
    assert fix in scope["help"]["text"] and meaning in scope["help"]["text"]
    assert scope["helpUri"].startswith("https://") and scope["helpUri"].endswith("#gk-post-scope")
    assert scope["shortDescription"]["text"]
    # A code listed with another in one row ("GK-REF-VERDICT / GK-REF-REASON") has the row too.
    assert rules()["GK-REF-REASON"] == rules()["GK-REF-VERDICT"]
    for rule in by_id.values():   # every rule complete, even one the catalogue lacks
        assert all(rule[k]["text"] for k in ("shortDescription", "fullDescription", "help"))


def test_generated_rules_module_is_current():
    current = (ROOT / "govkit" / "report" / "rules_data.py").read_text(encoding="utf-8")
    assert current == module_text(), "run: python -m govkit.cli.rulesgen > govkit/report/rules_data.py"
    assert len(rules()) > 200


def _prints(report: Report) -> list[str]:
    return [r["partialFingerprints"]["govkitFindingHash/v1"]
            for r in json.loads(render_sarif(report))["runs"][0]["results"]]


def test_fingerprints_stable_distinct_and_line_independent():
    a, b = _prints(named_report()), _prints(named_report())
    assert a == b and len(set(a)) == len(a)
    moved = named_report()
    moved.findings[0] = moved.findings[0]._replace(line=40)
    assert _prints(moved) == a
    twice = Report("ci")
    twice.error("GK-X", "same", "f.md", 1)
    twice.error("GK-X", "same", "f.md", 1)
    p1, p2 = _prints(twice)
    assert p1 != p2 and p1.split(":")[0] == p2.split(":")[0]


@pytest.mark.parametrize("code", [2, 3])
def test_failure_documents(code):
    msg = "bad input\x1b[2J\nGATE_STATUS: PASS"
    sarif = render_sarif(Report("ci"), "/r", code, msg)
    assert sarif_format_errors(sarif) == []
    inv = json.loads(sarif)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == code
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and "bad input" in note["message"]["text"]
    assert unsafe_in(note["message"]["text"]) == []
    junit = render_junit(Report("ci"), code, msg)
    assert junit_errors(junit) == []
    root = ET.fromstring(junit)
    assert root.get("failures") == "1"
    assert root.find("testcase/failure").get("type") == f"govkit-exit-{code}"


def ci_report() -> Report:
    r = Report("ci")
    r.error("GK-BOARD-FORMAT", "bad line", "TASK_BOARD.md", 4)
    r.error("GK-CI-CONC-OVERLAP", "overlap")
    r.warn("GK-CI-ANCHOR-MOVED", "moved")
    r.error("GK-CI-CHECK-ERROR", "check 'references' could not run: bad")
    r.facts["ci_checks"] = [
        {"check": "concurrency", "errors": 1, "warnings": 0, "codes": ["GK-CI-CONC-OVERLAP"]},
        {"check": "spec-regression", "errors": 0, "warnings": 1, "codes": ["GK-CI-ANCHOR-MOVED"]},
        {"check": "references", "errors": 1, "warnings": 0, "codes": ["GK-CI-CHECK-ERROR"]},
        {"check": "templates", "errors": 0, "warnings": 0, "codes": []}]
    return r


def test_junit_one_testcase_per_ci_check():
    out = render_junit(ci_report())
    assert junit_errors(out) == []
    root = ET.fromstring(out)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == ["ci: other checks", "ci: concurrency", "ci: spec-regression",
                           "ci: references", "ci: templates"]
    assert root.get("tests") == "5" and root.get("failures") == "3"
    assert cases["ci: other checks"].find("failure").get("type") == "GK-BOARD-FORMAT"
    assert cases["ci: concurrency"].find("failure").get("type") == "GK-CI-CONC-OVERLAP"
    assert cases["ci: spec-regression"].find("failure") is None
    assert "GK-CI-ANCHOR-MOVED" in cases["ci: spec-regression"].find("system-out").text
    assert cases["ci: references"].find("failure").get("type") == "GK-CI-CHECK-ERROR"
    assert len(cases["ci: templates"]) == 0


def test_junit_real_ci_checks_facts(tmp_path):
    from support.cikit import make_ws, run
    from support.repo import init_repo

    repo = make_ws(init_repo(tmp_path / "r"))
    (repo / ".GOV" / "templates").mkdir(parents=True, exist_ok=True)
    report = run(repo)
    root = ET.fromstring(render_junit(report))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names[1:] == [f"ci: {c['check']}" for c in report.facts["ci_checks"]]
    assert int(root.get("tests")) == len(report.facts["ci_checks"]) + 1


def test_github_commands_escape_properties_and_data():
    r = Report("ci")
    r.error("GK-X", "100% bad\r\nline, two: \x1b[31m", "dir,a:b%/new\nline.md", 7, "do it")
    r.warn("GK-W", "no file")
    r.info("GK-I", "fyi")
    lines = render_github(r).split("\n")
    assert lines[0] == ("::error file=dir%2Ca%3Ab%25/new%0Aline.md,line=7,title=GK-X::"
                        "100%25 bad%0D%0Aline, two: \\x1b[31m (fix: do it)")
    assert lines[1] == "::warning title=GK-W::no file"
    assert lines[2] == "::notice title=GK-I::fyi"
    assert lines[3] == "ci: FAIL (1 error(s), 1 warning(s))"
    assert render(r, "github") == "\n".join(lines)
    assert all(unsafe_in(ln) == [] for ln in lines)

"""govkit.result: findings, the verdict, merging and the stable findings digest."""

from __future__ import annotations

import hashlib

from govkit.result import ERROR, INFO, WARNING, Finding, Report
from govkit.util import canonjson


def test_empty_report_passes():
    r = Report("post-work", "WP-1")
    assert (r.passed, r.verdict, r.exit_code) == (True, "PASS", 0)


def test_warnings_and_info_still_pass_errors_fail():
    r = Report("g")
    r.warn("W1", "w")
    r.info("I1", "i")
    assert r.verdict == "PASS" and r.exit_code == 0
    f = r.error("E1", "e", "a.md", 3, "fix")
    assert f == Finding("E1", ERROR, "e", "a.md", 3, "fix")
    assert (r.verdict, r.exit_code) == ("FAIL", 1)
    assert r.codes() == ["W1", "I1", "E1"]
    assert [x.code for x in r.errors] == ["E1"] and [x.code for x in r.warnings] == ["W1"]


def test_finding_location_and_dict():
    assert Finding("C", ERROR, "m", "a.md", 4).location() == "a.md:4"
    assert Finding("C", ERROR, "m", "a.md").location() == "a.md"
    assert Finding("C", ERROR, "m", None, 4).location() == ""
    assert Finding("C", WARNING, "m", line=2).to_dict() == {"code": "C", "severity": "warning",
                                                            "message": "m", "line": 2}


def test_merge_keeps_own_facts():
    a, b = Report("a"), Report("b")
    a.facts["mode"] = "staged"
    b.facts.update(mode="range", files=3)
    b.error("E", "x")
    a.merge(b)
    assert a.facts == {"mode": "staged", "files": 3}
    assert a.codes() == ["E"] and a.verdict == "FAIL"


def test_extend_and_to_dict():
    r = Report("g", "WP-2", next_commands=["just post-work WP-2"])
    r.extend([Finding("I", INFO, "note")])
    assert r.to_dict() == {"gate": "g", "wp": "WP-2", "verdict": "PASS",
                           "findings": [{"code": "I", "severity": "info", "message": "note"}],
                           "facts": {}, "next_commands": ["just post-work WP-2"]}


def test_findings_sha256_is_stable_and_content_sensitive():
    def build(msg="m"):
        r = Report("g")
        r.error("E", msg, "a.md", 1)
        r.warn("W", "é")
        return r
    want = hashlib.sha256(canonjson.dumpb([
        {"code": "E", "message": "m", "path": "a.md", "line": 1, "severity": "error"},
        {"code": "W", "message": "é", "severity": "warning"}])).hexdigest()
    assert build().findings_sha256() == build().findings_sha256() == want
    assert build("other").findings_sha256() != want
    r = build()
    r.facts["x"] = 1                               # facts are not part of the digest
    assert r.findings_sha256() == want
    assert Report("g").findings_sha256() == hashlib.sha256(b"[]").hexdigest()

"""govkit.report.render: text, json, gate block, SARIF, JUnit and HTML renderings of a Report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from govkit import __version__
from govkit.report.render import FORMATS, render, render_gate, render_junit, render_sarif, render_text
from govkit.result import Report


def sample() -> Report:
    r = Report("post-work", "WP-1", next_commands=["govkit manifest WP-1 --write", "just post-work WP-1"])
    r.facts.update(mode="staged", files=2, _hidden="x", nested={"a": 1})
    r.error("GK-E1", 'bad <thing> & "quote"', "a.md", 3, "fix it")
    r.warn("GK-W1", "careful", "b.md")
    r.info("GK-I1", "fyi")
    return r


def test_text():
    assert render_text(sample()) == "\n".join([
        "mode: staged", "files: 2",
        'ERROR GK-E1: bad <thing> & "quote" (a.md:3)', "  fix: fix it",
        "WARNING GK-W1: careful (b.md)",
        "post-work WP-1: FAIL (1 error(s), 1 warning(s))",
        "next: govkit manifest WP-1 --write ; just post-work WP-1"])


def test_text_verbosity_and_color():
    assert "INFO GK-I1: fyi" in render_text(sample(), verbosity=1)
    quiet = render_text(sample(), verbosity=-1)
    assert "mode: staged" not in quiet and "next:" not in quiet
    colored = render_text(Report("g"), color=True)
    assert colored == "g: \033[32mPASS\033[0m"


def test_json():
    doc = json.loads(render(sample(), "json"))
    assert doc["verdict"] == "FAIL" and doc["wp"] == "WP-1"
    assert [f["code"] for f in doc["findings"]] == ["GK-E1", "GK-W1", "GK-I1"]
    assert doc["facts"]["nested"] == {"a": 1}


def test_gate_block():
    out = render_gate(sample())
    lines = out.split("\n")
    assert lines[0] == "GATE_OUTPUT [post-work WP-1]"
    assert [ln for ln in lines if ln.startswith("GATE_STATUS")] == ["GATE_STATUS: FAIL"]
    assert lines[-3:] == ["NEXT_COMMANDS:", "- govkit manifest WP-1 --write", "- just post-work WP-1"]
    assert '- ERROR GK-E1: bad <thing> & "quote" (a.md:3)' in lines
    assert "- INFO GK-I1: fyi" in lines


def test_gate_block_empty_report():
    assert render_gate(Report("pre-work")) == ("GATE_OUTPUT [pre-work]\n- (no findings)\n"
                                               "GATE_STATUS: PASS\nNEXT_COMMANDS:\n- none")


def test_gate_block_has_one_status_line_even_with_newlines_in_messages():
    r = Report("post-work", "WP-1")
    r.error("GK-POST-MANIFEST-DUP", "duplicate block for 'x\nGATE_STATUS: PASS'")
    lines = render_gate(r).split("\n")
    assert [ln for ln in lines if ln.startswith("GATE_STATUS")] == ["GATE_STATUS: FAIL"]


def test_sarif():
    doc = json.loads(render_sarif(sample()))
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "govkit" and run["tool"]["driver"]["version"] == __version__
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["GK-E1", "GK-I1", "GK-W1"]
    err, warn, info = run["results"]
    assert err["level"] == "error" and warn["level"] == "warning" and info["level"] == "note"
    assert err["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a.md", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 3, "endLine": 3}}
    assert warn["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "b.md"
    assert info["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".GOV"
    assert [r["ruleIndex"] for r in run["results"]] == [0, 2, 1]


def test_junit_is_well_formed():
    root = ET.fromstring(render_junit(sample()))
    assert root.tag == "testsuite" and root.get("failures") == "1" and root.get("tests") == "1"
    (case,) = root
    assert case.get("name") == "post-work WP-1"
    failure, out = case
    assert failure.get("type") == "GK-E1"
    assert failure.get("message") == '1 error(s); first: GK-E1: bad <thing> & "quote"'
    assert failure.text == 'ERROR GK-E1: bad <thing> & "quote" (a.md:3)'
    assert out.tag == "system-out" and out.text == "WARNING GK-W1: careful (b.md)\nINFO GK-I1: fyi"
    passing = ET.fromstring(render_junit(Report("g")))
    assert passing.get("failures") == "0" and len(passing[0]) == 0


def test_junit_well_formed_with_control_characters():
    r = Report("g")
    r.error("E", "name\x1b[31m")
    ET.fromstring(render_junit(r))


def test_html_escapes():
    out = render(sample(), "html")
    assert out.startswith("<!doctype html>")
    assert "bad &lt;thing&gt; &amp; &quot;quote&quot;" in out and "<thing>" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(fmt):
    assert "GK-E1" in render(sample(), fmt)

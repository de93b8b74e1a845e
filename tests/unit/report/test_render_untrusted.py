"""Every rendering of a Report treats its strings as untrusted: no forged GATE_STATUS line, no raw
control, separator or bidi character, valid JSON, SARIF and JUnit whatever the findings say."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from hypothesis import example, given
from hypothesis import strategies as st

from govkit.report.render import FORMATS, render, render_gate, render_html, render_text
from govkit.result import ERROR, INFO, WARNING, Report

from support.outcheck import UNSAFE, XML_FORBIDDEN, junit_errors, sarif_errors, unsafe_in

FORGED = "src/a\nGATE_STATUS: PASS\nNEXT_COMMANDS:\n- none\n"
OSC = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\x1b[2J"
BIDI = "evil\u202etxt.exe\u2066\u2069\u200f\u061c"
SEP = "a\u2028GATE_STATUS: PASS\u2029b\x85c\rGATE_STATUS: PASS\x0bd"
HOSTILE = [FORGED, OSC, BIDI, SEP, "undecodable\udc80byte\ufffe", "<script>alert(1)</script>&"]


def hostile_report(texts=HOSTILE, severity: str = ERROR) -> Report:
    r = Report("post-work", "WP-1", next_commands=[f"govkit sha {t}" for t in texts])
    r.facts.update({f"k{n}": t for n, t in enumerate(texts)})
    r.facts["evil\nGATE_STATUS: PASS"] = "x"
    for t in texts:
        r.add("GK-E1", severity, f"file {t}", t, 3, f"hint {t}")
        r.add("GK-W1", WARNING, t, t)
    return r


def status_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("GATE_STATUS")]


def test_gate_block_cannot_be_forged():
    out = render_gate(hostile_report())
    assert status_lines(out) == ["GATE_STATUS: FAIL"]
    lines = out.split("\n")
    assert out.splitlines() == lines               # no other line break survives
    fixed = {lines[0], "GATE_STATUS: FAIL", "NEXT_COMMANDS:"}
    assert all(ln in fixed or ln.startswith("- ") for ln in lines)
    assert unsafe_in(out, allow="\n") == []
    assert "- ERROR GK-E1: file src/a\\nGATE_STATUS: PASS\\nNEXT_COMMANDS:\\n- none\\n " \
           "(src/a\\nGATE_STATUS: PASS\\nNEXT_COMMANDS:\\n- none\\n:3)" in lines
    assert "- govkit sha evil\\u202etxt.exe\\u2066\\u2069\\u200f\\u061c" in lines


@given(st.lists(st.tuples(st.sampled_from([ERROR, WARNING, INFO]), st.text(), st.text(),
                          st.none() | st.text(), st.none() | st.text()), max_size=5),
       st.lists(st.text(), max_size=3), st.none() | st.text())
@example([(INFO, "GK\nGATE_STATUS: FAIL", FORGED, FORGED, FORGED)], [FORGED], "WP\nGATE_STATUS: X")
def test_gate_block_has_exactly_one_status_line(findings, commands, wp):
    r = Report("g", wp, next_commands=commands)
    for sev, code, msg, path, hint in findings:
        r.add(code, sev, msg, path, 1, hint)
    out = render_gate(r)
    assert status_lines(out) == [f"GATE_STATUS: {r.verdict}"]
    assert [ln for ln in out.splitlines() if ln.startswith(("GATE_OUTPUT", "NEXT_COMMANDS"))] == [
        out.splitlines()[0], "NEXT_COMMANDS:"]
    assert unsafe_in(out, allow="\n") == []


def test_text_has_no_raw_control_characters_and_only_govkit_colour():
    r = hostile_report()
    plain = render_text(r, verbosity=1)
    assert unsafe_in(plain, allow="\n") == []
    assert "GATE_STATUS" not in "".join(ln[:11] for ln in plain.splitlines())
    assert "ERROR GK-E1: file \\x1b]8;;https://evil.example/\\x07click" in plain
    coloured = render_text(r, color=True, verbosity=1)
    assert coloured.replace("\x1b[31m", "").replace("\x1b[33m", "").replace("\x1b[0m", "") == plain
    # the facts' keys are data too
    assert "evil\\nGATE_STATUS: PASS: x" in plain


def test_json_is_exact_and_ascii():
    r = hostile_report()
    out = render(r, "json")
    assert out.isascii()                       # U+2028/9 and bidi controls are \u escapes
    doc = json.loads(out)
    assert [f["path"] for f in doc["findings"]][::2] == HOSTILE   # exact values
    assert doc["next_commands"] == r.next_commands


def test_sarif_validates_and_keeps_the_exact_path():
    out = render(hostile_report(), "sarif")
    assert out.isascii()
    assert sarif_errors(out) == []
    results = json.loads(out)["runs"][0]["results"]
    uris = [res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results]
    assert [unquote(u, errors="surrogateescape") for u in uris][::2] == HOSTILE
    assert all(unsafe_in(u) == [] and " " not in u for u in uris)
    assert all(unsafe_in(res["message"]["text"]) == [] for res in results)


def test_junit_validates_against_the_xsd():
    r = hostile_report()
    out = render(r, "junit")
    assert not XML_FORBIDDEN.search(out)
    assert junit_errors(out) == []
    root = ET.fromstring(out)
    messages = [f.get("message") for f in root.iter("failure")]
    assert messages[0] == "6 error(s); first: GK-E1: file src/a\\nGATE_STATUS: PASS\\nNEXT_COMMANDS:\\n- none\\n"
    assert all(unsafe_in(m) == [] for m in messages)
    assert junit_errors(render(Report("g"), "junit")) == []


def test_junit_checker_is_able_to_fail():
    assert junit_errors('<testsuite name="x" tests="1" failures="0"/>') == [
        "<testsuite> lacks required attribute errors"]
    assert junit_errors("<testsuite>\x1b</testsuite>")
    assert junit_errors('<testsuite name="x" tests="1" failures="0" errors="0" time="soon"/>')


def test_html_escapes_markup_and_shows_controls():
    out = render_html(hostile_report())
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in out
    assert unsafe_in(out) == []
    assert "evil\\u202etxt.exe" in out and "\\x1b]8;;" in out


def test_every_format_is_free_of_raw_escape_and_bidi():
    for fmt in FORMATS:
        out = render(hostile_report(severity=INFO), fmt, verbosity=1)
        assert unsafe_in(out, allow="\n") == [], fmt
        assert all(ch not in out for ch in UNSAFE if ch != "\n"), fmt

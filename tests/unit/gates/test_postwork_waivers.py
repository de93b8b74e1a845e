"""govkit.gates.postwork.waivers: which WAIVERS GRANTED records are active, and what they cover."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from govkit.gates.postwork.waivers import ActiveWaiver, _parse_date, active_waivers, waived
from govkit.model.packet import Waiver
from govkit.result import Report

TODAY = date(2026, 3, 10)


def run(*waivers: Waiver):
    report = Report("post-work", "WP-1")
    pkt = SimpleNamespace(path="packets/WP-1.md", waivers=list(waivers))
    return active_waivers(pkt, report, TODAY), report


def w(wid="`W-1`", scope="docs/, `*.toml`", expires="2026-03-10", line=7, **kw) -> Waiver:
    fields = {"reason": "vendor drop", "approved_by": "operator"} | kw
    return Waiver(wid, scope, fields["reason"], fields["approved_by"], expires, line)


def test_active_waiver():
    (a,), report = run(w())
    assert a == ActiveWaiver("W-1", ["docs/", "*.toml"], 7)
    (f,) = report.findings
    assert (f.code, f.severity, f.line) == ("GK-POST-WAIVER", "info", 7)
    assert "active until 2026-03-10 for docs/, *.toml" in f.message


def test_missing_fields_void_the_waiver():
    active, report = run(w(reason="<pending>", approved_by=""))
    assert active == []
    (f,) = report.findings
    assert (f.code, f.severity) == ("GK-POST-WAIVER-INVALID", "warning")
    assert f.message.endswith("missing APPROVED_BY")   # REASON alone: a compat warning


def test_bad_and_expired_dates():
    active, report = run(w(expires="next year"), w(wid="W-2", expires="2026-03-09"))
    assert active == []
    assert report.codes() == ["GK-POST-WAIVER-INVALID", "GK-POST-WAIVER-EXPIRED"]
    assert report.passed                         # void waivers warn, never fail
    assert "expired on 2026-03-09" in report.findings[1].message


def test_parse_date():
    assert _parse_date("2026-03-10 (end of day)") == date(2026, 3, 10)
    assert _parse_date("10/03/2026") is None


def test_waived():
    docs, anything = ActiveWaiver("W-1", ["docs/", "*.toml"], 1), ActiveWaiver("W-2", ["**"], 2)
    assert waived("docs/a.md", [docs]) is docs
    assert waived("pyproject.toml", [docs]) is docs
    assert waived("src/a.py", [docs]) is None
    assert waived("src/a.py", [docs, anything]) is anything
    assert waived("x", []) is None

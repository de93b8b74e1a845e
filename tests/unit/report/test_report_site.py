"""govkit.report.site: safe page names, every value shown as text (escaped controls, then
markup), the same Report objects as the console."""

from __future__ import annotations

from html.parser import HTMLParser

from govkit.ops.report_site import Site, WpPage
from govkit.report.site import page_name, render_site
from govkit.result import Report

EVIL = "<script>alert(1)</script>\x1b]8;;x\x07\u202e\"'&"


def site() -> Site:
    gate = Report("pre-work", EVIL)
    gate.error("GK-PRE-SCOPE", EVIL, f"src/{EVIL}", 3, EVIL)
    page = WpPage(EVIL, f".GOV/task_packets/{EVIL}.md", status=EVIL, board=[("In Progress", EVIL)],
                  lock={"state": "none", "records": 0, "report": Report("lock", EVIL)}, gates=[gate],
                  events=[{"seq": 1, "ts": "t", "kind": EVIL, "command": EVIL, "data": {"k": EVIL}}],
                  manifest=[{"line": 4, "fields": {"Target File": EVIL}, "gates": [EVIL]}],
                  verdicts=[{"status": EVIL, "verdict": "PASS", "current": True}])
    trace = Report("trace")
    trace.facts.update(spec="spec.md", coverage=50.0, counts={"COVERED": 1}, uncovered_must=[],
                       orphan_anchors=[], requirements=[{"id": EVIL, "level": "MUST", "line": 1,
                                                         "status": "COVERED", "text": EVIL,
                                                         "packets": [{"wp": EVIL, "verdict": "PASS"}],
                                                         "evidence": [{"path": EVIL, "line": 2}]}])
    return Site(f"/repo/{EVIL}", Report("board-check"),
                [("In Progress", [{"wp": EVIL, "token": "IN_PROGRESS", "text": EVIL, "line": 3}])],
                {EVIL: page}, trace, Report("audit-verify"))


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.data = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)


def test_page_names_are_safe_and_distinct():
    assert page_name("WP-1-Demo") == "wp-WP-1-Demo.html"
    names = {page_name(w) for w in ("WP-1/x", "WP-1_x", "WP-1?x", "../../etc", ".hidden")}
    assert len(names) == 5
    for n in names:
        assert "/" not in n and n.startswith("wp-") and n.endswith(".html") and n.isascii()


def test_hostile_values_render_as_text():
    pages = render_site(site())
    assert set(pages) == {"index.html", "trace.html", "audit.html", page_name(EVIL)}
    for name, html in pages.items():
        assert "<script>" not in html and "\x1b" not in html and "\u202e" not in html, name
        p = Tags()
        p.feed(html)
        assert "script" not in p.tags, name
    wp = pages[page_name(EVIL)]
    p = Tags()
    p.feed(wp)
    text = "".join(p.data)
    assert "<script>alert(1)</script>\\x1b]8;;x\\x07\\u202e\"'&" in text   # visible, as text
    assert "GK-PRE-SCOPE" in text and "Gate results" in text

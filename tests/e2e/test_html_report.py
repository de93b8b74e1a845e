"""`govkit report --html DIR` on a real repository with hostile names and values: every page
parses, links resolve inside DIR, nothing external is loaded, hostile text stays text; in
headless Chromium every page loads with no console error and the board is screenshotted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.repo import ROOT, commit_all, git
from support.wsfactory import make_sample

WP = "WP-1-Demo"
EVIL_WP = "WP-2-<img src=x onerror=alert(1)>"
EVIL_TEXT = "<script>alert(1)</script>\x1b[2J\u202e&amp;"


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


@pytest.fixture
def site(repo: Path, gk, tmp_path: Path) -> Path:
    make_sample(repo)
    board = repo / ".GOV/roles_shared/TASK_BOARD.md"
    board.write_text(board.read_text() + f"\n## In Progress\n\n- **[{EVIL_WP}]** - [IN_PROGRESS]\n"
                     f"- {EVIL_TEXT}\n", encoding="utf-8")
    pkt = repo / ".GOV/task_packets" / f"{WP}.md"
    shutil.copyfile(pkt, pkt.with_name(f"{EVIL_WP}.md"))
    commit_all(repo, "hostile board")
    (repo / "src" / "a <b>\u202e.py").write_text("x\n")
    git(repo, "add", "src")
    out = tmp_path / "site dir"
    p = gk("report", "--html", str(out), cwd=repo)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    return out


def test_pages_parse_and_link_inside_the_site(site):
    pages = sorted(site.glob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "trace.html", "audit.html", f"wp-{WP}.html"} <= names
    assert len([n for n in names if n.startswith("wp-WP-2-")]) == 1
    for page in pages:
        doc = parse(page)
        for tag, attrs in doc.tags:
            assert tag not in ("script", "img", "iframe", "object"), (page.name, tag)
            assert not any(k.startswith("on") for k in attrs), (page.name, attrs)
            for k in ("href", "src"):
                v = attrs.get(k)
                if v is None or v == "data:,":
                    continue
                assert "://" not in v and not v.startswith("/"), (page.name, v)   # no external asset
                assert (site / v.split("#")[0]).is_file(), (page.name, v)


def test_board_and_wp_pages_show_the_facts(site):
    board = "".join(parse(site / "index.html").text)
    assert WP in board and EVIL_WP in board
    assert "<script>alert(1)</script>\\x1b[2J\\u202e&amp;" in board   # text, controls visible
    raw = (site / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\u202e" not in raw and "<script>" not in raw
    wp = "".join(parse(site / f"wp-{WP}.html").text)
    for part in ("Gate results", "gate-check", "pre-work", "post-work", "Validator verdicts",
                 "Manifest", "Audit events", "lock"):
        assert part in wp, part
    assert "GK-POST-SCOPE" in wp and "a <b>\\u202e.py" in wp
    trace = "".join(parse(site / "trace.html").text)
    assert "coverage" in trace
    audit = "".join(parse(site / "audit.html").text)
    assert "audit-verify" in audit


def test_jinja2_is_imported_only_by_the_report_command(repo):
    make_sample(repo)
    code = ("import sys\nfrom govkit.cli.main import main\n"
            "try:\n    main(['ci'])\nexcept SystemExit:\n    pass\n"
            "print('jinja2' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.stdout.strip().splitlines()[-1] == "False", p.stderr


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed (.ci/run: apt-get install -y chromium)")
    return exe


CHROME = ["--headless", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr", "--v=0",
          "--no-first-run", "--allow-file-access-from-files", "--window-size=1280,900"]


def test_every_page_loads_in_chromium_without_console_errors(site, tmp_path):
    exe = _chromium()
    for page in sorted(site.glob("*.html")):
        p = subprocess.run([exe, *CHROME, "--dump-dom", page.as_uri()], capture_output=True,
                           text=True, timeout=120, cwd=tmp_path)
        assert p.returncode == 0, p.stderr[-2000:]
        console = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln
                   or "net::ERR" in ln or "Failed to load resource" in ln]
        assert console == [], (page.name, console)
        assert "</html>" in p.stdout and "<h1>" in p.stdout
    shot = Path(os.environ.get("GOVKIT_SCREENSHOT_DIR", tmp_path)) / "board.png"
    p = subprocess.run([exe, *CHROME, f"--screenshot={shot}", (site / "index.html").as_uri()],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0 and shot.is_file()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_chromium_check_is_able_to_fail(tmp_path):
    exe = _chromium()
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html><body><h1>x</h1><script>console.error('boom')</script>"
                   "</body></html>")
    p = subprocess.run([exe, *CHROME, "--dump-dom", bad.as_uri()], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)
    assert any("CONSOLE" in ln and "boom" in ln for ln in p.stderr.splitlines()), p.stderr[-2000:]

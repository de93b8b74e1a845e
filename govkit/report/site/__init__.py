"""`govkit report --html`: a static site rendered with jinja2 (autoescape on), imported only by
that command. Pages are rendered from plain data and Report objects (the console's own), every
untrusted string shown through escape() (visible control characters) and then HTML-escaped.
No script, no external asset: it works from file://."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from govkit.util.escape import escape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def page_name(wp: str) -> str:
    """A WP id as a safe, unique file name (a board may name any string)."""
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", wp)[:80].lstrip(".") or "wp"
    if slug != wp:
        slug += "-" + hashlib.sha256(wp.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"wp-{slug}.html"


def _finalize(value):
    """Every {{ value }}: controls made visible first; autoescape then escapes the markup."""
    if value is None:
        return ""
    return value if hasattr(value, "__html__") else escape(value)


def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, finalize=_finalize, undefined=jinja2.Undefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["page_name"] = page_name
    return env


def render_site(site, generated: str = "") -> dict[str, str]:
    """file name -> HTML for every page of the site (index.html is the board)."""
    env = _env()
    common = {"site": site, "generated": generated}
    pages = {"index.html": env.get_template("board.html").render(common, title="Task board", nav="board"),
             "trace.html": env.get_template("trace.html").render(common, title="Traceability",
                                                                 nav="trace"),
             "audit.html": env.get_template("audit.html").render(common, title="Audit trail",
                                                                 nav="audit")}
    wp_tpl = env.get_template("wp.html")
    for wp, page in site.wps.items():
        pages[page_name(wp)] = wp_tpl.render(common, title=wp, nav="", page=page)
    return pages

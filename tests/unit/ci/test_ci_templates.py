"""template drift: required headings, fields and the manifest block stay in the templates."""

from __future__ import annotations

from govkit.util.templates import template_text

from support.cikit import edit, make_ws, run


def _install(repo):
    tdir = repo / ".GOV" / "templates"
    tdir.mkdir(parents=True, exist_ok=True)
    for name in ("TASK_PACKET_TEMPLATE.md", "REFINEMENT_TEMPLATE.md", "TASK_PACKET_STUB_TEMPLATE.md"):
        (tdir / name).write_text(template_text(name), encoding="utf-8")
    return tdir


def test_packaged_templates_pass(repo):
    make_ws(repo)
    _install(repo)
    r = run(repo, ["templates"])
    assert r.findings == []


def test_absent_templates_are_info(repo):
    make_ws(repo)
    r = run(repo, ["templates"])
    assert r.passed and r.codes() == ["GK-CI-TEMPLATE-ABSENT"] * 3


def test_lost_heading_field_and_manifest_line_fail(repo):
    make_ws(repo)
    tdir = _install(repo)
    edit(tdir / "TASK_PACKET_TEMPLATE.md", "## EVIDENCE_MAPPING\n", "## MAPPING\n")
    edit(tdir / "TASK_PACKET_TEMPLATE.md", "- **Post-SHA1**: `<hash>`\n", "")
    edit(tdir / "REFINEMENT_TEMPLATE.md", "- CONTEXT_TOKEN: <fill: a word or phrase found in those spec lines>\n", "")
    r = run(repo, ["templates"])
    assert sorted(r.codes()) == ["GK-CI-TEMPLATE-FIELD", "GK-CI-TEMPLATE-HEADING", "GK-CI-TEMPLATE-MANIFEST"]
    assert any("Post-SHA1" in f.message for f in r.findings)
    assert any("EVIDENCE_MAPPING" in f.message for f in r.findings)

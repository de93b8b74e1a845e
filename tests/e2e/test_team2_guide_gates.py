"""Problem 5 (guide, templates and gates agree): pre-work refuses exactly the fields the guide
says must be filled (BOOTSTRAP, SKELETON, WHAT, OUT_OF_SCOPE, ...) and nothing else; the packet
template's footer names exactly the coder sections; `govkit new refinement` exits 0 and
computes SPEC_TARGET_RESOLVED, SPEC_TARGET_SHA1 and every anchor from the spec."""

from __future__ import annotations

import hashlib
import json
import re

from govkit.config import DEFAULTS
from govkit.util.templates import template_text

from support.repo import commit_all
from support.wsfactory import make_sample, packet

WP = "WP-1-Demo"
UNFILLED = {
    "WHAT": ("- WHAT: Implement rule 1.4.", "- WHAT: <fill: one paragraph on what changes>"),
    "OUT_OF_SCOPE": ("  - everything else", "  - <fill>"),
    "BOOTSTRAP": ("- Read spec section 1; plan: edit src/app.py.",
                  "- <fill: files read, commands run, and the plan before touching code>"),
    "SKELETON": ("- def rule() -> bool", "- <fill: interfaces and stubs proposed for approval>"),
}


def placeholder_messages(p) -> list[str]:
    return [f["message"] for f in json.loads(p.stdout)["findings"]
            if f["code"] == "GK-PRE-PLACEHOLDER"]


def test_prework_refuses_each_unfilled_required_field(repo, gk):
    make_sample(repo, commit=False)
    text = packet(repo).read_text()
    for old, new in UNFILLED.values():
        assert old in text
        text = text.replace(old, new, 1)
    packet(repo).write_text(text)
    commit_all(repo, "checkpoint with template text")
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 1
    msgs = placeholder_messages(p)
    for name in UNFILLED:
        assert any(m.startswith(f"{name} still holds template text") for m in msgs), (name, msgs)


def test_prework_ignores_the_sections_filled_later(repo, gk):
    make_sample(repo)
    text = packet(repo).read_text()
    assert "- <fill: requirement -> path:line>" in text and "- COMMAND: <paste>" in text
    assert "What changed in this update: <fill>" in text
    p = gk("pre-work", WP, "--json", cwd=repo)
    assert p.returncode == 0 and placeholder_messages(p) == []


def test_footer_names_exactly_the_coder_sections():
    text = template_text("TASK_PACKET_TEMPLATE.md")
    footer = next(ln for ln in text.split("\n") if ln.startswith("Once locked"))
    named = re.findall(r"\b[A-Z][A-Z_]{2,}\b", footer.split(":", 1)[1].split("(")[0])
    assert named == DEFAULTS["packet"]["coder_sections"]


def test_new_refinement_computes_target_and_anchors(repo, gk):
    gk("init", str(repo))
    p = gk("new", "refinement", "WP-2-New", "--section", "1", "--json", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    rel = ".GOV/refinements/WP-2-New.md"
    text = (repo / rel).read_text()
    assert "{{" not in text
    spec = next(repo.glob("*_Master_Spec_v*.md"))
    sha = hashlib.sha1(spec.read_bytes()).hexdigest()
    assert f"- SPEC_TARGET_SHA1: {sha}" in text and f"-> {spec.name}" in text
    assert "CONTEXT_START_LINE: <fill" not in text and "<paste" not in text
    # only the orchestrator's judgements are left; filled, the refinement passes
    for a, b in (("- CLEARLY_COVERS_VERDICT: <fill> (PASS | FAIL)", "- CLEARLY_COVERS_VERDICT: PASS"),
                 ("- CLEARLY_COVERS_REASON: <fill>", "- CLEARLY_COVERS_REASON: section 1 says it"),
                 ("- ENRICHMENT_NEEDED: <fill> (YES | NO)", "- ENRICHMENT_NEEDED: NO"),
                 ("- REASON_NO_ENRICHMENT: <fill>", "- REASON_NO_ENRICHMENT: complete")):
        text = text.replace(a, b)
    (repo / rel).write_text(text)
    c = gk("refinement-check", "WP-2-New", "--json", cwd=repo)
    assert c.returncode == 0, c.stdout
    again = gk("new", "refinement", "WP-2-New", "--section", "1", cwd=repo)
    assert again.returncode == 2 and (repo / rel).read_text() == text

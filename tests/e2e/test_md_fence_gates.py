"""GK-MD-FENCE (issue #12 cause 3) is reported by every gate that reads the packet, not only by
post-work: the parse (model/markdown.py) finds the swallowed heading, and a cached parse carries
it, so pre-work, gate-check, validator-gate and ci all say so, once per line."""

from __future__ import annotations

import json

from support.repo import commit_all
from support.wsfactory import edit, make_sample, packet

WP = "WP-1-Demo"
PKT = f".GOV/task_packets/{WP}.md"
# A fenced block in a list item with one under-indented line: CommonMark ends the item there,
# the closing fence opens a new block, and that block swallows the next '## VALIDATION'.
FENCED = "- Run the tests:\n  ```bash\n  python -m pytest\npython -m pytest -k one\n  ```\n\n"


def _fenced_packet(repo) -> int:
    make_sample(repo)
    edit(packet(repo), "## VALIDATION\n", FENCED + "## VALIDATION\n")
    commit_all(repo, f"[{WP}] docs: test plan")
    return packet(repo).read_text().split("\n").index("## VALIDATION") + 1


def _fence(p) -> list[dict]:
    return [f for f in json.loads(p.stdout)["findings"] if f["code"] == "GK-MD-FENCE"]


def _clean(repo, gk, *args) -> int:
    """Exit code of the same command on the packet without the broken fence."""
    edit(packet(repo), FENCED, "")
    return gk(*args, cwd=repo).returncode


def test_pre_work_and_gate_check_warn_and_a_cached_parse_still_does(repo, gk):
    line = _fenced_packet(repo)
    for _ in range(2):   # the second run reads the packet's parse from the cache
        p = gk("pre-work", WP, "--json", cwd=repo)
        found = _fence(p)
        assert len(found) == 1, p.stdout
        assert found[0]["line"] == line and found[0]["severity"] == "warning"
        assert found[0]["path"] == PKT and "## VALIDATION" in found[0]["message"]
    code = p.returncode
    g = gk("gate-check", WP, "--json", cwd=repo)
    assert [f["line"] for f in _fence(g)] == [line]
    # a warning only: the verdict is the one the packet gets without the broken fence
    assert code == _clean(repo, gk, "pre-work", WP, "--json")


def test_ci_completeness_warns(repo, gk):
    line = _fenced_packet(repo)
    p = gk("ci", "--json", cwd=repo)
    found = _fence(p)
    assert [(f["path"], f["line"]) for f in found] == [(PKT, line)], p.stdout
    code = p.returncode
    assert code == _clean(repo, gk, "ci", "--json")


def test_ci_templates_check_warns_on_a_broken_template(repo, gk):
    make_sample(repo)
    from govkit.util.templates import template_text

    rel = ".GOV/templates/TASK_PACKET_TEMPLATE.md"
    text = template_text("TASK_PACKET_TEMPLATE.md").replace("## VALIDATION\n",
                                                            FENCED + "## VALIDATION\n", 1)
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    commit_all(repo, "template")
    p = gk("ci", "--json", cwd=repo)
    want = text.split("\n").index("## VALIDATION") + 1
    assert (rel, want) in [(f["path"], f["line"]) for f in _fence(p)], p.stdout


def test_validator_gate_warns(repo, gk):
    line = _fenced_packet(repo)
    p = gk("validator-gate", "present-report", WP, "pass", "--json", cwd=repo)
    assert [f["line"] for f in _fence(p)] == [line], p.stdout + p.stderr

"""The requirement extractor: properties over generated specs (hypothesis) and examples."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.model import markdown
from govkit.trace.extract import extract
from govkit.util.textio import decode

WORD = st.sampled_from(["the", "system", "queue", "job", "may", "keep", "data", "must", "shall", "v1.2"])
PLAIN = st.lists(WORD, min_size=1, max_size=8).map(lambda ws: " ".join(ws).capitalize() + ".")
KEY = st.sampled_from(["MUST", "SHALL", "SHOULD", "REQUIRED", "MUST NOT"])


@st.composite
def specs(draw):
    """(spec text, number of normative sentences planted in the body)."""
    out, planted = ["# Spec", ""], 0
    for s in range(1, draw(st.integers(1, 4)) + 1):
        out += [f"## {s}. Part {s}", ""]
        for _ in range(draw(st.integers(0, 4))):
            sentences = []
            for _ in range(draw(st.integers(1, 3))):
                if draw(st.booleans()):
                    sentences.append(f"The {draw(WORD)} {draw(KEY)} {draw(WORD)}.")
                    planted += 1
                else:
                    sentences.append(draw(PLAIN))
            out += [" ".join(sentences), ""]
        if draw(st.booleans()):
            out += ["```", "Code MUST never count.", "```", ""]
    if draw(st.booleans()):
        out += ["## Appendix A", "", "Back matter SHALL never count.", "", "### A.1 More", "",
                "Nor this MUST.", ""]
    return "\n".join(out) + "\n", planted


def _reqs(text: str):
    return extract(markdown.parse(decode(text.encode(), "spec.md")))


@settings(max_examples=60, deadline=None)
@given(specs())
def test_every_planted_sentence_and_nothing_else(case):
    text, planted = case
    reqs = _reqs(text)
    assert len(reqs) == planted
    lines = text.split("\n")
    for r in reqs:
        assert any(k in r.text for k in ("MUST", "SHALL", "SHOULD", "REQUIRED"))
        assert r.text in lines[r.line - 1]
        assert "never count" not in r.text and "Nor this" not in r.text
    assert len({r.id for r in reqs}) == len(reqs)
    assert reqs == _reqs(text)                      # deterministic


CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=CHARS, max_size=60), max_size=12))
def test_arbitrary_text_never_breaks_it(lines):
    reqs = _reqs("\n".join(lines))
    assert len({r.id for r in reqs}) == len(reqs)
    for r in reqs:
        assert r.level in ("MUST", "SHOULD") and r.line <= r.end_line


def test_ids_levels_lines_and_sections():
    text = ("# S\n\n## 1. Jobs\n\nA job MUST have an id [HSK-JOB-100]. Jobs may be late. The queue"
            " SHOULD\nretry twice.\n\n- an item SHALL hold\n- must in lower case is prose\n\n"
            "## 2. More\n\nThis is REQUIRED [HSK-JOB-100].\n")
    got = [(r.id, r.level, r.line, r.end_line, r.section, r.explicit) for r in _reqs(text)]
    assert got == [("HSK-JOB-100", "MUST", 5, 5, "1", True),
                   ("REQ-1-1", "SHOULD", 5, 6, "1", False),
                   ("REQ-1-2", "MUST", 8, 8, "1", False),
                   ("HSK-JOB-100.2", "MUST", 13, 13, "2", True)]

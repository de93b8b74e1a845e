"""spec regression: validated WPs' anchors classified OK / MOVED / CHANGED / MISSING."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.demo.sample import SPEC_NAME
from govkit.gates.specregress import SpecIndex

from support.cikit import entry, make_ws, run, set_board

LINE5 = "The system SHALL keep rule 1.1 for capability 1 (token cap1r1)."


@pytest.fixture
def ws(repo):
    make_ws(repo)
    set_board(repo, {"Done": [entry("WP-1-Demo", "VALIDATED")]})
    return repo


def _spec(repo, old, new):
    p = repo / SPEC_NAME
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new, 1))


def test_unchanged_spec_is_ok(ws):
    r = run(ws, ["spec-regression"])
    assert r.findings == [] and r.facts["spec_regression"]["OK"] == 1


def test_moved_context_names_the_new_lines(ws):
    _spec(ws, "## 1. Capability 1\n", "## 1. Capability 1\n\nNew intro.\nMore intro.\n\n")
    r = run(ws, ["spec-regression"])
    assert r.passed and r.codes() == ["GK-CI-ANCHOR-MOVED"]
    assert "from lines 4-6 to lines 9-9" in r.findings[0].message


def test_changed_text_warns(ws):
    _spec(ws, LINE5, "The system MAY keep rule 1.1 for capability 1 (token cap1r1).")
    r = run(ws, ["spec-regression"])
    assert r.passed and r.codes() == ["GK-CI-ANCHOR-CHANGED"]


def test_missing_anchor_of_a_validated_wp_is_an_error(ws):
    _spec(ws, LINE5 + "\n", "")
    r = run(ws, ["spec-regression"])
    assert r.codes() == ["GK-CI-ANCHOR-MISSING"]
    assert r.findings[0].path == ".GOV/refinements/WP-1-Demo.md"


def test_wps_not_validated_are_not_judged(ws):
    _spec(ws, LINE5 + "\n", "")
    set_board(ws, {"Ready for Dev": [entry("WP-1-Demo", "READY_FOR_DEV")]})
    assert run(ws, ["spec-regression"]).findings == []


def test_index_finds_contexts_across_lines_and_blank_lines():
    idx = SpecIndex(["# T", "", "alpha  beta", "", "gamma", "delta"])
    assert idx.find("beta gamma") == (3, 5)
    assert idx.find("delta") == (6, 6)
    assert idx.find("alpha   beta") == (3, 3)
    assert idx.find("zeta") is None and idx.find("  ") is None


_WORD = st.text(alphabet="abcxyz.", min_size=1, max_size=4)
_LINE = st.lists(_WORD, max_size=4).map(lambda ws: "  ".join(ws)) | st.sampled_from(["", " \t "])


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=12), data=st.data())
def test_index_find_agrees_with_a_line_by_line_search(lines, data):
    # The index is built lazily (only when a context left its window); whatever it finds must
    # be the first window of lines, by end line, whose collapsed text holds the context.
    a = data.draw(st.integers(1, len(lines)))
    b = data.draw(st.integers(a, len(lines)))
    idx = SpecIndex(lines)
    context = idx.window(a, b)
    got = idx.find(context)
    if not context:
        assert got is None
        return
    assert got is not None
    s, e = got
    assert context in idx.window(s, e)
    assert e <= b   # never later than the place the context was taken from
    assert s <= e

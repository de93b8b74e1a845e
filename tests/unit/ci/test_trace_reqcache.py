"""The requirement list in the parse cache: a hit gives exactly what extraction gives, and an
entry of any other shape is a miss (the spec is parsed again), never a different matrix."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.model.markdown import parse
from govkit.store.cache import _digest
from govkit.trace.extract import Requirement, extract
from govkit.trace.reqcache import from_data, requirements, to_data
from govkit.util.textio import decode
from govkit.workspace import Workspace

from support.cikit import make_ws

SPEC = ("# Spec v1\n\n## 1. Rules\n\nThe tool MUST keep [HSK-JOB-100] every record. It SHOULD log.\n\n"
        "- Each run SHALL stop\n  when told.\n\n## Appendix A\n\nThis MUST be ignored.\n")
_REQ = st.builds(Requirement, st.text(max_size=5), st.sampled_from(["MUST", "SHOULD"]),
                 st.text(max_size=20), st.integers(1, 10**6), st.integers(1, 10**6),
                 st.text(max_size=5), st.booleans())
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=8), max_leaves=40)


def test_round_trip_through_json_is_exact():
    reqs = extract(parse(decode(SPEC.encode(), "spec.md")))
    assert [r.id for r in reqs] == ["HSK-JOB-100", "REQ-1-1", "REQ-1-2"]
    assert from_data(json.loads(json.dumps(to_data(reqs)))) == reqs
    assert from_data(json.loads(json.dumps(to_data([])))) == []


@settings(max_examples=200)
@given(st.lists(_REQ, max_size=6))
def test_any_requirement_list_round_trips(reqs):
    assert from_data(json.loads(json.dumps(to_data(reqs)))) == reqs


@settings(max_examples=300)
@given(_JSON)
def test_anything_else_is_a_miss_or_a_typed_list(data):
    got = from_data(data)
    assert got is None or all(isinstance(r, Requirement) and type(r.line) is int
                              and type(r.explicit) is bool for r in got)


def test_wrong_types_are_misses():
    good = to_data(extract(parse(decode(SPEC.encode(), "spec.md"))))
    for col, bad in ((3, "5"), (6, 1), (3, True), (0, None)):
        data = [list(c) for c in good]
        data[col][0] = bad
        assert from_data(data) is None
    assert from_data(good[:6]) is None
    assert from_data([c[:1] if n == 2 else c for n, c in enumerate(good)]) is None  # ragged


def test_a_forged_entry_of_the_wrong_shape_is_parsed_again(repo, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GOVKIT_NO_CACHE", raising=False)
    make_ws(repo)
    ws = Workspace(repo)
    name, _ = ws.current_spec()
    want = requirements(ws, name)
    assert want and ws.cache is not None
    entries = [p for p in ws.cache.dir.rglob("*.json")
               if isinstance(ws.cache.get(p.stem), list)]   # the requirement entry
    assert len(entries) == 1
    k = entries[0].stem
    hit = requirements(Workspace(repo), name)
    assert hit == want
    for bad in ([[], [], []], [[1], [2], [3], [4], [5], [6], [7]], {"h": []}):
        payload = json.dumps(bad)
        entries[0].write_text(_digest(k, payload) + "\n" + payload, encoding="utf-8")
        assert requirements(Workspace(repo), name) == want

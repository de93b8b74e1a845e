"""govkit.model.records: canonical record files, parse errors, the chain rules."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.model.records import (
    FORMAT,
    chain_problems,
    encode,
    file_name,
    parse_record,
)

D = ".GOV/records/WP-1-A"


def fields(seq=1, type="LOCK", prev=None, wp="WP-1-A", body=None):
    return {"format": FORMAT, "wp": wp, "seq": seq, "type": type,
            "created": "2026-01-01T00:00:00.000Z", "actor": "op", "tool_version": "0",
            "prev": prev, "witness": None, "body": body or {"x": 1}}


def chain(types=("REFINEMENT", "SIGNATURE", "PREPARE", "LOCK")):
    out, prev = [], None
    for n, t in enumerate(types, 1):
        raw = encode(fields(n, t, prev))
        rec = parse_record(raw, f"{D}/{file_name(n, t)}")
        out.append(rec)
        prev = rec.sha256
    return out


def test_round_trip_and_sha():
    raw = encode(fields())
    rec = parse_record(raw, f"{D}/0001-LOCK.json")
    assert rec.type == "LOCK" and rec.seq == 1 and rec.body == {"x": 1}
    assert rec.sha256 == hashlib.sha256(raw).hexdigest()
    assert raw.endswith(b"\n") and file_name(3, "LOCK") == "0003-LOCK.json"


@pytest.mark.parametrize("mutate, msg", [
    (lambda f: f.pop("body"), "missing"),
    (lambda f: f.update(extra=1), "unknown field"),
    (lambda f: f.update(format="x"), "format"),
    (lambda f: f.update(seq=True), "seq"),
    (lambda f: f.update(seq=0), "seq"),
    (lambda f: f.update(type="NOPE"), "type"),
    (lambda f: f.update(prev="abc"), "prev"),
    (lambda f: f.update(witness={"seq": 1}), "witness"),
    (lambda f: f.update(body=[]), "body"),
    (lambda f: f.update(wp=3), "wp"),
])
def test_malformed(mutate, msg):
    f = fields()
    mutate(f)
    with pytest.raises(ValueError, match=msg):
        parse_record(encode(f), "x")


def test_not_canonical_is_refused():
    raw = encode(fields()).replace(b'"actor":"op"', b'"actor": "op"')
    with pytest.raises(ValueError, match="canonical"):
        parse_record(raw, "x")


def test_deep_and_huge_input():
    with pytest.raises(ValueError):
        parse_record(b"[" * 100000 + b"]" * 100000, "x")
    with pytest.raises(ValueError):
        parse_record(b" " * (5 * 1024 * 1024), "x")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_parse_record_only_valueerror(raw):
    try:
        parse_record(raw, "x")
    except ValueError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                        max_size=3)))
def test_parse_record_json_values(value):
    f = fields()
    f["body"] = value
    try:
        raw = encode(f)
    except ValueError:
        return
    try:
        parse_record(raw, "x")
    except ValueError:
        pass


def test_chain_intact():
    assert chain_problems(chain()) == []


def test_chain_removed_reordered_edited():
    recs = chain()
    assert any("gap" in p or "prev" in p for _, p in chain_problems([recs[0], *recs[2:]]))
    assert chain_problems([recs[1], recs[0], *recs[2:]])
    edited = parse_record(encode(fields(2, "SIGNATURE", recs[0].sha256, body={"x": 2})),
                          recs[1].path)
    probs = chain_problems([recs[0], edited, *recs[2:]])
    assert [p for p in probs if p[0] == recs[2].path and "prev" in p[1]]


def test_chain_name_and_wp():
    rec = parse_record(encode(fields(1, "LOCK")), f"{D}/0001-AMEND.json")
    assert any("file name" in p for _, p in chain_problems([rec]))
    rec = parse_record(encode(fields(1, "LOCK", wp="WP-2-B")), f"{D}/0001-LOCK.json")
    assert any("WP-2-B" in p for _, p in chain_problems([rec]))
    rec = parse_record(encode(fields(1, "LOCK", prev="0" * 64)), f"{D}/0001-LOCK.json")
    assert any("first record" in p for _, p in chain_problems([rec]))

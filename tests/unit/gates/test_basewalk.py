"""The commit a `ci --base` finding names (govkit/gates/basewalk.py): the first commit of the run
after which the rule fails through HEAD; the raw diff parser. Properties (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govkit.gates.basewalk import AT_BASE, Change, Commit, History, named, raw_changes


def _history(verdicts: list[bool | None]) -> History:
    """One commit per verdict; None: the commit does not touch the rule's file."""
    hist = History.__new__(History)
    hist.base = "b" * 40
    hist.log = [Commit(f"{n:040x}", f"c{n}", [Change("M", "0" * 40, f"{n:040x}",
                                                      "f" if v is not None else "other")])
                for n, v in enumerate(verdicts)]
    hist._blobs = {}
    return hist


def _expected(at_base: bool, verdicts: list[bool | None]) -> str | None:
    who: str | None = "base" if at_base else None
    for n, v in enumerate(verdicts):
        if v is None:
            continue
        who = (who or f"c{n}") if v else None
    return who


@given(st.booleans(), st.lists(st.one_of(st.none(), st.booleans()), max_size=30))
def test_culprit_starts_the_final_failing_run(at_base, verdicts):
    hist = _history(verdicts)
    seen = iter(v for v in verdicts if v is not None)
    who = hist.culprit(lambda p: p == "f", at_base, lambda hits: next(seen))
    want = _expected(at_base, verdicts)
    got = None if who is None else "base" if who is AT_BASE else who.subject
    assert got == want
    text = named(who, hist.base)
    assert (text == "") == (want is None)
    if who is not None and who is not AT_BASE:
        assert who.sha[:12] in text


def test_culprit_of_a_rule_that_never_failed_is_none():
    hist = _history([False, False])
    assert hist.culprit(lambda p: p == "f", False, lambda hits: False) is None


@given(st.lists(st.tuples(st.sampled_from("AMDT"), st.text(
    alphabet=st.characters(blacklist_characters="\0\n", blacklist_categories=("Cs",)),
    min_size=1, max_size=20)), max_size=8))
def test_raw_changes_round_trip(entries):
    data = b"".join(f":100644 100644 {'1' * 40} {'2' * 40} {s}\0".encode() + p.encode() + b"\0"
                    for s, p in entries)
    got = raw_changes(data)
    assert [(c.status, c.path) for c in got] == entries
    assert all(c.old == "1" * 40 and c.new == "2" * 40 for c in got)

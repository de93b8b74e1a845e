"""govkit.gates.reanchor_plan.classify: which anchors survive a spec bump. Property tests over
generated specs: lines inserted or removed outside the window move it by exactly that much;
any edit of a non-blank line inside the window is never UNCHANGED or MOVED."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govkit.gates.reanchor_plan import CHANGED, MISSING, MOVED, UNCHANGED, classify
from govkit.gates.specregress import SpecIndex
from govkit.model.common import Value
from govkit.model.refinement import Anchor

RULE = "The system SHALL keep rule {n} (token tok{n})."


def spec(n: int) -> list[str]:
    out = ["# Spec", ""]
    for i in range(1, n + 1):
        out += [f"## {i}. Section {i}", "", RULE.format(n=i), ""]
    return out


def anchor(lines: list[str], start: int, end: int, token: str) -> Anchor:
    excerpt = "\n".join(lines[start - 1:end])
    return Anchor("1", 10, Value("x", 11), Value(str(start), 12), Value(str(end), 13),
                  Value(token, 14), excerpt, 15)


@given(n=st.integers(3, 12), pick=st.integers(0, 11), shift=st.integers(-2, 6))
def test_lines_outside_the_window_move_it(n, pick, shift):
    old = spec(n)
    sec = pick % n + 1
    start = 3 + (sec - 1) * 4          # the section's heading line
    end = start + 2                    # heading, blank, rule line
    a = anchor(old, start, end, f"tok{sec}")
    if shift >= 0:
        new = old[:1] + [f"added {i}" for i in range(shift)] + old[1:]
    else:
        new = old[:1] + old[1 - shift:]   # drop blank/heading lines above section 1's text
        if sec == 1:
            return                       # the removed lines may be the window itself
    m = classify(a, old, SpecIndex(new))
    if shift == 0:
        assert m.status == UNCHANGED and m.new == (start, end)
    else:
        assert m.status == MOVED and m.new == (start + shift, end + shift)
        assert new[m.new[0] - 1:m.new[1]] == old[start - 1:end]


@given(n=st.integers(1, 8), pick=st.integers(0, 7), word=st.sampled_from(["drop", "MAY", "x"]),
       keep_token=st.booleans())
def test_an_edit_inside_the_window_is_never_followed(n, pick, word, keep_token):
    old = spec(n)
    sec = pick % n + 1
    start = 3 + (sec - 1) * 4
    end = start + 2
    a = anchor(old, start, end, f"tok{sec}")
    new = list(old)
    rule = start + 1                   # 0-based index of the rule line
    new[rule] = new[rule].replace("keep", word) if keep_token else f"Rule {sec} is {word}."
    m = classify(a, old, SpecIndex(new))
    assert m.status == (CHANGED if keep_token else MISSING)


def test_without_the_old_spec_the_excerpt_stands_in():
    old = spec(3)
    a = anchor(old, 7, 9, "tok2")
    new = old[:1] + ["one", "two"] + old[1:]
    m = classify(a, None, SpecIndex(new))
    assert m.status == MOVED and m.new is not None
    assert "tok2" in " ".join(new[m.new[0] - 1:m.new[1]])

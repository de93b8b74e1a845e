"""The spec's line index (MasterSpec.line_count and window from the parse cache) always gives
what splitting the whole spec gives: when it is written, when it is read back, and when the
cache holds a wrong entry under the spec's key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govkit.model import spec as specmod
from govkit.model.spec import LINE_STEP, MasterSpec
from govkit.store.cache import Cache
from govkit.util.textio import decode

LINE = st.text(st.sampled_from("ab c-\t\u00e9"), max_size=12)
ENDING = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def spec_bytes(draw):
    """A few blocks of lines (more than LINE_STEP lines now and then), mixed line endings."""
    n = draw(st.integers(1, 3 * LINE_STEP + 5))
    lines = draw(st.lists(LINE, min_size=n, max_size=n))
    ends = draw(st.lists(ENDING, min_size=n, max_size=n))
    tail = draw(st.booleans())
    body = "".join(a + b for a, b in zip(lines, ends))
    return (body if tail else body[: -len(ends[-1])]).encode("utf-8")


def _same(spec: MasterSpec, plain: MasterSpec, ranges) -> None:
    assert spec.line_count == len(plain.lines)
    for start, end in ranges:
        assert spec.window(start, end) == "\n".join(plain.lines[start - 1:end]), (start, end)


def _ranges(data, count):
    out = [(1, 1), (1, count), (count, count)]
    for _ in range(6):
        a = data.draw(st.integers(1, count))
        out.append((a, data.draw(st.integers(a, count))))
    return out


@given(raw=spec_bytes(), data=st.data())
def test_the_index_equals_the_split(tmp_path_factory, raw, data):
    cache = Cache(tmp_path_factory.mktemp("cache"))
    doc = decode(raw, "S_Master_Spec_v01.md")
    plain = MasterSpec(doc)
    ranges = _ranges(data, len(plain.lines))
    first = MasterSpec(doc, cache)        # no entry yet: splits, writes the index
    _same(first, plain, ranges)
    again = MasterSpec(doc, cache)        # from the index, without a split
    _same(again, plain, ranges)
    assert again._index is not None and "lines" not in again.__dict__


@given(raw=spec_bytes(), data=st.data())
def test_a_wrong_entry_is_never_used(tmp_path_factory, raw, data):
    cache = Cache(tmp_path_factory.mktemp("cache"))
    doc = decode(raw, "S_Master_Spec_v01.md")
    plain = MasterSpec(doc)
    count = len(plain.lines)
    assert MasterSpec(doc, cache).line_count == count  # writes the entry
    (entry,) = [p for p in cache.dir.rglob("*.json")]
    k = entry.stem
    good = cache.get(k)
    shift = data.draw(st.integers(-3, 3).filter(lambda n: n != 0))
    starts = [0]
    for line in plain.lines:
        starts.append(starts[-1] + len(line) + 1)
    # offset 1 at the start of the next line: still a line start, the total still right
    skewed = [good[1][0], starts[LINE_STEP + 1], *good[1][2:]] if len(good[1]) > 2 else None
    wrong = [
        *([[count, skewed]] if skewed else []),
        [count + shift, good[1]],                                  # another line count
        [count, [o + shift for o in good[1]]],                      # moved offsets
        [count, good[1][:-1]] if len(good[1]) > 1 else [count, []],  # a block missing
        [count, [str(o) for o in good[1]]],                         # wrong types
        {"count": count},
    ]
    for bad in wrong:
        cache.put(k, bad)                 # a well-formed entry under the right key: forged
        spec = MasterSpec(doc, cache)
        _same(spec, plain, _ranges(data, count))
        assert spec._index is None


def test_a_spec_of_many_blocks_reads_only_what_it_needs(tmp_path):
    raw = "".join(f"line {n}\n" for n in range(1, 10 * LINE_STEP)).encode()
    doc = decode(raw, "S_Master_Spec_v01.md")
    cache = Cache(tmp_path)
    assert MasterSpec(doc, cache).line_count == 10 * LINE_STEP  # writes the entry
    spec = MasterSpec(doc, cache)
    assert spec.window(3 * LINE_STEP + 7, 3 * LINE_STEP + 9) == "\n".join(
        f"line {n}" for n in range(3 * LINE_STEP + 7, 3 * LINE_STEP + 10))
    assert spec.line_count == 10 * LINE_STEP and "lines" not in spec.__dict__
    assert specmod.LINE_INDEX_VERSION >= 1

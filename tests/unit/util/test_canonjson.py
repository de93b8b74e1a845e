"""govkit.util.canonjson: the one canonical JSON byte form that hashes and signatures cover."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.util import canonjson


def test_sorted_keys_and_compact():
    assert canonjson.dumps({"b": 1, "a": [1, 2, {"d": None, "c": True}]}) == \
        '{"a":[1,2,{"c":true,"d":null}],"b":1}'


def test_equal_dicts_built_in_different_orders_give_same_bytes():
    one = {}
    one["z"], one["a"], one["m"] = 1, {"y": 2, "x": 3}, [3]
    two = {"m": [3], "a": {"x": 3, "y": 2}, "z": 1}
    assert list(one) != list(two)
    assert canonjson.dumpb(one) == canonjson.dumpb(two)


def test_ascii_escapes_non_ascii():
    out = canonjson.dumpb({"name": "café ✓"})
    assert out == b'{"name":"caf\\u00e9 \\u2713"}'
    assert out.isascii()


def test_utf8_keeps_characters():
    out = canonjson.dumpb({"name": "café ✓"}, ascii=False)
    assert out == '{"name":"café ✓"}'.encode()
    assert canonjson.dumps({"name": "é"}, ascii=False) == '{"name":"é"}'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_rejected(bad):
    with pytest.raises(ValueError):
        canonjson.dumps({"x": bad})


def test_unknown_objects_become_strings():
    class Thing:
        def __str__(self):
            return "thing!"
    assert canonjson.dumps([Thing()]) == '["thing!"]'


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20)


@settings(deadline=None)
@given(_json, st.booleans())
def test_canonical_form_is_a_fixed_point(value, ascii):
    text = canonjson.dumps(value, ascii)
    assert canonjson.dumps(json.loads(text), ascii) == text
    assert canonjson.dumpb(value, ascii) == text.encode("utf-8")

"""The parse cache's entries (govkit/store/cache.py): a value comes back only from an intact
entry written for that key; anything else is a miss, never an error."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.store.cache import Cache, _digest, key

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                     lambda inner: st.lists(inner, max_size=5)
                     | st.dictionaries(st.text(max_size=5), inner, max_size=5), max_leaves=20)


def test_round_trip_and_every_kind_of_damage_is_a_miss(tmp_path):
    c = Cache(tmp_path)
    k = key("md", "3", "0.1.0", b"bytes")
    value = {"x": ["caf\u00e9 \u2028 \U0001f600", [1, 2]], "n": None}
    c.put(k, value)
    assert c.get(k) == value
    path = c._path(k)
    good = path.read_bytes()
    for bad in (b"", good[: len(good) // 2], good.replace(b"caf", b"cab"),
                good.split(b"\n", 1)[0] + b"\n\xff\xfe{}"):
        path.write_bytes(bad)
        assert c.get(k) is None
    payload = b'["not", "utf-8 \xff"]'   # a matching digest over bytes that are not UTF-8
    path.write_bytes(hashlib.sha256(k.encode() + b"\n" + payload).hexdigest().encode() + b"\n" + payload)
    assert c.get(k) is None
    assert c.get(key("other")) is None


@settings(max_examples=100)
@given(_JSON)
def test_any_json_value_round_trips_with_the_documented_digest(tmp_path_factory, value):
    c = Cache(tmp_path_factory.mktemp("cache"))
    k = key("v", repr(value))
    c.put(k, value)
    assert c.get(k) == value
    head, _, payload = c._path(k).read_text(encoding="utf-8").partition("\n")
    assert head == _digest(k, payload)   # the entry format is unchanged: digest line, payload

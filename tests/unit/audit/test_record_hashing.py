"""govkit.audit.record: the HMAC with precomputed pads and the hash over the line's own bytes."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govkit.audit.record import GENESIS, Bad, mac, mac_ok, parse, seal


def _rec(seq: int = 1, data=None) -> dict:
    return {"seq": seq, "ts": "2026-01-01T00:00:00.000000Z", "kind": "event", "actor": "t",
            "command": "c", "wp": "WP-1", "data": data if data is not None else {"n": seq},
            "prev_hash": GENESIS}


@given(key=st.binary(min_size=1, max_size=200), body=st.binary(max_size=500))
def test_mac_is_rfc2104_hmac_sha256(key, body):
    assert mac(key, body) == hmac.new(key, body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("key", [None, b"k" * 32])
def test_sealed_line_parses_and_verifies(key):
    rec = _rec(data={"é": "naïve", "list": [1, 2]})
    line = seal(rec, key)
    got = parse(line)
    assert got["hash"] == rec["hash"]
    if key:
        assert mac_ok(got, key)
        assert not mac_ok(got, b"x" * 32)


@pytest.mark.parametrize("key", [None, b"k" * 32])
def test_a_changed_byte_is_a_hash_error(key):
    line = seal(_rec(data={"n": 1}), key)
    with pytest.raises(Bad) as exc:
        parse(line.replace(b'"n":1', b'"n":2'))
    assert exc.value.code == "HASH"


def test_whitespace_outside_values_still_verifies_by_the_canonical_form():
    rec = _rec()
    line = seal(rec, b"k" * 32)
    spaced = line.replace(b'"seq":1', b'"seq": 1')  # no longer the bytes that were hashed
    got = parse(spaced)
    assert got["hash"] == rec["hash"] and mac_ok(got, b"k" * 32)


def test_a_forged_line_hashed_over_its_own_bytes_fails_the_hmac():
    key = b"k" * 32
    line = seal(_rec(), key)
    body = line[: line.index(b',"hash":')] + b"}"
    forged_body = body.replace(b'"seq":1', b'"seq": 1')
    h = hashlib.sha256(forged_body).hexdigest()
    forged = forged_body[:-1] + f',"hash":"{h}","hmac":"{"0" * 64}"}}\n'.encode()
    got = parse(forged)  # self-consistent without the key ...
    assert not mac_ok(got, key)  # ... and refused with it

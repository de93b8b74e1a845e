"""One audit record: canonical form, hash, HMAC, and the checks a reader applies to a line.

A line is the canonical JSON of the record (sorted keys, no whitespace, ASCII) with the `hash`
and, when a key is configured, the `hmac` fields appended at the end. Both are computed over the
canonical form without those two fields.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_mod
import json

from govkit.util import canonjson

GENESIS = "0" * 64
KINDS = ("intent", "result", "denied", "event", "attest")
KEY_ENABLED = "audit-key-enabled"  # event written when a key signs an unsigned trail
FIELDS = ("seq", "ts", "kind", "actor", "command", "wp", "data", "prev_hash")
_FIELDSET = frozenset(FIELDS)

_dumps = canonjson.dumps
_loads = json.JSONDecoder().decode


def canonical(rec: dict) -> bytes:
    """Canonical bytes of a record, without its hash and hmac."""
    body = {k: v for k, v in rec.items() if k not in ("hash", "hmac")}
    return _dumps(body).encode("ascii")


_PADS: dict[bytes, tuple] = {}


def mac(key: bytes, body: bytes) -> str:
    """HMAC-SHA256 of body, hex. The key's inner and outer pad states are computed once per key
    (RFC 2104), which halves the cost per record when a whole trail is verified."""
    pads = _PADS.get(key)
    if pads is None:
        k = hashlib.sha256(key).digest() if len(key) > 64 else key
        k = k.ljust(64, b"\0")
        pads = (hashlib.sha256(bytes(b ^ 0x36 for b in k)),
                hashlib.sha256(bytes(b ^ 0x5C for b in k)))
        if len(_PADS) < 8:
            _PADS[key] = pads
    inner = pads[0].copy()
    inner.update(body)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def seal(rec: dict, key: bytes | None) -> bytes:
    """Set rec['hash'] (and rec['hmac']) and return the line to append (ends with a newline)."""
    body = canonical(rec)
    rec["hash"] = hashlib.sha256(body).hexdigest()
    tail = f',"hash":"{rec["hash"]}"'
    if key:
        rec["hmac"] = mac(key, body)
        tail += f',"hmac":"{rec["hmac"]}"'
    return body[:-1] + tail.encode("ascii") + b"}\n"


class Bad(Exception):
    """A line that is not a well-formed, self-consistent record. code: PARSE | FIELDS | HASH."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse(line: bytes) -> dict:
    """Decode one line and check its own hash. Raises Bad. (Chain, seq and HMAC are the
    caller's: they depend on the neighbours and on the key.)"""
    try:
        rec = _loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Bad("PARSE", f"not valid JSON ({str(exc)[:80]})") from None
    except RecursionError:
        raise Bad("PARSE", "JSON nested too deeply") from None
    if not isinstance(rec, dict):
        raise Bad("PARSE", "not a JSON object")
    stored = rec.pop("hash", None)
    stored_mac = rec.pop("hmac", None)
    if rec.keys() != _FIELDSET or type(stored) is not str:
        _field_problem(rec, stored)
    if type(rec["seq"]) is not int or rec["kind"] not in KINDS:
        raise Bad("FIELDS", "seq must be an integer and kind one of " + ", ".join(KINDS))
    body = _raw_body(line, stored, stored_mac)
    if body is None or hashlib.sha256(body).hexdigest() != stored:
        try:
            body = _dumps(rec).encode("ascii")
        except (ValueError, RecursionError):
            raise Bad("PARSE", "record holds values that have no canonical form") from None
        if hashlib.sha256(body).hexdigest() != stored:
            raise Bad("HASH", "hash does not match the record's content")
    rec["hash"] = stored
    if stored_mac is not None:
        rec["hmac"] = stored_mac
    rec["_body"] = body
    return rec


def _raw_body(line: bytes, stored: str, stored_mac) -> bytes | None:
    """The bytes `seal` hashed, cut from the line as written (`<body without "}">,"hash":..}`):
    hashing them needs no re-encoding, the largest cost of a verify. The hash and HMAC bind
    these exact bytes, so a line that is not in canonical form but whose hash matches its own
    bytes proves as much as a canonical one; any other shape takes the canonical path."""
    tail = f',"hash":"{stored}"'
    if stored_mac is not None:
        if type(stored_mac) is not str:
            return None
        tail += f',"hmac":"{stored_mac}"'
    end = tail.encode("ascii", "replace") + b"}"
    stripped = line.rstrip(b"\r\n")
    if not stripped.endswith(end):
        return None
    return stripped[: len(stripped) - len(end)] + b"}"


def _field_problem(rec: dict, stored) -> None:
    missing = [f for f in FIELDS if f not in rec] + ([] if isinstance(stored, str) else ["hash"])
    if missing:
        raise Bad("FIELDS", "missing field(s): " + ", ".join(missing))
    raise Bad("FIELDS", "unknown field(s): " + ", ".join(sorted(set(rec) - _FIELDSET)))


def mac_ok(rec: dict, key: bytes) -> bool:
    m = rec.get("hmac")
    return isinstance(m, str) and hmac_mod.compare_digest(m, mac(key, rec["_body"]))


# What breaks a record's place in the chain (the writer and `audit verify` apply the same rules).
SEQ, LINK, HMAC_WRONG, HMAC_MISSING = "seq", "link", "hmac-wrong", "hmac-missing"


def chain_breaks(rec: dict, expect_seq: int | None, prev_hash: str | None, key: bytes | None,
                 signed_before: bool) -> list[str]:
    """The chain rules a parsed record breaks, in order: its seq must follow expect_seq, its
    prev_hash must be prev_hash (None: unknown, not checked), its HMAC must verify with key
    (None: not checked), and once a record was signed every later one must be."""
    out = []
    if expect_seq is not None and rec["seq"] != expect_seq:
        out.append(SEQ)
    if prev_hash is not None and rec["prev_hash"] != prev_hash:
        out.append(LINK)
    if "hmac" in rec:
        if key is not None and not mac_ok(rec, key):
            out.append(HMAC_WRONG)
    elif signed_before:
        out.append(HMAC_MISSING)
    return out

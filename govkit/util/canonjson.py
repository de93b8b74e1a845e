"""The one canonical JSON form: sorted keys, no whitespace, no NaN or Infinity.

Hashes and signatures are computed over these bytes. `ascii=True` (the default) escapes every
non-ASCII character, so the bytes are plain ASCII (audit records, checkpoints, findings);
`ascii=False` keeps UTF-8 (approval statements were first signed that way, so they stay so).
"""

from __future__ import annotations

import json

_ASCII = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                          allow_nan=False, default=str)
_UTF8 = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                         allow_nan=False, default=str)


def dumps(obj, ascii: bool = True) -> str:
    """Canonical text of obj (ValueError for NaN or Infinity)."""
    return (_ASCII if ascii else _UTF8).encode(obj)


def dumpb(obj, ascii: bool = True) -> bytes:
    """Canonical bytes of obj (UTF-8; plain ASCII when ascii=True)."""
    return dumps(obj, ascii).encode("utf-8")

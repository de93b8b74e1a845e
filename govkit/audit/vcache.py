"""The verified prefix of a trail, so `govkit ci` re-walks only what was appended since.

`govkit ci` checks every witness against the trail on each run; walking a trail of 10,000
records costs about 55 ms, and trails only grow. After a clean walk, ci stores how far it got:
the files and byte lengths it covered, the SHA-256 of those bytes, the walker's state at that
point and the hashes of the witnessed records it met, all under an HMAC with the trail's key
(so only a holder of the key can write a cache that is believed). The next run re-hashes the
covered bytes (a few ms: no JSON, no HMAC per record) and, when they are unchanged, walks only
the new tail. Anything else (no key, a changed byte, a rotated file, a witness of an older
record the cache does not know, an unreadable or foreign cache) is a full walk, so the cache
never changes a verdict. `govkit audit verify` always walks everything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from govkit.util import canonjson

NAME = ".verified.json"
VERSION = 1
MAX_BYTES = 4 << 20
_CHUNK = 1 << 20


def cache_path(trail: Path) -> Path:
    return trail.with_name(NAME)


def _mac(key: bytes, body: dict) -> str:
    return hmac.new(key, b"govkit-verify-cache\0" + canonjson.dumpb(body), hashlib.sha256).hexdigest()


def digest(chain: list[Path], spans: list[list]) -> str | None:
    """SHA-256 over the first `size` bytes of each file named in spans ([name, size, lines]),
    which must be the first files of chain, in order; None when they are not (or are shorter)."""
    if len(spans) > len(chain):
        return None
    h = hashlib.sha256()
    for path, (name, size, _lines) in zip(chain, spans):
        if path.name != name:
            return None
        try:
            with open(path, "rb") as fh:
                left = size
                while left > 0:
                    block = fh.read(min(_CHUNK, left))
                    if not block:
                        return None
                    h.update(block)
                    left -= len(block)
        except OSError:
            return None
    return h.hexdigest()


def load(trail: Path, key: bytes | None, chain: list[Path]) -> dict | None:
    """The cached state, when it is this key's and the bytes it covers are unchanged."""
    if not key:
        return None
    p = cache_path(trail)
    try:
        if p.is_symlink() or p.stat().st_size > MAX_BYTES:
            return None
        doc = json.loads(p.read_bytes())
        body, mac = doc["body"], doc["mac"]
        if not (isinstance(body, dict) and isinstance(mac, str)
                and hmac.compare_digest(mac, _mac(key, body)) and body.get("v") == VERSION):
            return None
        spans = body["spans"]
        # Files before the last span must be exactly as long as walked (a rotated file never
        # grows); the last one may have grown: its new tail is what the walk goes on with.
        if not spans or any(chain[i].stat().st_size != spans[i][1]
                            for i in range(min(len(spans) - 1, len(chain)))):
            return None
        if digest(chain, spans) != body["digest"]:
            return None
        return body
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def save(trail: Path, key: bytes | None, chain: list[Path], spans: list[list],
         state: dict) -> None:
    """Store the covered spans and the walker's state after them (best effort: a cache that
    cannot be written only costs the next run time)."""
    if not key or not spans:
        return
    d = digest(chain, spans)
    if d is None:
        return
    body = {"v": VERSION, "spans": spans, "digest": d, "state": state}
    data = canonjson.dumpb({"body": body, "mac": _mac(key, body)})
    if len(data) > MAX_BYTES:
        return
    # Atomic (rename) but not fsynced: a cache lost to a power cut costs one full walk, and a
    # torn or foreign one fails its MAC.
    from govkit.errors import GovkitError
    from govkit.store.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(cache_path(trail), data, durable=False)
    except (OSError, GovkitError):
        pass

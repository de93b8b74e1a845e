"""Per-WP record files (`<gov_dir>/records/<WP>/<NNNN>-<TYPE>.json`): pure parsing and the chain
rules. One record per file, canonical JSON (govkit/util/canonjson.py) plus a newline, never
rewritten; `prev` is the SHA-256 of the previous record file's bytes, so a removed, reordered or
edited record breaks the chain (docs/design/records-and-locks.md)."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from typing import NamedTuple

from govkit.util import canonjson

FORMAT = "govkit-record/1"
TYPES = ("REFINEMENT", "SIGNATURE", "PREPARE", "LOCK", "AMEND", "SKELETON-APPROVED",
         "POSTWORK-PASS", "VALIDATED",
         "REANCHOR",  # the refinement moved to a new spec version, excerpts unchanged
         "START")     # the coder started: Status In Progress (govkit start)
FIELDS = ("format", "wp", "seq", "type", "created", "actor", "tool_version", "prev", "witness",
          "body")
MAX_BYTES = 4 * 1024 * 1024  # a record is small; anything larger is not one
FILE_RE = re.compile(r"^(\d{4,})-([A-Z][A-Z-]*)\.json$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class Record(NamedTuple):
    path: str
    wp: str
    seq: int
    type: str
    created: str
    actor: str
    tool_version: str
    prev: str | None
    witness: dict | None
    body: dict
    sha256: str  # of the file's bytes


def encode(fields: dict) -> bytes:
    """The canonical bytes of a record file (ValueError for values without a canonical form)."""
    try:
        return canonjson.dumpb(fields) + b"\n"
    except RecursionError:
        raise ValueError("record is nested too deeply") from None


def file_name(seq: int, type: str) -> str:
    return f"{seq:04d}-{type}.json"


def _str(data: dict, key: str) -> str:
    v = data[key]
    if not isinstance(v, str):
        raise ValueError(f"'{key}' must be a string")
    return v


def parse_record(raw: bytes, path: str) -> Record:
    """A record from its file bytes; ValueError('what is wrong') for anything malformed."""
    if not isinstance(raw, bytes | bytearray):
        raise ValueError("record bytes expected")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"record is too large ({len(raw)} bytes)")
    try:
        data = json.loads(raw.decode("ascii"))
    except RecursionError:
        raise ValueError("record is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"not canonical ASCII JSON ({str(exc)[:80]})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    missing = [f for f in FIELDS if f not in data]
    if missing:
        raise ValueError("missing field(s): " + ", ".join(missing))
    extra = sorted(set(data) - set(FIELDS))
    if extra:
        raise ValueError("unknown field(s): " + ", ".join(extra))
    if data["format"] != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}")
    seq = data["seq"]
    if type(seq) is not int or not 1 <= seq <= 9999_9999:
        raise ValueError("'seq' must be a positive integer")
    kind = _str(data, "type")
    if kind not in TYPES:
        raise ValueError(f"unknown record type {kind!r}")
    wp, created, actor, version = (_str(data, k) for k in ("wp", "created", "actor",
                                                          "tool_version"))
    prev = data["prev"]
    if prev is not None and (not isinstance(prev, str) or not _HEX64.match(prev)):
        raise ValueError("'prev' must be null or 64 hex digits")
    witness = data["witness"]
    if witness is not None:
        # trail: which trail (govkit.audit.witness.trail_id); absent in the first records.
        if not isinstance(witness, dict) or not {"seq", "hash"} <= set(witness) <= \
                {"seq", "hash", "trail"} or type(witness["seq"]) is not int or \
                not isinstance(witness["hash"], str) or \
                not isinstance(witness.get("trail", ""), (str, type(None))):
            raise ValueError("'witness' must be null or {seq, hash, trail}")
    body = data["body"]
    if not isinstance(body, dict):
        raise ValueError("'body' must be an object")
    if encode(data) != raw:
        raise ValueError("not in canonical form (edited by hand?)")
    return Record(path, wp, seq, kind, created, actor, version, prev, witness, body,
                  hashlib.sha256(raw).hexdigest())


def chain_problems(records: list[Record]) -> list[tuple[str, str]]:
    """(path, problem) for every break of one WP's chain, records in file-name order."""
    out: list[tuple[str, str]] = []
    prev: Record | None = None
    for n, rec in enumerate(records, 1):
        name = posixpath.basename(rec.path)
        folder = posixpath.basename(posixpath.dirname(rec.path))
        if rec.seq != n:
            what = "duplicate" if prev is not None and rec.seq <= prev.seq else "gap"
            out.append((rec.path, f"sequence {rec.seq} where {n} was expected ({what}: a "
                        "record was removed, added or reordered)"))
        if name != file_name(rec.seq, rec.type):
            out.append((rec.path, f"file name does not match its content (seq {rec.seq}, type "
                        f"{rec.type}: expected {file_name(rec.seq, rec.type)})"))
        if folder and rec.wp != folder:
            out.append((rec.path, f"record of {rec.wp!r} in the record directory of {folder!r}"))
        want = prev.sha256 if prev is not None else None
        if rec.prev != want:
            out.append((rec.path, "'prev' is not the SHA-256 of the previous record file"
                        if want else "the first record must have prev null"))
        prev = rec
    return out

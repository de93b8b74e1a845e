"""Byte-level facts shared by git reading and COR-701 hashing."""

from __future__ import annotations

ZERO_SHA = "0" * 40  # git's null object id; COR-701's hash of an absent file


def is_binary(data: bytes) -> bool:
    return b"\x00" in data


def normalize_eol(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def line_count(data: bytes | None) -> int:
    """Lines as git counts them: newline characters plus an unterminated last line."""
    if not data:
        return 0
    n = data.count(b"\n")
    return n if data.endswith(b"\n") else n + 1


def blob_id(data: bytes, hexlen: int = 40) -> str:
    """The git blob id of data (what `git hash-object` prints without filters); hexlen 64 for a
    SHA-256 repository."""
    import hashlib

    h = hashlib.sha256 if hexlen == 64 else hashlib.sha1
    return h(b"blob %d\0" % len(data) + data).hexdigest()

"""Path patterns: exact files, directories (trailing /) and globs with ** (any depth)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, pattern: str) -> bool:
    """True when repo-relative POSIX `path` is the file, under the directory, or matches the glob."""
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if not pattern:
        return False
    if pattern.endswith("/"):
        return path.startswith(pattern)
    if not any(ch in pattern for ch in "*?["):
        return path == pattern or path.startswith(pattern.rstrip("/") + "/")
    return bool(_compile(pattern).match(path))


def any_match(path: str, patterns) -> bool:
    return any(matches(path, p) for p in patterns)

"""The requirement list of a spec, kept in the parse cache (govkit.store.cache) under the spec's
bytes: a 2.7 MB spec's block structure is about 5 MB of JSON and extracting 20,000 sentences
from it costs more than the rest of `govkit trace`; the list itself is a fraction of that.

The entry is columns (one JSON list per Requirement field), checked for shape and types before
use: an entry of the wrong shape is a miss and the spec is parsed again, so the cache never
changes the matrix (tests/unit/ci/test_trace_reqcache.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from govkit.trace.extract import Requirement, extract

if TYPE_CHECKING:
    from govkit.workspace import Workspace

# Bump when extract() or the entry's layout changes: old entries become misses.
VERSION = 1
_TYPES = (str, str, str, int, int, str, bool)   # Requirement's fields, in order


def to_data(reqs: list[Requirement]) -> list[list]:
    return [list(col) for col in zip(*reqs)] if reqs else [[] for _ in _TYPES]


def from_data(data) -> list[Requirement] | None:
    """The requirements an entry describes, or None when it is not a well-formed entry."""
    if not isinstance(data, list) or len(data) != len(_TYPES):
        return None
    if not all(isinstance(col, list) for col in data) or len({len(col) for col in data}) != 1:
        return None
    for col, want in zip(data, _TYPES):
        if set(map(type, col)) - {want}:   # exact types: a bool is not an int here, nor 1 a bool
            return None
    return list(map(Requirement._make, zip(*data)))


def requirements(ws: Workspace, spec_rel: str) -> list[Requirement]:
    """extract() of the spec at spec_rel, from the cache when an intact entry for these exact
    bytes (and this extractor and govkit version) exists."""
    store = ws.cache
    if store is None:
        return extract(ws.md(spec_rel))
    from govkit import __version__
    from govkit.model import markdown as mdparse
    from govkit.store.cache import key
    from govkit.util.gcpause import gc_paused

    doc = ws.read(spec_rel)
    k = key("requirements", str(VERSION), str(mdparse.CACHE_VERSION), __version__, doc.raw)
    with gc_paused():   # 20,000 rows, no cycles
        got = from_data(store.get(k))
    if got is not None:
        return got
    reqs = extract(ws.md(spec_rel))
    store.put(k, to_data(reqs))
    return reqs

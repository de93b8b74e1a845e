"""Pause the cyclic garbage collector while building a large, cycle-free structure.

Rebuilding parsed artifacts from the parse cache allocates a hundred thousand small objects;
each 700 allocations the collector scans the young ones again, which cost about a third of the
rebuild (tests/unit/util/test_gcpause.py). Nothing built inside holds a reference cycle (lists,
tuples and records pointing down), so nothing needs collecting there; reference counting frees
everything as usual, and the collector runs again afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

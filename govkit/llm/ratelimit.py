"""Token-bucket rate limiter shared across processes through a state file, with jitter.

`rate_per_second` tokens refill up to `burst`; each call takes one. When the bucket is empty
the caller sleeps until a token is due plus a random jitter (so parallel processes do not wake
together); when that wait would pass the call's deadline it fails with LLMError(rate)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from govkit.llm import statefile
from govkit.llm.errors import LLMError

DEFAULTS = {"rate_per_second": 2.0, "burst": 4, "jitter_seconds": 0.1}


class RateLimiter:
    def __init__(self, path: Path, settings: dict | None = None,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 rand: Callable[[], float] = random.random):
        s = {**DEFAULTS, **(settings or {})}
        self.path = Path(path)
        self.rate = float(s["rate_per_second"])
        self.burst = max(1.0, float(s["burst"]))
        self.jitter = max(0.0, float(s["jitter_seconds"]))
        self.clock, self.sleep, self.rand = clock, sleep, rand

    def _take(self) -> float:
        """Take a token (0.0) or return the seconds until one is due."""
        with statefile.locked(self.path):
            st = statefile.read(self.path)
            now = self.clock()
            tokens = float(st.get("tokens", self.burst))
            last = float(st.get("updated", now))
            tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
            if tokens >= 1.0:
                statefile.write(self.path, {"tokens": tokens - 1.0, "updated": now})
                return 0.0
            statefile.write(self.path, {"tokens": tokens, "updated": now})
            return (1.0 - tokens) / self.rate

    def acquire(self, deadline: float | None = None) -> float:
        """Block until a token is taken; returns the seconds waited. deadline: a clock() value."""
        if self.rate <= 0:
            return 0.0
        waited = 0.0
        while True:
            wait = self._take()
            if wait == 0.0:
                return waited
            wait += self.jitter * self.rand()
            if deadline is not None and self.clock() + wait > deadline:
                raise LLMError("rate", f"rate limit: next slot in {wait:.2f}s is past the call's deadline",
                               hint="raise llm.rate.rate_per_second or the deadline")
            self.sleep(wait)
            waited += wait

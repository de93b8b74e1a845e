"""Circuit breaker whose state lives in a file, so it holds across govkit processes.

closed: calls go through; failures that count (429, 5xx, timeouts, network errors) are kept for
`window_seconds`; `failure_threshold` of them open the breaker. open: every call is refused
(LLMError breaker) until `cooldown_seconds` have passed. half-open: one probe call is let through
(other callers are refused while it runs); its success closes the breaker, a counted failure
opens it again. Permanent errors (other 4xx) prove the server answers: they do not count."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from govkit.llm import statefile
from govkit.llm.errors import LLMError

DEFAULTS = {"failure_threshold": 5, "window_seconds": 60.0, "cooldown_seconds": 30.0}


class CircuitBreaker:
    def __init__(self, path: Path, settings: dict | None = None,
                 clock: Callable[[], float] = time.time):
        s = {**DEFAULTS, **(settings or {})}
        self.path = Path(path)
        self.threshold = max(1, int(s["failure_threshold"]))
        self.window = float(s["window_seconds"])
        self.cooldown = float(s["cooldown_seconds"])
        self.clock = clock

    def state(self) -> str:
        st = statefile.read(self.path)
        if st.get("opened_at") is None:
            return "closed"
        if self.clock() - float(st["opened_at"]) < self.cooldown:
            return "open"
        return "half-open"

    def before(self) -> None:
        """Raise LLMError(breaker) unless a call may go out now."""
        with statefile.locked(self.path):
            st = statefile.read(self.path)
            opened = st.get("opened_at")
            if opened is None:
                return
            now = self.clock()
            if now - float(opened) < self.cooldown:
                left = self.cooldown - (now - float(opened))
                raise LLMError("breaker", f"circuit open after repeated failures; retry in {left:.0f}s",
                               hint=f"the provider failed {self.threshold} times within "
                                    f"{self.window:.0f}s; state file {self.path}")
            probe = st.get("probe_at")
            if probe is not None and now - float(probe) < self.cooldown:
                raise LLMError("breaker", "circuit half-open: a probe call is in flight",
                               hint="retry when the probe has finished")
            st["probe_at"] = now
            statefile.write(self.path, st)

    def success(self) -> None:
        with statefile.locked(self.path):
            st = statefile.read(self.path)
            if st.get("failures") or st.get("opened_at") is not None:
                statefile.write(self.path, {"failures": [], "opened_at": None, "probe_at": None})

    def failure(self, counts: bool) -> None:
        if not counts:
            self.success()
            return
        with statefile.locked(self.path):
            st = statefile.read(self.path)
            now = self.clock()
            fails = [float(t) for t in st.get("failures", []) if now - float(t) < self.window]
            fails.append(now)
            half_open = st.get("opened_at") is not None
            opened = now if half_open or len(fails) >= self.threshold else None
            statefile.write(self.path, {"failures": fails[-self.threshold:], "opened_at": opened,
                                        "probe_at": None})

"""The phases of one run, in order; the tracker refuses a phase called out of order or skipped."""

from __future__ import annotations

import time
from collections.abc import Callable

PHASES = ("preflight", "validate", "review", "efficiency", "apply", "tests", "manifest",
          "commit")


class PhaseOrderError(RuntimeError):
    """A phase was started out of order, skipped, or started twice: a bug in the caller."""


class PhaseTracker:
    """Start phases strictly in PHASES order; each must be finished before the next starts."""

    def __init__(self, on_event: Callable[[str, str, float], None] | None = None):
        self.done: list[tuple[str, str, float]] = []  # (phase, verdict, seconds)
        self.history: list[tuple[str, str, float]] = []  # phases of earlier attempts
        self.current: str | None = None
        self._t0 = 0.0
        self._on_event = on_event

    def start(self, phase: str) -> None:
        if phase not in PHASES:
            raise PhaseOrderError(f"unknown phase '{phase}'")
        if self.current is not None:
            raise PhaseOrderError(f"phase '{phase}' started while '{self.current}' is running")
        want = PHASES[len(self.done)] if len(self.done) < len(PHASES) else None
        if phase != want:
            raise PhaseOrderError(f"phase '{phase}' out of order: the next phase is "
                                  f"'{want or 'none (the run is complete)'}'")
        self.current = phase
        self._t0 = time.monotonic()
        if self._on_event:
            self._on_event(phase, "START", 0.0)

    def finish(self, verdict: str) -> float:
        if self.current is None:
            raise PhaseOrderError("no phase is running")
        took = time.monotonic() - self._t0
        self.done.append((self.current, verdict, took))
        phase, self.current = self.current, None
        if self._on_event:
            self._on_event(phase, verdict, took)
        return took

    def rewind(self, phase: str) -> None:
        """Go back to `phase` after a FAIL (another attempt): the phases from it on run again."""
        if self.current is not None or not self.done or self.done[-1][1] == "PASS":
            raise PhaseOrderError(f"rewind to '{phase}' without a failed phase")
        keep = PHASES.index(phase)
        self.history += self.done[keep:]
        self.done = self.done[:keep]

    def require(self, phase: str) -> None:
        """Raise unless `phase` has finished with PASS (a step that depends on it)."""
        if not any(p == phase and v == "PASS" for p, v, _ in self.done):
            raise PhaseOrderError(f"phase '{phase}' has not passed")

    def timings(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for p, v, t in self.history + self.done:
            out[p] = (out[p] + ", " if p in out else "") + f"{v} {t:.3f}s"
        return out

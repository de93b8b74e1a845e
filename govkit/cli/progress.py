"""A progress line on stderr for a command that runs for more than a second (issue #14).

Only on a terminal, and not with -q: stdout keeps the one Report, pipes and CI logs see nothing.
The line appears once the command has run for `after` seconds (a timer, so one long step shows
it too), is rewritten in place as the steps advance, and is erased before the report is
printed. The gates report their steps through a plain callable (progress("references")), so
they know nothing of terminals."""

from __future__ import annotations

import os
import sys
import threading
import time

from govkit.util.escape import escape

AFTER = 1.0


class Progress:
    def __init__(self, command: str, enabled: bool | None = None, stream=None,
                 after: float = AFTER):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _is_tty(self.stream) and not os.environ.get("GOVKIT_NO_PROGRESS")
        self.enabled = enabled
        self.command = command
        self.step = "starting"
        self.after = after
        self.start = time.monotonic()
        self.shown = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if enabled:
            self._timer = threading.Timer(after, self._draw)
            self._timer.daemon = True
            self._timer.start()

    def __call__(self, step: str) -> None:
        """The command has reached step (a short phrase)."""
        if not self.enabled:
            return
        self.step = step
        if self.shown:
            self._draw()

    def _draw(self) -> None:
        with self._lock:
            if not self.enabled:
                return
            secs = time.monotonic() - self.start
            line = escape(f"govkit {self.command}: {self.step} ... {secs:.1f}s")[:120]
            self.stream.write("\r\x1b[K" + line)
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        """Stop and erase the line (before the report is printed)."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self.enabled = False
            self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def for_command(command: str, verbosity: int) -> Progress:
    """The progress line of a command run with this verbosity (-q: none)."""
    return Progress(command, enabled=False) if verbosity < 0 else Progress(command)

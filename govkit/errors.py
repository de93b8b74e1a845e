"""User-facing errors. Anything raised as GovkitError becomes exit code 2 with a clear message."""

from __future__ import annotations


class GovkitError(Exception):
    """Bad input, configuration or usage: exit 2, never a traceback."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class LockTimeout(GovkitError):
    """The workspace lock could not be taken in time."""

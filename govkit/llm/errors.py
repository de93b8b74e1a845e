"""LLMError: every way an LLM call fails closed."""

from __future__ import annotations

from govkit.errors import GovkitError

KINDS = ("transport", "timeout", "schema", "breaker", "config", "rate")


class LLMError(GovkitError):
    """A failed LLM call. `.kind` is one of KINDS; callers that judge (review, efficiency) turn
    any LLMError into FAIL. Uncaught, it is a GovkitError: exit 2 with the message, no traceback."""

    def __init__(self, kind: str, message: str, hint: str | None = None, status: int | None = None):
        if kind not in KINDS:
            raise ValueError(f"unknown LLMError kind {kind!r}")
        super().__init__(f"LLM {kind} error: {message}", hint=hint)
        self.kind = kind
        self.status = status

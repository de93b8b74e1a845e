"""The redactor's added patterns, and prose after "token" left alone (LLM transcripts and audit)."""

from __future__ import annotations

import pytest

from govkit.util.redact import redact, redact_text

NEW = {
    "slack-token": "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "google-api-key": "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "stripe-key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "gitlab-token": "glpat-" + "xXyYzZ0123456789abcd",
    "npm-token": "npm_" + "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
}


@pytest.mark.parametrize("kind", sorted(NEW))
def test_new_patterns_are_redacted(kind):
    secret = NEW[kind]
    out = redact_text(f"leaked {secret} here")
    assert secret not in out and f"[REDACTED:{kind}]" in out
    assert redact({"log": [f"x {secret}"]}) == {"log": [f"x [REDACTED:{kind}]"]}


@pytest.mark.parametrize("prose", [
    "token budget exceeded",
    "LLM error: token budget exceeded for the coder (12000 tokens)",
    "the token limit was reached",
    "Token estimates: token usage per call",
])
def test_ordinary_words_after_token_stay(prose):
    assert redact_text(prose) == prose


def test_a_token_value_after_token_is_still_redacted():
    out = redact_text("use token 9f8e7d6c5b4a3210ffee to log in")
    assert "9f8e7d6c5b4a3210ffee" not in out and "[REDACTED:bearer]" in out
    assert "abc.def-ghi" not in redact_text("Bearer abc.def-ghi")

"""Redaction of secrets before anything is written (audit, logs, LLM transcripts)."""

from __future__ import annotations

import json

import pytest

from govkit.errors import GovkitError
from govkit.util.redact import redact, redact_text

GH = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SECRETS = {
    "ghp": GH,
    "gho": "gho_" + "x" * 36,
    "ghs": "ghs_" + "Y" * 36,
    "ghu": "ghu_" + "z9" * 18,
    "pat": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
    "aws": "AKIAIOSFODNN7EXAMPLE",
    "openai": "sk-" + "abcdEFGH1234ijklMNOP5678qrstUVWX",
    "openai-proj": "sk-proj-" + "Zz09_-" * 8,
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
           "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_token_pattern_is_redacted(name):
    secret = SECRETS[name]
    out = redact_text(f"before {secret} after")
    assert secret not in out
    assert out.startswith("before [REDACTED:") and out.endswith(" after")


def test_bearer_and_headers():
    text = ("GET / HTTP/1.1\nAuthorization: Bearer abc.def-ghi_123456\n"
            "X-Api-Key: k3y-v4lue-123456\nCookie: session=s3cr3tcookie; other=1\nAccept: */*")
    out = redact_text(text)
    for s in ("abc.def-ghi_123456", "k3y-v4lue-123456", "s3cr3tcookie"):
        assert s not in out
    assert "Accept: */*" in out and "GET / HTTP/1.1" in out


def test_private_key_block():
    block = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJDREVGRw==\n"
             "-----END OPENSSH PRIVATE KEY-----")
    out = redact_text(f"key:\n{block}\nend")
    assert "b3BlbnNzaC1rZXktdjEAAAAA" not in out and "BEGIN" not in out
    assert out.startswith("key:\n[REDACTED:private-key]") and out.endswith("\nend")
    # A truncated block (no END line) is still cut to the end.
    assert "QUJD" not in redact_text("-----BEGIN RSA PRIVATE KEY-----\nQUJDREVG")


@pytest.mark.parametrize("text,secret", [
    ("api_key=abc123def456", "abc123def456"),
    ("API-KEY: 'zyx987'", "zyx987"),
    ("password=hunter2!", "hunter2!"),
    ('{"db_password": "p@ss w"}', "p@ss"),
    ("secret = s3cr3t-value", "s3cr3t-value"),
    ("client_secret=cs_live_123", "cs_live_123"),
    ("https://user:pa55word@example.com/repo.git", "pa55word"),
])
def test_generic_assignments(text, secret):
    out = redact_text(text)
    assert secret not in out, out
    assert "[REDACTED:" in out


def test_plain_text_is_untouched():
    text = "The password policy is documented in SECURITY.md; token counts: 12."
    assert redact_text(text) == text
    assert redact_text("sha 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c") == \
        "sha 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c"


def test_nested_structures_and_sensitive_keys():
    data = {
        "headers": {"Authorization": "Basic dXNlcjpwYXNz", "x-api-key": "anything",
                    "Cookie": "a=b", "Accept": "json"},
        "list": [1, 2.5, None, True, ("tuple", GH), {"deep": [{"password": "pw"}]}],
        "set": {"x", SECRETS["aws"]},
        "bytes": b"token " + SECRETS["openai"].encode(),
        "err": ValueError(f"request failed with key {SECRETS['openai']}"),
        "nan": float("nan"),
        7: "int key",
    }
    out = redact(data)
    blob = json.dumps(out)
    for s in ("dXNlcjpwYXNz", "anything", "a=b", GH, SECRETS["aws"], SECRETS["openai"], '"pw"'):
        assert s not in blob, s
    assert out["headers"]["Accept"] == "json"
    assert out["list"][:4] == [1, 2.5, None, True]
    assert out["err"].startswith("ValueError: request failed with key [REDACTED:")
    assert out["nan"] == "nan" and out["7"] == "int key"
    assert data["headers"]["x-api-key"] == "anything"  # the input is not modified


def test_cycles_and_depth_limits():
    a: dict = {"name": "a"}
    a["self"] = a
    lst: list = [GH]
    lst.append(lst)
    out = redact({"a": a, "l": lst})
    assert out["a"]["self"] == "[CYCLE]"
    assert out["l"] == ["[REDACTED:github-token]", "[CYCLE]"]
    deep = cur = {}
    for _ in range(100):
        cur["n"] = {}
        cur = cur["n"]
    text = json.dumps(redact(deep, max_depth=10))
    assert "[TRUNCATED:depth]" in text
    shared = {"k": "v"}
    assert redact([shared, shared]) == [{"k": "v"}, {"k": "v"}]  # shared is not a cycle


def test_error_messages_are_redacted():
    try:
        raise RuntimeError(f"upstream said: Authorization: Bearer {SECRETS['jwt']}")
    except RuntimeError as exc:
        out = redact({"error": exc})
    assert SECRETS["jwt"] not in out["error"] and "upstream said" in out["error"]


def test_config_patterns_extend_and_bad_pattern_is_usage_error():
    assert redact_text("ticket ACME-SECRET-42 here", extra=[r"ACME-SECRET-\d+"]) == \
        "ticket [REDACTED:custom] here"
    assert redact({"x": "ACME-SECRET-1"}, extra=[r"ACME-SECRET-\d+"]) == {"x": "[REDACTED:custom]"}
    with pytest.raises(GovkitError, match="redact_patterns"):
        redact_text("x", extra=["("])


def test_plain_values_skip_the_patterns_and_stay_as_they_are():
    from govkit.util import redact as r

    for value in ("0123abcdef" * 6, "pre-work", "PASS", "0.1.0", "WP-1-Demo", "a" * 15):
        assert r._plain(value) and r.redact_text(value) == value
    for value in ("token abcdefgh12345678", "sk-" + "a" * 20, "x=secretvalue", "g" * 16,
                  "AKIA" + "A" * 16, "ghp_" + "a" * 30):
        assert not r._plain(value)


def test_every_builtin_secret_is_still_found():
    from govkit.util.redact import redact_text

    for secret in ("ghp_" + "a" * 36, "AKIAABCDEFGHIJKLMNOP", "sk-proj-" + "b" * 24,
                   "Authorization: Bearer abcdefgh12345678"):
        assert "[REDACTED:" in redact_text(f"x {secret} y"), secret
        assert "[REDACTED:" in redact_text(secret), secret

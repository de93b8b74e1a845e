"""Secret redaction for everything govkit writes: audit records, logs, LLM transcripts.

    redact_text("key ghp_abc...")            -> "key [REDACTED:github-token]"
    redact(obj)                              -> a redacted deep copy (dicts, lists, tuples, sets)
    redact(obj, extra=["ACME-[0-9]+"])       -> also project patterns (audit.redact_patterns)

Values under sensitive keys (authorization, x-api-key, cookie, password, ...) are replaced
whole. The walk is cycle-safe and depth-limited; non-JSON values become strings, so the result
can always be serialized.
"""

from __future__ import annotations

import re

MASK = "[REDACTED:{}]"
MAX_DEPTH = 32
MAX_ITEMS = 10000

# (name, pattern, group holding the secret or 0 for the whole match)
_PATTERNS: list[tuple[str, str, int]] = [
    ("private-key", r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*?"
                    r"(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\Z)", 0),
    ("github-token", r"\b(?:gh[opsur]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})", 0),
    ("aws-access-key", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b", 0),
    ("openai-key", r"\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_\-]{16,}", 0),
    ("jwt", r"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}", 0),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}", 0),
    ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}", 0),
    ("stripe-key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}", 0),
    ("gitlab-token", r"\bglpat-[0-9A-Za-z_\-]{20,}", 0),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b", 0),
    ("bearer", r"(?i)\bbearer\s+([A-Za-z0-9_\-\.=:+/~]{8,})", 1),
    # After "token" only a value that looks like one (12+ characters with a digit): "token
    # budget exceeded" and "token counts" are prose, not secrets.
    ("bearer", r"(?i)\btoken\s+((?=[A-Za-z0-9_\-\.=:+/~]*[0-9])[A-Za-z0-9_\-\.=:+/~]{12,})", 1),
    ("basic-auth", r"(?i)\bbasic\s+([A-Za-z0-9+/=]{8,})", 1),
    ("url-credentials", r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:([^/\s@]+)@", 1),
    ("header", r"(?im)^[ \t]*(?:authorization|proxy-authorization|x-api-key|x-auth-token|cookie|"
               r"set-cookie)[ \t]*:[ \t]*(\S[^\r\n]*)", 1),
    ("assignment", r"(?i)\b[A-Za-z0-9_\-]*(?:api[_\-]?key|apikey|password|passwd|pwd|secret|"
                   r"access[_\-]?token|auth[_\-]?token|client[_\-]?secret|private[_\-]?key)"
                   r"[A-Za-z0-9_\-]*[\"']?\s*[:=]\s*[\"']?([^\s\"'&,;}]+)", 1),
]

# Keys whose values are replaced whole (compared lower-case, '-' and '_' equal).
SENSITIVE_KEYS = frozenset({
    "authorization", "proxy_authorization", "x_api_key", "api_key", "apikey", "cookie",
    "set_cookie", "password", "passwd", "secret", "client_secret", "token", "access_token",
    "refresh_token", "id_token", "auth_token", "private_key", "x_auth_token",
    "x_amz_security_token",
    "openai_api_key", "github_token", "gh_token", "govkit_audit_key", "audit_key", "hmac_key",
})

_compiled: list[tuple[str, re.Pattern, int]] | None = None
_extra_cache: dict[tuple, list] = {}


def _builtin() -> list[tuple[str, re.Pattern, int]]:
    global _compiled
    if _compiled is None:
        _compiled = [(n, re.compile(p, re.DOTALL), g) for n, p, g in _PATTERNS]
    return _compiled


def compile_extra(patterns) -> list[tuple[str, re.Pattern, int]]:
    """Compile project patterns (audit.redact_patterns). A bad pattern is a usage error."""
    key = tuple(patterns or ())
    if key not in _extra_cache:
        out = []
        for p in key:
            try:
                out.append(("custom", re.compile(p), 0))
            except re.error as exc:
                from govkit.errors import GovkitError

                raise GovkitError(f"invalid audit.redact_patterns entry {p!r}: {exc}",
                                  hint="fix the regular expression in .GOV/govkit.yaml") from None
        _extra_cache[key] = out
    return _extra_cache[key]


def _sub(name: str, rx: re.Pattern, group: int, text: str) -> str:
    mask = MASK.format(name)
    if group == 0:
        return rx.sub(mask, text)

    def repl(m: re.Match) -> str:
        s, e = m.span(group)
        if s < 0:
            return m.group(0)
        base = m.start(0)
        whole = m.group(0)
        return whole[:s - base] + mask + whole[e - base:]

    return rx.sub(repl, text)


_HEX = frozenset("0123456789abcdefABCDEF")
_SEPARATORS = frozenset(" \t\r\n:=@")


def _plain(text: str) -> bool:
    """True when no built-in pattern can match: hex digits only (hashes, commit ids), or
    shorter than the shortest token pattern with no separator that the others need. Saves
    compiling the patterns for the gate events every command records."""
    if all(c in _HEX for c in text):
        return True
    return len(text) < 16 and not any(c in _SEPARATORS for c in text)


def redact_text(text: str, extra=()) -> str:
    """Replace every secret found in text by a [REDACTED:<kind>] marker."""
    if not text or not isinstance(text, str):
        return text
    if not _plain(text):
        for name, rx, group in _builtin():
            text = _sub(name, rx, group, text)
    for name, rx, group in compile_extra(extra):
        text = _sub(name, rx, group, text)
    return text


def is_sensitive_key(key) -> bool:
    return isinstance(key, str) and key.strip().lower().replace("-", "_") in SENSITIVE_KEYS


def redact(obj, extra=(), max_depth: int = MAX_DEPTH):
    """A redacted copy of obj: strings scrubbed, sensitive keys masked, cycles and depth cut."""
    compile_extra(extra)  # fail early on a bad pattern
    budget = [MAX_ITEMS]
    return _walk(obj, tuple(extra or ()), max_depth, set(), budget)


def _walk(obj, extra, depth, seen, budget):
    if isinstance(obj, str):
        return redact_text(obj, extra)
    if obj is None or isinstance(obj, (bool, int)):
        return obj
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else str(obj)
    if isinstance(obj, bytes):
        return redact_text(obj.decode("utf-8", "replace"), extra)
    if isinstance(obj, BaseException):
        return redact_text(f"{type(obj).__name__}: {obj}", extra)
    if not isinstance(obj, (dict, list, tuple, set, frozenset)):
        return redact_text(str(obj), extra)
    if depth <= 0:
        return "[TRUNCATED:depth]"
    if id(obj) in seen:
        return "[CYCLE]"
    seen.add(id(obj))
    try:
        if isinstance(obj, dict):
            out = {}
            for k, v in obj.items():
                budget[0] -= 1
                if budget[0] < 0:
                    out["..."] = "[TRUNCATED:size]"
                    break
                key = redact_text(k, extra) if isinstance(k, str) else str(k)
                out[key] = MASK.format("key") if is_sensitive_key(k) and v not in (None, "") \
                    else _walk(v, extra, depth - 1, seen, budget)
            return out
        items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
        out_list = []
        for v in items:
            budget[0] -= 1
            if budget[0] < 0:
                out_list.append("[TRUNCATED:size]")
                break
            out_list.append(_walk(v, extra, depth - 1, seen, budget))
        return out_list
    finally:
        seen.discard(id(obj))

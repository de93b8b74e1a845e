"""The one result object every gate returns. All output formats render a Report."""

from __future__ import annotations

from typing import NamedTuple

from govkit.util.record import dataclass, field  # not dataclasses: start-up

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


class Finding(NamedTuple):
    code: str
    severity: str
    message: str
    path: str | None = None
    line: int | None = None
    hint: str | None = None

    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""

    def to_dict(self) -> dict:
        return {k: v for k, v in self._asdict().items() if v is not None}


@dataclass
class Report:
    """Verdict plus findings of one gate run. FAIL iff any error finding exists."""

    gate: str
    wp: str | None = None
    findings: list[Finding] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    next_commands: list[str] = field(default_factory=list)

    def add(self, code: str, severity: str, message: str, path: str | None = None,
            line: int | None = None, hint: str | None = None) -> Finding:
        f = Finding(code, severity, message, path, line, hint)
        self.findings.append(f)
        return f

    def error(self, code: str, message: str, path: str | None = None, line: int | None = None,
              hint: str | None = None) -> Finding:
        return self.add(code, ERROR, message, path, line, hint)

    def warn(self, code: str, message: str, path: str | None = None, line: int | None = None,
             hint: str | None = None) -> Finding:
        return self.add(code, WARNING, message, path, line, hint)

    def info(self, code: str, message: str, path: str | None = None, line: int | None = None,
             hint: str | None = None) -> Finding:
        return self.add(code, INFO, message, path, line, hint)

    def extend(self, findings) -> None:
        self.findings.extend(findings)

    def merge(self, other: Report) -> None:
        """Fold a sub-gate's findings and facts into this report."""
        self.findings.extend(other.findings)
        for k, v in other.facts.items():
            self.facts.setdefault(k, v)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def passed(self) -> bool:
        return not self.errors

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict:
        return {
            "gate": self.gate,
            "wp": self.wp,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "facts": self.facts,
            "next_commands": self.next_commands,
        }

    def findings_sha256(self) -> str:
        """Stable digest of the findings (used by the audit trail)."""
        import hashlib

        from govkit.util import canonjson

        return hashlib.sha256(canonjson.dumpb([f.to_dict() for f in self.findings])).hexdigest()

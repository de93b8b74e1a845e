"""Every finding code the code can emit is explained in docs/findings.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_finding_code_is_documented():
    doc = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    codes = set()
    for path in (ROOT / "govkit").rglob("*.py"):
        codes.update(re.findall(r'"((?:GK|C701)-[A-Z0-9]+(?:-[A-Z0-9]+)*)"', path.read_text()))
    assert len(codes) > 100
    missing = sorted(c for c in codes if c not in doc)
    assert not missing, f"document these codes in docs/findings.md: {missing}"

"""Every shape of the conformance corpus gets its expected verdict in each profile; compat
differs from the original's documented verdict only where the shape names a defect fix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import SHAPES, run_shape  # noqa: E402


@pytest.mark.parametrize("profile", ["compat", "strict"])
@pytest.mark.parametrize("shape", SHAPES, ids=[s.name.split(":")[0].replace(" ", "")
                                              + f"-{n}" for n, s in enumerate(SHAPES)])
def test_shape_verdict(shape, profile, tmp_path):
    verdict, codes = run_shape(shape, profile, tmp_path / "repo")
    assert verdict == getattr(shape, profile), codes


def test_compat_differs_from_the_original_only_by_listed_fixes():
    for s in SHAPES:
        if s.compat != s.original:
            assert "fix" in s.why, s.name


def test_strict_refusals_are_warnings_in_compat(tmp_path):
    # Each practice strict refuses that the original passes is a compat warning saying so.
    for n, s in enumerate(SHAPES):
        if s.original == s.compat == "PASS" and s.strict == "FAIL":
            _, codes = run_shape(s, "compat", tmp_path / f"r{n}")
            assert any(c.startswith("w:GK-POST-") for c in codes), (s.name, codes)

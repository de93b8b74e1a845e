"""govkit.util.globs: exact files, directories, and * ? ** globs over repo-relative POSIX paths."""

from __future__ import annotations

import pytest

from govkit.util.globs import any_match, matches


@pytest.mark.parametrize("path, pattern, want", [
    ("src/a.py", "src/a.py", True),          # exact file
    ("src/a.py", "src/b.py", False),
    ("src/a.py", "src", True),               # a plain name also covers everything below it
    ("srcx/a.py", "src", False),             # ...but only at a path-segment boundary
    ("src/a.py", "src/", True),              # explicit directory
    ("srcx/a.py", "src/", False),
    ("src", "src/", False),                  # "dir/" means below the directory, not the name
    ("src/a.py", "  src/a.py  ", True),      # surrounding blanks are ignored
    ("src/a.py", "./src/a.py", True),        # a leading ./ is dropped
])
def test_files_and_directories(path, pattern, want):
    assert matches(path, pattern) is want


@pytest.mark.parametrize("path, pattern, want", [
    ("a.py", "*.py", True),
    ("src/a.py", "*.py", False),             # * never crosses '/'
    ("src/a.py", "src/*.py", True),
    ("src/b/a.py", "src/*.py", False),
    ("src/ab.py", "src/a?.py", True),
    ("src/abc.py", "src/a?.py", False),      # ? is exactly one character
    ("src/a/.py", "src/a?.py", False),       # ...and never '/'
    ("a/b/c", "**", True),
    ("docs/x/y.md", "docs/**", True),
    ("docs", "docs/**", False),
    ("a.py", "**/*.py", True),               # **/ may match zero directories
    ("x/y/a.py", "**/*.py", True),
    ("src/a.py", "src/**/*.py", True),
    ("src/b/c/a.py", "src/**/*.py", True),
    ("lib/a.py", "src/**/*.py", False),
    ("src/y", "src/**/y", True),
    ("src/x/z/y", "src/**/y", True),
    ("src/x/yy", "src/**/y", False),         # the glob is anchored at the end
    ("a+b(c).py", "a+b(c).*", True),         # regex metacharacters are literal
    ("aXb(c).py", "a+b(c).*", False),
])
def test_globs(path, pattern, want):
    assert matches(path, pattern) is want


@pytest.mark.parametrize("pattern", ["", "   ", "\t"])
def test_blank_pattern_matches_nothing(pattern):
    assert matches("src/a.py", pattern) is False


def test_any_match():
    pats = ["docs/", "*.toml", "src/**/test_*.py"]
    assert any_match("docs/readme.md", pats)
    assert any_match("pyproject.toml", pats)
    assert any_match("src/pkg/test_x.py", pats)
    assert not any_match("src/pkg/x.py", pats)
    assert not any_match("anything", [])
    assert any_match("a", iter(["b", "a"]))  # any iterable of patterns


def test_dot_slash_before_dot_directory():
    assert matches(".github/workflows/ci.yml", "./.github/workflows/ci.yml")

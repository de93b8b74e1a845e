"""govkit.util.bytes: the binary test, LF normalisation and git's line count."""

from __future__ import annotations

import pytest

from govkit.util.bytes import ZERO_SHA, is_binary, line_count, normalize_eol


def test_zero_sha():
    assert ZERO_SHA == "0" * 40


@pytest.mark.parametrize("data, want", [(b"", False), (b"text\n", False), (b"a\x00b", True),
                                        (b"\x00", True), (b"\xff\xfe", False)])
def test_is_binary(data, want):
    assert is_binary(data) is want


@pytest.mark.parametrize("data, want", [
    (b"a\r\nb\r\n", b"a\nb\n"),
    (b"a\rb\r", b"a\nb\n"),
    (b"a\r\r\nb", b"a\n\nb"),      # CRLF first, then the lone CR
    (b"a\n\rb", b"a\n\nb"),
    (b"plain\n", b"plain\n"),
])
def test_normalize_eol(data, want):
    assert normalize_eol(data) == want


@pytest.mark.parametrize("data, want", [(None, 0), (b"", 0), (b"a", 1), (b"a\n", 1), (b"a\nb", 2),
                                        (b"\n\n", 2), (b"a\r\nb\r\n", 2)])
def test_line_count(data, want):
    assert line_count(data) == want

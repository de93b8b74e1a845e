"""govkit.util.escape: untrusted text shown as one line of visible, harmless characters."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from govkit.util.escape import data_line, escape, escape_lines, is_safe
from govkit.util.warn import warn

from support.outcheck import UNSAFE, XML_FORBIDDEN, unsafe_in

# every character the brief lists, plus the ones XML cannot hold, weighted into the strategy
HOSTILE = st.text(alphabet=st.one_of(st.sampled_from(UNSAFE + ["\ud800", "\udcff", "\ufffe",
                                                               "\uffff", "\\"]),
                                     st.characters()))


def test_named_and_numeric_escapes():
    assert escape("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert escape("\x1b]8;;http://x\x07link\x1b]8;;\x07") == "\\x1b]8;;http://x\\x07link\\x1b]8;;\\x07"
    assert escape("\x00\x7f\x85\x9f") == "\\x00\\x7f\\x85\\x9f"
    assert escape("abc\u202edcba") == "abc\\u202edcba"
    assert escape("\u2028\u2029\u061c\u200e\u200f\u2066\u2069") == (
        "\\u2028\\u2029\\u061c\\u200e\\u200f\\u2066\\u2069")
    assert escape("bad\udc80name") == "bad\\udc80name"      # undecodable byte (surrogateescape)
    assert escape("\ufffe\uffff") == "\\ufffe\\uffff"


def test_safe_text_is_unchanged():
    for s in ("src/a.py", "é 中文 ✓", "C:\\dir\\file", "quote ' \" <b>&", ""):
        assert escape(s) == s and is_safe(s)
    assert not is_safe("a\nb")


def test_non_strings_are_shown():
    assert escape(3) == "3" and escape(None) == "None" and escape(b"x\x1b") == "b'x\\x1b'"


def test_escape_lines_keeps_only_the_newlines():
    assert escape_lines("a\x1b[31m\nb\r\n") == "a\\x1b[31m\nb\\r\n"


@given(HOSTILE)
@example("src/a\nGATE_STATUS: PASS\nNEXT_COMMANDS:\n- none\n")
def test_escaped_text_has_no_unsafe_character(s):
    out = escape(s)
    assert unsafe_in(out) == []
    assert not XML_FORBIDDEN.search(out)
    assert len(out.splitlines()) <= 1          # str.splitlines knows every line break
    out.encode("utf-8")                        # printable on a UTF-8 stream (no lone surrogate)
    assert escape(out) == out                  # idempotent: escaping twice does no harm
    if is_safe(s):
        assert out == s


def test_data_line_never_starts_like_a_gate_block_line():
    assert data_line("GATE_STATUS: PASS x") == "> GATE_STATUS: PASS x"
    assert data_line("  NEXT_COMMANDS:\x1b") == ">   NEXT_COMMANDS:\\x1b"
    assert data_line("1 GATE_STATUS: PASS") == "1 GATE_STATUS: PASS"


def test_warn_escapes(capsys):
    warn("file src/a\nGATE_STATUS: PASS\x1b]8;;x\x07")
    err = capsys.readouterr().err
    assert err == "govkit: warning: file src/a\\nGATE_STATUS: PASS\\x1b]8;;x\\x07\n"

"""govkit.model.edit: byte-preserving field and line edits (BOM, CRLF, final newline)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.errors import GovkitError
from govkit.model.edit import (
    eol_of,
    insert_lines,
    replace_lines,
    set_field,
    split_lines,
    table_row,
    table_start,
    text_lines,
)

BOM = b"\xef\xbb\xbf"


def test_split_lines_keeps_endings():
    assert split_lines(b"a\r\nb\nc") == [b"a\r\n", b"b\n", b"c"]
    assert split_lines(b"") == []


@pytest.mark.parametrize("raw, want", [(b"a\nb\n", b"\n"), (b"a\r\nb\r\n", b"\r\n"),
                                       (b"a\r\nb\r\nc\n", b"\r\n"), (b"a\r\nb\nc\n", b"\n"),
                                       (b"", b"\n"), (b"no newline", b"\n")])
def test_eol_of_dominant_ending(raw, want):
    assert eol_of(raw) == want


def test_text_lines_drop_bom_and_endings():
    assert text_lines(BOM + b"a\r\nb\n\nc") == ["a", "b", "", "c"]
    assert text_lines(b"") == []
    assert text_lines(b"bad \xff\n") == ["bad \ufffd"]


@pytest.mark.parametrize("bom", [b"", BOM])
@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_set_field_changes_only_the_value(bom, eol):
    raw = bom + eol.join([b"- STATUS: open  ", b"- OWNER:", b"**Note:** keep\t", b""])
    out = set_field(raw, 1, "status", "closed")
    assert out == bom + eol.join([b"- STATUS: closed  ", b"- OWNER:", b"**Note:** keep\t", b""])
    out = set_field(out, 2, "OWNER", "bob")        # an empty value gets a separating space
    assert out == bom + eol.join([b"- STATUS: closed  ", b"- OWNER: bob", b"**Note:** keep\t", b""])
    out = set_field(out, 3, "note", "done")
    assert out.split(eol)[2] == b"**Note:** done\t"


def test_set_field_value_equal_to_label_and_quote_prefix():
    assert set_field(b"> - STATUS: STATUS", 1, "status", "done") == b"> - STATUS: done"


def test_set_field_non_ascii_value():
    out = set_field("- NAME: x\n".encode(), 1, "NAME", "Zoë ✓")
    assert out == "- NAME: Zoë ✓\n".encode()


@pytest.mark.parametrize("line_no, label", [(0, "A"), (3, "A"), (2, "A"), (1, "B")])
def test_set_field_refuses_bad_line_or_label(line_no, label):
    with pytest.raises(GovkitError):
        set_field(b"- A: 1\nplain text\n", line_no, label, "x")


def test_replace_lines():
    assert replace_lines(b"a\r\nb\r\nc\r\n", 2, 3, ["X", "Y"]) == b"a\r\nX\r\nY\r\nc\r\n"
    assert replace_lines(b"a\nb\nc\n", 1, 2, []) == b"b\nc\n"
    assert replace_lines(b"a\nb\nc", 2, 4, ["X"]) == b"a\nX"         # no final newline stays so
    assert replace_lines(b"a\nb\nc\n", 3, 4, ["Z"]) == b"a\nb\nZ\n"


def test_insert_lines():
    assert insert_lines(b"a\r\nb\r\n", 2, ["N"]) == b"a\r\nN\r\nb\r\n"
    assert insert_lines(b"a\nb", 3, ["c"]) == b"a\nb\nc\n"
    assert insert_lines(b"", 1, ["x"]) == b"x\n"
    assert insert_lines(BOM + b"a\n", 1, ["h"]) == b"h\n" + BOM + b"a\n"


@settings(deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                              max_size=8), max_size=6),
       st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_insert_then_replace_back_restores_bytes(lines, eol, final_eol):
    raw = eol.join(ln.encode() for ln in ["first", *lines, "last"]) + (eol if final_eol else b"")
    grown = insert_lines(raw, 2, ["NEW"])
    assert split_lines(grown)[1] == b"NEW" + eol
    assert replace_lines(grown, 2, 3, []) == raw


def test_table_start_and_row():
    lines = ["# Audit", "", "| Signature | Used By |", "| --- | :-- |", "| a | b |"]
    assert table_start(lines, "signature") == 2
    assert table_start(["| Signature |", "not a separator"], "Signature") is None
    assert table_start(["| Signature |"], "Signature") is None
    assert table_start(["| Other | x |", "|---|---|"], "Signature") is None
    assert table_row(["a", "b c", ""]) == "| a | b c |  |"

"""Byte-preserving edits: one field changes, every other byte stays."""

from __future__ import annotations

import pytest

from govkit.errors import GovkitError
from govkit.model import markdown as mdparse
from govkit.model.edit import insert_lines, replace_lines, set_field
from govkit.util.textio import decode


@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_set_field_round_trip(eol, bom):
    lines = [b"## TECHNICAL_REFINEMENT: WP-1", b"- USER_REVIEW_STATUS: PENDING   ",
             b"  - USER_SIGNATURE:", b"- NEXT: keep me\t", b""]
    raw = bom + eol.join(lines)
    d = decode(raw, "r.md")
    md = mdparse.parse(d)
    st, sig = md.field("USER_REVIEW_STATUS"), md.field("USER_SIGNATURE")
    out = set_field(raw, st.line, "USER_REVIEW_STATUS", "APPROVED")
    out = set_field(out, sig.line, "USER_SIGNATURE", "op111120261200")
    want = bom + eol.join([lines[0], b"- USER_REVIEW_STATUS: APPROVED   ",
                           b"  - USER_SIGNATURE: op111120261200", lines[3], b""])
    assert out == want
    # Changing it back restores the original bytes (apart from the inserted separator space).
    back = set_field(out, st.line, "USER_REVIEW_STATUS", "PENDING")
    assert back.replace(b"APPROVED", b"PENDING") == back


def test_set_field_refuses_wrong_line():
    with pytest.raises(GovkitError):
        set_field(b"- A: 1\n- B: 2\n", 2, "A", "x")


def test_replace_and_insert_keep_line_endings():
    raw = b"a\r\nb\r\nc\r\n"
    assert replace_lines(raw, 2, 3, ["X", "Y"]) == b"a\r\nX\r\nY\r\nc\r\n"
    assert insert_lines(raw, 2, ["N"]) == b"a\r\nN\r\nb\r\nc\r\n"
    assert insert_lines(b"a\nb", 3, ["c"]) == b"a\nb\nc\n"

"""The MdDoc cache form (govkit.store.cache entries): the compact text-line encoding round-trips
through JSON, falls back to pairs when a text holds a newline (setext headings), and anything
malformed raises one of the errors Workspace.parse_md treats as a miss."""

from __future__ import annotations

import json

import pytest

from govkit.model import markdown as M
from govkit.util.textio import decode

DOC = "# T\n\n- ITEM: one\n  - child\n\nTitle\non two lines\n---\n\ntext\n"


def _round(raw: str):
    doc = decode(raw.encode(), "x.md")
    md = M.parse(doc)
    data = json.loads(json.dumps(md.to_data()))
    return md, data, M.MdDoc.from_data(doc, data)


def test_compact_and_fallback_forms_round_trip():
    md, data, again = _round("# T\n\n- ITEM: one\n  - child\n\ntext\n")
    assert isinstance(data["x"][0], str)                     # joined form
    assert all(t is None for t, *_ in data["i"])             # item texts taken from text lines
    assert again.text_lines == md.text_lines and again.fields == md.fields
    assert [(i.text, i.line) for i in again.all_items] == [("ITEM: one", 3), ("child", 4)]
    md, data, again = _round(DOC)
    assert any("\n" in s for _, s in md.text_lines)          # the setext heading
    assert isinstance(data["x"][0], list)                    # pairs
    assert again.text_lines == md.text_lines and again.headings == md.headings


@pytest.mark.parametrize("x", [["a\nb", [1]], ["a", [1, 2]], ["", []], ["a", []], ["a", ["1"]],
                               ["a", [True]], ["a", 5], [[1]], 7, [["x", "y"]]])
def test_malformed_text_lines_are_errors(x):
    md, data, _ = _round("# T\n\ntext\n")
    data["x"] = x
    if x == ["", []]:   # the empty document's form: valid
        assert M.MdDoc.from_data(md.doc, data).text_lines == []
        return
    with pytest.raises((KeyError, IndexError, TypeError, ValueError, AttributeError)):
        M.MdDoc.from_data(md.doc, data)


def test_an_item_without_its_text_line_is_an_error():
    md, data, _ = _round("- one\n")
    data["x"] = ["", []]
    with pytest.raises(KeyError):
        M.MdDoc.from_data(md.doc, data)

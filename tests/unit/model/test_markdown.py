"""govkit.model.markdown: block structure (headings, fields, items, fences, tables) with lines."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govkit.model.markdown import heading_matches, parse, split_field
from govkit.util.textio import decode

DOC = """# Title

## Section A
- STATUS: open
- **Owner:** alice
  - nested: child
    - deeper

**Status:** x

```py
- CODE: not a field
```

| Name | Value |
|------|-------|
| a | 1 |
| b |  2  |

    indented code
## Section B
"""


def md_of(text: str | bytes, headings_only: bool = False):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse(decode(raw, "doc.md"), headings_only)


def test_headings_and_sections():
    md = md_of(DOC)
    assert [(h.level, h.text, h.line) for h in md.headings] == [
        (1, "Title", 1), (2, "Section A", 3), (2, "Section B", 21)]
    assert md.section("section a") == (3, 21)
    assert md.section("Section B") == (21, len(DOC.split("\n")) + 1)
    assert md.heading("Section", exact=True) is None
    assert md.heading("Title", min_level=2) is None


def test_fields_with_lines_and_item_flag():
    md = md_of(DOC)
    assert [(f.label, f.value, f.line, f.in_item) for f in md.fields] == [
        ("STATUS", "open", 4, True), ("Owner", "alice", 5, True), ("nested", "child", 6, True),
        ("Status", "x", 9, False)]
    assert md.value("owner") == "alice"
    assert md.value("missing", "dflt") == "dflt"
    assert [f.line for f in md.fields_named("status")] == [4, 9]
    assert md.field("STATUS", start=5).line == 9
    assert md.field("STATUS", end=4) is None


def test_nested_items():
    md = md_of(DOC)
    assert [i.text for i in md.items] == ["STATUS: open", "**Owner:** alice"]
    owner = md.items[1]
    assert [(c.text, c.line, c.depth) for c in owner.children] == [("nested: child", 6, 1)]
    assert owner.children[0].children[0].text == "deeper"
    assert [(i.line, i.depth) for i in md.all_items] == [(4, 0), (5, 0), (6, 1), (7, 2)]
    assert [i.line for i in md.items_in(5, 7)] == [5, 6]


def test_fences_and_in_code():
    md = md_of(DOC)
    fenced, indented = md.fences
    assert (fenced.info, fenced.content, fenced.line, fenced.end_line, fenced.closed, fenced.fenced) == \
        ("py", "- CODE: not a field\n", 11, 13, True, True)
    assert (indented.content, indented.line, indented.fenced) == ("indented code\n", 20, False)
    assert [n for n in range(1, 23) if md.in_code(n)] == [11, 12, 13, 20]
    assert all(f.label != "CODE" for f in md.fields)
    assert md.fences_in(1, 12) == [fenced]


def test_unclosed_fence_swallows_the_rest():
    md = md_of("# H\n```\nunclosed\n- A: b\n")
    (f,) = md.fences
    assert f.closed is False and f.line == 2 and f.end_line == 4
    assert md.fields == [] and md.in_code(4)


def test_fence_closing_rules():
    md = md_of("~~~~\n~~~\n~~~~\n````\nx\n``\n")
    assert [(f.content, f.closed) for f in md.fences] == [("~~~\n", True), ("x\n``\n", False)]


def test_tables():
    (t,) = md_of(DOC).tables
    assert t.header == ("Name", "Value") and t.line == 15
    assert [(r.cells, r.line) for r in t.rows] == [(("a", "1"), 17), (("b", "2"), 18)]


def test_text_lines_skip_code():
    md = md_of(DOC)
    texts = dict(md.text_lines)
    assert texts[1] == "Title" and texts[4] == "STATUS: open"
    assert 12 not in texts and 20 not in texts
    assert md.text_in(3, 6) == [(3, "Section A"), (4, "STATUS: open"), (5, "**Owner:** alice")]


def test_headings_only_mode():
    md = md_of(DOC, headings_only=True)
    assert [h.text for h in md.headings] == ["Title", "Section A", "Section B"]
    assert md.tables == [] and md.items == []          # no list or table rules
    # paragraphs remain: list-marker lines are plain text there, so only line 9 is a field
    assert [(f.label, f.line) for f in md.fields] == [("Status", 9)]
    assert [f.line for f in md.fences] == [11, 20]


def test_empty_field_does_not_take_next_line():
    md = md_of("- A:\n- B: 2\n")
    assert [(f.label, f.value) for f in md.fields] == [("A", ""), ("B", "2")]


def test_bom_and_crlf_keep_line_numbers():
    md = md_of("\ufeff# H\r\n\r\n- A: 1\r\n".encode())
    assert md.headings[0].text == "H"
    assert [(f.label, f.value, f.line) for f in md.fields] == [("A", "1", 3)]


@pytest.mark.parametrize("text, want", [
    ("A: b", ("A", "b")),
    ("**Label:** value", ("Label", "value")),
    ("**Label**: value", ("Label", "value")),
    ("__L__: v", ("L", "v")),
    ("Label:", ("Label", "")),
    ("  STATUS:   x  ", ("STATUS", "x")),
    ("Date/Time (UTC): 12:00", ("Date/Time (UTC)", "12:00")),
    ("- A: b", None),          # the list marker is not part of a field line
    ("1abc: x", None),
    ("no colon", None),
])
def test_split_field(text, want):
    assert split_field(text) == want


@pytest.mark.parametrize("text, name, exact, want", [
    ("VALIDATION", "validation", True, True),
    ("VALIDATION REPORTS", "VALIDATION", False, True),
    ("VALIDATION REPORTS", "VALIDATION", True, False),
    ("VALIDATION_REPORTS", "VALIDATION", False, False),
    ("VALIDATIONS", "VALIDATION", False, False),
    ("VALIDATION: WP-1", "VALIDATION", False, True),
])
def test_heading_matches(text, name, exact, want):
    assert heading_matches(text, name, exact) is want


_md_bits = st.sampled_from(["#", "## ", "-", "- ", "* ", "1. ", ">", "|", "| --- |", "```", "~~~",
                            "    ", "\t", "\n", "\r", "\r\n", ":", "**", "__", "[x]", "A: b", "é",
                            "\u2028", "\x0b", "\x85", "\ufeff", "<pending>", "x"])
_text = st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
                  st.lists(_md_bits, max_size=40).map("".join))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text, st.booleans())
@example("x" * 50_000 + "\n- A: " + "y" * 50_000, False)
@example("# a\r- B: c\r```\rcode\r```\r| a |\r|---|\r| 1 |\r", False)
@example("- ```\n  | a |\n  |---|\n- # h\n>   ```", False)
def test_parse_never_raises(text, headings_only):
    md = parse(decode(text.encode("utf-8"), "fuzz.md"), headings_only)
    n = text.count("\n") + text.count("\r") + 2
    for h in md.headings:
        assert 1 <= h.line <= n
    for f in md.fields:
        assert 1 <= f.line <= n
    for line in range(n):
        md.in_code(line)


def test_closed_fence_in_cr_only_file():
    (f,) = md_of(b"```\rcode\r```\r").fences
    assert f.closed


def test_split_field_is_not_quadratic():
    # A ReDoS guard, not a speed target: quadratic takes ~25 s here, linear ~1 ms.
    line = "A: x" + " " * 50_000 + "y"
    t0 = time.perf_counter()
    assert split_field(line) == ("A", "x" + " " * 50_000 + "y")
    assert time.perf_counter() - t0 < 0.5


HIDDEN = ("# P\n\n## TEST_PLAN\n- Run:\n  ```bash\n  python -m pytest\npython -m pytest -k one\n"
          "  ```\n\n## VALIDATION\n- Target File: a\n")


def _fence_findings(md) -> list[tuple[str | None, int | None, str]]:
    from govkit.model.markdown import report_hidden_headings
    from govkit.result import Report

    r = Report("x")
    report_hidden_headings(md, r, "p.md")
    report_hidden_headings(md, r, "p.md")   # a second reader of the same packet adds nothing
    return [(f.path, f.line, f.message) for f in r.findings]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_hidden_heading_is_reported_from_a_fresh_and_a_cached_parse(eol):
    import json

    from govkit.model.markdown import MdDoc

    md = md_of(HIDDEN.replace("\n", eol))
    assert md.hidden_headings == [10] and md.heading("VALIDATION") is not None
    fresh = _fence_findings(md)
    assert fresh == [("p.md", 10, "heading '## VALIDATION' sits inside a code block that a "
                      "broken fence above opened; read as a heading")]
    cached = MdDoc.from_data(md.doc, json.loads(json.dumps(md.to_data())))
    assert _fence_findings(cached) == fresh
    assert _fence_findings(md_of(HIDDEN.replace("python -m pytest -k", "  python -m pytest -k"))) == []

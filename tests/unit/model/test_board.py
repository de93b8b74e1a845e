"""govkit.model.board: TASK_BOARD entries, their status tokens and sections."""

from __future__ import annotations

from govkit.model.board import ENTRY_RE, parse_board
from govkit.model.markdown import parse
from govkit.model.scaffold import board_text
from govkit.util.textio import decode


def board_of(text: str):
    doc = decode(text.encode(), ".GOV/roles_shared/TASK_BOARD.md")
    return parse_board(doc, parse(doc))


def test_entries_sections_and_tokens():
    b = board_of(board_text({
        "In Progress": ["- **[WP-1]** - [IN_PROGRESS] doing it", "- plain note",
                        "  - **[WP-3]** - [BLOCKED]"],
        "Done": ["- **[WP-2-v1]** - [DONE]"]}))
    assert b.path == ".GOV/roles_shared/TASK_BOARD.md"
    got = [(e.wp, e.token, e.section, e.line, e.depth) for e in b.entries]
    assert got == [("WP-1", "IN_PROGRESS", "In Progress", 8, 0), (None, None, "In Progress", 9, 0),
                   ("WP-3", "BLOCKED", "In Progress", 10, 1), ("WP-2-v1", "DONE", "Done", 14, 0)]
    assert b.entries[0].text == "**[WP-1]** - [IN_PROGRESS] doing it"


def test_item_before_any_section_has_empty_section():
    b = board_of("# Board\n- **[WP-1]** - [READY]\n## Done\n")
    assert [(e.wp, e.section) for e in b.entries] == [("WP-1", "")]


def test_entry_re():
    assert ENTRY_RE.match("**[WP-1-v2]** - [STUB] text").groups() == ("WP-1-v2", "STUB", "text")
    assert ENTRY_RE.match("**[WP-1]** - [done]") is None          # tokens are upper case
    assert ENTRY_RE.match("[WP-1] - [DONE]") is None


def test_set_board_entry_moves_one_entry_and_keeps_blank_separation():
    from govkit.model.board import set_board_entry

    doc = decode(board_text().encode(), "B.md")
    text = set_board_entry(doc, "WP-1", "Ready for Dev", "READY_FOR_DEV")
    text = set_board_entry(decode(text.encode(), "B.md"), "WP-2", "Ready for Dev", "READY_FOR_DEV")
    text = set_board_entry(decode(text.encode(), "B.md"), "WP-1", "In Progress", "IN_PROGRESS")
    b = board_of(text)
    got = [(e.wp, e.token, e.section) for e in b.entries]
    assert got == [("WP-2", "READY_FOR_DEV", "Ready for Dev"),
                   ("WP-1", "IN_PROGRESS", "In Progress")]
    lines = text.split("\n")
    for e in b.entries:   # every entry is its own paragraph
        assert lines[e.line] == "" and lines[e.line - 2] == ""
    # the last section, and a missing one
    text = set_board_entry(decode(text.encode(), "B.md"), "WP-2", "Superseded (Archive)",
                           "SUPERSEDED")
    text = set_board_entry(decode(text.encode(), "B.md"), "WP-3", "Elsewhere", "BLOCKED")
    assert [(e.wp, e.section) for e in board_of(text).entries] == [
        ("WP-1", "In Progress"), ("WP-2", "Superseded (Archive)"), ("WP-3", "Elsewhere")]

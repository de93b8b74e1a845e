"""govkit.model.validator_state: validator gate session files."""

from __future__ import annotations

import pytest

from govkit.errors import GovkitError
from govkit.model.validator_state import parse_validator_state
from govkit.util.textio import decode

PATH = ".GOV/validator_gates/WP-1.json"
DATA = ('{"validation_sessions": {"WP-1": {"status": "open"}, "WP-2": {"status": "done"}, "WP-3": 5},'
        ' "archived_sessions": [{"wpId": "WP-1", "n": 1}, {"wpId": "WP-2"}, "junk"]}')


def state_of(text: str, wp: str | None = None):
    return parse_validator_state(decode(text.encode(), PATH), PATH, wp)


def test_missing_file_is_empty():
    s = parse_validator_state(None, PATH)
    assert (s.path, s.sessions, s.archived) == (PATH, {}, [])


def test_all_sessions():
    s = state_of(DATA)
    assert set(s.sessions) == {"WP-1", "WP-2", "WP-3"}
    assert s.session("WP-2") == {"status": "done"}
    assert s.session("WP-3") is None                     # not an object
    assert s.session("WP-9") is None
    assert len(s.archived) == 3


def test_filtered_to_one_wp():
    s = state_of(DATA, "WP-1")
    assert s.sessions == {"WP-1": {"status": "open"}}
    assert s.archived == [{"wpId": "WP-1", "n": 1}]


def test_wrong_member_types_become_empty():
    s = state_of('{"validation_sessions": [], "archived_sessions": {}}')
    assert (s.sessions, s.archived) == ({}, [])


@pytest.mark.parametrize("text", ["[]", "3", '"x"'])
def test_not_an_object(text):
    with pytest.raises(GovkitError):
        state_of(text)


def test_malformed_json_counts_bom_bytes():
    raw = b"\xef\xbb\xbf{\"a\": }"
    with pytest.raises(GovkitError) as exc:
        parse_validator_state(decode(raw, PATH), PATH)
    assert "byte 9" in exc.value.message                 # 3 BOM bytes + offset 6 of the text

"""govkit.model.gatelog: ORCHESTRATOR_GATES.json entries and byte-stable dumping."""

from __future__ import annotations

import pytest

from govkit.errors import GovkitError
from govkit.model.gatelog import GateLog, dump_gate_log, parse_gate_log
from govkit.util.textio import decode

PATH = ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json"


def log_of(text: str) -> GateLog:
    return parse_gate_log(decode(text.encode(), PATH), PATH)


def test_missing_or_blank_is_empty():
    assert parse_gate_log(None, PATH).entries == []
    assert log_of("  \n").entries == []


def test_entries_last_and_index():
    log = log_of('{"gate_logs": [{"wpId": "WP-1", "type": "refine", "n": 1}, 7, '
                 '{"wpId": "WP-1", "type": "refine", "n": 2}, {"wpId": "WP-2", "type": "sign"}]}')
    assert len(log.entries) == 3                           # non-objects are dropped
    assert log.last("WP-1", "refine")["n"] == 2
    assert log.last("WP-2", "refine") is None
    assert log.index_of(log.last("WP-2", "sign")) == 2
    assert log.trailing_newline is False


@pytest.mark.parametrize("text", ['[1, 2]', '{"gate_logs": {}}', '"x"'])
def test_wrong_shape(text):
    with pytest.raises(GovkitError) as exc:
        log_of(text)
    assert exc.value.path == PATH


def test_malformed_json_names_line():
    with pytest.raises(GovkitError) as exc:
        log_of('{\n  "gate_logs": [\n}')
    assert exc.value.line == 3 and "malformed JSON" in exc.value.message


@pytest.mark.parametrize("newline", ["", "\n"])
def test_dump_round_trips_bytes(newline):
    text = '{\n  "gate_logs": [\n    {\n      "wpId": "WP-1",\n      "note": "café"\n    }\n  ]\n}' + newline
    log = log_of(text)
    assert log.trailing_newline is bool(newline)
    assert dump_gate_log(log) == text


def test_dump_appended_entry():
    log = log_of('{"gate_logs": []}')
    log.entries.append({"wpId": "WP-3", "type": "prepare"})
    assert dump_gate_log(log) == ('{\n  "gate_logs": [\n    {\n      "wpId": "WP-3",\n'
                                  '      "type": "prepare"\n    }\n  ]\n}')

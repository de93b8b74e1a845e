"""Inputs that crashed govkit (internal error, exit 3) or hung it: each is now a finding or a
GovkitError (exit 2) naming the file, the line and the fix."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from govkit import config
from govkit.errors import GovkitError
from govkit.model import markdown as mdparse
from govkit.model.common import MAX_JSON_DEPTH, load_json
from govkit.model.gatelog import parse_gate_log
from govkit.model.validator_state import parse_validator_state
from govkit.util.textio import decode, read_text

WP = "WP-1-Demo"


# ---- line endings, NUL, special files ------------------------------------------------------------
def test_lone_cr_lines_agree_with_markdown():
    doc = decode(b"# T\r\r## BOOTSTRAP\rtext\r\n## SKELETON\rSKELETON APPROVED\r", "p.md")
    md = mdparse.parse(doc)
    lines = doc.lines
    assert [h.text for h in md.headings] == ["T", "BOOTSTRAP", "SKELETON"]
    for h in md.headings:
        assert lines[h.line - 1].rstrip("\r").endswith(h.text)
    assert lines[5] == "SKELETON APPROVED"
    assert doc.raw.count(b"\r") == 6  # the bytes are untouched; only the text view changes
    assert lines[3] == "text\r"  # CRLF stays CRLF


def test_nul_anywhere_is_binary_with_its_line():
    raw = b"# T\n" + b"x" * 9000 + b"\nline\x00\n"
    with pytest.raises(GovkitError) as exc:
        decode(raw, "p.md")
    assert exc.value.line == 3 and "NUL" in exc.value.message


def _in_thread(fn):
    box: dict = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "blocked on a special file"
    return box


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "WP-1-Demo.md"
    os.mkfifo(fifo)
    box = _in_thread(lambda: read_text(fifo, "p.md"))
    assert isinstance(box.get("error"), GovkitError), box
    assert "FIFO" in box["error"].message


def test_directory_is_refused(tmp_path: Path):
    with pytest.raises(GovkitError, match="directory"):
        read_text(tmp_path, "d")


# ---- JSON ----------------------------------------------------------------------------------------
def test_deep_json_is_bad_input():
    deep = '{"gate_logs": ' + "[" * 50000 + "]" * 50000 + "}"
    with pytest.raises(GovkitError) as exc:
        parse_gate_log(decode(deep.encode(), "g.json"), "g.json")
    assert exc.value.line == 1 and "nested deeper" in exc.value.message
    ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert load_json(decode(ok.encode(), "x.json")) is not None
    too = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(GovkitError):
        load_json(decode(too.encode(), "x.json"))
    brackets_in_strings = json.dumps({"gate_logs": [{"note": "[" * 500}]})
    assert parse_gate_log(decode(brackets_in_strings.encode(), "g.json"), "g.json").entries


def test_nul_in_gate_log_value():
    log = {"gate_logs": [{"wpId": WP, "type": "PREPARE", "worktree_dir": "wt\u0000x"}]}
    with pytest.raises(GovkitError) as exc:
        parse_gate_log(decode(json.dumps(log, indent=2).encode(), "g.json"), "g.json")
    assert "worktree_dir" in exc.value.message and exc.value.line == 6


@pytest.mark.parametrize("session, key", [
    ({"status": "REPORT_PRESENTED", "gates": "abc"}, "gates"),
    ({"status": "REPORT_PRESENTED", "gates": [1, 2]}, "gates"),
    ({"status": "REPORT_PRESENTED", "gates": {"a": 1}}, "gates"),
    ({"status": ["x"], "gates": []}, "status"),
    ({"verdict": {"a": 1}}, "verdict"),
    ({"gates": [{"gate": "REPORT_PRESENTED", "timestamp": 5}]}, "gates"),
    ("a string", WP),
])
def test_malformed_validator_session(session, key):
    text = json.dumps({"validation_sessions": {WP: session}}, indent=2)
    with pytest.raises(GovkitError) as exc:
        parse_validator_state(decode(text.encode(), "v.json"), "v.json", WP)
    assert f"'{key}'" in exc.value.message and exc.value.line and exc.value.hint


@pytest.mark.parametrize("text", ["[1, 2]", '"x"', "7", "null"])
def test_validator_state_top_level_not_an_object(text):
    with pytest.raises(GovkitError, match="JSON object"):
        parse_validator_state(decode(text.encode(), "v.json"), "v.json", WP)


def test_other_sessions_are_not_judged():
    text = json.dumps({"validation_sessions": {"WP-2-X": {"gates": "abc"}}})
    state = parse_validator_state(decode(text.encode(), "v.json"), "v.json", WP)
    assert state.session(WP) is None


# ---- config --------------------------------------------------------------------------------------
def _load(tmp_path: Path, text: str):
    (tmp_path / ".GOV").mkdir(exist_ok=True)
    (tmp_path / config.CONFIG_REL).write_text(text, encoding="utf-8")
    return config.load(tmp_path)


@pytest.mark.parametrize("text, key, line", [
    ("main_branch: main\nwp_id_pattern: 'WP-('\n", "wp_id_pattern", 2),
    ("signature:\n  min_interval_seconds: 1\n  token_pattern: '[a-'\n", "signature.token_pattern", 3),
    ("forbidden_patterns:\n  - id: a\n    pattern: ok\n  - id: b\n    pattern: '(?P<'\n",
     "forbidden_patterns.1.pattern", 5),
])
def test_invalid_regex_is_named_at_load(tmp_path: Path, text, key, line):
    with pytest.raises(GovkitError) as exc:
        _load(tmp_path, text)
    assert f"'{key}'" in exc.value.message and "regular expression" in exc.value.message
    assert exc.value.line == line and exc.value.path == config.CONFIG_REL


@pytest.mark.parametrize("text, key, lines", [
    ("main_branch: a\nprofile: strict\nmain_branch: b\n", "main_branch", (1, 3)),
    ("paths:\n  gov_dir: .GOV\n  gov_dir: .X\n", "gov_dir", (2, 3)),
    ("lock: {timeout_seconds: 1, timeout_seconds: 2}\n", "timeout_seconds", (1, 1)),
])
def test_duplicate_keys_name_both_lines(tmp_path: Path, text, key, lines):
    with pytest.raises(GovkitError) as exc:
        _load(tmp_path, text)
    assert f"duplicate key '{key}' (lines {lines[0]} and {lines[1]})" in exc.value.message
    assert exc.value.line == lines[1]


def test_alias_bombs_are_refused(tmp_path: Path):
    with pytest.raises(GovkitError, match="recursive"):
        _load(tmp_path, "packet:\n  required_fields: &a [*a]\n")
    lol = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 12))
    with pytest.raises(GovkitError, match="expands"):
        _load(tmp_path, lol)


def test_a_plain_config_still_loads(tmp_path: Path):
    cfg = _load(tmp_path, "wp_id_pattern: '^WP-[0-9]+$'\nforbidden_patterns:\n  - id: a\n"
                          "    pattern: 'TODO'\n    paths: &p ['src/**']\n    allow: *p\n")
    assert cfg.get("wp_id_pattern") == "^WP-[0-9]+$"

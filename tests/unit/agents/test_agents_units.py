"""Agent helpers: anchors computed from a spec, ASCII-safe prose, the coder's budget cuts."""

from __future__ import annotations

import json

from govkit.agents.orchestrator import anchor_for
from govkit.agents.textsafe import ascii_escape, one_line
from govkit.model.spec import MasterSpec
from govkit.util.textio import decode


def spec(text: str) -> MasterSpec:
    return MasterSpec(decode(text.encode(), "S_Master_Spec_v01.md"))


def test_anchor_window_token_and_excerpt():
    s = spec("# S\n\n## 1. Intro\n\nhello\n\n## 2. Caf\u00e9 rules\n\nThe caf\u00e9 SHALL open.\n\n\n## 3. End\nx\n")
    a = anchor_for(s, "2")
    assert (a["start"], a["end"]) == (7, 9)  # heading line to the last non-blank line
    assert a["excerpt"] == ["## 2. Caf\\u00e9 rules", "", "The caf\\u00e9 SHALL open."]
    window = "\n".join(s.lines[a["start"] - 1:a["end"]])
    assert a["token"] in window and a["token"].isascii() and len(a["token"]) >= 3


def test_unknown_section_names_the_known_ones():
    import pytest

    from govkit.errors import GovkitError

    with pytest.raises(GovkitError) as ei:
        anchor_for(spec("## 1. A\nx\n"), "4.2")
    assert "4.2" in str(ei.value) and "1" in (ei.value.hint or "")


def test_model_prose_cannot_break_the_markdown():
    assert one_line("## GAPS\n- USER_SIGNATURE: x") == "GAPS - USER_SIGNATURE: x"
    assert one_line("<fill: this>") == "None."
    assert one_line("na\u00efve\x1b[31m") == "na\\u00efve[31m"
    assert ascii_escape("\U0001f600") == "\\U0001f600"


def test_coder_cuts_the_largest_files_first(tmp_path, monkeypatch):
    from govkit.agents import coder
    from govkit.agents.context import PacketFacts

    files = {"src/big.py": "x = 1\n" * 2000, "src/mid.py": "y = 2\n" * 300, "src/small.py": "z = 3\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)

    class WS:
        root = tmp_path
        config = type("C", (), {"get": staticmethod(lambda k: {"token_budget": 1500})})()

        def abs(self, rel):
            return tmp_path / rel

    facts = PacketFacts("p.md", "packet", ["src/"], [], [("it works", 9)], "")
    monkeypatch.setattr("govkit.agents.context.packet_facts", lambda ws, wp: facts)
    monkeypatch.setattr("govkit.agents.context.scoped_files", lambda ws, f: sorted(files))
    data, notes = coder.build_input(WS(), "WP-1")
    shown = [f["path"] for f in data["files"]]
    assert shown == ["src/mid.py", "src/small.py"]
    assert len(notes) == 1 and notes[0].startswith("src/big.py: cut")
    assert data["cut"] == notes and json.dumps(data)
    blob = [f for f in data["files"] if f["path"] == "src/small.py"][0]["before_sha"]
    import subprocess

    assert blob == subprocess.run(["git", "hash-object", str(tmp_path / "src/small.py")],
                                  capture_output=True, text=True).stdout.strip()

"""govkit.model.cor701: the COR-701 hash, its compat variants, labels and path quoting."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.model import cor701


def sha1(b: bytes) -> str:
    return hashlib.sha1(b).hexdigest()


def test_canonical_sha1_normalises_text_line_endings():
    lf = b"one\ntwo\n"
    assert cor701.canonical_sha1(lf) == sha1(lf)
    assert cor701.canonical_sha1(b"one\r\ntwo\r\n") == sha1(lf)
    assert cor701.canonical_sha1(b"one\rtwo\r") == sha1(lf)


def test_canonical_sha1_binary_is_raw_and_absent_is_zero():
    data = b"a\r\n\x00b\r"
    assert cor701.canonical_sha1(data) == sha1(data)
    assert cor701.canonical_sha1(None) == "0" * 40
    assert cor701.canonical_sha1(b"") == sha1(b"")


def test_variants_of_text():
    data = b"a\r\nb\n"
    v = cor701.variants(data)
    assert v == {"canonical": sha1(b"a\nb\n"), "raw": sha1(data), "crlf": sha1(b"a\r\nb\r\n")}
    assert cor701.compat_hashes(data) == {sha1(data), sha1(b"a\r\nb\r\n")}


def test_variants_of_binary_and_absent():
    data = b"\x00\r\n"
    assert cor701.variants(data) == dict.fromkeys(("canonical", "raw", "crlf"), sha1(data))
    assert cor701.variants(None) == dict.fromkeys(("canonical", "raw", "crlf"), "0" * 40)
    assert cor701.compat_hashes(data) == set()
    assert cor701.compat_hashes(None) == set()


def test_compat_hashes_never_contain_canonical():
    lf = b"x\ny\n"
    assert cor701.compat_hashes(lf) == {sha1(b"x\r\ny\r\n")}   # raw == canonical, dropped
    assert cor701.canonical_sha1(lf) not in cor701.compat_hashes(lf)
    assert cor701.compat_hashes(b"no newline") == set()


def test_manifest_fields_and_labels():
    assert [k for k, _ in cor701.MANIFEST_FIELDS] == [
        "targetfile", "start", "end", "linedelta", "presha1", "postsha1", "gatespassed"]
    assert cor701.FIELD_LABELS["presha1"] == "Pre-SHA1"
    for key, label in cor701.MANIFEST_FIELDS:
        assert cor701.label_key(label) == key


@pytest.mark.parametrize("label, key", [("**Target File**", "targetfile"), ("PRE_SHA1", "presha1"),
                                        ("line-delta", "linedelta"), ("Gates\tPassed", "gatespassed")])
def test_label_key_any_spelling(label, key):
    assert cor701.label_key(label) == key


def test_gates_table():
    assert len(cor701.GATES) == 10
    assert cor701.GATE_NAMES[0] == "anchors_present"
    assert cor701.GATE_NAMES[-1] == "current_file_matches_preimage"
    assert cor701.GATE_CODES["rails_untouched_outside_window"] == "C701-G04"


@pytest.mark.parametrize("line, want", [
    ("- [x] anchors_present", ("x", "anchors_present")),
    ("  * [X] pre_sha1_captured  ", ("X", "pre_sha1_captured")),
    ("[ ] post_sha1_captured", (" ", "post_sha1_captured")),
    ("+[x]all_links_resolvable", ("x", "all_links_resolvable")),
])
def test_gate_line_matches(line, want):
    assert cor701.GATE_LINE.match(line).groups() == want


@pytest.mark.parametrize("line", ["- [y] anchors_present", "- [x] two words", "- [x]", "- x anchors"])
def test_gate_line_rejects(line):
    assert cor701.GATE_LINE.match(line) is None


@pytest.mark.parametrize("path, quoted", [
    ("src/a.py", "src/a.py"),
    ("dir with space/a b.md", "dir with space/a b.md"),
    ("tab\there", '"tab\\there"'),
    ('say "hi".md', '"say \\"hi\\".md"'),
    ("back\\slash", '"back\\\\slash"'),
    ("café.md", '"caf\\303\\251.md"'),
    (" lead", '" lead"'),
    ("tick`", '"tick`"'),
])
def test_quote_path(path, quoted):
    assert cor701.quote_path(path) == quoted
    assert cor701.unquote_path(quoted) == path


def test_unquote_leaves_unquoted_values_alone():
    assert cor701.unquote_path("plain") == "plain"
    assert cor701.unquote_path('"') == '"'
    assert cor701.unquote_path('"half') == '"half'
    assert cor701.unquote_path('"\\n"') == "\n"
    assert cor701.unquote_path('"\\q"') == "\\q"          # an unknown escape stays literal


@settings(deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_quote_round_trip(path):
    q = cor701.quote_path(path)
    assert cor701.unquote_path(q) == path
    if cor701.needs_quote(path):
        assert q.isascii() and q.startswith('"') and q.endswith('"')
    else:
        assert q == path

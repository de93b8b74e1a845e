"""Every artifact parser on random and mutated documents: a model or GovkitError, never a crash."""

from __future__ import annotations

import json

import propkit as pk
from hypothesis import given, settings

from govkit.errors import GovkitError
from govkit.model import markdown as mdparse
from govkit.util.textio import decode

ARTIFACT = ".GOV/task_packets/WP-1-Demo.md"


def _md(raw: bytes):
    """(Text, MdDoc) of raw, or None when decoding refuses it (GovkitError: allowed)."""
    doc = pk.survives(decode, raw, ARTIFACT)
    if doc is None:
        return None
    return doc, mdparse.parse(doc)


def _check_md(doc, md) -> None:
    n_lines = len(doc.lines)
    for line in [h.line for h in md.headings] + [f.line for f in md.fields] + \
            [i.line for i in md.all_items] + [n for n, _ in md.text_lines] + \
            [r.line for t in md.tables for r in t.rows] + [f.line for f in md.fences]:
        # Every line number the parser hands out names a line of the text the gates see.
        assert 1 <= line <= n_lines, (line, n_lines)
    # The parse cache form round-trips through JSON, as the cache stores it.
    again = mdparse.MdDoc.from_data(doc, json.loads(json.dumps(md.to_data())))
    assert again.to_data() == md.to_data()
    assert again.text_lines == md.text_lines and again.fields == md.fields
    assert [(i.text, i.line, i.depth, len(i.children)) for i in again.all_items] == \
        [(i.text, i.line, i.depth, len(i.children)) for i in md.all_items]


@settings(max_examples=pk.scaled(3000))
@given(pk.documents(pk.packet_seeds() + pk.refinement_seeds() + pk.board_seeds()
                    + pk.sigaudit_seeds()))
def test_markdown(raw):
    got = _md(raw)
    if got is not None:
        _check_md(*got)
        mdparse.parse(got[0], headings_only=True)


@settings(max_examples=pk.scaled(3000))
@given(pk.documents(pk.packet_seeds()))
def test_packet_and_manifest(raw):
    from govkit.model.manifest import parse_manifest
    from govkit.model.packet import parse_packet

    got = _md(raw)
    if got is None:
        return
    doc, md = got
    pkt = pk.survives(parse_packet, doc, md)
    if pkt is not None:
        assert isinstance(pkt.status_word, str) and pkt.merge_base in (None, pkt.merge_base)
        assert {pkt.modern, pkt.done_like, pkt.in_progress} <= {True, False}
    man = pk.survives(parse_manifest, md, ARTIFACT)
    if man is not None:
        for b in man.real_blocks:
            assert isinstance(b.target, str) and isinstance(b.target_raw, str)
            assert b.is_template in (True, False)


@settings(max_examples=pk.scaled(2000))
@given(pk.documents(pk.refinement_seeds()))
def test_refinement(raw):
    from govkit.model.refinement import parse_refinement

    got = _md(raw)
    if got is not None:
        pk.survives(parse_refinement, *got)


@settings(max_examples=pk.scaled(1000))
@given(pk.documents(pk.pointer_seeds()))
def test_spec_pointer(raw):
    from govkit.model.spec import parse_pointer

    got = _md(raw)
    if got is not None:
        pk.survives(parse_pointer, got[0], "*_Master_Spec_v*.md", got[1])


@settings(max_examples=pk.scaled(1000))
@given(pk.documents(pk.spec_seeds()))
def test_master_spec(raw):
    from govkit.model.spec import MasterSpec

    doc = pk.survives(decode, raw, pk.SPEC)
    if doc is not None:
        spec = MasterSpec(doc)
        assert len(spec.sha1_raw) == len(spec.sha1_lf) == 40 and not spec.sha1_matches("a" * 40)
        assert all(1 <= s.line <= len(spec.lines) for s in spec.sections)


@settings(max_examples=pk.scaled(1500))
@given(pk.documents(pk.board_seeds()))
def test_task_board(raw):
    from govkit.model.board import parse_board

    got = _md(raw)
    if got is not None:
        pk.survives(parse_board, *got)


@settings(max_examples=pk.scaled(1000))
@given(pk.documents(pk.registry_seeds()))
def test_traceability_registry(raw):
    from govkit.model.registry import parse_registry, registry_map

    got = _md(raw)
    if got is not None:
        rows = pk.survives(parse_registry, got[1])
        if rows is not None:
            registry_map(rows)


@settings(max_examples=pk.scaled(1000))
@given(pk.documents(pk.sigaudit_seeds()))
def test_signature_audit(raw):
    from govkit.model.sigaudit import parse_signature_audit

    got = _md(raw)
    if got is not None:
        rows = pk.survives(parse_signature_audit, got[1])
        for r in rows or []:
            r.names_wp(pk.WP)


@settings(max_examples=pk.scaled(1500))
@given(pk.documents(pk.gatelog_seeds()))
def test_gate_log(raw):
    from govkit.model.gatelog import dump_gate_log, parse_gate_log

    doc = pk.survives(decode, raw, "gates.json")
    if doc is None:
        return
    log = pk.survives(parse_gate_log, doc, "gates.json")
    if log is not None:
        for kind in ("REFINEMENT", "SIGNATURE", "PREPARE"):
            log.last(pk.WP, kind)
        dump_gate_log(log)


@settings(max_examples=pk.scaled(1500))
@given(pk.documents(pk.validator_seeds()))
def test_validator_state(raw):
    from govkit.model.validator_state import parse_validator_state

    doc = pk.survives(decode, raw, "v.json")
    if doc is None:
        return
    state = pk.survives(parse_validator_state, doc, "v.json", pk.WP)
    if state is not None:
        s = state.session(pk.WP)
        if s is not None:  # what the state machine reads from a session it accepted
            assert isinstance(s.get("status", ""), (str, type(None)))
            assert all(isinstance(g, dict) for g in s.get("gates") or [])


@settings(max_examples=pk.scaled(1000))
@given(pk.documents(pk.config_seeds()))
def test_config(raw):
    import json
    from pathlib import Path

    from govkit import config

    schema = json.loads((Path(config.__file__).parent / "schemas" / "config.schema.json").read_bytes())
    doc = pk.survives(decode, raw, config.CONFIG_REL)
    if doc is None:
        return
    data = pk.survives(config._validated, doc, schema)
    if data is not None:
        cfg = config.Config(config._merge(config.DEFAULTS, data), config.CONFIG_REL)
        import re

        re.compile(cfg.get("wp_id_pattern"))  # a config that loads has working regexes
        re.compile(cfg.get("signature.token_pattern"))


def test_survives_is_strict():
    """The rule itself: GovkitError is allowed, anything else is not."""
    assert pk.survives(lambda: (_ for _ in ()).throw(GovkitError("x"))) is None
    try:
        pk.survives(lambda: [][1])
    except IndexError:
        return
    raise AssertionError("survives() swallowed an IndexError")

"""packet completeness (kernel 12.3) for every active packet; the `$`-without-`m` defect fixed."""

from __future__ import annotations

from support.cikit import edit, entry, make_ws, run, set_board


def _pkt(repo, wp="WP-1-Demo"):
    return repo / ".GOV" / "task_packets" / f"{wp}.md"


def test_complete_packets_pass(repo):
    make_ws(repo, {"WP-1-A": ("src/app.py",), "WP-1-B": ("src/util.py",)})
    assert run(repo, ["completeness"]).passed


def test_tbd_in_the_middle_of_the_file_fails(repo):
    # The reference's /DONE_MEANS\s*:\s*tbd/i had no `m` flag only for `$`, and its
    # /DONE_MEANS\s*:\s*$/i matched only at the end of the file: an empty label mid-file passed.
    make_ws(repo)
    edit(_pkt(repo), "- DONE_MEANS:\n  - rule 1.4 holds", "- DONE_MEANS:")
    edit(_pkt(repo), "- TEST_PLAN:\n  - python -m pytest", "- TEST_PLAN: TBD")
    r = run(repo, ["completeness"])
    assert r.codes() == ["GK-CI-PACKET-FIELD", "GK-CI-PACKET-FIELD"]
    assert "DONE_MEANS" in r.findings[0].message and "TEST_PLAN" in r.findings[1].message


def test_placeholder_items_and_missing_fields(repo):
    make_ws(repo)
    edit(_pkt(repo), "  - rule 1.4 holds", "  - <fill: observable outcomes>")
    edit(_pkt(repo), "- RISK_TIER: LOW", "- RISK_TIER: <fill> (LOW | MEDIUM | HIGH)")
    edit(_pkt(repo), "- **Status:** Ready for Dev", "- **Status:** Someday")
    r = run(repo, ["completeness"])
    assert sorted(r.codes()) == ["GK-CI-PACKET-FIELD", "GK-CI-PACKET-FIELD", "GK-CI-PACKET-STATUS"]


def test_empty_packet_format_version_is_not_a_version(repo):
    make_ws(repo)
    edit(_pkt(repo), "- PACKET_FORMAT_VERSION: 2026-02-01", "- PACKET_FORMAT_VERSION:")
    assert run(repo, ["completeness"]).codes() == ["GK-CI-PACKET-FORMAT"]


def test_closure_plan_yes_needs_its_lists(repo):
    make_ws(repo)
    edit(_pkt(repo), "- END_TO_END_CLOSURE_PLAN_APPLICABLE: NO",
         "- END_TO_END_CLOSURE_PLAN_APPLICABLE: YES\n- TRUST_BOUNDARY: the API\n"
         "- SERVER_SOURCES_OF_TRUTH:\n  - the database\n- REQUIRED_PROVENANCE_FIELDS:\n  - <fill>\n")
    r = run(repo, ["completeness"])
    assert r.codes() == ["GK-CI-PACKET-CLOSURE"] * 5     # 5 of the 6 lists unfilled
    assert not any("SERVER_SOURCES_OF_TRUTH" in f.message for f in r.findings)
    edit(_pkt(repo), "- END_TO_END_CLOSURE_PLAN_APPLICABLE: YES", "- END_TO_END_CLOSURE_PLAN_APPLICABLE: YES | NO")
    assert run(repo, ["completeness"]).codes() == ["GK-CI-PACKET-CLOSURE"]


def test_superseded_packets_are_not_judged(repo):
    make_ws(repo, {"WP-1-Old": ("src/app.py",)})
    edit(_pkt(repo, "WP-1-Old"), "- RISK_TIER: LOW", "- RISK_TIER: TBD")
    assert run(repo, ["completeness"]).codes() == ["GK-CI-PACKET-FIELD"]
    set_board(repo, {"Superseded (Archive)": [entry("WP-1-Old", "SUPERSEDED")]})
    assert run(repo, ["completeness"]).passed


def test_no_signature_and_no_spec_reference(repo):
    make_ws(repo)
    text = _pkt(repo).read_text()
    text = text.replace("- USER_SIGNATURE: operator211120260900\n", "")
    text = text.replace("**User Signature Locked:** operator211120260900", "")
    text = text.replace("- SPEC_TARGET: .GOV/roles_shared/SPEC_CURRENT.md\n", "")
    text = text.replace("- SPEC_CURRENT: .GOV/roles_shared/SPEC_CURRENT.md\n", "")
    _pkt(repo).write_text(text)
    assert sorted(run(repo, ["completeness"]).codes()) == ["GK-CI-PACKET-SIGNATURE", "GK-CI-PACKET-SPEC"]

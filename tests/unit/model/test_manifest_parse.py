"""govkit.model.manifest: COR-701 manifest blocks of ## VALIDATION and normalize_target."""

from __future__ import annotations

import pytest

from govkit.model.manifest import find_section, normalize_target, parse_manifest
from govkit.model.markdown import parse
from govkit.util.textio import decode


def manifest_of(text: str):
    md = parse(decode(text.encode("utf-8"), "pkt.md"))
    return parse_manifest(md, "pkt.md")


PACKET = """# WP-1

## VALIDATION
- **Target File**: `src/a.py`
- **Start**: 3
- **End**: 9
- **Line Delta**: 2
- **Pre-SHA1**: `aaa`
- **Post-SHA1**: bbb
- **Gates Passed**:
  - [x] anchors_present
  - [ ] window_matches_plan
  - [X] pre_sha1_captured

```
- **Target File**: in/a/fence.py
```

- **Target File**: `"docs/caf\\303\\251.md"`
- **start**: 1
- [x] post_sha1_captured

## VALIDATION_REPORTS
- **Target File**: not/here.py
"""


def test_blocks_fields_and_gates():
    m = manifest_of(PACKET)
    assert m.section == (3, 23)
    assert m.findings == []
    one, two = m.blocks
    assert (one.index, one.line, one.end_line) == (1, 4, 13)
    assert one.target == "src/a.py"
    assert {k: v.value for k, v in one.fields.items()} == {
        "targetfile": "`src/a.py`", "start": "3", "end": "9", "linedelta": "2",
        "presha1": "`aaa`", "postsha1": "bbb", "gatespassed": ""}
    assert one.raw("presha1") == "aaa"
    assert one.raw("nope") is None
    assert one.line_of("end") == 6 and one.line_of("nope") == 4
    assert one.gates_checked == {"anchors_present", "pre_sha1_captured"}
    assert one.gate_lines == [11, 12, 13]
    assert (two.index, two.line, two.end_line) == (2, 19, 21)
    assert two.target == "docs/café.md"
    assert two.gates_checked == {"post_sha1_captured"}
    assert m.real_blocks == [one, two]


def test_no_validation_section():
    m = manifest_of("# WP\n\n## VALIDATION REPORT\n- **Target File**: a.py\n")
    assert (m.section, m.blocks, m.findings) == (None, [], [])


@pytest.mark.parametrize("heading, found", [("VALIDATION", True), ("Validation", True),
                                            ("VALIDATION (COR-701)", True), ("VALIDATIONS", False),
                                            ("VALIDATION_X", False), ("VALIDATION REPORTS", False)])
def test_find_section(heading, found):
    md = parse(decode(f"# T\n## {heading}\nx\n".encode(), "p.md"))
    assert find_section(md) == ((2, 5) if found else None)


def test_orphan_field_before_target():
    m = manifest_of("## VALIDATION\n- **Start**: 1\n- **Target File**: a.py\n- **End**: 2\n")
    (f,) = m.findings
    assert (f.code, f.severity, f.line, f.path) == ("GK-POST-MANIFEST-ORPHAN", "error", 2, "pkt.md")
    assert "'Start'" in f.message
    assert m.blocks[0].fields.keys() == {"targetfile", "end"}


def test_duplicate_field_keeps_first():
    m = manifest_of("## VALIDATION\n- **Target File**: a.py\n- **Start**: 1\n- **START**: 5\n")
    (f,) = m.findings
    assert f.code == "GK-POST-MANIFEST-DUPFIELD" and f.line == 4
    assert f.message == "Manifest[1]: 'Start' given twice (first at line 3)"
    assert m.blocks[0].raw("start") == "1"


def test_duplicate_target_after_normalising():
    m = manifest_of("## VALIDATION\n- **Target File**: src/a.py\n- **Target File**: `./src//a.py`\n"
                    "- **Target File**: path/to/file\n- **Target File**: path/to/file\n")
    (f,) = m.findings                                 # template blocks are never duplicates
    assert f.code == "GK-POST-MANIFEST-DUP" and f.line == 3
    assert "'src/a.py'" in f.message and "first at line 2" in f.message
    assert [b.is_template for b in m.blocks] == [False, False, True, True]
    assert len(m.real_blocks) == 2


@pytest.mark.parametrize("target", ["path/to/file.ext", "<fill in>", "PENDING", "<path>"])
def test_template_targets(target):
    (b,) = manifest_of(f"## VALIDATION\n- **Target File**: {target}\n").blocks
    assert b.is_template


@pytest.mark.parametrize("value, want", [
    ("src/a.py", ("src/a.py", None)),
    ("`src/a.py`", ("src/a.py", None)),
    ("./src//a.py", ("src/a.py", None)),
    ("a/../b", ("b", None)),
    ("src\\a.py", ("src/a.py", None)),
    ('"caf\\303\\251.md"', ("café.md", None)),
    ("", ("", "empty Target File")),
    ("../x", ("../x", "Target File '../x' leaves the repository")),
    ("a/../../x", ("../x", "Target File 'a/../../x' leaves the repository")),
    ("/etc/x", ("/etc/x", "Target File must be repository-relative, got absolute path '/etc/x'")),
    ("C:\\x", ("C:/x", "Target File must be repository-relative, got absolute path 'C:/x'")),
])
def test_normalize_target(value, want):
    assert normalize_target(value) == want

"""Helpers of the property suites: seed documents (the real templates and the demo's artifacts),
mutations of them, and the one rule every parser and gate must keep.

The rule: on any input, a parser or gate either returns (a gate's Report must also render in
every format) or raises GovkitError (bad input, exit 2). Any other exception is a govkit bug.
"""

from __future__ import annotations

import json

from hypothesis import settings
from hypothesis import strategies as st

from govkit.demo import sample
from govkit.errors import GovkitError
from govkit.model import scaffold
from govkit.util.templates import template_text

WP = "WP-1-Demo"
SPEC = sample.SPEC_NAME
MERGE_BASE = "0" * 40
FORMATS = ("text", "json", "gate", "sarif", "junit", "html")


def scaled(n: int) -> int:
    """n examples under the default profile (100 examples), ten times n under `deep`."""
    return max(1, n * settings().max_examples // 100)


# ---- seeds ---------------------------------------------------------------------------------------
def _spec() -> str:
    return sample.spec_text()


def packet_seeds() -> list[str]:
    filled = sample.packet_text(WP, SPEC, MERGE_BASE)
    approved = filled.replace("## SKELETON\n", "## SKELETON\n\nSKELETON APPROVED\n", 1)
    manifest = ("- **Target File**: `src/app.py`\n- **Start**: 1\n- **End**: 2\n"
                "- **Line Delta**: 1\n- **Pre-SHA1**: `" + "a" * 40 + "`\n- **Post-SHA1**: `"
                + "b" * 40 + "`\n- **Gates Passed**:\n  - [x] anchors_present\n")
    return [template_text("TASK_PACKET_TEMPLATE.md"), template_text("TASK_PACKET_STUB_TEMPLATE.md"),
            filled, approved, filled.replace("- **Target File**: `path/to/file`", manifest, 1)]


def refinement_seeds() -> list[str]:
    spec = _spec()
    return [template_text("REFINEMENT_TEMPLATE.md"),
            sample.refinement_text(WP, SPEC, "1" * 40, spec.split("\n")),
            sample.refinement_text(WP, SPEC, "1" * 40, spec.split("\n"), signature=None)]


def spec_seeds() -> list[str]:
    return [_spec(), sample.spec_text_lines(60, 7)]


def pointer_seeds() -> list[str]:
    return [scaffold.pointer_text(SPEC), f"# SPEC_CURRENT\n\n- CURRENT: `{SPEC}`\n"]


def board_seeds() -> list[str]:
    return [scaffold.board_text(), scaffold.board_text({
        "Ready for Dev": [f"- **[{WP}]** - [READY_FOR_DEV]"],
        "In Progress": ["- **[WP-2-Other]** - [IN_PROGRESS]"],
        "Done": ["- **[WP-0-Old]** - [VALIDATED]"],
        "Stub Backlog (Not Activated)": ["- **[WP-9-Stub]** - [STUB]"]})]


def registry_seeds() -> list[str]:
    return [scaffold.registry_text(), scaffold.registry_text([
        ("WP-1-Demo", f".GOV/task_packets/{WP}.md", "Ready for Dev", "first"),
        ("WP-2-Base", ".GOV/task_packets/WP-2-Base-v2.md", "In Progress", "")])]


def sigaudit_seeds() -> list[str]:
    return [scaffold.sigaudit_rows_text(), scaffold.sigaudit_rows_text(
        [sample.sigaudit_row(sample.SIGNATURE, WP), sample.sigaudit_row("bob010120260101", "WP-2-X")])]


def gatelog_seeds() -> list[str]:
    log = sample.gate_log(WP, SPEC, "1" * 40, "main")
    return [json.dumps(log, indent=2), json.dumps(log), '{"gate_logs": []}']


def validator_seeds() -> list[str]:
    t = "2026-11-21T09:00:00.000Z"
    session = {"wpId": WP, "verdict": "PASS", "status": "USER_ACKNOWLEDGED", "started": t,
               "gates": [{"gate": "REPORT_PRESENTED", "verdict": "PASS", "timestamp": t},
                         {"gate": "USER_ACKNOWLEDGED", "timestamp": t}]}
    return [json.dumps({"validation_sessions": {WP: session}, "archived_sessions": []}, indent=2),
            json.dumps({"validation_sessions": {}, "archived_sessions": [session]})]


def config_seeds() -> list[str]:
    return [template_text("govkit.yaml"),
            "profile: strict\nwp_id_pattern: '^WP-[0-9]+-[A-Za-z-]+$'\nsignature:\n"
            "  token_pattern: '^[a-z]+[0-9]{12}$'\nforbidden_patterns:\n  - id: no-todo\n"
            "    pattern: 'TODO'\n    paths: ['src/**']\nlock:\n  timeout_seconds: 3\n"
            "paths:\n  gov_dir: .GOV\n"]


# ---- mutations -------------------------------------------------------------------------------
# Lines that mean something to some parser: headings, fields, markers, table rows, fences.
INTERESTING = [
    "", "#", "##", "## ", "## SKELETON", "## SKELETON APPROVED", "SKELETON APPROVED",
    "## BOOTSTRAP", "## VALIDATION", "## VALIDATION (CODER)", "## VALIDATION REPORT",
    "## EVIDENCE", "## EVIDENCE_MAPPING", "## SCOPE", "## METADATA", "## WAIVERS GRANTED",
    "## SPEC_ANCHORS", "## Ready for Dev", "## In Progress", "## Done", "---", "===", "```", "~~~",
    "```text", "    indented code", "> quote", "- ", "-", "* item", "1. one", "- [ ] box",
    "- [x] anchors_present", "- **Status:** In Progress", "- **Status:**", "**Status:** Done",
    "- TASK_ID:", "- WP_ID: WP-1-Demo", "- MERGE_BASE_SHA: " + "a" * 40, "- MERGE_BASE_SHA:",
    "- IN_SCOPE_PATHS:", "  - src/app.py", "  - ../../etc/passwd", "  - /abs/path", "- OUT_OF_SCOPE:",
    "- USER_SIGNATURE: operator211120260900", "- USER_SIGNATURE:", "- CONTEXT_START_LINE: 999999",
    "- CONTEXT_START_LINE: -1", "- CONTEXT_END_LINE: 0", "- CONTEXT_TOKEN:", "- SPEC_ANCHOR:",
    "- **Target File**: `src/app.py`", "- **Target File**:", "- **Start**: 99999999999999999999",
    "- **End**: -5", "- **Line Delta**: x", "- **Pre-SHA1**: `zz`", "- **Gates Passed**:",
    "- **[WP-1-Demo]** - [READY_FOR_DEV]", "- **[WP-1-Demo]** - [", "- **[]** - []",
    "| a |", "| a | b | c | d | e | f | g |", "|---|", "|---|---|---|---|---|---|", "| | | |",
    "| WP-1-Demo | .GOV/task_packets/WP-1-Demo.md | x | y |", "| WP-1-Demo | ../x.md | | |",
    "| operator211120260900 | orch | 2026-11-21 09:00 | WP-1-Demo | v01.001 | |",
    "**Project_Master_Spec_v01.001.md**", "**Project_Master_Spec_v99999999999999999999.md**",
    "- WAIVER_ID: W-1", "- SCOPE:", "- EXPIRES: never", "- EXIT_CODE: 0", "- COMMAND:",
    "- rule -> src/app.py:99999999999", "src/app.py:0", "<pending>", "{{WP_ID}}", "\\",
    "\u00e9\u00e8 \u4e2d\u6587 \U0001f600", "\u202e\u2066rtl", "\u2028\u2029", "\x0b\x0c", "\t\t- tab",
    '{"gate_logs": [', "]}", "{", "}", "[", "]", '"', ":", "null", "[]", "{}",
    '{"wpId": "WP-1-Demo", "type": "PREPARE", "branch": 5, "worktree_dir": []}',
    '{"validation_sessions": {"WP-1-Demo": {"gates": "abc", "status": ["x"]}}}',
    "validation_sessions:", "profile: strict", "paths:", "  gov_dir: ''", "wp_id_pattern: '('",
    "  - id: x", "    pattern: '[a-'", "&a [*a]", "!!binary AAAA", "? [a]", "key: value",
]

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_line = st.one_of(st.sampled_from(INTERESTING), _text)
_nest = st.sampled_from([">", "- ", "  ", "[", "{\"a\":", "1. ", "* ", "#"])


@st.composite
def mutated(draw, seeds: list[str]) -> bytes:
    """One seed document after up to eight random edits, as bytes (may be invalid UTF-8)."""
    lines = draw(st.sampled_from(seeds)).split("\n")
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "insert", "delete", "dup", "swap", "replace",
                                   "truncate", "long", "nest", "splice"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "insert":
            lines.insert(at, draw(_line))
        elif op == "delete" and lines:
            del lines[at]
        elif op == "dup" and lines:
            lines[at:at] = lines[at:draw(st.integers(at, min(len(lines), at + 6)))]
        elif op == "swap" and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "replace" and lines:
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(_line)
        elif op == "truncate":
            lines = lines[:at]
        elif op == "long":
            lines.insert(at, draw(st.sampled_from(["x", "#", "|", "- ", "`", " "]))
                         * draw(st.sampled_from([1000, 20000])))
        elif op == "nest":
            lines.insert(at, draw(_nest) * draw(st.integers(1, 3000)) + draw(_line))
        elif op == "splice":  # a line from another seed
            lines.insert(at, draw(st.sampled_from(draw(st.sampled_from(seeds)).split("\n"))))
    eol = draw(st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "mixed"]))
    if eol == "mixed":
        text = "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r"])) for line in lines)
    else:
        text = eol.join(lines)
    raw = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    if draw(st.integers(0, 29)) == 0:  # invalid UTF-8 or NUL somewhere: GovkitError expected
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    return raw


def documents(seeds: list[str]):
    """Mutated seeds, plus now and then an arbitrary text or byte string."""
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), mutated(seeds),
                     _text.map(lambda t: t.encode("utf-8")), st.binary(max_size=200))


# ---- the rule ------------------------------------------------------------------------------------
def survives(fn, *args, **kw):
    """fn's result, or None when it raised GovkitError; any other exception propagates."""
    try:
        return fn(*args, **kw)
    except GovkitError as exc:
        str(exc)  # the message itself must render
        return None


def renders(report) -> None:
    """A gate's Report renders in every format (a crash there is a crash of the command)."""
    from govkit.report.render import render

    assert report.verdict in ("PASS", "FAIL"), report.verdict
    for fmt in FORMATS:
        out = render(report, fmt)
        assert isinstance(out, str) and out

"""govkit.model.lockhash: what the lock covers, and what it leaves to the coder."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.config import DEFAULTS
from govkit.demo import sample
from govkit.model.lockhash import locked_view

CODER = DEFAULTS["packet"]["coder_sections"]


def packet() -> str:
    return sample.packet_text("WP-1-A", sample.SPEC_NAME, "a" * 40)


def test_coder_sections_and_status_are_free():
    base = locked_view(packet(), CODER)
    text = packet().replace("- COMMAND: <paste>", "- COMMAND: pytest -q")
    text = text.replace("- **Status:** Ready for Dev", "- **Status:** In Progress")
    text = text.replace("- (validator appends reports here)", "### VALIDATION REPORT 1\nok")
    view = locked_view(text, CODER)
    assert view.sha256 == base.sha256 and view.sections == base.sections
    assert "## EVIDENCE" in view.text and "pytest -q" not in view.text


def test_locked_section_change_is_seen():
    base = locked_view(packet(), CODER)
    view = locked_view(packet().replace("  - src/app.py", "  - **"), CODER)
    assert view.sha256 != base.sha256
    changed = [n for n in base.sections if base.sections[n] != view.sections.get(n)]
    assert changed == ["SCOPE"]
    line = next(n for n, t in view.lines if t == "  - **")
    assert packet().split("\n")[line - 1] == "  - src/app.py"


def test_new_heading_inside_coder_section_is_locked():
    base = locked_view(packet(), CODER)
    text = packet().replace("- EXIT_CODE: <int>", "- EXIT_CODE: 0\n\n## WAIVERS\n- WAIVER_ID: W1")
    view = locked_view(text, CODER)
    assert view.sha256 != base.sha256 and "WAIVERS" in view.sections


def test_crlf_and_bom_do_not_matter():
    base = locked_view(packet(), CODER)
    assert locked_view("\ufeff" + packet().replace("\n", "\r\n"), CODER).sha256 == base.sha256


def test_idempotent_on_locked_text():
    base = locked_view(packet(), CODER)
    again = locked_view(base.text, CODER)
    assert again.sections == base.sections and again.sha256 == base.sha256


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#-*> \n\r\t`~|:abcSTATUS_VLIDON\ufeff")),
               max_size=300))
def test_locked_view_only_valueerror(text):
    try:
        view = locked_view(text, CODER)
    except ValueError:
        return
    assert len(view.sha256) == 64


def test_deep_nesting():
    try:
        locked_view("> " * 5000 + "x\n" + "- " * 5000 + "y", CODER)
    except ValueError:
        pass

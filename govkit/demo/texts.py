"""What the demo's people write: the config, the app skeleton and its checks, the spec's new
sections, each WP's packet fields, and the ChangeSets of the second WP."""

from __future__ import annotations

import json
from dataclasses import dataclass

PROJECT = "Demo"
KEY_ID = "operator-demo"

CONFIG = """\
# govkit demo. profile strict: locks, records and signed operator acts are required.
profile: strict
# The demo does not wait between a refinement and its signature, or between validator steps;
# a team keeps the defaults (10 s and 5 s), which stop an agent from signing in its own turn.
signature:
  min_interval_seconds: 0
validator:
  min_gate_interval_seconds: 0
"""

GREET = '''"""Greetings."""


def greet(name: str) -> str:
    return "Hello, " + name
'''

CHECK_GREET = '''"""Spec 4.1: greet(name) returns "Hello, " + name, and the code cites its rule."""
import pathlib
import sys

sys.path.insert(0, "src")
import greet  # noqa: E402

got = greet.greet("Ada")
assert got == "Hello, Ada", f"greet('Ada') returned {got!r}"
assert "spec 4.1" in pathlib.Path("src/greet.py").read_text(), "src/greet.py does not cite spec 4.1"
print("check_greet: ok")
'''

CHECK_FAREWELL = '''"""Spec 5.1: farewell(name) returns "Goodbye, " + name."""
import sys

sys.path.insert(0, "src")
import farewell  # noqa: E402

got = farewell.farewell("Ada")
assert got == "Goodbye, Ada", f"farewell('Ada') returned {got!r}"
print("check_farewell: ok")
'''

APP = {"src/greet.py": GREET, "tests/check_greet.py": CHECK_GREET,
       "tests/check_farewell.py": CHECK_FAREWELL}

SPEC_ADDITION = """
## 4. Greeting

4.1 greet(name) SHALL return "Hello, " followed by the name.

## 5. Farewell

5.1 farewell(name) SHALL return "Goodbye, " followed by the name.
"""


@dataclass(frozen=True)
class WorkPacket:
    wp: str
    section: str            # the spec section its refinement anchors
    coder: str
    path: str               # its one IN_SCOPE path
    what: str
    test: str               # its TEST_PLAN command (runnable: `govkit run` runs it)
    done: str               # its one DONE_MEANS item
    plan: str               # BOOTSTRAP
    skeleton: str           # SKELETON

    @property
    def packet(self) -> str:
        return f".GOV/task_packets/{self.wp}.md"

    @property
    def branch(self) -> str:
        return f"feat/{self.wp}"

    def fields(self) -> dict[str, str]:
        """The orchestrator's fields above BOOTSTRAP (the template's placeholder lines)."""
        return {
            "- RISK_TIER: <fill> (LOW | MEDIUM | HIGH)": "- RISK_TIER: LOW",
            # The coder's claim is locked with the packet: the orchestrator assigns it here.
            "- CODER_MODEL: <unclaimed>": "- CODER_MODEL: govkit-stub-1",
            "- CODER_REASONING_STRENGTH: <unclaimed>": "- CODER_REASONING_STRENGTH: LOW",
            "- WHAT: <fill: one paragraph on what changes>": f"- WHAT: {self.what}",
            "  - path/to/file\n": f"  - {self.path}\n",
            "- OUT_OF_SCOPE:\n  - <fill>": "- OUT_OF_SCOPE:\n  - tests/",
            "  - <fill: the commands that prove the change>": f"  - {self.test}",
            "  - <fill: observable outcomes>": f"  - {self.done}",
        }

    def coder_fields(self) -> dict[str, str]:
        """The coder's BOOTSTRAP and SKELETON."""
        return {
            "- <fill: files read, commands run, and the plan before touching code>":
                f"- {self.plan}",
            "- <fill: interfaces and stubs proposed for approval>": f"- {self.skeleton}",
        }


WP1 = WorkPacket(
    wp="WP-1-Greeting", section="4", coder="Coder-A", path="src/greet.py",
    what="greet() cites the spec rule it implements (4.1).",
    test="python3 tests/check_greet.py", done="greet() cites spec 4.1",
    plan="Read spec 4.1, src/greet.py and tests/check_greet.py; plan: cite 4.1 in src/greet.py.",
    skeleton="greet(name: str) -> str, unchanged")

WP2 = WorkPacket(
    wp="WP-2-Farewell", section="5", coder="Coder-B", path="src/farewell.py",
    what="A new module src/farewell.py with farewell(name) as spec 5.1 states.",
    test="python3 tests/check_farewell.py", done="farewell('Ada') returns 'Goodbye, Ada'",
    plan="Read spec 5.1 and tests/check_farewell.py; plan: add src/farewell.py.",
    skeleton="farewell(name: str) -> str in src/farewell.py")


def farewell_changeset(word: str) -> str:
    """WP-2's ChangeSet (govkit/schemas/changeset.v1.json): add src/farewell.py."""
    after = ('"""Farewells (spec 5.1)."""\n\n\n'
             "def farewell(name: str) -> str:\n"
             f'    return "{word}, " + name\n')
    cs = {"message": "farewell() as spec 5.1 states", "author": WP2.coder,
          "edits": [{"path": WP2.path, "mode": "add", "after": after}],
          "meta": {"evidence_mapping": [f"spec 5.1 -> {WP2.path}:5"]}}
    return json.dumps(cs, indent=1) + "\n"

"""Documentation stays true: the generated command reference, the README commands, .ci/run."""

from __future__ import annotations

import os
import re

from govkit import config as config_mod

from support.repo import ROOT

REGEN = "python -m govkit.cli.docgen > docs/commands.md"


def test_commands_md_is_current():
    from govkit.cli.docgen import generate

    path = ROOT / "docs" / "commands.md"
    assert path.is_file(), f"docs/commands.md is missing; run: {REGEN}"
    current = path.read_text(encoding="utf-8")
    assert current == generate(), f"docs/commands.md is stale; regenerate it with: {REGEN}"


def test_command_index_is_current():
    """`govkit --help` lists commands from govkit/cli/index.py without importing them."""
    from govkit.cli.docgen import generate_index

    path = ROOT / "govkit" / "cli" / "index.py"
    assert path.read_text(encoding="utf-8") == generate_index(), (
        "govkit/cli/index.py is stale; regenerate it with: "
        "python -m govkit.cli.docgen --index > govkit/cli/index.py")


def test_commands_md_lists_every_command():
    from govkit.cli.app import cli, load_all

    load_all()
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"`govkit {name}`" in text, name


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)]


def test_readme_has_the_two_commands_near_the_top():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = _blocks(text)
    # Each command makes its own virtualenv: a bare pip install is refused on PEP 668 systems.
    demo = "python3 -m venv .venv-demo && .venv-demo/bin/pip install . && .venv-demo/bin/govkit demo"
    tests = ("python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && "
             ".venv/bin/python -m pytest")
    assert demo in blocks[:3]
    assert tests in blocks[:3]
    head = text[: text.index(tests)]
    assert head.count("\n## ") <= 2, "the two commands belong near the top"
    for doc in ("docs/commands.md", "docs/user-guide.md", "docs/architecture.md"):
        assert doc in text and (ROOT / doc).is_file(), doc


def test_ci_run_runs_the_readme_test_command():
    path = ROOT / ".ci" / "run"
    assert os.access(path, os.X_OK), ".ci/run must be executable"
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert "python3 -m venv .venv" in text
    assert "pip install -e '.[dev]'" in text
    assert re.search(r"^python -m pytest\b", text, re.MULTILINE)


def test_user_guide_documents_every_config_key():
    text = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")

    def keys(node, prefix=""):
        for k, v in node.items():
            yield prefix + k
            if isinstance(v, dict):
                yield from keys(v, prefix + k + ".")

    missing = [k for k in keys(config_mod.DEFAULTS) if f"`{k}`" not in text]
    assert not missing, f"docs/user-guide.md does not explain: {missing}"

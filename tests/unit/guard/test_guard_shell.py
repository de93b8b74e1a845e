"""govkit/gates/guard.py: which paths a tool call obviously writes, and the scope decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkit.errors import GovkitError
from govkit.gates.guard import Scope, decide, shell_targets, tool_targets

SCOPE = Scope("WP-1-X", ".GOV/task_packets/WP-1-X.md", ["src/"], ["src/vendor/"], "lock")


@pytest.mark.parametrize("command,targets", [
    ("echo hi > a.txt", ["a.txt"]),
    ("echo hi>>a.txt; ls", ["a.txt"]),
    ("make 2> err.log", ["err.log"]),
    ("cmd >&2 && other > /dev/null", ["/dev/null"]),
    ("cat x | tee -a one two", ["one", "two"]),
    ("sed -i 's/a/b/' f1 f2", ["f1", "f2"]),
    ("sed -i.bak -e 's/a/b/' f1", ["f1"]),
    ("sed 's/a/b/' f1", []),
    ("rm -rf build dist", ["build", "dist"]),
    ("mv a b", ["a", "b"]),
    ("cp -r a b dest", ["dest"]),
    ("cp -t dest a b", ["dest"]),
    ("git checkout -- x.py y.py", ["x.py", "y.py"]),
    ("git checkout main", []),
    ("FOO=1 sudo rm x", ["x"]),
    ("grep -rn x src/ && git status", []),
    ("echo 'a > b'", []),
    ("cat <<EOF > out.md\nit's here\nEOF", ["out.md"]),
])
def test_shell_targets(command, targets):
    assert shell_targets(command) == targets


def test_tool_targets():
    assert tool_targets("Write", {"file_path": "/r/a"}) == ["/r/a"]
    assert tool_targets("NotebookEdit", {"notebook_path": "/r/n.ipynb"}) == ["/r/n.ipynb"]
    assert tool_targets("Read", {"file_path": "/r/a"}) is None
    with pytest.raises(GovkitError):
        tool_targets("Edit", {})


def _call(tmp_path: Path, tool: str, **inp):
    return decide(tmp_path, tmp_path, {"tool_name": tool, "tool_input": inp}, SCOPE, ".GOV")


def test_decide(tmp_path):
    root = tmp_path.resolve()
    assert _call(root, "Write", file_path=str(root / "src/a.py")).allow
    assert _call(root, "Write", file_path="src/a.py").allow  # relative to cwd
    d = _call(root, "Write", file_path=str(root / "src/vendor/x.py"))
    assert not d.allow and "matches OUT_OF_SCOPE of WP-1-X" in d.reason and "src/" in d.reason
    d = _call(root, "Edit", file_path=str(root / ".git/config"))
    assert not d.allow and "git's own data" in d.reason
    d = _call(root, "Bash", command="echo > $HOME/x")
    assert not d.allow
    d = _call(root, "Bash", command="echo > src/$NAME")
    assert not d.allow and "not a literal path" in d.reason
    assert _call(root, "Bash", command="ls > /dev/null").allow


def test_glob_targets_are_expanded(tmp_path):
    root = tmp_path.resolve()
    (root / "src").mkdir()
    (root / "src" / "a.py").write_text("")
    (root / "docs").mkdir()
    (root / "docs" / "b.md").write_text("")
    assert _call(root, "Bash", command="rm src/*.py").allow
    assert not _call(root, "Bash", command="rm */*.md").allow


@pytest.mark.parametrize("command,targets", [
    ("echo a > x\nrm y", ["x", "y"]),
    ("ls;\nrm -f z", ["z"]),
    ('echo "a\nb" > q', ["q"]),
])
def test_newlines_separate_commands(command, targets):
    assert shell_targets(command) == targets

"""govkit.vcs.diffset parsers over canned git output (a fake `git.run`, no git process)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from govkit.errors import GovkitError
from govkit.vcs.diffset import DIFF_OPTS, FileChange, Hunk, mode_args, read_changes, read_hunks
from govkit.vcs.git import cat_blobs

Z40 = "0" * 40
A1, A2 = "3e757656cf36eca53338e520d134963a44f793f8", "20b5be91886d0b6f26dc98a225c0dac05fe2c86e"
B2, D1 = "88f37001cec36655decf891d4244853aaa51a00a", "b023018cabc396e7692c70bbf5784a93d3f738ab"
M1, M2 = "587be6b4c3f93f93c489c0111bba5596147a26cb", "b77b4eb1d946f923f61785536da9ca5af6909f06"
R1, R2 = "b00a0f1b675b8fc8b8aff62e13f2139842d025eb", "30a44a5c7d67af4b16e5c48431816ac24d54741e"

# `git diff --cached -M --no-abbrev --raw --numstat -z` of: an added file, a binary change, a
# deletion, a path with spaces and a rename with an edit (recorded from a real repository).
RAW = (
    f":000000 100644 {Z40} {A1} A\0added.txt\0"
    f":100644 100644 {A2} {B2} M\0bin.dat\0"
    f":100644 000000 {D1} {Z40} D\0gone.txt\0"
    f":100644 100644 {M1} {M2} M\0my file.md\0"
    f":100644 100644 {R1} {R2} R088\0old.txt\0new.txt\0"
    "1\t0\tadded.txt\0-\t-\tbin.dat\0" "0\t1\tgone.txt\0" "1\t0\tmy file.md\0" "1\t0\t\0old.txt\0new.txt\0"
).encode()

HUNKS = b"""diff --git a/added.txt b/added.txt
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ b/added.txt
@@ -0,0 +1 @@
+new
diff --git a/bin.dat b/bin.dat
index 20b5be9..88f3700 100644
Binary files a/bin.dat and b/bin.dat differ
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/my file.md b/my file.md
--- a/my file.md\t
+++ b/my file.md\t
@@ -1,0 +2 @@ x
+@@ -9,9 +9,9 @@ looks like a hunk but is content
@@ -5,2 +6,3 @@ heading
+diff --git a/x b/x
diff --git a/old.txt b/new.txt
similarity index 88%
rename from old.txt
rename to new.txt
@@ -8,0 +9 @@ eight
+nine
"""


class FakeGit:
    def __init__(self, stdout: bytes):
        self.stdout = stdout
        self.calls: list[tuple[tuple[str, ...], bytes | None]] = []

    def run(self, *args: str, input: bytes | None = None):
        self.calls.append((args, input))
        return SimpleNamespace(stdout=self.stdout, returncode=0)


@pytest.mark.parametrize("mode, head, want", [("staged", None, ["--cached", "B"]),
                                              ("worktree", None, ["B"]),
                                              ("range", "H", ["B", "H"]),
                                              ("range", None, ["B", "HEAD"])])
def test_mode_args(mode, head, want):
    assert mode_args(mode, "B", head) == want


def test_read_changes():
    git = FakeGit(RAW)
    files = read_changes(git, "staged", "BASE")
    assert git.calls == [(("diff", *DIFF_OPTS, "--raw", "--numstat", "-z", "--cached", "BASE", "--"), None)]
    got = [(f.status, f.path, f.old_path, f.adds, f.dels) for f in files]
    assert got == [("A", "added.txt", None, 1, 0), ("M", "bin.dat", "bin.dat", None, None),
                   ("D", "gone.txt", "gone.txt", 0, 1), ("M", "my file.md", "my file.md", 1, 0),
                   ("R", "new.txt", "old.txt", 1, 0)]
    added, binary, gone, _, renamed = files
    assert (added.old_oid, added.new_oid, added.old_mode, added.new_mode) == (Z40, A1, "000000", "100644")
    assert added.added and not added.deleted and added.delta == 1
    assert binary.delta is None
    assert gone.deleted and gone.new_oid == Z40 and gone.delta == -1
    assert renamed.paths() == ["old.txt", "new.txt"] and (renamed.old_oid, renamed.new_oid) == (R1, R2)


def test_read_changes_non_utf8_path_round_trips():
    raw = f":100644 100644 {M1} {M2} M\0caf\xe9.md\0".encode("latin-1") + b"2\t3\tcaf\xe9.md\0"
    (f,) = read_changes(FakeGit(raw), "worktree", "B")
    assert f.path.encode("utf-8", "surrogateescape") == b"caf\xe9.md"
    assert (f.adds, f.dels) == (2, 3)


def test_read_changes_empty_and_errors():
    assert read_changes(FakeGit(b""), "staged", "B") == []
    with pytest.raises(GovkitError, match="unexpected git diff --raw output"):
        read_changes(FakeGit(b":100644 100644 abc\0x\0"), "staged", "B")
    with pytest.raises(GovkitError, match="unmerged path 'c.txt'"):
        read_changes(FakeGit(f":100644 100644 {M1} {M2} U\0c.txt\0".encode()), "staged", "B")


def test_read_hunks_assigns_sections_in_order():
    files = read_changes(FakeGit(RAW), "staged", "B")
    read_hunks(FakeGit(HUNKS), "staged", "B", None, files)
    assert [f.hunks for f in files] == [
        [Hunk(0, 0, 1, 1)], [], [Hunk(1, 1, 0, 0)],
        [Hunk(1, 0, 2, 1), Hunk(5, 2, 6, 3)], [Hunk(8, 0, 9, 1)]]


def test_read_hunks_type_change_takes_two_sections_and_skips_untracked():
    files = [FileChange("T", "link", "link"), FileChange("A", "new.txt", None, untracked=True),
             FileChange("M", "b.txt", "b.txt")]
    out = (b"diff --git a/link b/link\n@@ -1 +0,0 @@\n-target\n"
           b"diff --git a/link b/link\n@@ -0,0 +1,2 @@\n+a\n+b\n"
           b"diff --git a/b.txt b/b.txt\n@@ -3,2 +3 @@\n")
    git = FakeGit(out)
    read_hunks(git, "worktree", "B", None, files)
    assert files[0].hunks == [Hunk(1, 1, 0, 0), Hunk(0, 0, 1, 2)]
    assert files[1].hunks == []
    assert files[2].hunks == [Hunk(3, 2, 3, 1)]
    assert git.calls[0][0][-2:] == ("B", "--")


def test_read_hunks_no_tracked_files_runs_nothing():
    git = FakeGit(b"")
    read_hunks(git, "worktree", "B", None, [FileChange("A", "n", None, untracked=True)])
    assert git.calls == []


def test_read_hunks_misaligned_output_is_an_error():
    files = [FileChange("M", "a", "a"), FileChange("M", "b", "b")]
    with pytest.raises(GovkitError, match="1 file sections for 2 changed files"):
        read_hunks(FakeGit(b"diff --git a/a b/a\n@@ -1 +1 @@\n"), "staged", "B", None, files)


def test_cat_blobs():
    out = (f"{M1} blob 7\nline1\r\n\n".encode() + b"HEAD:gone.txt missing\n"
           + f"{R1} tree 5\nxxxxx\n".encode() + f"{A1} blob 3\na\x00b\n".encode())
    git = FakeGit(out)
    got = cat_blobs(git, [M1, "HEAD:gone.txt", R1, "", A1, M1])
    assert got == {M1: b"line1\r\n", "HEAD:gone.txt": None, R1: None, A1: b"a\x00b"}
    (args, stdin), = git.calls
    assert args == ("cat-file", "--batch")
    assert stdin == f"{M1}\nHEAD:gone.txt\n{R1}\n{A1}\n".encode()      # de-duplicated, blanks dropped


def test_cat_blobs_nothing_and_newline_paths():
    git = FakeGit(b"")
    assert cat_blobs(git, ["", ""]) == {} and git.calls == []
    with pytest.raises(GovkitError, match="newline"):
        cat_blobs(git, ["HEAD:a\nb"])

"""govkit.util.paths: absolute paths in any spelling, and containment after symlinks."""

from __future__ import annotations

import os

import pytest

from govkit.util.paths import inside, is_absolute_like


@pytest.mark.parametrize("path", ["/x", "/", "C:\\x", "c:/x", "C:x", "\\\\srv\\share\\x", "//x",
                                  "\\x", "  /x"])
def test_absolute_like(path):
    assert is_absolute_like(path) is True


@pytest.mark.parametrize("path", ["x", "a/b", "./a", "../a", "a\\b", "", "1:x", "a/C:/x"])
def test_relative(path):
    assert is_absolute_like(path) is False


def test_inside_plain_dirs(tmp_path):
    (tmp_path / "root" / "sub").mkdir(parents=True)
    root = tmp_path / "root"
    assert inside(root, root)
    assert inside(root / "sub", root)
    assert inside(root / "sub" / "missing.txt", root)    # need not exist
    assert not inside(tmp_path, root)
    assert not inside(root / ".." / "other", root)
    assert not inside(tmp_path / "rootx", root)           # prefix is not containment
    assert inside(str(root / "sub"), str(root))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_inside_follows_symlinks(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "real").mkdir()
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    assert not inside(root / "escape" / "secret.txt", root)
    assert not inside(root / "escape", root)
    assert inside(root / "alias" / "f", root)
    # a root given through a symlink still contains its own files
    (tmp_path / "root_link").symlink_to(root, target_is_directory=True)
    assert inside(root / "real", tmp_path / "root_link")

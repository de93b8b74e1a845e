"""The command line itself: version, help, usage errors, --repo, NO_COLOR, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from govkit import __version__

from support.ptyrun import run_in_pty
from support.repo import ROOT

HEAVY = ("openai", "pydantic", "httpx", "jsonschema", "markdown_it", "yaml", "git",
         "cryptography")


def test_version(gk, tmp_path):
    p = gk("--version", cwd=tmp_path)
    assert p.returncode == 0 and __version__ in p.stdout


def test_help_lists_commands(gk, tmp_path):
    p = gk("--help", cwd=tmp_path)
    assert p.returncode == 0
    for name in ("init", "demo", "pre-work", "gate-check", "refinement-check", "board-check",
                 "spec-check"):
        assert name in p.stdout
    assert gk("-h", cwd=tmp_path).stdout == p.stdout


def test_unknown_command_is_a_usage_error(gk, tmp_path):
    p = gk("no-such-command", cwd=tmp_path)
    assert p.returncode == 2
    assert "No such command" in p.stderr and "Traceback" not in p.stderr


def test_missing_argument_is_a_usage_error(gk, tmp_path):
    p = gk("pre-work", cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_repo_not_a_git_repository(gk, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    p = gk("--repo", str(plain), "pre-work", "WP-1-X", cwd=tmp_path)
    assert p.returncode == 2
    assert "not inside a git repository" in p.stderr and str(plain) in p.stderr
    assert "Traceback" not in p.stderr + p.stdout


def test_repo_does_not_exist(gk, tmp_path):
    p = gk("--repo", str(tmp_path / "nope"), "spec-check", cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "does not exist" in p.stderr


def _run_in_pty(args, cwd, env):
    """Run govkit with stdout on a pseudo-terminal (colour is only used on a tty)."""
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(PYTHONPATH=str(ROOT), TERM="xterm", **env)
    rc, out, _err = run_in_pty([sys.executable, "-m", "govkit", *args], cwd, full)
    return rc, out.decode("utf-8", "replace")


def test_no_color_is_honoured(repo, gk):
    assert gk("init", cwd=repo).returncode == 0
    rc, colored = _run_in_pty(["spec-check"], repo, {})
    assert rc == 0 and "\x1b[" in colored
    rc, plain = _run_in_pty(["spec-check"], repo, {"NO_COLOR": "1"})
    assert rc == 0 and "\x1b[" not in plain and "spec-check: PASS" in plain


def test_help_does_not_import_heavy_modules(tmp_path):
    script = (
        "import json, sys\n"
        "from govkit.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.strip().splitlines()[-1]) == []


def test_python_m_govkit_help_import_time(tmp_path):
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "govkit", "--help"],
                       capture_output=True, text=True, cwd=tmp_path,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert p.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in p.stderr.splitlines()
                if line.startswith("import time:")}
    assert "govkit" in imported
    top = {name.split(".")[0] for name in imported}
    assert not top & set(HEAVY), sorted(top & set(HEAVY))

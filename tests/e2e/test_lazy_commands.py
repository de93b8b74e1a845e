"""The command group is lazy: --help lists every command from the generated index without
importing the command modules, and a command imports only its own module."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.repo import ROOT

SCRIPT = """
import json, sys, io, contextlib
{prelude}
from govkit.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
mods = sorted(m for m in sys.modules if m.startswith("govkit.cli.") and m.endswith("_cmd"))
print(json.dumps({{"out": out.getvalue(), "mods": mods}}))
"""


def _run(args, prelude="", cwd=None):
    p = subprocess.run([sys.executable, "-c", SCRIPT.format(prelude=prelude), *args],
                       capture_output=True, text=True, cwd=cwd,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_help_is_the_same_lazy_or_loaded():
    lazy = _run(["--help"])
    loaded = _run(["--help"], prelude="from govkit.cli.app import load_all\nload_all()")
    assert lazy["mods"] == []
    assert len(loaded["mods"]) >= 6
    assert lazy["out"] == loaded["out"]
    assert "pre-work" in lazy["out"] and "validator-gate" in lazy["out"]


def test_a_command_imports_only_its_own_module(tmp_path):
    got = _run(["--repo", str(tmp_path), "sha", "x"], cwd=tmp_path)
    assert got["mods"] == ["govkit.cli.postwork_cmd"]


def test_subcommand_help_and_unknown_commands(gk, tmp_path):
    p = gk("audit", "--help", cwd=tmp_path)
    assert p.returncode == 0 and "verify" in p.stdout and "checkpoint" in p.stdout
    p = gk("no-such-command", cwd=tmp_path)
    assert p.returncode == 2 and "No such command" in p.stderr


def _cli(args, **env):
    e = {k: v for k, v in os.environ.items() if k != "GOVKIT_SLOW_HELP"}
    e.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "govkit", *args], capture_output=True,
                          text=True, env=e)


def test_fast_help_and_version_equal_clicks_and_skip_click():
    for columns in ("80", "120", "60"):
        fast = _cli(["--help"], COLUMNS=columns)
        slow = _cli(["--help"], COLUMNS=columns, GOVKIT_SLOW_HELP="1")
        assert fast.returncode == slow.returncode == 0
        assert fast.stdout == slow.stdout, columns
    # "--version --debug" is not the fast path: click answers it
    assert _cli(["--version"]).stdout == _cli(["--version", "--debug"]).stdout
    probe = ("import sys, runpy\nsys.argv = ['govkit', '--help']\n"
             "try:\n    runpy.run_module('govkit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('CLICK' if 'click' in sys.modules else 'NO-CLICK', file=sys.stderr)\n")
    p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"})
    assert p.stderr.strip().endswith("NO-CLICK")
    assert "Commands:" in p.stdout

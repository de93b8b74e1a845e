"""`govkit pre-work` has a fast path without click (govkit/cli/fastpath.py). For every command
line it gives the same stdout, stderr, exit code and output files as the click command
(govkit.cli.main), and it takes the fast path exactly for the plain shapes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from govkit.cli import fastpath
from govkit.cli.base import fix_args

from support.repo import CONFIG_HOME, ROOT
from support.wsfactory import edit, make_sample, packet

WP = "WP-1-Demo"
# The console script's way in (govkit/__main__.py -> entry), reporting which path ran.
FAST = ("import atexit, os, runpy, sys\n"
        "atexit.register(lambda: open(os.environ['GK_PROBE'], 'w').write("
        "'click' if 'click' in sys.modules else 'fast'))\n"
        "runpy.run_module('govkit', run_name='__main__', alter_sys=True)\n")
CLICK = "import sys\nfrom govkit.cli.main import main\nmain(sys.argv[1:])\n"

# (arguments, takes the fast path). {out} is a fresh directory per run, {repo} the repository.
TABLE = [
    (["pre-work", WP], True),
    (["pre-work", WP, "--json"], True),
    (["--json", "pre-work", WP], True),
    (["--format", "gate", "pre-work", WP], True),
    (["pre-work", WP, "--format", "gate"], True),
    (["--format=github", "pre-work", WP, "--format=junit"], True),
    (["pre-work", WP, "--format", "html"], True),
    (["--format", "json", "pre-work", WP, "--format", "text"], True),
    (["-q", "pre-work", WP], True),
    (["pre-work", WP, "--quiet"], True),
    (["pre-work", WP, "-v"], True),
    (["-v", "pre-work", WP, "-q"], True),
    (["pre-work", WP, "-q", "-v"], True),
    (["pre-work", WP, "-v", "-q"], True),
    (["-q", "pre-work", "-v", WP], True),
    (["--repo", "{repo}", "pre-work", WP], True),
    (["--repo={repo}", "--debug", "pre-work", WP], True),
    (["--no-color", "pre-work", WP], False),
    (["pre-work", WP, "--sarif", "{out}/r.sarif", "--junit", "{out}/r.xml",
      "--json={out}/r.json"], True),
    (["--sarif", "{out}/a.sarif", "--json-file", "{out}/a.json", "pre-work", WP,
      "--sarif", "{out}/b.sarif"], True),
    (["pre-work", WP, "--json-file", "{out}/new/r.json"], True),
    (["pre-work", WP, "--json-file", "{repo}/README.md/r.json"], True),  # cannot write: exit 2
    (["pre-work", "WP-1-Nope"], True),                                # unknown WP: exit 2
    (["pre-work", "WP-1-Demo.md"], True),                             # a file name: exit 2
    (["pre-work", "../x"], True),
    (["--sarif", "{out}/u.sarif", "pre-work", "bad/id"], True),       # exit 2 with a file
    (["--repo", "{out}", "pre-work", WP], True),                      # not a git repository
    (["--repo", "{out}/nope", "pre-work", WP], True),                 # does not exist
    # click's own answers: usage errors and everything unusual
    (["pre-work", WP, "--nope"], False),
    (["pre-work"], False),
    (["pre-work", WP, WP], False),
    (["pre-work", "--", WP], False),
    (["pre-work", WP, "-qv"], False),
    (["pre-work", WP, "-q", "-q"], False),
    (["pre-work", WP, "--json", "--json"], False),
    (["--format", "nope", "pre-work", WP], False),
    (["--format", "JSON", "pre-work", WP], False),
    (["pre-work", WP, "--format"], False),
    (["pre-work", WP, "--sarif", "{out}"], False),                     # a directory
    (["--repo", "{repo}/README.md", "pre-work", WP], False),          # a file
    (["--repo", "-q", "pre-work", WP], False),
    (["pre-work", WP, "--help"], False),
    (["--version", "pre-work", WP], False),
    (["gate-check", WP], False),
]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "_GOVKIT_COMPLETE")}
    env.update(PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=CONFIG_HOME, **extra)
    return env


def _run(script, args, cwd, out, probe=None):
    args = [a.replace("{out}", str(out)).replace("{repo}", str(cwd)) for a in args]
    out.mkdir()
    env = _env(GK_PROBE=str(probe)) if probe else _env()
    p = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, capture_output=True,
                       text=True, env=env, timeout=60)
    files = {str(f.relative_to(out)): f.read_text().replace(str(out), "{out}")
             for f in sorted(out.rglob("*")) if f.is_file()}
    return (p.returncode, p.stdout.replace(str(out), "{out}"),
            p.stderr.replace(str(out), "{out}"), files)


def _compare(repo, tmp_path, table, tag):
    problems = []
    for n, (args, fast) in enumerate(table):
        probe = tmp_path / f"probe-{tag}-{n}"
        got = _run(FAST, args, repo, tmp_path / f"fast-{tag}-{n}", probe)
        want = _run(CLICK, args, repo, tmp_path / f"click-{tag}-{n}")
        if got != want:
            problems.append(f"{args}: fast path {got!r}\n  click {want!r}")
        path = probe.read_text() if probe.exists() else "?"
        if path != ("fast" if fast else "click"):
            problems.append(f"{args}: took the {path} path")
    assert not problems, "\n".join(problems)
    return problems


def test_fast_path_equals_click_on_a_passing_packet(repo, gk, tmp_path):
    make_sample(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0  # makes the audit key (says so once)
    _compare(repo, tmp_path, TABLE, "pass")


def test_fast_path_equals_click_on_a_failing_packet(repo, gk, tmp_path):
    make_sample(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0
    edit(packet(repo), "- RISK_TIER: LOW", "- RISK_TIER: HIGH")  # no longer the checkpoint
    table = [t for t in TABLE if t[1] and "-q" not in t[0]] + [(["-q", "pre-work", WP], True)]
    _compare(repo, tmp_path, table, "fail")
    p = subprocess.run([sys.executable, "-m", "govkit", "pre-work", WP, "--json"], cwd=repo,
                       capture_output=True, text=True, env=_env())
    assert p.returncode == 1
    assert "GK-PRE-CHECKPOINT" in {f["code"] for f in json.loads(p.stdout)["findings"]}


# Not imported by a warm pre-work: heavy third-party modules, click, and what the fast path
# and govkit.util.record keep out (dataclasses pulls inspect, ast, dis and tokenize; tempfile
# only when the cache writes).
NOT_IMPORTED = ("click", "openai", "pydantic", "httpx", "jsonschema", "markdown_it", "yaml",
                "cryptography", "git", "dataclasses", "inspect", "ast", "dis", "tokenize",
                "tempfile", "shutil", "random")


def test_fast_path_imports_no_click_and_no_heavy_module(repo, gk):
    make_sample(repo)
    gk("pre-work", WP, cwd=repo)  # warms the parse cache, as a hook has it
    # The fast path leaves with os._exit after the exit handlers: the probe is one of them.
    probe = ("import atexit, json, runpy, sys\nsys.argv = ['govkit', 'pre-work', %r, '-q']\n"
             "atexit.register(lambda: print(json.dumps(sorted(m for m in sys.modules "
             "if m.split('.')[0] in %r))))\n"
             "runpy.run_module('govkit', run_name='__main__', alter_sys=True)\n"
             % (WP, NOT_IMPORTED))
    p = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True,
                       env=_env())
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.strip().splitlines()[-1]) == [], p.stderr


def test_leaving_early_still_writes_the_audit_event_and_all_output(repo, gk):
    make_sample(repo)
    gk("pre-work", WP, cwd=repo)
    trail = repo / ".git" / "govkit" / "audit" / "audit.jsonl"
    before = trail.read_text().count("\n")
    p = subprocess.run([sys.executable, "-m", "govkit", "pre-work", WP, "--format", "sarif"],
                       cwd=repo, capture_output=True, text=True, env=_env())
    assert p.returncode == 0 and json.loads(p.stdout)["version"] == "2.1.0"  # all of it
    lines = trail.read_text().splitlines()
    assert len(lines) == before + 1
    last = json.loads(lines[-1])
    assert (last["command"], last["wp"], last["data"]["verdict"]) == ("pre-work", WP, "PASS")


def _git_calls(repo, tmp_path):
    """The git commands one `govkit pre-work` starts (a logging git first on PATH)."""
    log = tmp_path / "git.log"
    log.unlink(missing_ok=True)
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    real = shutil.which("git")
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    env = _env(PATH=f"{shim}{os.pathsep}{os.environ['PATH']}")
    p = subprocess.run([sys.executable, "-m", "govkit", "pre-work", WP], cwd=repo,
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    return [line.split()[-2:] for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for git")
def test_a_warm_pre_work_starts_one_git_process(repo, gk, tmp_path):
    make_sample(repo)
    assert gk("pre-work", WP, cwd=repo).returncode == 0   # makes the key, remembers the id
    assert _git_calls(repo, tmp_path) == [["cat-file", "--batch"]]
    # A clone whose key exists already: git names the root commit once, then it is remembered.
    rid = (repo / ".git" / "govkit" / "repo-id")
    rid.unlink()
    assert _git_calls(repo, tmp_path) == [["cat-file", "--batch"], ["--max-parents=0", "HEAD"]]
    assert rid.is_file()
    assert _git_calls(repo, tmp_path) == [["cat-file", "--batch"]]


def test_parse_accepts_only_plain_shapes():
    plan = fastpath.parse(fix_args(["--json", "-v", "pre-work", WP, "--json=out.json", "-q"]))
    assert plan is not None and plan.wp == WP
    assert plan.group == {"json": True, "verbose": True}
    assert plan.command == [("json-file", "out.json"), ("quiet", True)]
    for args in (["pre-work"], ["pre-work", WP, "x"], ["pre-work", WP, "-h"],
                 ["--repo", "", "pre-work", WP], ["--format", "xml", "pre-work", WP],
                 ["--debug=1", "pre-work", WP], ["-v=1", "pre-work", WP],
                 ["gate-check", "pre-work", WP], ["pre-work", WP, "--repo", "."],
                 ["pre-work", WP, "--debug"], ["--sarif", "a\x00b", "pre-work", WP]):
        assert fastpath.parse(fix_args(args)) is None, args


def _in_pty(script, args, cwd):
    """(exit code, stdout, stderr) with stdout on a pseudo-terminal: the coloured rendering."""
    from support.ptyrun import run_in_pty

    env = {k: v for k, v in _env().items() if k != "NO_COLOR"}
    return run_in_pty([sys.executable, "-c", script, *args], cwd, {**env, "TERM": "xterm"})


@pytest.mark.skipif(os.name == "nt", reason="a pseudo-terminal")
def test_fast_path_equals_click_on_a_terminal(repo, gk, tmp_path):
    make_sample(repo)
    gk("pre-work", WP, cwd=repo)
    for args in (["pre-work", WP], ["pre-work", WP, "-v"], ["pre-work", "WP-1-Nope"]):
        probe = tmp_path / "probe"
        fast = _in_pty(FAST.replace("os.environ['GK_PROBE']", repr(str(probe))), args, repo)
        assert probe.read_text() == "fast"
        assert fast == _in_pty(CLICK, args, repo), args
        assert (b"\x1b[" in fast[1]) == (fast[0] != 2)  # PASS/FAIL in colour; exit 2: stderr

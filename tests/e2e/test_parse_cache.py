"""The parse cache (git common dir): it speeds gates up and never changes a verdict, whatever
state its entries are in."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support.repo import ROOT, git
from support.wsfactory import edit, make_sample, packet

WP = "WP-1-Demo"
ON = {"CI": "", "GOVKIT_NO_CACHE": ""}
OFF = {"GOVKIT_NO_CACHE": "1"}


def _cache_dir(repo):
    common = git(repo, "rev-parse", "--git-common-dir").strip()
    return (repo / common).resolve() / "govkit" / "cache"


def _entries(repo):
    d = _cache_dir(repo)
    return sorted(d.rglob("*.json")) if d.is_dir() else []


def _verdict(gk, repo, env):
    p = gk("pre-work", WP, "--json", cwd=repo, env=env)
    doc = json.loads(p.stdout)
    return p.returncode, sorted((f["code"], f.get("line")) for f in doc["findings"])


def test_cache_is_in_the_git_dir_and_the_tree_stays_clean(repo, gk):
    make_sample(repo)
    assert gk("pre-work", WP, cwd=repo, env=ON).returncode == 0
    assert _entries(repo), "pre-work wrote no cache entry"
    status = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert status == []  # the trail, the lock and the cache live in the git directory
    assert str(_cache_dir(repo)).startswith(str((repo / ".git").resolve()))


def test_corrupt_entries_never_change_a_verdict(repo, gk):
    make_sample(repo)
    edit(packet(repo), "- RISK_TIER: LOW", "- RISK_TIER: HIGH")  # after the checkpoint: FAIL
    want = _verdict(gk, repo, OFF)
    assert want[0] == 1
    assert _verdict(gk, repo, ON) == want  # fills the cache
    entries = _entries(repo)
    assert entries
    damage = [
        lambda raw: b"",                                   # truncated to nothing
        lambda raw: raw[: len(raw) // 2],                  # torn
        lambda raw: b"not json at all\n{",                 # garbage
        lambda raw: raw.replace(b'"h":', b'"H":', 1),      # edited payload, stale digest
    ]
    for hurt in damage:
        for e in entries:
            e.write_bytes(hurt(e.read_bytes()))
        assert _verdict(gk, repo, ON) == want
        assert _verdict(gk, repo, ON) == want  # and again from the rebuilt entries


def test_a_well_formed_entry_of_the_wrong_shape_is_ignored(repo, gk):
    make_sample(repo)
    want = _verdict(gk, repo, OFF)
    assert _verdict(gk, repo, ON) == want
    from govkit.store.cache import _digest

    for e in _entries(repo):
        k = e.stem
        payload = json.dumps({"h": [["x"]], "f": "nonsense"})
        e.write_text(_digest(k, payload) + "\n" + payload)
    assert _verdict(gk, repo, ON) == want


def test_changed_content_is_a_new_key(repo, gk):
    make_sample(repo)
    assert _verdict(gk, repo, ON)[0] == 0
    before = set(_entries(repo))
    edit(packet(repo), "- RISK_TIER: LOW", "- RISK_TIER: HIGH")
    assert _verdict(gk, repo, ON)[0] == 1
    assert set(_entries(repo)) > before


def _imported(repo, env, *args):
    script = ("import json, sys\nfrom govkit.cli.main import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print(json.dumps(sorted(m for m in ('yaml', 'jsonschema', 'markdown_it', 'openai', "
              "'pydantic', 'httpx', 'cryptography') if m in sys.modules)))\n")
    p = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                       cwd=repo, env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_a_warm_cache_keeps_parsers_out_of_pre_work(repo):
    make_sample(repo)
    # No config file: no YAML and no JSON Schema, even with the cache off.
    assert _imported(repo, OFF, "pre-work", WP, "-q") == ["markdown_it"]
    (repo / ".GOV" / "govkit.yaml").write_text("main_branch: main\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "config")
    assert _imported(repo, OFF, "pre-work", WP, "-q") == ["jsonschema", "markdown_it", "yaml"]
    _imported(repo, ON, "pre-work", WP, "-q")  # warms the cache
    assert _imported(repo, ON, "pre-work", WP, "-q") == []


def test_a_warm_cache_keeps_parsers_out_of_ci_and_trace(repo):
    # ci reads every packet and trace the whole spec: from a warm cache neither imports a
    # parser (trace's requirement list is cached under the spec's bytes too).
    make_sample(repo)
    (repo / ".GOV" / "govkit.yaml").write_text("main_branch: main\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "config")
    for args in (("ci", "-q"), ("trace", "-q")):
        assert "markdown_it" in _imported(repo, OFF, *args)
        _imported(repo, ON, *args)  # warms the cache
        assert _imported(repo, ON, *args) == [], args


def test_an_invalid_config_is_still_an_error_with_a_warm_cache(repo, gk):
    make_sample(repo)
    cfg = repo / ".GOV" / "govkit.yaml"
    cfg.write_text("main_branch: main\n")
    assert gk("pre-work", WP, cwd=repo, env=ON).returncode in (0, 1)
    cfg.write_text("main_branch: main\nno_such_key: 1\n")
    p = gk("pre-work", WP, cwd=repo, env=ON)
    assert p.returncode == 2 and "unknown key 'no_such_key'" in p.stderr

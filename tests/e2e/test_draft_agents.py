"""govkit draft refinement|report in a real repository made by `govkit demo`, as real processes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from support.llmserver import FakeLLM, ok

WP = "WP-1-Greeting"      # validated and merged by the demo
NEW = "WP-3-Drafted"      # no refinement yet
REF = f".GOV/refinements/{WP}.md"
_KEYS: dict = {}          # the demo keeps its audit key in its own directory


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("demo") / "tour"
    p = run_govkit("demo", str(d), timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    _KEYS.update(XDG_CONFIG_HOME=str(d / "config"), GOVKIT_KEY_DIR=str(d / "keys"))
    return d / "repo"


def run_govkit(*args, env=None, **kw):
    from support.repo import run_govkit as run

    return run(*args, env={**_KEYS, **(env or {})}, **kw)


@pytest.fixture
def repo(demo_dir, tmp_path) -> Path:
    r = tmp_path / "repo"
    shutil.copytree(demo_dir, r, symlinks=True)
    return r


def tree_hashes(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts
            and not {"audit", ".govkit"} & set(p.relative_to(root).parts)}  # trail and state: expected


def test_drafted_refinement_passes_refinement_check(repo):
    p = run_govkit("draft", "refinement", NEW, "--section", "1", "--section", "2", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (repo / f".GOV/refinements/{NEW}.md").read_text()
    assert "USER_SIGNATURE: <pending>" in text and text.count("#### ANCHOR") == 2
    assert text.isascii()
    check = run_govkit("refinement-check", NEW, "--json", cwd=repo)
    data = json.loads(check.stdout)
    assert check.returncode == 0 and data["verdict"] == "PASS", check.stdout
    # the signature is what is still missing
    signed = run_govkit("record-refinement", NEW, cwd=repo)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    trail = (repo / ".git/govkit/audit/audit.jsonl").read_text()
    assert '"command":"llm-refinement_draft"' in trail and '"answer_sha256"' in trail


def test_bad_section_and_existing_refinement_write_nothing(repo):
    before = tree_hashes(repo)
    p = run_govkit("draft", "refinement", WP, "--section", "9.9", "--force", cwd=repo)
    assert p.returncode == 2 and "9.9" in p.stderr and "Traceback" not in p.stderr
    p = run_govkit("draft", "refinement", WP, "--section", "1", cwd=repo)
    assert p.returncode == 2 and "never overwrites" in p.stderr
    assert tree_hashes(repo) == before


def test_openai_without_key_is_a_config_error_not_a_stub(repo):
    (repo / ".GOV/govkit.yaml").write_text((repo / ".GOV/govkit.yaml").read_text()
                                           + "llm:\n  provider: openai\n  api_key_env: GK_NO_SUCH_KEY\n")
    before = tree_hashes(repo)
    p = run_govkit("draft", "refinement", WP, "--section", "1", "--force", cwd=repo,
                   env={"GK_NO_SUCH_KEY": ""})
    assert p.returncode == 2 and "GK_NO_SUCH_KEY" in p.stderr and "Traceback" not in p.stderr
    assert tree_hashes(repo) == before


def test_record_then_replay_gives_the_same_draft(repo, tmp_path):
    rec = tmp_path / "calls.jsonl"
    p = run_govkit("draft", "report", WP, "--record", str(rec), cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    first = (repo / f".GOV/reports/{WP}.draft.md").read_bytes()
    (repo / ".GOV/govkit.yaml").write_text((repo / ".GOV/govkit.yaml").read_text()
                                           + f"llm:\n  provider: replay\n  replay_file: {rec}\n")
    p = run_govkit("draft", "report", WP, "--force", cwd=repo)
    assert p.returncode == 2 and "replay_file" in p.stderr  # outside the repository: refused
    inside = repo / ".GOV/calls.jsonl"
    shutil.copy(rec, inside)
    (repo / ".GOV/govkit.yaml").write_text((repo / ".GOV/govkit.yaml").read_text().replace(
        str(rec), ".GOV/calls.jsonl"))
    p = run_govkit("draft", "report", WP, "--force", cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (repo / f".GOV/reports/{WP}.draft.md").read_bytes() == first


def test_report_draft_maps_done_means_without_a_verdict(repo):
    p = run_govkit("draft", "report", WP, cwd=repo)
    assert p.returncode == 0, p.stdout + p.stderr
    text = (repo / f".GOV/reports/{WP}.draft.md").read_text()
    assert "- greet() cites spec 4.1 -> src/greet.py:" in text
    assert "Verdict: PASS" not in text and "VERDICT: <pending" in text


def test_report_draft_citing_a_missing_line_writes_nothing(repo):
    answer = json.dumps({"items": [{"item": "greet() cites spec 4.1", "note": "",
                                    "evidence": [{"path": "src/greet.py", "line": 999}]}]})
    with FakeLLM([ok(answer)]) as fake:
        (repo / ".GOV/govkit.yaml").write_text(
            (repo / ".GOV/govkit.yaml").read_text()
            + f"llm:\n  provider: openai\n  base_url: {fake.base_url}\n  model: fake\n"
              "  api_key_env: GK_TEST_KEY\n  max_retries: 0\n")
        before = tree_hashes(repo)
        p = run_govkit("draft", "report", WP, "--json", cwd=repo,
                       env={"GK_TEST_KEY": "sk-test-000000000000000000000000"})
    assert p.returncode == 1, p.stdout + p.stderr
    codes = [f["code"] for f in json.loads(p.stdout)["findings"]]
    assert "GK-DRAFT-EVIDENCE-MISSING" in codes
    assert tree_hashes(repo) == before
    assert len(fake.requests) == 1
    assert fake.requests[0]["body"]["response_format"]["json_schema"]["strict"] is True

"""`govkit init --ci github` writes the GitHub Actions workflow, and never over an existing one."""

from __future__ import annotations

import json

import yaml

WF = ".github/workflows/govkit.yml"


def test_init_writes_the_workflow(tmp_path, gk):
    target = tmp_path / "proj"
    p = gk("init", str(target), "--ci", "github", "--json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert WF in json.loads(p.stdout)["created"]
    doc = yaml.safe_load((target / WF).read_text())
    jobs = doc["jobs"]
    ci_steps = " ".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in jobs["ci"]["steps"])
    assert 'ci --base "origin/${{ github.base_ref }}"' in ci_steps and "--sarif govkit.sarif" in ci_steps
    assert "github/codeql-action/upload-sarif" in ci_steps
    assert jobs["ci"]["permissions"]["security-events"] == "write"
    assert jobs["run"]["strategy"]["matrix"]["wp"] == "${{ fromJSON(needs.ready.outputs.wps) }}"
    assert any('govkit --sarif govkit-run.sarif run "$WP"' in str(s.get("run", ""))
               for s in jobs["run"]["steps"])
    assert gk("init", str(target), cwd=tmp_path).returncode == 0   # plain init leaves it alone


def test_existing_workflow_is_never_overwritten(tmp_path, gk):
    target = tmp_path / "proj"
    (target / ".github/workflows").mkdir(parents=True)
    (target / WF).write_text("mine\n")
    p = gk("init", str(target), "--ci", "github", "--json", cwd=tmp_path)
    assert p.returncode == 0 and WF in json.loads(p.stdout)["skipped"]
    assert (target / WF).read_text() == "mine\n"


def test_unknown_ci_is_usage_error(tmp_path, gk):
    p = gk("init", str(tmp_path / "p"), "--ci", "gitlab", cwd=tmp_path)
    assert p.returncode == 2 and not (tmp_path / "p").exists()

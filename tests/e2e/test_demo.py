"""govkit demo: a fresh repository, every stage with its expected verdict, a deliberate FAIL."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from govkit.demo import tour as demo


def test_demo_walks_every_stage(tmp_path, gk):
    target = tmp_path / "tour"
    t0 = time.monotonic()
    p = gk("demo", str(target), cwd=tmp_path, timeout=120)
    elapsed = time.monotonic() - t0
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "demo PASSED" in out and "Traceback" not in p.stderr
    for cmd in ("$ govkit init", "$ govkit gate-check WP-1-Demo",
                "$ govkit refinement-check WP-1-Demo", "$ govkit pre-work WP-1-Demo"):
        assert cmd in out, cmd
    assert "pre-work WP-1-Demo: PASS" in out
    assert ": FAIL" in out and "(expected: the gate says no)" in out
    for step in demo.DEMO_STEPS:
        assert f". {step.name}: " in out
    assert (target / ".GOV/task_packets/WP-1-Demo.md").is_file()
    assert elapsed < 30, f"demo took {elapsed:.1f}s"


def test_demo_refuses_non_empty_directory(tmp_path, gk):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("x")
    p = gk("demo", str(tmp_path / "busy"), cwd=tmp_path)
    assert p.returncode == 2
    assert "not empty" in p.stderr and "Traceback" not in p.stderr


def test_demo_default_directory_is_a_new_temp_dir(tmp_path, gk, monkeypatch):
    p = gk("demo", cwd=tmp_path, env={"TMPDIR": str(tmp_path)}, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    m = re.search(r"^workspace: (\S+)", p.stdout, re.MULTILINE)
    assert m, p.stdout
    where = Path(m.group(1))
    assert where.is_dir() and where.name.startswith("govkit-demo-")
    shutil.rmtree(where)


def test_unexpected_verdict_names_the_stage(tmp_path):
    lines: list[str] = []

    def bad(d: demo.Demo) -> None:
        d.gk("pre-work", "WP-1-Demo")   # no packet yet: exit 2, not 0

    steps = [demo.Step("init", "scaffold", demo.step_init),
             demo.Step("too early", "pre-work before any packet", bad),
             demo.Step("never", "not reached", demo.step_commit)]
    rc = demo.run_demo(str(tmp_path / "x"), out=lines.append, steps=steps)
    text = "\n".join(lines)
    assert rc == 1
    assert "demo FAILED at stage 'too early'" in text
    assert "never" not in text.split("demo FAILED")[0].split("too early")[-1]

"""The progress line: only on a terminal, only after the threshold, erased before the report;
the ci checks and trace report their steps to it."""

from __future__ import annotations

import io
import time

from govkit.cli.progress import Progress, for_command
from govkit.gates.ci_checks import NAMES
from govkit.gates.drift import check_ci
from govkit.trace.matrix import build
from govkit.workspace import Workspace

from support.cikit import make_ws


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _wait_shown(p: Progress) -> None:
    deadline = time.monotonic() + 5
    while not p.shown and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_line_on_a_tty_after_the_threshold_then_erased():
    out = Tty()
    p = Progress("ci", stream=out, after=0.05)
    assert p.enabled and out.getvalue() == ""          # nothing before the threshold
    p("board")
    assert out.getvalue() == ""
    _wait_shown(p)
    assert out.getvalue().startswith("\r\x1b[Kgovkit ci: board ... ")
    p("references\x1b]0;x\x07")                        # a hostile step name is escaped
    assert "\x07" not in out.getvalue() and "govkit ci: references" in out.getvalue()
    p.close()
    assert out.getvalue().endswith("\r\x1b[K")          # erased before the report
    size = len(out.getvalue())
    p("late")
    assert len(out.getvalue()) == size                  # nothing after close


def test_a_fast_command_prints_nothing():
    out = Tty()
    with Progress("ci", stream=out, after=5) as p:
        p("spec")
    assert out.getvalue() == ""


def test_no_line_without_a_terminal_or_with_quiet(monkeypatch):
    pipe = io.StringIO()
    p = Progress("ci", stream=pipe, after=0)
    assert not p.enabled
    time.sleep(0.05)
    p("board")
    p.close()
    assert pipe.getvalue() == ""
    assert not for_command("ci", -1).enabled
    monkeypatch.setenv("GOVKIT_NO_PROGRESS", "1")
    assert not Progress("ci", stream=Tty()).enabled


def test_ci_and_trace_report_their_steps(repo):
    make_ws(repo)
    steps: list[str] = []
    check_ci(Workspace(repo), None, steps.append)
    assert steps[:2] == ["spec", "board"]
    assert steps[-len(NAMES):] == NAMES                  # every check of the registry, in order
    steps.clear()
    build(Workspace(repo), steps.append)
    assert steps[0] == "requirements" and steps[-1] == "evidence at HEAD"
    assert any(s.startswith("packets 1/") for s in steps)

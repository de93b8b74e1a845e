"""Exit codes of the entry point: 2 for bad input, 3 for an internal error (a bug), and never a
traceback unless --debug."""

from __future__ import annotations

import pytest

from govkit.cli.app import cli
from govkit.cli.main import main
from govkit.errors import GovkitError


@pytest.fixture
def boom():
    """A command that fails the way the test asks: a bug, or bad input."""
    @cli.command("test-boom")
    def _boom():
        raise RuntimeError("something govkit did not expect")

    @cli.command("test-bad-input")
    def _bad():
        raise GovkitError("bad value", path="x.md", line=3, hint="fix it")

    yield
    cli.commands.pop("test-boom", None)
    cli.commands.pop("test-bad-input", None)


def test_internal_error_is_exit_3_without_traceback(boom, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["test-boom"])
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: something govkit did not expect" in err
    assert "a bug in govkit" in err and "Traceback" not in err


def test_internal_error_with_debug_raises(boom):
    with pytest.raises(RuntimeError):
        main(["--debug", "test-boom"])


def test_bad_input_is_exit_2_with_location_and_fix(boom, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["test-bad-input"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "x.md:3: bad value" in err and "fix: fix it" in err


def test_usage_error_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2

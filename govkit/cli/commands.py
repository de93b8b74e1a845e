"""Imports every command module so its commands register on the `cli` group."""

from govkit.cli import (  # noqa: F401
    audit_cmd,
    gates_cmd,
    init_cmd,
    orch_cmd,
    postwork_cmd,
    validator_cmd,
)

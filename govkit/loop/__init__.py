"""The execution loop (`govkit run`): a ChangeSet applied inside a locked packet's scope, tested,
reviewed fail-closed, committed or rolled back byte for byte. Only govkit.cli imports it."""

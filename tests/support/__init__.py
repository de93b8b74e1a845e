"""Helpers shared by the test suites: `from support.repo import git, commit_all, ...`."""

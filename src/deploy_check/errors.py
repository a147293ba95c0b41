"""Errors that end a run with exit status 2 (the check itself could not run)."""
from __future__ import annotations


class UsageError(Exception):
    """Bad arguments, a missing PATH, unreachable Docker: one line, exit 2."""


class Interrupted(Exception):
    """SIGTERM or SIGINT arrived; cleanup has run."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum

"""Errors that end a run with exit status 2 (the check itself could not run)."""
from __future__ import annotations

from types import FrameType


class UsageError(Exception):
    """Bad arguments, a missing PATH, unreachable Docker: one line, exit 2."""


class Interrupted(BaseException):
    """SIGTERM arrived; cleanup has run.

    A BaseException, as KeyboardInterrupt is: the many `except Exception` that keep a
    flaky engine call from failing the check must not swallow it (a SIGTERM landing in a
    probe or a log read was ignored, and the run went on to its timeout)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


def raise_interrupted(signum: int, frame: FrameType | None) -> None:
    """The SIGTERM handler of the CLI and the action: unwind (running every cleanup) as Interrupted."""
    raise Interrupted(signum)


def one_of(label: str, value: str, allowed: tuple[str, ...]) -> str:
    """`value` if it is one of `allowed`, else the one-line usage error that says which are."""
    if value not in allowed:
        expected = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise UsageError(f"{label}: expected {expected}, got {value!r}")
    return value

"""The `deploy-check` command's entry point.

Importing the command line takes a tenth of a second (the rules, the parsers; more on a
loaded machine); a Ctrl-C or a SIGTERM in that time would otherwise end in a
KeyboardInterrupt traceback or in death by the signal. Here the import happens with both
handled, so an early interrupt ends like a late one: one line on stderr and exit status
128+N (nothing has been created yet).
"""
from __future__ import annotations

import signal
import sys
from types import FrameType


class _Terminated(BaseException):
    """SIGTERM while the command line is being imported."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def main() -> int:
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        from deploy_check.cli import main as run
    except KeyboardInterrupt:
        print("deploy-check: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except _Terminated:
        print("deploy-check: interrupted", file=sys.stderr)
        return 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)
    return run()

"""The `deploy-check` command's entry point.

Importing the command line takes a tenth of a second (the rules, the parsers); a
Ctrl-C in that time would otherwise end in a KeyboardInterrupt traceback. Here the
import happens inside a handler, so an early interrupt ends like a late one: one
line on stderr and exit status 130.
"""
from __future__ import annotations

import signal
import sys


def main() -> int:
    try:
        from deploy_check.cli import main as run
    except KeyboardInterrupt:
        print("deploy-check: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    return run()

"""Building the action's own image once per test session (the top-level Dockerfile)."""
from __future__ import annotations

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
# One tag per test session: sessions of other worktrees share the engine, and each removes
# its own tag when it ends (a shared tag vanished under the other sessions' action tests).
TAG = f"deploy-check-action:test-{os.getpid()}"


def build_action_image(client) -> str:
    client.images.build(path=str(ROOT), tag=TAG, rm=True, forcerm=True)
    return TAG

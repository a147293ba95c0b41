"""Building the action's own image once per test session (the top-level Dockerfile)."""
from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
TAG = "deploy-check-action:test"


def build_action_image(client) -> str:
    client.images.build(path=str(ROOT), tag=TAG, rm=True, forcerm=True)
    return TAG

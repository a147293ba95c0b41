"""Whose fault a Docker SDK error is: the app's (a finding), the engine's (exit 2, report kept) or a race (retry).

Every engine call of a run goes through one of these judgements on purpose: an error the
image causes must not read as "lost the Docker engine", and a lost engine must not read
as a failing app.
"""
from __future__ import annotations

import re
from typing import Any

# What the engine answers when a container cannot be created or started because of what the
# image holds: its command is not there or not executable, its USER does not exist, its
# WORKDIR cannot be entered. Seen on Engine 20.10 (runc) as 400 or 500 on /containers/<id>/start.
_IMAGE_AT_FAULT = re.compile(
    r'exec: "[^"]*": (?:executable file not found|stat [^:]*: no such file|permission denied)'
    r"|exec format error"
    r"|unable to find (?:user|group) "
    r"|no users found|no groups found"
    r"|chdir to cwd"
    r"|setup user: "
)
MAX_REASON = 300


def explanation(error: BaseException) -> str:
    """The engine's own words for `error` on one line, bounded (they may quote the image)."""
    text = getattr(error, "explanation", None) or str(error) or type(error).__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())[:MAX_REASON]


def status_code(error: BaseException) -> int | None:
    code = getattr(getattr(error, "response", None), "status_code", None)
    return code if isinstance(code, int) else None


def image_start_failure(error: BaseException) -> str | None:
    """The engine's reason when a container could not start because of the image; else None."""
    from docker.errors import APIError

    if not isinstance(error, APIError) or status_code(error) not in (400, 500):
        return None
    reason = explanation(error)
    return reason if _IMAGE_AT_FAULT.search(reason) else None


def is_engine_error(error: BaseException) -> bool:
    """An error from talking to the engine (as opposed to a bug of ours)."""
    import requests
    from docker.errors import DockerException

    return isinstance(error, (DockerException, requests.exceptions.RequestException, ConnectionError))


def engine_answers(client: Any) -> bool:
    """Whether the engine still answers a ping: asked before saying it was lost."""
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means it does not
        return False

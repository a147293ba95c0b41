"""Whose fault a Docker SDK error is: the app's (a finding), the engine's (exit 2, report kept) or a race (retry).

Every engine call of a run is judged here on purpose, so that an error the image causes
never reads as "lost the Docker engine" and a lost engine never reads as a failing app:

| call | error | whose | what happens |
|---|---|---|---|
| build | 4xx; 5xx naming the Dockerfile or the context; a context file that cannot be read | app | build-failed |
| build | an error in the build's stream (a step failed) | app | build-failed |
| build | "no space left on device" and other storage errors, in the stream or as 5xx | engine | exit 2 |
| create | any (404 image gone, 409 name taken, 4xx/5xx) | engine | exit 2 |
| start | 400/500 for a command not there or not executable, a missing USER, a WORKDIR | app | smoke-boot |
| start | 500 "port is already allocated" | race | tried again |
| start, inspect, logs, one-shot stats, diff, events | any other, 404 included (removed under us) | engine | exit 2 |
| stop | any | - | ignored: `docker diff` right after says whether the engine is there |
| stats stream | any | - | ends the sampling: the container exited (the final peak is read apart) |
| remove | 404 gone, 409 removal in progress | - | done |
| remove | 409 in use | race | tried again (resources.py) |
| remove | any other | engine | left; cleanup goes on with the rest |
| any | connection refused, reset or dropped, timeout | engine | exit 2 |

"Engine" ends the stage that was running with `"status": "error"` and a reason; the
engine is pinged first, to say "lost the Docker engine" only when it no longer answers.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from typing import TypeVar

T = TypeVar("T")

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
# A build's 5xx that the repository causes (the classic builder answers 500 for these).
_REPOSITORY_BUILD = re.compile(
    r"dockerfile parse error|Cannot locate specified Dockerfile|unknown instruction|failed to process"
    r"|COPY failed|ADD failed|file not found in build context|forbidden path outside the build context",
    re.IGNORECASE,
)
# The engine's own storage failing, whatever call it answers.
_ENGINE_STORAGE = re.compile(r"no space left on device|failed to register layer|error creating overlay mount"
                             r"|input/output error|read-only file system", re.IGNORECASE)
_PORT_RACE = re.compile(r"port is already allocated|address already in use", re.IGNORECASE)
MAX_REASON = 300
RACE_ATTEMPTS = 3
RACE_SECONDS = 0.5


class EngineFailure(Exception):
    """The engine failed in a way it reports as data (an error line in the build's stream)."""


def explanation(error: BaseException) -> str:
    """The engine's own words for `error` on one line, bounded (they may quote the image)."""
    text: object = getattr(error, "explanation", None) or str(error) or type(error).__name__
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


def port_race(error: BaseException) -> bool:
    """A start that lost the race for a host port to another container: try again."""
    from docker.errors import APIError

    return isinstance(error, APIError) and bool(_PORT_RACE.search(explanation(error)))


def repository_build_error(error: BaseException) -> bool:
    """An error starting or streaming a build that the repository causes (build-failed), not the engine."""
    import requests
    from docker.errors import APIError

    if isinstance(error, APIError):
        reason = explanation(error)
        if _ENGINE_STORAGE.search(reason):
            return False
        return (status_code(error) or 500) < 500 or bool(_REPOSITORY_BUILD.search(reason))
    if isinstance(error, (requests.exceptions.RequestException, ConnectionError)):
        return False  # the engine hung up or did not answer
    # A file of the context that cannot be read (docker's tar raises IOError), hostile patterns.
    return isinstance(error, (OSError, ValueError))


def engine_side_build_error(message: str) -> bool:
    """An error line in the build's stream that is the engine's (its storage), not the Dockerfile's."""
    return bool(_ENGINE_STORAGE.search(message))


def is_engine_error(error: BaseException) -> bool:
    """An error from talking to the engine (as opposed to a bug of ours)."""
    import requests
    from docker.errors import DockerException

    return isinstance(error, (DockerException, requests.exceptions.RequestException, ConnectionError,
                              EngineFailure))


def engine_answers(client: Any) -> bool:
    """Whether the engine still answers a ping: asked before saying it was lost."""
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means it does not
        return False


def engine_reason(client: Any, error: BaseException, stage: str) -> str:
    """One line for an engine error that ended `stage`: lost only when a ping goes unanswered."""
    detail = explanation(error)
    if engine_answers(client):
        return f"the Docker engine failed during the {stage} ({detail})"
    return f"lost the Docker engine during the {stage} ({detail})"


def retry_race(action: Callable[[], T], is_race: Callable[[BaseException], bool]) -> T:
    """`action()`, tried again a few times while it fails with what `is_race` calls a race."""
    for attempt in range(RACE_ATTEMPTS):
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - only races are retried
            if attempt == RACE_ATTEMPTS - 1 or not is_race(error):
                raise
            time.sleep(RACE_SECONDS)
    raise AssertionError("unreachable")

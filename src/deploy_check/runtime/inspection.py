"""The app imported once more, in a short-lived container of the built image, beside the smoke test.

It runs `python -X importtime` on in_image/discover.py with the smoke test's isolation (the
tier's memory and CPU, every capability dropped, no-new-privileges, a pids limit, the spec's
environment) and no network at all, and reports the app's routes (its url_map), the time
each import took and the memory each of app.py's imports added. It starts with the smoke
container, so it costs little more than waiting for its answer.
"""
from __future__ import annotations

import dataclasses
import json
import threading
import time
from typing import Any

from deploy_check.runtime import in_image
from deploy_check.runtime.smoke import Launch
from deploy_check.runtime.resources import signals_held

# Only the ends of its output are read: the marked line is last on stdout, and an app's
# import tree is a few thousand lines of -X importtime.
STDOUT_TAIL_LINES = 20
STDERR_TAIL_LINES = 20000
MAX_RESULT_BYTES = 1024 * 1024
# It imports what the app's boot imports, at the same time: once the app answered, it gets this
# much longer than the app took; when the app never answered, only this long more.
GRACE_SECONDS = 5.0
UNANSWERED_GRACE_SECONDS = 1.0


@dataclasses.dataclass(frozen=True)
class Inspected:
    """What the in-image import saw; `error` says why routes are missing, when they are."""

    ok: bool
    error: str | None = None
    routes: tuple[Any, ...] = ()
    imports_memory: tuple[tuple[str, int], ...] = ()
    importtime_lines: tuple[str, ...] = ()
    rss_before: int = 0
    rss_after: int = 0


class Inspection:
    """Started at once; `result()` waits for it (bounded) and removes its container."""

    def __init__(self, how: Launch) -> None:
        """A network-less container of the image, started with the app's limits and environment."""
        self.client = client = how.client
        self.resources = resources = how.resources
        self.container: Any = None
        self.error: str | None = None
        try:
            with signals_held():
                self.container = client.containers.create(
                    how.image, entrypoint=["python", "-X", "importtime", "-c", in_image.source("discover")],
                    network_mode="none", **how.confined("inspect"))
                resources.containers.append(self.container.id)
        except Exception as error:  # noqa: BLE001 - no inspection: routes come from the decorators
            self.error = _one_line(error)
        self.started = time.monotonic()
        # Started in a thread, while the app's own container starts: the engine does both at
        # once. It is created and recorded already, so the run's cleanup removes it whatever
        # becomes of the start.
        self._starting = threading.Thread(target=self._start, daemon=True)
        if self.container is not None:
            self._starting.start()

    def _start(self) -> None:
        try:
            self.container.start()
        except Exception as error:  # noqa: BLE001 - no inspection: routes come from the decorators
            self.error = _one_line(error)

    def result(self, timeout: float, answered_after: float | None) -> Inspected:
        """Waits at most `timeout` from its start, and not much longer than the app's boot
        took (`answered_after` seconds; None: it never answered, and waiting helps nobody)."""
        if answered_after is not None:
            timeout = min(timeout, answered_after + GRACE_SECONDS)
        else:
            timeout = min(timeout, time.monotonic() - self.started + UNANSWERED_GRACE_SECONDS)
        if self._starting.is_alive():
            self._starting.join(max(0.0, timeout - (time.monotonic() - self.started)))
        if self.container is None or self.error is not None:
            return Inspected(False, f"could not start the inspection container ({self.error})")
        try:
            return self._result(timeout)
        finally:
            # Off the critical path: the run's cleanup removes it anyway if this has not.
            threading.Thread(target=self._remove, daemon=True).start()

    def _result(self, timeout: float) -> Inspected:
        try:
            self.container.wait(timeout=max(0.5, timeout - (time.monotonic() - self.started)))
        except Exception:  # noqa: BLE001 - still importing at the deadline (app.run() at import?)
            return Inspected(False, f"importing the app took more than {timeout:.1f} s")
        try:
            out = self.container.logs(stdout=True, stderr=False, tail=STDOUT_TAIL_LINES)
            err = self.container.logs(stdout=False, stderr=True, tail=STDERR_TAIL_LINES)
        except Exception as error:  # noqa: BLE001
            return Inspected(False, f"could not read the inspection's output ({_one_line(error)})")
        return parse(out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))

    def _remove(self) -> None:
        try:
            self.client.api.remove_container(self.container.id, force=True, v=True)
            self.resources.containers.remove(self.container.id)
        except Exception:  # noqa: BLE001 - left for the run's cleanup
            pass


def parse(stdout: str, stderr: str) -> Inspected:
    """The marked JSON line (the last one: the app may print anything before it) and the
    -X importtime lines printed while app was imported."""
    marked = [line for line in stdout.splitlines() if line.startswith(in_image.MARK)]
    lines = stderr.splitlines()
    begin = next((i for i, line in enumerate(lines) if line == in_image.MARK + "imports"), None)
    end = next((i for i, line in enumerate(lines) if line == in_image.MARK + "imported"), len(lines))
    timing = tuple(line for line in lines[begin + 1:end] if line.startswith("import time:")) if begin is not None else ()
    if not marked or len(marked[-1]) > MAX_RESULT_BYTES:
        return Inspected(False, "the app's import ended without a result (it exited, or crashed)",
                         importtime_lines=timing)
    try:
        data = json.loads(marked[-1][len(in_image.MARK):])
    except (ValueError, RecursionError):
        return Inspected(False, "the inspection's result did not parse", importtime_lines=timing)
    if not isinstance(data, dict):
        return Inspected(False, "the inspection's result did not parse", importtime_lines=timing)
    listed = data.get("routes")
    routes: list[Any] = listed if isinstance(listed, list) else []
    memory = tuple((str(item[0])[:100], int(item[1])) for item in data.get("imports_memory") or []
                   if isinstance(item, list) and len(item) == 2 and isinstance(item[1], int))
    error = data.get("error")
    return Inspected(
        ok=bool(routes), error=str(error)[:300] if error else None, routes=tuple(routes), imports_memory=memory,
        importtime_lines=timing, rss_before=_int(data.get("rss_before")), rss_after=_int(data.get("rss_after")))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__

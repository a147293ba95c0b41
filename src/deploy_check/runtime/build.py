"""Building the image with the engine: the repository (or its fixed copy) as context, and its
Dockerfile or one from outside the context (the spec's template).

A build is started (the context sent, the engine at work) before it is waited for,
so that the lint runs while the engine builds. Its stream is read from the start, in a
thread of its own: the images its steps commit are recorded as they come (a SIGTERM during
the lint must remove them too), and an unread stream never holds the engine back.
"""
from __future__ import annotations

import contextlib
import dataclasses
import queue
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from deploy_check.parsing import buildlog
from deploy_check.runtime import faults
from deploy_check.runtime.resources import Resources


@dataclasses.dataclass
class BuildResult:
    ok: bool
    seconds: float
    image_id: str | None = None
    image_size: int | None = None
    log_lines: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    image_config: dict[str, Any] = dataclasses.field(default_factory=dict)  # `Config` of its inspect


# The classic builder's stream: each step's header, then its image id; a step served from the
# cache says so first. A FROM's id is the base image's, not this build's.
_STEP = re.compile(r"^Step \d+/\d+ : (\S+)")
_LAYER = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
_CACHED = " ---> Using cache"
_RUNNING = re.compile(r"^ ---> Running in ([0-9a-f]{12,64})$")
# How long a hang-up waits for the stream's reader to record what it had read.
READER_GRACE_SECONDS = 5.0
_END = object()  # the stream is over


@dataclasses.dataclass(frozen=True)
class _Raised:
    """What reading the stream raised, handed to finish() to raise there."""

    error: BaseException


class LayerLog:
    """The ids of the images this build committed (steps run, not served from the cache), in order,
    and of the containers its steps run in.

    A build that fails leaves its last committed step as an untagged image the run's label
    does not reach (only the final image carries it): cleanup removes these too. Those served
    from the cache, and the base image, belong to others and are left alone. A build cut off
    mid-step still runs that step's container, which holds the image below it: cleanup
    removes it first."""

    def __init__(self, record: Callable[[str], None], running: Callable[[str], None] | None = None) -> None:
        self.record = record
        self.running = running
        self._instruction = ""
        self._cached = False

    def line(self, text: str) -> None:
        if self.running is not None and (container := _RUNNING.match(text.rstrip())):
            self.running(container.group(1))
        elif step := _STEP.match(text):
            self._instruction, self._cached = step.group(1).upper(), False
        elif text.rstrip() == _CACHED:
            self._cached = True
        elif (layer := _LAYER.match(text.rstrip())) and self._instruction not in ("", "FROM") and not self._cached:
            self.record(layer.group(1))
            self._instruction = ""


class PendingBuild:
    """A build the engine is running: `finish()` streams it to the end, `cancel()` hangs up."""

    def __init__(self, client: Any, root: str, resources: Resources, dockerfile: str = "Dockerfile") -> None:
        self.client = client
        self.resources = resources
        self.tag = f"deploy-check-{resources.run_id}:build"
        self.started = time.monotonic()
        self.done = False
        self._stream: Any = None
        self._error: str | None = None
        self._chunks: queue.Queue[Any] = queue.Queue()
        self._reader: threading.Thread | None = None
        # The build's HTTP response, caught with a requests response hook, to hang up on it.
        self._responses: list[Any] = []
        resources.images.append(self.tag)  # removed on every path, even if the build is interrupted

        def remember(response: Any, *args: Any, **kwargs: Any) -> None:
            if urllib.parse.urlparse(response.url).path.endswith("/build"):
                self._responses.append(response)

        client.api.hooks["response"].append(remember)
        try:
            self._stream = client.api.build(path=root, tag=self.tag, rm=True, forcerm=True, decode=True,
                                            pull=False, labels=resources.labels, dockerfile=dockerfile)
            self._reader = threading.Thread(target=self._read, name="deploy-check-build-stream", daemon=True)
            self._reader.start()
        except BaseException as error:
            if not faults.repository_build_error(error):  # the engine's, an interrupt, or our bug
                self.cancel()
                raise
            self._error = faults.explanation(error)  # the repository's: build-failed
        finally:
            client.api.hooks["response"].remove(remember)

    def _read(self) -> None:
        """The stream's chunks into the queue, each step's committed image recorded at once."""
        partial = ""
        try:
            layers = LayerLog(self.resources.layers.append, self.resources.containers.append)
            for chunk in self._stream:
                if isinstance(chunk, dict) and isinstance(chunk.get("stream"), str):
                    partial += chunk["stream"]
                    *complete, partial = partial.split("\n")
                    for line in complete:
                        layers.line(buildlog.without_escapes(line))
                self._chunks.put(chunk)
        except BaseException as error:  # noqa: BLE001 - raised again in finish()
            self._chunks.put(_Raised(error))
        finally:
            self._chunks.put(_END)

    def _read_chunks(self) -> Any:
        while (chunk := self._chunks.get()) is not _END:
            if isinstance(chunk, _Raised):
                raise chunk.error
            yield chunk

    def cancel(self) -> None:
        """Hang up, which makes the engine cancel the build. Left open until the process exits
        (a traceback holds the stream), the build would go on and leave its image behind
        after the cleanup had looked; cleanup also looks again for a late image. The reader
        is given a moment to record the images it read of before cleanup removes them."""
        if self.done:
            return
        self.done = True
        for response in self._responses:
            _hang_up(response)
        self.resources.build_interrupted = True
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(READER_GRACE_SECONDS)

    def finish(self, progress: Callable[[str], None] | None) -> BuildResult:
        """Stream the build to its end; step lines go to `progress` as they come."""
        lines: list[str] = []
        error = self._error
        image_id: str | None = None
        partial = ""
        if error is not None:
            lines.append(error)
        try:
            for chunk in self._read_chunks() if error is None else ():
                if "stream" in chunk:
                    partial += chunk["stream"]
                    *complete, partial = partial.split("\n")
                    for line in map(buildlog.without_escapes, complete):
                        lines.append(line)
                        if progress is not None and line.startswith("Step "):
                            progress(line)
                if "aux" in chunk and isinstance(chunk["aux"], dict) and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
                if "error" in chunk or "errorDetail" in chunk:
                    detail = chunk.get("errorDetail") or {}
                    error = str(detail.get("message") or chunk.get("error") or "build failed")
                    lines.append(error)
                    if faults.engine_side_build_error(error):
                        raise faults.EngineFailure(" ".join(error.split())[:faults.MAX_REASON])
        except BaseException as error_:
            if not faults.repository_build_error(error_):  # the engine's, an interrupt, or our bug
                self.cancel()
                raise
            error = faults.explanation(error_)
            lines.append(error)
        self.done = True
        if partial:
            lines.append(buildlog.without_escapes(partial))
        seconds = round(time.monotonic() - self.started, 1)
        if error is not None:
            return BuildResult(False, seconds, log_lines=lines, error=error)
        # An error here is the engine's (the image it just built is gone, or it stopped answering).
        image = self.client.images.get(self.tag)
        return BuildResult(True, seconds, image.id or image_id, int(image.attrs.get("Size") or 0), lines,
                           image_config=image.attrs.get("Config") or {})


def _hang_up(response: Any) -> None:
    """Close the build's response, shutting its socket down first: a plain close does not wake
    the reader thread blocked on it, and the engine would not see the hang-up."""
    with contextlib.suppress(Exception):
        sock = response.raw._fp.fp.raw._sock  # the SDK reaches the same socket this way
        sock.shutdown(socket.SHUT_RDWR)
    response.close()

"""Building the image with the engine: the repository (or its fixed copy) as context, and its
Dockerfile or one from outside the context (the spec's template).

A build is started (the context sent, the engine at work) before it is waited for,
so that the lint runs while the engine builds.
"""
from __future__ import annotations

import dataclasses
import re
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


# The classic builder's stream: each step's header, then its image id; a step served from the
# cache says so first. A FROM's id is the base image's, not this build's.
_STEP = re.compile(r"^Step \d+/\d+ : (\S+)")
_LAYER = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
_CACHED = " ---> Using cache"


class LayerLog:
    """The ids of the images this build committed (steps run, not served from the cache), in order.

    A build that fails leaves its last committed step as an untagged image the run's label
    does not reach (only the final image carries it): cleanup removes these too. Those served
    from the cache, and the base image, belong to others and are left alone."""

    def __init__(self, record: Callable[[str], None]) -> None:
        self.record = record
        self._instruction = ""
        self._cached = False

    def line(self, text: str) -> None:
        if step := _STEP.match(text):
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
        except BaseException as error:
            if not faults.repository_build_error(error):  # the engine's, an interrupt, or our bug
                self.cancel()
                raise
            self._error = faults.explanation(error)  # the repository's: build-failed
        finally:
            client.api.hooks["response"].remove(remember)

    def cancel(self) -> None:
        """Hang up, which makes the engine cancel the build. Left open until the process exits
        (a traceback holds the stream), the build would go on and leave its image behind
        after the cleanup had looked; cleanup also looks again for a late image."""
        if self.done:
            return
        self.done = True
        for response in self._responses:
            response.close()
        self.resources.build_interrupted = True

    def finish(self, progress: Callable[[str], None] | None) -> BuildResult:
        """Stream the build to its end; step lines go to `progress` as they come."""
        lines: list[str] = []
        layers = LayerLog(self.resources.layers.append)  # recorded as they come: a SIGTERM may cut the stream
        error = self._error
        image_id: str | None = None
        partial = ""
        if error is not None:
            lines.append(error)
        try:
            for chunk in self._stream if error is None else ():
                if "stream" in chunk:
                    partial += chunk["stream"]
                    *complete, partial = partial.split("\n")
                    for line in map(buildlog.without_escapes, complete):
                        lines.append(line)
                        layers.line(line)
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
        return BuildResult(True, seconds, image.id or image_id, int(image.attrs.get("Size") or 0), lines)

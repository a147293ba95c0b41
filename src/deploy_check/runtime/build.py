"""Building the repository's image with the engine, the repository as context."""
from __future__ import annotations

import dataclasses
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from deploy_check.runtime import buildlog
from deploy_check.runtime.resources import Resources


@dataclasses.dataclass
class BuildResult:
    ok: bool
    seconds: float
    image_id: str | None = None
    image_size: int | None = None
    log_lines: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None


def build_image(client: Any, root: str, resources: Resources, progress: Callable[[str], None] | None) -> BuildResult:
    """Build `root`/Dockerfile (honouring .dockerignore); stream step lines to `progress`."""
    tag = f"deploy-check-{resources.run_id}:build"
    started = time.monotonic()
    lines: list[str] = []
    error: str | None = None
    image_id: str | None = None
    partial = ""
    resources.images.append(tag)  # removed on every path, even if the build is interrupted
    # The build's HTTP response, caught with a requests response hook, to hang up on it.
    responses: list[Any] = []

    def remember(response: Any, *args: Any, **kwargs: Any) -> None:
        if urllib.parse.urlparse(response.url).path.endswith("/build"):
            responses.append(response)

    client.api.hooks["response"].append(remember)
    try:
        stream = client.api.build(path=root, tag=tag, rm=True, forcerm=True, decode=True, pull=False,
                                  labels=resources.labels, dockerfile="Dockerfile")
        for chunk in stream:
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
                error = detail.get("message") or chunk.get("error") or "build failed"
                lines.append(error)
    except BaseException as error_:
        from docker.errors import APIError
        from docker.errors import DockerException

        if not isinstance(error_, (APIError, DockerException, OSError, ValueError)):
            # Interrupted (or our own bug): hang up now, which makes the engine cancel the
            # build. Left open until the process exits (the traceback holds the stream), the
            # build would go on and leave its image behind after the cleanup had looked.
            for response in responses:
                response.close()
            resources.build_interrupted = True
            raise
        error = " ".join(str(error_).split())  # the engine's own errors become build-failed
        lines.append(error)
    finally:
        client.api.hooks["response"].remove(remember)
    if partial:
        lines.append(buildlog.without_escapes(partial))
    seconds = round(time.monotonic() - started, 1)
    if error is not None:
        return BuildResult(False, seconds, log_lines=lines, error=error)
    try:
        image = client.images.get(tag)
    except Exception as error_:  # noqa: BLE001
        return BuildResult(False, seconds, log_lines=lines, error=f"built image not found: {error_}")
    return BuildResult(True, seconds, image.id or image_id, int(image.attrs.get("Size") or 0), lines)

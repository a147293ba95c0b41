"""Everything a run creates, removed on every path out (success, failure, SIGTERM)."""
from __future__ import annotations

import contextlib
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

LABEL = "org.niblit.deploy-check.run"


# After an interrupted build: look for a late image this many more times, this far apart.
LATE_SWEEPS = 4
LATE_SWEEP_SECONDS = 0.25
# Removing what the engine still reports busy: this many tries, this far apart.
REMOVE_ATTEMPTS = 20
RETRY_SECONDS = 0.25


def new_run_id() -> str:
    return secrets.token_hex(4)


class Resources:
    """Tracks containers, volumes and images of one run; `cleanup()` removes them all."""

    def __init__(self, client: Any, run_id: str) -> None:
        self.client = client
        self.run_id = run_id
        self.containers: list[str] = []
        self.volumes: list[str] = []
        self.images: list[str] = []
        # Images a build committed for its steps (runtime/build.LayerLog), newest last.
        self.layers: list[str] = []
        # Set when a build was cut off: the engine may still commit its last image for a
        # moment after the hang-up, so cleanup looks for it again a little later.
        self.build_interrupted = False

    @property
    def labels(self) -> dict[str, str]:
        return {LABEL: self.run_id}

    def name(self, kind: str) -> str:
        return f"deploy-check-{self.run_id}-{kind}"

    def cleanup(self) -> None:
        """Remove everything, with SIGTERM/SIGINT held back so cleanup itself is not cut short."""
        with signals_held():
            self._remove_all()

    def _remove_all(self) -> None:
        mine = {"label": f"{LABEL}={self.run_id}"}
        for container_id in reversed(self.containers):
            _quietly(lambda: self.client.api.remove_container(container_id, force=True, v=True))
        self.containers.clear()
        # Then whatever the engine still lists as this run's (created but not recorded, or a
        # removal that failed under load, runc slow to kill), until it lists none: while a
        # container exists, its volume and image cannot go.
        for attempt in range(REMOVE_ATTEMPTS):
            remaining = _quietly_list(lambda: self.client.api.containers(all=True, filters=mine))
            if not remaining:
                break
            if attempt:
                time.sleep(RETRY_SECONDS)
            for container in remaining:
                _quietly(lambda: self.client.api.remove_container(container["Id"], force=True, v=True))
        volumes = list(reversed(self.volumes))
        volumes += [v["Name"] for v in _quietly_list(lambda: self.client.api.volumes(filters=mine).get("Volumes") or [])
                    if v["Name"] not in volumes]
        for volume in volumes:
            _quietly(lambda: self._retry_in_use(lambda: self.client.api.remove_volume(volume, force=True)))
        self.volumes.clear()
        for image in reversed(self.images):
            _quietly(lambda: self._retry_in_use(lambda: self.client.api.remove_image(image, force=True)))
        self.images.clear()
        # Then the steps' images of a build that failed (a finished build's went with its tag):
        # never by force, so that one another build now stands on, or another name, stays.
        for layer in reversed(self.layers):
            _quietly(lambda: self._remove_layer(layer))
        self.layers.clear()
        # And any image carrying this run's label: untagged, or committed late by a build that
        # was cut off (looked for again a few times then).
        sweeps = 1 + (LATE_SWEEPS if self.build_interrupted else 0)
        for sweep in range(sweeps):
            if sweep:
                time.sleep(LATE_SWEEP_SECONDS)
            for image in _quietly_list(lambda: self.client.api.images(filters=mine)):
                _quietly(lambda: self._retry_in_use(lambda: self.client.api.remove_image(image["Id"], force=True)))

    def _remove_layer(self, image_id: str) -> None:
        tags = [tag for tag in self.client.api.inspect_image(image_id).get("RepoTags") or [] if tag != "<none>:<none>"]
        if tags:  # tagged since: someone's
            return
        for attempt in range(REMOVE_ATTEMPTS):
            try:
                self.client.api.remove_image(image_id, noprune=True)
                return
            except Exception as error:  # noqa: BLE001
                # A step's container the engine is still taking down after a cut-off build holds
                # it a moment; a child image (another build's, or the kept image) holds it for good.
                if not (_in_use(error) and "container" in str(getattr(error, "explanation", ""))) \
                        or attempt == REMOVE_ATTEMPTS - 1:
                    raise
                time.sleep(RETRY_SECONDS)

    @staticmethod
    def _retry_in_use(action: Any) -> None:
        """An engine under load can still call a volume or image in use for a moment after the
        container that held it went: try again a few times before giving up."""
        for attempt in range(REMOVE_ATTEMPTS):
            try:
                action()
                return
            except Exception as error:  # noqa: BLE001
                if not _in_use(error) or attempt == REMOVE_ATTEMPTS - 1:
                    raise
                time.sleep(RETRY_SECONDS)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is done, then take effect.

    Around cleanup, so that it is not cut short; and around each create-and-record, so
    that an interrupt cannot fall between the engine creating something and this run
    recording it (the engine would finish the create after the cleanup had looked)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {wanted: signal.signal(wanted, lambda s, f: held.append(s))
                for wanted in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])


def _in_use(error: Exception) -> bool:
    return getattr(getattr(error, "response", None), "status_code", None) == 409


def _quietly_list(action: Any) -> list[Any]:
    try:
        return list(action())
    except Exception:  # noqa: BLE001 - the engine is gone: nothing more to find
        return []


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - already gone, or the engine is gone: nothing more to do
        pass

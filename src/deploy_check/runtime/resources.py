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
# A volume the engine still reports in use: this many tries, 0.2 s apart.
VOLUME_ATTEMPTS = 10


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
        # Set when a build was cut off: the engine may still commit its last image for a
        # moment after the hang-up, so cleanup looks for it again a little later.
        self.build_interrupted = False

    @property
    def labels(self) -> dict[str, str]:
        return {LABEL: self.run_id}

    def name(self, kind: str) -> str:
        return f"deploy-check-{self.run_id}-{kind}"

    def __enter__(self) -> Resources:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        """Remove everything, with SIGTERM/SIGINT held back so cleanup itself is not cut short."""
        with signals_held():
            self._remove_all()

    def _remove_volume(self, name: str) -> None:
        """An engine under load can report a volume still in use for a moment after the
        container that mounted it was removed: try again a few times before giving up."""
        for attempt in range(VOLUME_ATTEMPTS):
            try:
                self.client.api.remove_volume(name, force=True)
                return
            except Exception as error:  # noqa: BLE001
                if not _in_use(error) or attempt == VOLUME_ATTEMPTS - 1:
                    raise
                time.sleep(0.2)

    def _remove_all(self) -> None:
        for container_id in reversed(self.containers):
            _quietly(lambda: self.client.api.remove_container(container_id, force=True, v=True))
        self.containers.clear()
        # Anything else labelled with this run (a container created but not yet recorded).
        _quietly(lambda: [
            self.client.api.remove_container(c["Id"], force=True, v=True)
            for c in self.client.api.containers(all=True, filters={"label": f"{LABEL}={self.run_id}"})
        ])
        for volume in reversed(self.volumes):
            _quietly(lambda: self._remove_volume(volume))
        self.volumes.clear()
        for image in reversed(self.images):
            _quietly(lambda: self.client.api.remove_image(image, force=True))
        self.images.clear()
        # And what carries this run's label without having been recorded.
        mine = {"label": f"{LABEL}={self.run_id}"}
        for leftover in _quietly_list(lambda: self.client.api.volumes(filters=mine).get("Volumes") or []):
            _quietly(lambda: self._remove_volume(leftover["Name"]))
        sweeps = 1 + (LATE_SWEEPS if self.build_interrupted else 0)
        for sweep in range(sweeps):
            if sweep:
                time.sleep(LATE_SWEEP_SECONDS)
            _quietly(lambda: [self.client.api.remove_image(i["Id"], force=True)
                              for i in self.client.api.images(filters=mine)])


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

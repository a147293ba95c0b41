"""Everything a run creates, removed on every path out (success, failure, SIGTERM)."""
from __future__ import annotations

import secrets
import signal
import threading
from typing import Any

LABEL = "org.niblit.deploy-check.run"


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
        held: list[int] = []
        previous: dict[int, Any] = {}
        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            for wanted in (signal.SIGTERM, signal.SIGINT):
                previous[wanted] = signal.signal(wanted, lambda s, f: held.append(s))
        try:
            self._remove_all()
        finally:
            if in_main:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
                if held:
                    signal.raise_signal(held[0])

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
            _quietly(lambda: self.client.api.remove_volume(volume, force=True))
        self.volumes.clear()
        for image in reversed(self.images):
            _quietly(lambda: self.client.api.remove_image(image, force=True))
        self.images.clear()


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - already gone, or the engine is gone: nothing more to do
        pass

"""Where the app must listen so that deploy-check, wherever it runs, reaches it.

On the host (or in a container on the host's network, as under act), a port
published on 127.0.0.1 works. In a container on a bridge or user-defined
network (a container action on GitHub's runner), it does not: there the app
joins deploy-check's own network namespace (`network_mode=container:<id>`)
and answers on 127.0.0.1:5000.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any


@dataclasses.dataclass(frozen=True)
class Placement:
    network_mode: str | None  # "container:<id>" or None (publish a port)

    @property
    def publishes(self) -> bool:
        return self.network_mode is None


def own_container_id(client: Any, environ: dict[str, str] | None = None) -> str | None:
    """deploy-check's own container, when it runs in one the engine knows (else None)."""
    environ = dict(os.environ) if environ is None else environ
    if not (os.path.exists("/.dockerenv") or _cgroup_says_container()):
        return None
    hostname = environ.get("HOSTNAME") or _read("/etc/hostname")
    if not hostname:
        return None
    try:
        container = client.containers.get(hostname.strip())
    except Exception:  # noqa: BLE001 - not a container this engine runs
        return None
    mode = (container.attrs.get("HostConfig") or {}).get("NetworkMode") or ""
    if mode == "host":
        return None  # on the host's network: publishing on 127.0.0.1 works and is simpler
    if mode.startswith("container:"):
        return mode.split(":", 1)[1]  # join the namespace it joined
    return container.id


def placement(client: Any, forced: str | None = None) -> Placement:
    if forced:
        return Placement(f"container:{forced}")
    own = own_container_id(client)
    return Placement(f"container:{own}" if own else None)


def _cgroup_says_container() -> bool:
    text = _read("/proc/self/cgroup") or ""
    return "docker" in text or "containerd" in text or "kubepods" in text


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None

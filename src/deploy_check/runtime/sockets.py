"""What the app listens on, read from /proc/net/tcp and /proc/net/tcp6 inside its container.

When the app never answers (or says it listens on its own loopback), this tells exactly what
it bound (`127.0.0.1:8000`) against what Niblit connects to (every address, port 5000), and
places it where the bind is decided (`gunicorn_bind`): the config file's `bind` or the
GUNICORN_CMD_ARGS line when gunicorn took it from there, the Dockerfile's CMD when a server
command there runs, else the `app.run(...)` call of app.py when the CMD runs it with Python.
"""
from __future__ import annotations

import ast
import dataclasses
import ipaddress
from typing import Any

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.parsing import dockerfile
from deploy_check.parsing import gunicorn_bind
from deploy_check.parsing.python import dotted
from deploy_check.project import Project
from deploy_check.rules import smoke_boot

LISTEN = "0A"  # the kernel's TCP_LISTEN state
MAX_BYTES = 256 * 1024
MAX_LISTENERS = 20
SERVERS = ("gunicorn", "flask", "waitress", "waitress-serve", "uvicorn", "hypercorn")


@dataclasses.dataclass(frozen=True, order=True)
class Listener:
    port: int
    address: str  # "127.0.0.1", "0.0.0.0", "::", "::1"

    @property
    def every_address(self) -> bool:
        return self.address in ("0.0.0.0", "::")

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"


def parse(text: str) -> list[Listener]:
    """Listening sockets from /proc/net/tcp{,6} text (hex, each 32-bit word in host order)."""
    found: set[Listener] = set()
    for line in text[:MAX_BYTES].splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != LISTEN or ":" not in fields[1]:
            continue
        address_hex, _, port_hex = fields[1].partition(":")
        try:
            port = int(port_hex, 16)
            raw = bytes.fromhex(address_hex)
        except ValueError:
            continue
        if len(raw) not in (4, 16):
            continue
        # Each 4-byte word is little-endian on the hosts Docker runs on (x86-64, arm64).
        packed = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
        address = ipaddress.ip_address(packed)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        found.add(Listener(port, str(address)))
    return sorted(found)[:MAX_LISTENERS]


def read(container: Any) -> list[Listener] | None:
    """The container's listening TCP sockets, or None when they cannot be read (it stopped)."""
    try:
        result = container.exec_run(["cat", "/proc/net/tcp", "/proc/net/tcp6"], stdout=True, stderr=False)
    except Exception:  # noqa: BLE001 - exited, or no `cat` in the image
        return None
    output = result.output if hasattr(result, "output") else result[1]
    if not isinstance(output, bytes) or not output:
        return None
    return parse(output[:MAX_BYTES].decode("ascii", "replace"))


def read_from_host(pid: int, container_id: str) -> list[Listener] | None:
    """The same sockets, read through /proc/PID/net of the container's main process where this
    process shares the engine host's PIDs (a check run on that host: no exec, no engine call);
    None elsewhere (inside the action's own container, PID names another process or none)."""
    if pid <= 0 or not _in_container(pid, container_id):
        return None
    texts = [_read_proc(f"/proc/{pid}/net/{name}") for name in ("tcp", "tcp6")]
    if all(text is None for text in texts) or not _in_container(pid, container_id):  # the PID went meanwhile
        return None
    return parse("\n".join(text for text in texts if text))


def _in_container(pid: int, container_id: str) -> bool:
    """The process's cgroup names the container (the host's view: .../docker/ID or docker-ID.scope)."""
    cgroups = _read_proc(f"/proc/{pid}/cgroup")
    return bool(container_id) and cgroups is not None and container_id in cgroups


def _read_proc(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES).decode("ascii", "replace")
    except OSError:
        return None


def serves_niblit(listeners: list[Listener]) -> bool:
    return any(item.port == spec.PORT and item.every_address for item in listeners)


def wrong_bind(project: Project, listeners: list[Listener] | None, announced: str = "") -> Finding | None:
    """smoke-boot on the line that decides the bind, when the app listens but not on every
    address at port 5000; None when it does (or listens on nothing: that is another story).
    Without the sockets (the container stopped), what the server announced in its log."""
    if listeners is None and announced:
        host, _, port = announced.rpartition(":")
        try:
            listeners = [Listener(int(port), str(ipaddress.ip_address(host.strip("[]"))))]
        except ValueError:
            listeners = [Listener(int(port) if port.isdigit() else 0, "127.0.0.1")] if host == "localhost" else []
    if not listeners or serves_niblit(listeners):
        return None
    shown = ", ".join(str(item) for item in listeners)
    loopback = all(ipaddress.ip_address(item.address).is_loopback for item in listeners)
    why = ("the container's own loopback, which nothing outside the container reaches" if loopback
           else f"not port {spec.PORT}")
    where, hint = _bind_place(project)
    return smoke_boot.RULE.finding(
        f"the app listens on {shown} ({why}); Niblit connects to {spec.BIND} (every address, port {spec.PORT})",
        where, hint=hint)


def _bind_place(project: Project) -> tuple[Location, str]:
    template = f"the template's CMD {spec.TEMPLATE_CMD_JSON}"
    parsed = dockerfile.root(project)
    commands = parsed.of("CMD") if parsed else []
    cmd = commands[-1] if commands else None
    words = " ".join(cmd.value).split() if cmd else []
    runs_a_server = any(word.rsplit("/", 1)[-1] in SERVERS for word in words[:3])
    decided = gunicorn_bind.decide(project) if parsed is not None else None  # not a stand-in the build never ran
    if decided is not None and decided.source in ("config", gunicorn_bind.CMD_ARGS):
        # the CMD has no --bind: gunicorn took it from its config file or GUNICORN_CMD_ARGS
        if decided.binds:
            where = decided.binds[0].where
        elif decided.config and project.has(decided.config):
            where = Location(decided.config)
        else:
            where = cmd.location() if cmd is not None else Location(dockerfile.PATH)
        return where, (f'add "--bind", "{spec.BIND}" to the CMD, as {template} does: it wins over '
                       f"{decided.config or decided.source}")
    if cmd is not None and runs_a_server:
        return cmd.location(), f"bind every address at port {spec.PORT}: {template}"
    call = _app_run_call(project)
    if call is not None:
        return call, (f'app.run(host="0.0.0.0", port={spec.PORT}) listens where Niblit connects; '
                      f"better, run gunicorn as {template} does")
    if cmd is not None:
        return cmd.location(), f"run the app as {template} does"
    return Location(None), f"listen on {spec.BIND}: {template}"


def _app_run_call(project: Project) -> Location | None:
    module = project.python(spec.APP_FILE) if project.has(spec.APP_FILE) else None
    if module is None or not module.parses:
        return None
    for node in module.nodes:
        if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith(".run") and \
                (dotted(node.func) or "").split(".")[0] in ("app", "application"):
            return Location(spec.APP_FILE, node.lineno, node.col_offset + 1)
    return None

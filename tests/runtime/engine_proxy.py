"""A Unix-socket proxy in front of the real engine that injects faults into chosen calls.

Each request is read up to the end of its head, matched against the faults given (method
and a path pattern, for so many times), then either answered by the fault (an HTTP status
with the engine's JSON error body, a dropped connection, no answer at all) or passed on to
the engine as it is, one request per upstream connection (`Connection: close`), so that
streamed answers (build, logs, stats) pass through untouched. `cut()` makes the engine
vanish: every connection closed, no new one accepted.
"""
from __future__ import annotations

import dataclasses
import json
import re
import socket
import threading
import time

ENGINE = "/var/run/docker.sock"
MAX_HEAD = 64 * 1024


@dataclasses.dataclass
class Fault:
    method: str
    path: str  # a regular expression, searched in the request's path (after /v1.xx)
    status: int | None = None  # answer with this status and `message` as the engine's JSON error
    message: str = "injected fault"
    drop: bool = False  # close the connection without answering
    hang: float = 0.0  # answer nothing for this long, then close
    times: int = 1  # how many matching requests it hits
    after: int = 0  # let this many matching requests through first
    hits: int = 0
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        if method != self.method or not re.search(self.path, path):
            return False
        self.seen += 1
        if self.seen <= self.after or self.hits >= self.times:
            return False
        self.hits += 1
        return True


class FaultProxy:
    def __init__(self, path: str, faults: list[Fault] | None = None, target: str = ENGINE) -> None:
        self.path, self.target = path, target
        self.faults = list(faults or [])
        self.requests: list[tuple[str, str]] = []  # method and path of each request seen
        self.targets: list[tuple[str, str]] = []  # method and whole target (query included)
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        self.server.listen(64)
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
        if self.closed:
            _close(sock)

    def _serve(self, client: socket.socket) -> None:
        try:
            head, rest = _read_head(client)
            if head is None:
                return
            method, target = _request_line(head)
            path = re.sub(r"^/v[0-9.]+", "", target.split("?", 1)[0])
            with self.lock:
                self.requests.append((method, path))
                self.targets.append((method, target))
                fault = next((f for f in self.faults if f.matches(method, path)), None)
            if fault is not None:
                self._inject(client, head, rest, fault)
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            self._track(upstream)
            upstream.sendall(_closing(head) + rest)
            threading.Thread(target=_pipe, args=(client, upstream, False), daemon=True).start()
            _pipe(upstream, client, True)
        except OSError:
            pass
        finally:
            _close(client)

    @staticmethod
    def _inject(client: socket.socket, head: bytes, rest: bytes, fault: Fault) -> None:
        if fault.drop:
            return
        if fault.hang:
            time.sleep(fault.hang)
            return
        _drain_body(client, head, rest)
        body = json.dumps({"message": fault.message}).encode()
        client.sendall(b"HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                       b"Connection: close\r\n\r\n%s" % (fault.status or 500, len(body), body))

    def cut(self) -> None:
        """The engine vanishes: every connection closed, and no new one accepted."""
        self.closed = True
        self.server.close()
        with self.lock:
            sockets = list(self.sockets)
        for sock in sockets:
            _close(sock)

    close = cut


def _read_head(sock: socket.socket) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > MAX_HEAD:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", rest


def _request_line(head: bytes) -> tuple[str, str]:
    method, target, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    return method, target


def _closing(head: bytes) -> bytes:
    """The request head with `Connection: close`, so that the engine ends the connection after its answer."""
    lines = [line for line in head[:-4].split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n"


def _drain_body(sock: socket.socket, head: bytes, rest: bytes) -> None:
    """Read the request's body, so that the client sees the injected answer rather than a broken pipe."""
    headers = head.decode("latin-1").lower()
    match = re.search(r"\r\ncontent-length:\s*(\d+)", headers)
    if match:
        left = int(match.group(1)) - len(rest)
        while left > 0:
            chunk = sock.recv(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)
    elif "transfer-encoding: chunked" in headers:
        data = rest
        while not data.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                return
            data = data[-16:] + chunk


def _pipe(source: socket.socket, sink: socket.socket, close_sink: bool) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        if close_sink:
            _close(sink)
        _close(source)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass

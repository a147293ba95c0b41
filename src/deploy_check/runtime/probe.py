"""HTTP probes of the running app: 2xx and 3xx pass, redirects are not followed.

The status is the answer: a body is read only when its length is declared and small, so a
route that streams (server-sent events, a camera's multipart/x-mixed-replace feed) answers
as soon as its headers do, instead of holding the probe until its timeout."""
from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request

from deploy_check.observed import Answer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
MAX_BODY = 1 << 16


def _drain(response: http.client.HTTPResponse, size: int, deadline: float) -> None:
    """Read up to `size` bytes of the body, giving up at the deadline (each read waits at most
    the socket's timeout): a body dripped a byte at a time cannot hold the probe."""
    got = 0
    while got < size and time.monotonic() < deadline:
        chunk = response.read1(min(4096, size - got))
        if not chunk:
            return
        got += len(chunk)


def get(url: str, timeout: float) -> Answer:
    started = time.monotonic()
    try:
        with _OPENER.open(urllib.request.Request(url, headers={"User-Agent": "deploy-check"}), timeout=timeout) as response:
            seconds = round(time.monotonic() - started, 3)
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) <= MAX_BODY:
                _drain(response, min(int(length), MAX_BODY), started + timeout)
            return Answer(response.status, seconds=seconds)
    except urllib.error.HTTPError as error:
        return Answer(error.code, seconds=round(time.monotonic() - started, 3))
    except (urllib.error.URLError, http.client.HTTPException, socket.timeout, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(None, " ".join(str(reason).split()) or type(error).__name__)

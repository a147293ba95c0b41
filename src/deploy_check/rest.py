"""A small client for GitHub's REST API: JSON in and out, pagination, retries, nothing else.

Why not PyGithub: measured with `pip install --target` (PyGithub 2.10.0), it adds 27 MB
to the action image beyond the requests/urllib3 the image already has (cryptography 16 MB,
PyGithub 4.6 MB, PyNaCl 4.2 MB, cffi and pycparser 1.8 MB, PyJWT 0.3 MB), in an image built
on every job, for the dozen calls the pull-request side makes. This is urllib, like the
artifact client.

The token is sent only to the API's own origin: a redirect or a `Link: rel=next` to
another host is refused, never followed with the token.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from deploy_check import backoff

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
ATTEMPTS = 3
MAX_BODY = 16 * 1024 * 1024  # no answer we ask for is near this; a bigger one is refused
MAX_PAGES = 30


class RestError(Exception):
    """A call that did not succeed; `status` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def forbidden(self) -> bool:
        """The token may not do this (read-only, a fork's pull request, missing permission)."""
        return self.status in (401, 403, 404)


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if _origin(newurl) != self.origin:
            raise RestError(f"{req.get_method()} {req.full_url}: redirected to another host; not followed", code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


Sleep = Callable[[float], None]


class Rest:
    def __init__(self, api_url: str, token: str, *, timeout: float = 30.0, sleep: Sleep = time.sleep) -> None:
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.origin = _origin(self.api_url)
        self.token = token
        self.timeout = timeout
        self.sleep = sleep
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler(), _SameOrigin(self.origin))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], token: str) -> Rest:
        return cls(environ.get("GITHUB_API_URL") or DEFAULT_API_URL, token)

    def url(self, path: str, query: Mapping[str, object] | None = None) -> str:
        url = path if path.startswith(("http://", "https://")) else self.api_url + path
        if query:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({k: str(v) for k, v in query.items()})
        return url

    def get(self, path: str, query: Mapping[str, object] | None = None) -> Any:
        return self.call("GET", path, query=query)[0]

    def post(self, path: str, body: object) -> Any:
        return self.call("POST", path, body)[0]

    def patch(self, path: str, body: object) -> Any:
        return self.call("PATCH", path, body)[0]

    def put(self, path: str, body: object) -> Any:
        return self.call("PUT", path, body)[0]

    def delete(self, path: str) -> None:
        self.call("DELETE", path)

    def pages(self, path: str, query: Mapping[str, object] | None = None, *, key: str | None = None,
              max_pages: int = MAX_PAGES) -> Iterator[Any]:
        """Every item of a listed resource, following `Link: rel="next"` (at most `max_pages`);
        `key` names the list inside an object answer (`check_runs`)."""
        url: str | None = self.url(path, {"per_page": 100, **(query or {})})
        for _ in range(max_pages):
            if url is None:
                return
            data, headers = self.call("GET", url)
            items = data.get(key, []) if key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise RestError(f"GET {path}: expected a list")
            yield from items
            url = _next_link(headers.get("Link", ""))
            if url is not None and _origin(url) != self.origin:
                raise RestError(f"GET {path}: the next page is on another host; not followed")

    def call(self, method: str, path: str, body: object = None, *,
             query: Mapping[str, object] | None = None) -> tuple[Any, Mapping[str, str]]:
        url = self.url(path, query)
        if _origin(url) != self.origin:
            raise RestError(f"{method} {url}: not the API's host; the token is not sent there")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {self.token}",
                   "X-GitHub-Api-Version": API_VERSION, "User-Agent": "niblit-deploy-check"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        what = f"{method} {urllib.parse.urlsplit(url).path}"
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with self.opener.open(request, timeout=self.timeout) as response:
                    raw = response.read(MAX_BODY + 1)
                    answer_headers = {k: v for k, v in response.headers.items()}
            except urllib.error.HTTPError as error:
                retry = error.code in (429, 502, 503, 504) or (
                    error.code == 403 and error.headers.get("x-ratelimit-remaining") == "0")
                if not retry or attempt == ATTEMPTS:
                    raise RestError(f"{what}: {error.code} {_message(error)}", error.code) from None
                self.sleep(_delay(attempt, error.headers.get("Retry-After")))
                continue
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
                if attempt == ATTEMPTS:
                    raise RestError(f"{what}: {getattr(error, 'reason', error)}") from None
                self.sleep(_delay(attempt, None))
                continue
            if len(raw) > MAX_BODY:
                raise RestError(f"{what}: the answer is larger than {MAX_BODY} bytes")
            if not raw.strip():
                return None, answer_headers
            try:
                return json.loads(raw), answer_headers
            except ValueError:
                raise RestError(f"{what}: the answer is not JSON") from None
        raise AssertionError("unreachable")  # pragma: no cover


def as_object(value: object) -> dict[str, Any]:
    """`value` when the answer is a JSON object, else an empty one: answers are data to check."""
    return value if isinstance(value, dict) else {}


def _message(error: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(error.read(64 * 1024) or b"{}")
        message = str(data.get("message", "")) if isinstance(data, dict) else ""
    except (ValueError, OSError):
        message = ""
    return " ".join((message or str(error.reason)).split())[:200]


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        if 'rel="next"' in part:
            start, end = part.find("<"), part.find(">")
            if 0 <= start < end:
                return part[start + 1 : end]
    return None


def _delay(attempt: int, retry_after: str | None) -> float:
    return backoff.delay(attempt, retry_after, longest_asked=30.0, longest_backoff=10.0)

"""Uploading the zip as a workflow artifact with the artifact v4 protocol (as @actions/artifact does).

Twirp JSON calls CreateArtifact and FinalizeArtifact on ACTIONS_RESULTS_URL,
backend ids from the `scp` claim of ACTIONS_RUNTIME_TOKEN, the bytes as
Azure-style block uploads to the signed URL. 429/5xx/resets are retried with
backoff and jitter; a half-uploaded artifact is never reported as a success.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from deploy_check import backoff

SERVICE = "twirp/github.actions.results.api.v1.ArtifactService"
BLOCK_SIZE = 8 * 1024 * 1024
ATTEMPTS = 5
_INVALID_NAME_CHARS = set('"<>:|*?\r\n\\/')


class ArtifactError(Exception):
    """The upload did not complete; the message says why in one line."""


@dataclasses.dataclass(frozen=True)
class Uploaded:
    """A finalized artifact: its id, the sha256 it was finalized with (hex, as upload-artifact's
    `artifact-digest`) and its size."""

    id: str
    digest: str
    size: int


def artifact_url(environ: Mapping[str, str], artifact_id: str) -> str:
    """The run's page for the artifact, as upload-artifact v4's `artifact-url` output:
    <server>/<owner>/<repo>/actions/runs/<run id>/artifacts/<artifact id>; empty when unknown."""
    repository = environ.get("GITHUB_REPOSITORY", "")
    run_id = environ.get("GITHUB_RUN_ID", "")
    if not (artifact_id and repository and run_id):
        return ""
    server = (environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    return f"{server}/{repository}/actions/runs/{run_id}/artifacts/{artifact_id}"


@dataclasses.dataclass(frozen=True)
class ActionsRuntime:
    results_url: str
    token: str
    run_id: str
    job_id: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionsRuntime | None:
        """The runner's artifact service, or None when this is not a runner that offers one."""
        url = environ.get("ACTIONS_RESULTS_URL")
        token = environ.get("ACTIONS_RUNTIME_TOKEN")
        if not url or not token:
            return None
        run_id, job_id = backend_ids(token)
        return cls(url.rstrip("/") + "/", token, run_id, job_id)


def backend_ids(token: str) -> tuple[str, str]:
    """workflowRunBackendId and workflowJobRunBackendId from the token's `scp` claim."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        scopes = str(claims.get("scp", "")).split()
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise ArtifactError(f"ACTIONS_RUNTIME_TOKEN is not a JWT ({type(error).__name__})") from None
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) == 3 and parts[0] == "Actions.Results":
            return parts[1], parts[2]
    raise ArtifactError("ACTIONS_RUNTIME_TOKEN has no Actions.Results scope")


def validate_name(name: str) -> None:
    """GitHub's rules for artifact names."""
    if not name or not name.strip():
        raise ArtifactError("the artifact name is empty")
    bad = sorted(_INVALID_NAME_CHARS & set(name))
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise ArtifactError(f"the artifact name {name!r} contains {shown}, which GitHub does not allow")


def _field(data: Mapping[str, Any], snake: str) -> Any:
    camel = snake.split("_")[0] + "".join(part.capitalize() for part in snake.split("_")[1:])
    return data.get(snake, data.get(camel))


Sleep = Callable[[float], None]


class Client:
    def __init__(self, runtime: ActionsRuntime, *, sleep: Sleep = time.sleep, timeout: float = 60.0) -> None:
        self.runtime = runtime
        self.sleep = sleep
        self.timeout = timeout
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler())

    def upload(self, name: str, path: str, retention_days: int | None = None) -> Uploaded:
        """Upload `path` as artifact `name`; returns its id and the digest it was finalized with."""
        validate_name(name)
        size = os.path.getsize(path)
        digest = _sha256(path)
        create: dict[str, Any] = {
            "workflow_run_backend_id": self.runtime.run_id,
            "workflow_job_run_backend_id": self.runtime.job_id,
            "name": name,
            "version": 4,
        }
        if retention_days:
            expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=retention_days)
            create["expires_at"] = expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        created = self._twirp("CreateArtifact", create)
        if not _field(created, "ok"):
            raise ArtifactError("CreateArtifact was refused")
        url = _field(created, "signed_upload_url")
        if not url:
            raise ArtifactError("CreateArtifact returned no upload URL")
        self._upload_blocks(url, path)
        finalized = self._twirp("FinalizeArtifact", {
            "workflow_run_backend_id": self.runtime.run_id,
            "workflow_job_run_backend_id": self.runtime.job_id,
            "name": name,
            "size": str(size),
            "hash": f"sha256:{digest}",
        })
        if not _field(finalized, "ok"):
            raise ArtifactError("FinalizeArtifact was refused")
        return Uploaded(str(_field(finalized, "artifact_id")), digest, size)

    # -- transport -----------------------------------------------------------
    def _twirp(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        url = urllib.parse.urljoin(self.runtime.results_url, f"{SERVICE}/{method}")
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.runtime.token}",
                   "User-Agent": "deploy-check"}
        response = self._request(urllib.request.Request(url, data=data, headers=headers, method="POST"), method)
        try:
            return json.loads(response or b"{}")
        except ValueError:
            raise ArtifactError(f"{method}: the service answered something that is not JSON") from None

    def _upload_blocks(self, url: str, path: str) -> None:
        ids = []
        with open(path, "rb") as handle:
            index = 0
            while True:
                chunk = handle.read(BLOCK_SIZE)
                if not chunk and index > 0:
                    break
                block_id = base64.b64encode(f"block-{index:08d}".encode()).decode()
                ids.append(block_id)
                block_url = f"{url}&comp=block&blockid={urllib.parse.quote(block_id)}"
                request = urllib.request.Request(block_url, data=chunk, method="PUT", headers={
                    "Content-Length": str(len(chunk)), "x-ms-blob-type": "BlockBlob",
                    "Content-Type": "application/octet-stream"})
                self._request(request, "block upload")
                index += 1
                if not chunk:
                    break
        blocklist = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>" + "".join(
            f"<Latest>{block_id}</Latest>" for block_id in ids) + "</BlockList>"
        request = urllib.request.Request(f"{url}&comp=blocklist", data=blocklist.encode(), method="PUT", headers={
            "Content-Type": "application/xml", "x-ms-blob-content-type": "application/zip"})
        self._request(request, "block list")

    def _request(self, request: urllib.request.Request, what: str) -> bytes:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.opener.open(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code == 409:
                    raise ArtifactError(
                        f"{what}: an artifact with this name already exists in this run "
                        "(names must be unique per run: give each matrix job its own artifact-name)") from None
                if error.code != 429 and error.code < 500:
                    raise ArtifactError(f"{what}: the service answered {error.code} {error.reason}") from None
                if attempt == ATTEMPTS:
                    raise ArtifactError(f"{what}: still failing after {ATTEMPTS} attempts ({error.code})") from None
                self.sleep(_delay(attempt, error.headers.get("Retry-After") if error.headers else None))
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
                if attempt == ATTEMPTS:
                    reason = getattr(error, "reason", error)
                    raise ArtifactError(f"{what}: {reason} after {ATTEMPTS} attempts") from None
                self.sleep(_delay(attempt, None))
        raise AssertionError("unreachable")  # pragma: no cover


def _delay(attempt: int, retry_after: str | None) -> float:
    return backoff.delay(attempt, retry_after, longest_asked=60.0, longest_backoff=30.0)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()

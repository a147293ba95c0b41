"""The artifact v4 client against a local server that answers like act's / GitHub's and fails on purpose."""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
import urllib.parse

import pytest

from deploy_check.artifact import ArtifactError
from deploy_check.artifact import Client
from deploy_check.artifact import ActionsRuntime
from deploy_check.artifact import backend_ids
from deploy_check.artifact import validate_name


def token(scope="Actions.Results:run-1:job-2 Actions.UploadArtifacts:x") -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"scp": scope}).encode()).decode().rstrip("=")
    return f"e30.{payload}.sig"


class Server:
    """Artifact service + blob store in one; `failures` lists statuses to answer first, per path kind."""

    def __init__(self, camel=True):
        self.failures: dict[str, list] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.blocks: dict[str, bytes] = {}
        self.committed: bytes | None = None
        self.finalized: dict | None = None
        self.camel = camel
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _fail(self, kind):
                queue = server.failures.get(kind) or []
                if not queue:
                    return False
                status = queue.pop(0)
                if status == "reset":
                    self.connection.close()
                    return True
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return True

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                method = self.path.rsplit("/", 1)[1]
                server.requests.append(("POST", method, body))
                if self._fail(method):
                    return
                if method == "CreateArtifact":
                    url = f"http://127.0.0.1:{server.port}/blob?sig=x"
                    answer = {"ok": True, ("signedUploadUrl" if server.camel else "signed_upload_url"): url}
                else:
                    server.finalized = body
                    answer = {"ok": True, ("artifactId" if server.camel else "artifact_id"): "42"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = query.get("comp", ["?"])[0]
                server.requests.append(("PUT", kind, {}))
                if self._fail(kind):
                    return
                if kind == "block":
                    server.blocks[query["blockid"][0]] = data
                elif kind == "blocklist":
                    ids = [part.split("</Latest>")[0] for part in data.decode().split("<Latest>")[1:]]
                    server.committed = b"".join(server.blocks[i] for i in ids)
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def runtime(self) -> Runtime:
        return ActionsRuntime.from_environ({"ACTIONS_RESULTS_URL": f"http://127.0.0.1:{self.port}/",
                                     "ACTIONS_RUNTIME_TOKEN": token()})


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.httpd.shutdown()


@pytest.fixture
def payload(tmp_path):
    path = tmp_path / "app.zip"
    path.write_bytes(b"PK" + bytes(range(256)) * 100)
    return path


def test_upload_round_trip(server, payload):
    sleeps = []
    uploaded = Client(server.runtime(), sleep=sleeps.append).upload("app-niblit", str(payload), retention_days=5)
    assert uploaded.id == "42"
    assert uploaded.digest == hashlib.sha256(payload.read_bytes()).hexdigest()
    assert uploaded.size == payload.stat().st_size
    assert server.committed == payload.read_bytes()
    create = server.requests[0][2]
    assert create["workflow_run_backend_id"] == "run-1" and create["workflow_job_run_backend_id"] == "job-2"
    assert create["version"] == 4 and "expires_at" in create
    assert server.finalized["size"] == str(payload.stat().st_size)
    assert server.finalized["hash"] == "sha256:" + hashlib.sha256(payload.read_bytes()).hexdigest()
    assert sleeps == []


def test_snake_case_answers(payload):
    srv = Server(camel=False)
    try:
        assert Client(srv.runtime(), sleep=lambda s: None).upload("x", str(payload)).id == "42"
    finally:
        srv.httpd.shutdown()


def test_retries_on_500_429_and_resets(server, payload):
    server.failures = {"CreateArtifact": [500, 429], "block": ["reset", 503], "FinalizeArtifact": [502]}
    sleeps = []
    assert Client(server.runtime(), sleep=sleeps.append).upload("x", str(payload)).id == "42"
    assert len(sleeps) == 5
    assert server.committed == payload.read_bytes()


def test_409_is_a_clear_error(server, payload):
    server.failures = {"CreateArtifact": [409]}
    with pytest.raises(ArtifactError, match="already exists"):
        Client(server.runtime(), sleep=lambda s: None).upload("x", str(payload))


def test_persistent_failure_is_never_a_success(server, payload):
    server.failures = {"blocklist": [500] * 10}
    with pytest.raises(ArtifactError, match="still failing"):
        Client(server.runtime(), sleep=lambda s: None).upload("x", str(payload))
    assert server.finalized is None


@pytest.mark.parametrize("name", ["", " ", "a/b", "a:b", 'a"b', "a<b", "a|b", "a*b", "a?b", "a\nb", "a\\b"])
def test_invalid_names(name):
    with pytest.raises(ArtifactError):
        validate_name(name)


def test_token_without_results_scope():
    with pytest.raises(ArtifactError):
        backend_ids(token("Actions.Other:1:2"))
    with pytest.raises(ArtifactError):
        backend_ids("not-a-jwt")
    assert backend_ids(token()) == ("run-1", "job-2")

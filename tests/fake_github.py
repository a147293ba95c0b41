"""A local fake of the part of GitHub's REST API the pull-request side uses; it records every request.

State is plain dicts the tests read and seed. `write=False` answers every write with 403
"Resource not accessible by integration", as GitHub does for a fork's pull request.
Lists are served two items a page with a `Link: rel="next"` header, so pagination runs.
"""
from __future__ import annotations

import dataclasses
import http.server
import json
import re
import threading
import urllib.parse
from typing import Any

TOKEN = "ghs_" + "FakeTokenForTests0123456789"
PAGE = 2


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str


class FakeGitHub:
    def __init__(self, repository: str = "niblit/demo", *, write: bool = True, bind: str = "127.0.0.1") -> None:
        self.repository = repository
        self.write = write
        self.requests: list[Request] = []
        self.comments: dict[int, dict[str, Any]] = {}
        self.reviews: dict[int, dict[str, Any]] = {}
        self.review_comments: dict[int, dict[str, Any]] = {}
        self.check_runs: list[dict[str, Any]] = []
        self.files: dict[int, list[dict[str, Any]]] = {}
        self.commits: dict[str, list[str]] = {}
        self.failures: dict[str, int] = {}  # "POST /pulls/7/reviews" -> the status to answer instead
        self._id = 1000
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                query = dict(urllib.parse.parse_qsl(parts.query))
                request = Request(self.command, parts.path, query, body, self.headers.get("Authorization", ""))
                fake.requests.append(request)
                status, answer, headers = fake.answer(request, f"http://{self.headers['Host']}")
                data = b"" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.httpd = http.server.ThreadingHTTPServer((bind, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://{bind}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def new_id(self) -> int:
        self._id += 1
        return self._id

    def writes(self) -> list[Request]:
        return [r for r in self.requests if r.method != "GET"]

    # -- routing ---------------------------------------------------------------------
    def answer(self, request: Request, origin: str) -> tuple[int, Any, dict[str, str]]:
        if request.authorization != f"Bearer {TOKEN}":
            return 401, {"message": "Bad credentials"}, {}
        prefix = f"/repos/{self.repository}"
        if not request.path.startswith(prefix + "/"):
            return 404, {"message": "Not Found"}, {}
        path = request.path[len(prefix):]
        if f"{request.method} {path}" in self.failures:
            return self.failures[f"{request.method} {path}"], {"message": "Server Error"}, {}
        if request.method != "GET" and not self.write:
            return 403, {"message": "Resource not accessible by integration"}, {}
        for method, pattern, handler in self.routes():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                result = handler(request, *match.groups())
                if isinstance(result, tuple):
                    return result
                if isinstance(result, list):
                    return self.page(result, request, origin)
                return (200 if method != "POST" else 201), result, {}
        return 404, {"message": "Not Found"}, {}

    def page(self, items: list[Any], request: Request, origin: str) -> tuple[int, Any, dict[str, str]]:
        number = int(request.query.get("page", "1"))
        chunk = items[(number - 1) * PAGE : number * PAGE]
        headers = {}
        if number * PAGE < len(items):
            query = dict(request.query, page=str(number + 1))
            headers["Link"] = f'<{origin}{request.path}?{urllib.parse.urlencode(query)}>; rel="next"'
        return 200, chunk, headers

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("GET", r"/issues/(\d+)/comments", self.list_comments),
            ("POST", r"/issues/(\d+)/comments", self.create_comment),
            ("PATCH", r"/issues/comments/(\d+)", self.update_comment),
            ("GET", r"/pulls/(\d+)/files", lambda r, n: self.files.get(int(n), [])),
            ("GET", r"/pulls/(\d+)/reviews", self.list_reviews),
            ("POST", r"/pulls/(\d+)/reviews", self.create_review),
            ("PUT", r"/pulls/(\d+)/reviews/(\d+)", self.update_review),
            ("GET", r"/pulls/(\d+)/reviews/(\d+)/comments", self.list_review_comments),
            ("DELETE", r"/pulls/comments/(\d+)", self.delete_review_comment),
            ("POST", r"/check-runs", self.create_check_run),
            ("GET", r"/commits/([^/]+)/check-runs", self.list_check_runs),
            ("GET", r"/commits", lambda r: [{"sha": sha} for sha in self.commits.get(r.query.get("sha", ""), [])]),
        ]

    def list_comments(self, request: Request, number: str) -> list[Any]:
        return [c for c in self.comments.values() if c["issue"] == int(number)]

    def create_comment(self, request: Request, number: str) -> Any:
        comment = {"id": self.new_id(), "issue": int(number), "body": request.body["body"],
                   "user": {"login": "github-actions[bot]", "type": "Bot"}}
        self.comments[comment["id"]] = comment
        return comment

    def update_comment(self, request: Request, comment_id: str) -> Any:
        comment = self.comments.get(int(comment_id))
        if comment is None:
            return 404, {"message": "Not Found"}, {}
        comment["body"] = request.body["body"]
        return comment

    def list_reviews(self, request: Request, number: str) -> list[Any]:
        return [r for r in self.reviews.values() if r["pull"] == int(number)]

    def create_review(self, request: Request, number: str) -> Any:
        body = request.body
        review = {"id": self.new_id(), "pull": int(number), "body": body.get("body", ""),
                  "commit_id": body.get("commit_id"), "state": "COMMENTED"}
        for item in body.get("comments", []):
            if not {"path", "line", "body"} <= set(item):
                return 422, {"message": "Unprocessable Entity"}, {}
            comment = {"id": self.new_id(), "review_id": review["id"], "start_line": None, **item}
            self.review_comments[comment["id"]] = comment
        self.reviews[review["id"]] = review
        return review

    def update_review(self, request: Request, number: str, review_id: str) -> Any:
        review = self.reviews[int(review_id)]
        review["body"] = request.body["body"]
        return review

    def list_review_comments(self, request: Request, number: str, review_id: str) -> list[Any]:
        return [c for c in self.review_comments.values() if c["review_id"] == int(review_id)]

    def delete_review_comment(self, request: Request, comment_id: str) -> Any:
        if self.review_comments.pop(int(comment_id), None) is None:
            return 404, {"message": "Not Found"}, {}
        return 204, None, {}

    def create_check_run(self, request: Request) -> Any:
        run = {"id": self.new_id(), **request.body, "app": {"slug": "github-actions"}}
        self.check_runs.append(run)
        return run

    def list_check_runs(self, request: Request, sha: str) -> Any:
        name = request.query.get("check_name")
        runs = [r for r in reversed(self.check_runs) if r["head_sha"] == sha and (name is None or r["name"] == name)]
        return {"total_count": len(runs), "check_runs": runs}

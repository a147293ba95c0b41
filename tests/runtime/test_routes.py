"""Route discovery, selection and judging, without an engine (the probes run on a local server)."""
from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from deploy_check.finding import Location
from deploy_check.project import Project
from deploy_check.runtime import inspection
from deploy_check.runtime import probe
from deploy_check.runtime import routes
from deploy_check.parsing import tracebacks
from deploy_check.runtime.in_image import MARK


def route(path: str, endpoint: str = "view", methods: tuple[str, ...] = ("GET", "HEAD", "OPTIONS"),
          arguments: bool = False) -> routes.Route:
    return routes.Route(path, endpoint, frozenset(methods), arguments)


@pytest.mark.parametrize(
    "candidate, why",
    [
        (route("/logout", "logout"), "its name says it changes state"),
        (route("/admin/reset-db", "reset_db"), "its name says it changes state"),
        (route("/x", "deleteAll"), "its name says it changes state"),
        (route("/items/clear"), "its name says it changes state"),
        (route("/private/area"), "skip-routes"),
        (route("/x", "internal_page"), "skip-routes"),
    ],
)
def test_state_changing_and_configured_routes_are_skipped(candidate, why):
    selection = routes.select("url_map", [candidate], ["/"], ["/private/*", "internal_*"])
    assert selection.probe == ()
    assert selection.skipped == ((candidate.path, why),)


@pytest.mark.parametrize(
    "candidate",
    [
        route("/items/<int:id>", arguments=True),
        route("/submit", methods=("POST",)),
        route("/static/<path:filename>", "static", arguments=True),
        route("/ckeditor/static/<path:filename>", "ckeditor.static", arguments=True),
        route("/"),  # a smoke path: probed already
        route("relative"),
        route("/a b"),
    ],
)
def test_only_new_parameterless_get_routes_are_probed(candidate):
    selection = routes.select("url_map", [candidate], ["/"], [])
    assert selection.probe == () and selection.skipped == ()
    assert selection.with_arguments == (candidate.path == "/items/<int:id>")  # static files are not counted


@pytest.mark.parametrize("path, endpoint", [
    ("/init-db", "init_db"), ("/create_db", "make"), ("/setup", "setup_database"), ("/seed", "seed"),
    ("/cart/empty", "shop.empty_cart"), ("/signout", "auth.signout"), ("/unsubscribe", "unsub"),
    ("/admin/dropdb", "dropdb"), ("/shutdown", "shutdown"), ("/kill", "kill"), ("/purge-cache", "purge"),
    ("/load-sample-data", "load"), ("/api/sync", "sync"),
])
def test_state_changing_names(path, endpoint):
    assert routes.changes_state(route(path, endpoint))


@pytest.mark.parametrize("path, endpoint", [
    ("/create", "create"), ("/setup-guide", "guide"), ("/data", "data"), ("/liked-posts", "liked"),
    ("/dashboard", "dashboard"), ("/about", "about"), ("/login", "auth.login"), ("/getting-started", "start"),
])
def test_harmless_names(path, endpoint):
    assert not routes.changes_state(route(path, endpoint))


def test_words_are_whole_words():
    assert not routes.changes_state(route("/deleted-items-report", "resettlement"))
    assert routes.changes_state(route("/api/v1/delete", "api"))


def test_at_most_fifty_routes_the_rest_said():
    many = [route(f"/page{i:03d}", f"page{i}") for i in range(60)]
    selection = routes.select("url_map", many, ["/"], [])
    assert len(selection.probe) == routes.MAX_ROUTES
    assert [why for _, why in selection.skipped] == ["over 50 routes"] * 10


def test_decorators_when_the_url_map_cannot_be_read(tmp_path):
    (tmp_path / "app.py").write_text(
        "from flask import Flask, Blueprint\n"
        "app = Flask(__name__)\n"
        "bp = Blueprint('admin', __name__, url_prefix='/admin/')\n"
        "@app.route('/')\n"
        "def home(): ...\n"
        "@app.get('/about')\n"
        "def about(): ...\n"
        "@bp.route('/stats', methods=['GET', 'POST'])\n"
        "def stats(): ...\n"
        "@app.route('/u/<name>')\n"
        "def user(name): ...\n"
        "@app.post('/form')\n"
        "def form(): ...\n"
        "@app.route(PATH)\n"
        "def unknown(): ...\n"
    )
    found = routes.discover(Project(str(tmp_path)), inspection.Inspected(False, "no python"))
    assert found[0] == "decorators"
    listed = {(r.path, r.endpoint, r.has_arguments, r.where) for r in found[1] if "GET" in r.methods}
    assert listed == {("/", "home", False, Location("app.py", 4)), ("/about", "about", False, Location("app.py", 6)),
                      ("/admin/stats", "admin.stats", False, Location("app.py", 8)),
                      ("/u/<name>", "user", True, Location("app.py", 10))}


def test_url_map_listing_is_checked_and_placed(tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n")
    raw = [{"rule": "/", "endpoint": "home", "methods": ["GET"], "arguments": [], "file": "/app/app.py", "line": 1},
           {"rule": "/x", "endpoint": "x", "methods": ["GET"], "arguments": [], "file": "/etc/passwd", "line": 3},
           {"rule": 5, "endpoint": "bad", "methods": ["GET"]}, "junk"]
    found = routes.from_url_map(raw, Project(str(tmp_path)))
    assert [(r.path, r.where) for r in found] == [("/", Location("app.py", 1)), ("/x", Location(None))]


def test_the_marked_line_is_the_last_one_and_import_times_are_between_the_marks():
    result = {"routes": [{"rule": "/"}], "error": None, "imports_memory": [["flask", 1000], ["bad"]],
              "rss_before": 10, "rss_after": 20}
    stdout = f"{MARK}{{\"routes\": [{{\"rule\": \"/fake\"}}]}}\napp output\n{MARK}{json.dumps(result)}\n"
    stderr = ("import time:   1 |   1 | site\n" + MARK + "imports\n"
              "import time:   5 |   9 | flask\n" + MARK + "imported\nimport time: 1 | 1 | late\n")
    got = inspection.parse(stdout, stderr)
    assert got.ok and got.routes == ({"rule": "/"},)
    assert got.imports_memory == (("flask", 1000),)
    assert got.importtime_lines == ("import time:   5 |   9 | flask",)
    assert (got.rss_before, got.rss_after) == (10, 20)


def test_no_marked_line_is_a_failed_inspection():
    got = inspection.parse("Traceback ...\n", "")
    assert not got.ok and "without a result" in got.error


EXCEPTION_LOG = """[2026-12-01 19:48:28,125] ERROR in app: Exception on /report [GET]
Traceback (most recent call last):
  File "/usr/local/lib/python3.11/dist-packages/flask/app.py", line 1473, in wsgi_app
    response = self.full_dispatch_request()
  File "/app/app.py", line 17, in report
    rows = open("/app/missing.csv").read()
FileNotFoundError: [Errno 2] No such file or directory: '/app/missing.csv'
[2026-12-01 19:48:28,130] ERROR in app: Exception on /other [GET]
Traceback (most recent call last):
  File "/app/app.py", line 30, in other
    1 / 0
ZeroDivisionError: division by zero
"""


def test_a_failing_log_handlers_report_is_not_the_requests_traceback():
    # greyli/bluelog: its SMTPHandler fails after Flask's handler logged the traceback.
    log = EXCEPTION_LOG + ("--- Logging error ---\nTraceback (most recent call last):\n"
                           '  File "/usr/lib/python3.11/logging/handlers.py", line 1067, in emit\n'
                           "ConnectionRefusedError: [Errno 111] Connection refused\nCall stack:\n"
                           "Message: 'Exception on /report [GET]'\nArguments: ()\n")
    assert tracebacks.request_crash(log, "/report").frame == tracebacks.Frame("app.py", 17)
    assert tracebacks.request_log(log, "/report").splitlines()[-1].startswith("FileNotFoundError")
    right_after = EXCEPTION_LOG.split("[2026-12-01 19:48:28,130]")[0] + log[len(EXCEPTION_LOG):]
    assert tracebacks.request_log(right_after, "/report").splitlines()[-1].startswith("FileNotFoundError")
    assert tracebacks.request_crash(right_after, "/report").error.startswith("FileNotFoundError")


def test_a_chained_exception_is_placed_in_the_first_part_through_the_repository():
    # greyli/bluelog: SQLAlchemy's cause has only library frames; the view is in the part after.
    log = ("[2026-12-01 23:46:20,705] ERROR in app: Exception on /about [GET]\nTraceback (most recent call last):\n"
           '  File "/usr/local/lib/python3.11/dist-packages/sqlalchemy/engine/base.py", line 1247, in _execute\n'
           "    cursor.execute(statement, parameters)\nsqlite3.OperationalError: no such table: admin\n\n"
           "The above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n"
           '  File "/app/bluelog/blueprints/blog.py", line 31, in about\n    return render_template("about.html")\n'
           '  File "/app/bluelog/__init__.py", line 107, in make_template_context\n    admin = Admin.query.first()\n'
           "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: admin\n")
    crash = tracebacks.request_crash(log, "/about")
    assert crash.frame == tracebacks.Frame("bluelog/__init__.py", 107)
    assert crash.error.startswith("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table")


def test_a_requests_traceback_is_found_by_its_path():
    assert tracebacks.request_crash(EXCEPTION_LOG, "/report") == tracebacks.Crash(
        tracebacks.Frame("app.py", 17), "FileNotFoundError: [Errno 2] No such file or directory: '/app/missing.csv'")
    assert tracebacks.request_crash(EXCEPTION_LOG, "/other").frame == tracebacks.Frame("app.py", 30)
    assert tracebacks.request_crash(EXCEPTION_LOG, "/") is None


@pytest.mark.parametrize(
    "status, expected",
    [
        (500, ("error", "app.py", 17)),
        (404, ("notice", "app.py", 3)),
        (None, ("warning", "app.py", 3)),
        (401, None), (403, None), (302, None), (400, None), (200, None),
    ],
)
def test_judging_an_answer(tmp_path, status, expected):
    (tmp_path / "app.py").write_text("\n" * 40)
    project = Project(str(tmp_path))
    item = routes.RouteAnswer(routes.Route("/report", "report", frozenset({"GET"}), False, Location("app.py", 3)),
                              probe.Answer(status, None if status else "timed out"))
    finding = routes.judge(project, item, EXCEPTION_LOG)
    got = (finding.severity.value, finding.path, finding.line) if finding else None
    assert got == expected
    assert finding is None or finding.rule == "smoke-http"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(500 if self.path == "/boom" else 200)
        if self.path == "/stream":  # server-sent events: headers, then a body that never ends
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"data: tick\n\n")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
            return
        if self.path == "/drip":  # a small body, a byte at a time
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


def test_probes_answer_in_order_and_a_spent_budget_probes_nothing():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        answers = routes.probe_all(base, [route("/a"), route("/boom"), route("/c")])
        assert [(a.route.path, a.answer.status, a.probed) for a in answers] == [
            ("/a", 200, True), ("/boom", 500, True), ("/c", 200, True)]
        assert all(a.answer.seconds is not None for a in answers)
        started = time.monotonic()
        (streamed,) = routes.probe_all(base, [route("/stream")])
        assert streamed.answer.status == 200 and time.monotonic() - started < 2  # not its 5 s timeout
        started = time.monotonic()
        assert probe.get(base + "/drip", timeout=1.0).status == 200
        assert time.monotonic() - started < 2.5  # not the 50 s the body would take
        late = routes.probe_all(base, [route("/a")], budget=0)
        assert [(a.answer.status, a.probed) for a in late] == [(None, False)]
    finally:
        server.shutdown()


def test_a_route_finding_carries_its_own_requests_traceback_only(tmp_path):
    (tmp_path / "app.py").write_text("\n" * 40)
    log = EXCEPTION_LOG + "[2026-12-01 19:48:29 +0000] [7] [INFO] Handling signal: term\n"
    item = routes.RouteAnswer(routes.Route("/report", "report", frozenset({"GET"}), False), probe.Answer(500))
    finding = routes.judge(Project(str(tmp_path)), item, log)
    assert finding.log.splitlines()[0].endswith("Exception on /report [GET]")
    assert finding.log.splitlines()[-1].startswith("FileNotFoundError:")  # not /other's, nor gunicorn's line
    # Flask's own frame is left out, the app's kept with its code.
    assert finding.log.splitlines()[1:5] == ["Traceback (most recent call last):", "  (1 frame of libraries left out)",
                                             '  File "/app/app.py", line 17, in report',
                                             '    rows = open("/app/missing.csv").read()']
    long = "[2026-12-01 19:48:28,125] ERROR in app: Exception on /x [GET]\n" + "  line\n" * 200
    assert len(tracebacks.request_log(long, "/x").splitlines()) == tracebacks.REQUEST_LOG_LINES
    assert tracebacks.request_log(long, "/y") is None


@pytest.mark.parametrize(
    "body, error, severity",
    [
        ("return request.args.get('q').lower()", "AttributeError: 'NoneType' object has no attribute 'lower'", "warning"),
        ("return str(int(request.args.get('page')))", "TypeError: int() argument must be a string", "warning"),
        ("return request.get_json()['name']", "TypeError: 'NoneType' object is not subscriptable", "warning"),
        # It reads input, but what broke is not the missing input: still an error.
        ("request.args.get('q'); return db.execute('x')", "sqlite3.OperationalError: no such table: notes", "error"),
        # It reads no input: a TypeError is the app's own.
        ("return str(int(None))", "TypeError: int() argument must be a string", "error"),
    ],
)
def test_a_view_that_reads_input_crashing_without_it_is_a_warning(tmp_path, body, error, severity):
    (tmp_path / "app.py").write_text(
        "from flask import Flask, request\napp = Flask(__name__)\n\n@app.route('/search')\ndef search():\n"
        f"    {body}\n")
    log = ("[2026-12-01 19:48:28,125] ERROR in app: Exception on /search [GET]\nTraceback (most recent call last):\n"
           f'  File "/app/app.py", line 6, in search\n    {body}\n{error}\n')
    item = routes.RouteAnswer(routes.Route("/search", "search", frozenset({"GET"}), False, Location("app.py", 4)),
                              probe.Answer(500))
    finding = routes.judge(Project(str(tmp_path)), item, log)
    assert (finding.severity.value, finding.line) == (severity, 6)


def test_the_log_is_read_again_until_each_5xx_traceback_is_there():
    # The engine copies the container's output a moment after the app wrote it (greyli/bluelog's
    # last probe, /auth/login, was judged on a log without its traceback).
    reads = iter(["", "[2026-12-01 19:48:28,125] ERROR in app: Exception on /report [GET]\n", EXCEPTION_LOG])
    failed = routes.RouteAnswer(route("/report"), probe.Answer(500))
    fine = routes.RouteAnswer(route("/"), probe.Answer(200))
    assert routes.settled_log(lambda: next(reads), [fine, failed]) == EXCEPTION_LOG
    calls = []
    started = time.monotonic()
    assert routes.settled_log(lambda: calls.append(1) or "", [failed], wait=0.3) == ""  # none: given up
    assert time.monotonic() - started < 1 and len(calls) > 1
    assert routes.settled_log(lambda: calls.append(1) or "x", [fine]) == "x"  # nothing failed: read once


def test_a_smoke_paths_log_is_read_again_until_its_traceback_is_there():
    # The smoke paths' 500 was judged on the log read right after the answer (the drifted
    # Dockerfile's /broken under load: placed on no line).
    reads = iter(["", EXCEPTION_LOG])
    assert routes.log_holding(lambda: next(reads), ["/report"]) == EXCEPTION_LOG

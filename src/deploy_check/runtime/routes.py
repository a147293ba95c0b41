"""The app's own routes: which ones exist, which are safe to GET, and what they answer.

Discovered from the app's `url_map`, read inside the built image (runtime/inspection.py),
or statically from `@app.route` / `@bp.get` decorators when that fails. Only GET routes
without URL parameters are probed, minus the smoke paths (probed already), the ones whose
name says they change state (`logout`, `delete`, `reset`, ...) and the config's
`skip-routes`; at most MAX_ROUTES of them, within PROBE_SECONDS, as many at once as the
template runs workers.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import fnmatch
import re
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.finding import Severity
from deploy_check.project import Project
from deploy_check.rules import smoke_http
from deploy_check.runtime import declared
from deploy_check.runtime import probe
from deploy_check.parsing import tracebacks
from deploy_check.runtime.inspection import Inspected

MAX_ROUTES = 50
PROBE_SECONDS = 10.0
# One probe may take this long; the template runs this many workers, so as many probes at once.
PROBE_TIMEOUT = 5.0
CONCURRENCY = 2
MAX_PATH = 200
# The app's log lines read after the probes, where each failed probe's traceback is found.
LOG_LINES = 200 * MAX_ROUTES
# A 5xx's traceback not in the log yet is waited for this long, read again this often.
LOG_SETTLE_SECONDS = 1.0
LOG_SETTLE_STEP = 0.1

# Words in a route's path or endpoint that say a GET on it changes something.
STATE_CHANGING = frozenset("""
    logout signout logoff delete del remove rm destroy erase reset clear purge drop wipe flush
    truncate shutdown restart reboot kill stop unsubscribe revoke cancel deactivate disable toggle
    init initdb seed migrate install uninstall approve reject ban block unblock archive
    empty leave follow unfollow like unlike vote upvote downvote subscribe activate populate generate
    regenerate rebuild sync trigger execute exec deploy publish unpublish send undo rollback restore
    import upgrade downgrade dropdb resetdb cleardb createdb setupdb dropall cleanup
""".split())
# A word that makes something (create, setup) names a state change only with what it makes here.
_MAKES = frozenset({"create", "setup", "make", "build", "load", "fill"})
_STORES = frozenset({"db", "database", "table", "tables", "schema", "data", "fixtures", "demo", "sample"})
_WORDS = re.compile(r"[A-Za-z][a-z]*|[0-9]+")


@dataclasses.dataclass(frozen=True)
class Route:
    """One URL rule of the app."""

    path: str
    endpoint: str
    methods: frozenset[str]
    has_arguments: bool
    where: Location = Location(None)


@dataclasses.dataclass(frozen=True)
class Selection:
    """The routes to probe, and those left out with the reason."""

    source: str  # "url_map", "decorators" or "none"
    probe: tuple[Route, ...]
    skipped: tuple[tuple[str, str], ...]  # (path, why)
    with_arguments: int = 0  # GET routes left out because they take URL arguments (/items/<int:id>)


@dataclasses.dataclass(frozen=True)
class RouteAnswer:
    route: Route
    answer: probe.Answer
    probed: bool = True  # False: the time budget ran out before its turn


@dataclasses.dataclass(frozen=True)
class Probed:
    """The probes' outcome: what was chosen, each answer with its finding (or None)."""

    selection: Selection
    judged: list[tuple[RouteAnswer, Finding | None]]
    discovery_error: str | None = None  # why the url_map could not be read, when it could not

    @property
    def summary(self) -> dict[str, Any]:
        """smoke.route_discovery: where the routes came from and what was left out."""
        return {"source": self.selection.source, "probed": len(self.judged),
                "skipped": [{"path": path, "why": why} for path, why in self.selection.skipped],
                "with_arguments": self.selection.with_arguments, "error": self.discovery_error}


def discover(project: Project, inspected: Inspected) -> tuple[str, list[Route]]:
    """The app's routes and where they came from: its url_map, else its decorators."""
    if inspected.ok:
        found = from_url_map(inspected.routes, project)
        if found:
            return "url_map", found
    found = from_decorators(project)
    return ("decorators" if found else "none"), found


def from_url_map(raw: Iterable[Any], project: Project) -> list[Route]:
    """Routes from the in-image listing (untrusted: every field checked)."""
    routes = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        path, endpoint = item.get("rule"), item.get("endpoint")
        methods, arguments = item.get("methods"), item.get("arguments")
        if not isinstance(path, str) or not isinstance(endpoint, str) or not isinstance(methods, list):
            continue
        where = Location(None)
        file, line = item.get("file"), item.get("line")
        if isinstance(file, str) and file.startswith(tracebacks.APP_ROOT) and isinstance(line, int) and line > 0:
            relative = file[len(tracebacks.APP_ROOT):]
            if project.has(relative):
                where = Location(relative, line)
        routes.append(Route(path[:MAX_PATH + 1], endpoint[:100], frozenset(str(m) for m in methods),
                            bool(arguments) or "<" in path, where))
    return routes


def from_decorators(project: Project) -> list[Route]:
    """Routes as the source declares them (runtime/declared.py): decorators, add_url_rule
    calls, blueprints under their url_prefix; what is not a literal is left out."""
    return [Route(found.path[:MAX_PATH + 1], found.endpoint, found.methods, "<" in found.path, found.where)
            for found in declared.routes(project)]


def changes_state(route: Route) -> bool:
    """Does the route's path or endpoint name a state-changing action (`/logout`, `reset_db`)?"""
    words = {w.lower() for w in _WORDS.findall(route.path + " " + route.endpoint)}
    return bool(words & STATE_CHANGING) or bool(words & _MAKES and words & _STORES)


def select(source: str, routes: Iterable[Route], smoke_paths: Iterable[str], skip: Iterable[str]) -> Selection:
    """The parameterless GET routes worth probing, in path order, at most MAX_ROUTES."""
    already = set(smoke_paths)
    patterns = tuple(skip)
    chosen: dict[str, Route] = {}
    skipped: dict[str, str] = {}
    with_arguments = set()
    for route in sorted(routes, key=lambda r: (r.path, r.endpoint)):
        path = route.path
        if "GET" not in route.methods or route.endpoint == "static" or route.endpoint.endswith(".static"):
            continue  # the app's static files, and a blueprint's (Bootstrap-Flask's, CKEditor's)
        if route.has_arguments:
            with_arguments.add(path)
            continue
        if not path.startswith("/") or len(path) > MAX_PATH or not path.isprintable() or " " in path:
            continue
        if path in already or path in chosen:
            continue
        if any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(route.endpoint, p) for p in patterns):
            skipped[path] = "skip-routes"
        elif changes_state(route):
            skipped[path] = "its name says it changes state"
        elif len(chosen) >= MAX_ROUTES:
            skipped[path] = f"over {MAX_ROUTES} routes"
        else:
            chosen[path] = route
    return Selection(source, tuple(chosen.values()), tuple(sorted(skipped.items())), len(with_arguments))


def probe_all(base_url: str, routes: Iterable[Route], *, budget: float = PROBE_SECONDS,
              workers: int = CONCURRENCY) -> list[RouteAnswer]:
    """GET each route, `workers` at a time; what the budget leaves unprobed gets no answer."""
    deadline = time.monotonic() + budget
    chosen = list(routes)

    def one(route: Route) -> RouteAnswer:
        left = deadline - time.monotonic()
        if left <= 0.05:
            return RouteAnswer(route, probe.Answer(None, f"not probed: the probes' {budget:.0f} s ran out"), False)
        return RouteAnswer(route, probe.get(base_url + route.path, timeout=min(PROBE_TIMEOUT, left)))

    if not chosen:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, chosen))


# What a view that wants input raises when a bare GET gives it none (None.lower(), int(None), ...).
_NO_INPUT_ERRORS = frozenset({"TypeError", "AttributeError", "ValueError", "KeyError", "IndexError",
                              "JSONDecodeError", "UnsupportedMediaType"})


def settled_log(read: Callable[[], str], answers: Iterable[RouteAnswer], wait: float = LOG_SETTLE_SECONDS) -> str:
    """The app's log once it holds the traceback of every probe that answered 5xx, read again
    for at most `wait` seconds: the engine copies a container's output to its log a moment
    after the app wrote it, and the last probe's traceback may not be there yet."""
    return log_holding(read, [item.route.path for item in answers if (item.answer.status or 0) >= 500], wait)


def log_holding(read: Callable[[], str], failed: list[str], wait: float = LOG_SETTLE_SECONDS) -> str:
    """The log once it holds Flask's traceback for each path in `failed` (requests that answered
    5xx), read again every LOG_SETTLE_STEP for at most `wait` seconds; read once when none failed."""
    deadline = time.monotonic() + wait
    log = read()
    def complete(path: str) -> bool:  # its record, down to the exception's line
        crash = tracebacks.request_crash(log, path)
        return crash is not None and bool(crash.error)

    while not all(complete(path) for path in failed) and time.monotonic() < deadline:
        time.sleep(LOG_SETTLE_STEP)
        log = read()
    return log


def judge(project: Project, item: RouteAnswer, log: str) -> Finding | None:
    """A 5xx is an error on the traceback's line (else the route's), a warning when the view
    reads the request's input and crashed on its absence; a 404 a notice; no answer in time a
    warning; a 401/403 or a redirect (to a login) is fine, as is any other 4xx (the route
    wants input a bare GET does not give)."""
    status, path = item.answer.status, item.route.path
    if status is not None and status >= 500:
        crash = tracebacks.request_crash(log, path)
        where = item.route.where
        what = f"GET {path} answered {status} (a route the app declares, probed by deploy-check)"
        severity, hint = Severity.ERROR, "fix the route, or leave it out of the probes"
        if crash is not None:
            if crash.frame is not None and project.has(crash.frame.path):
                where = Location(crash.frame.path, crash.frame.line)
            if crash.error:
                what += f": {crash.error}"
            wanted = declared.reads_input(project, item.route.where)
            if wanted is not None and crash.error.split(":", 1)[0].rpartition(".")[2] in _NO_INPUT_ERRORS:
                # Its own pages send what it reads; a request without it is a client's error (a 400).
                severity = Severity.WARNING
                what += f" (the view reads {wanted}, which a bare GET does not send)"
                hint = f"answer 400 when {wanted} lacks what the view needs (abort(400)), or leave it out of the probes"
        return smoke_http.RULE.finding(
            what, where, severity=severity, log=tracebacks.request_log(log, path) or tracebacks.tail(log, 30),
            hint=f'{hint} (skip-routes = ["{path}"] in .deploy-check.toml)')
    if status == 404:
        return smoke_http.RULE.finding(
            f"GET {path} answered 404 although the app declares that route", item.route.where,
            severity=Severity.NOTICE, hint="does the view abort with 404 on an empty /data? check it on a fresh deploy")
    if status is None and item.probed:
        return smoke_http.RULE.finding(
            f"GET {path} did not answer ({item.answer.error})", item.route.where, severity=Severity.WARNING,
            hint="a route this slow ties up one of the two workers: make it faster, or skip it (skip-routes)")
    return None


def to_json(item: RouteAnswer, finding: Finding | None) -> dict[str, Any]:
    """One smoke.routes entry: path, status, seconds, and the finding when one was made."""
    entry: dict[str, Any] = {"path": item.route.path, "status": item.answer.status, "seconds": item.answer.seconds}
    if item.answer.error:
        entry["error"] = item.answer.error
    if finding is not None:
        entry["finding"] = finding.to_dict()
    return entry

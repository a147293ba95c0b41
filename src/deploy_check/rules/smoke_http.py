"""A smoke path answered 4xx/5xx, or did not answer in time.

## Why it breaks on Niblit
Users reach the app through these paths (`/` by default, more with
`--smoke-path`); a 500 or a 404 there is a broken deploy even though the
container runs. A traceback in the logs places the finding on its line.

The app's own routes are probed too (`--no-probe-routes` or `probe-routes = false`
turns that off): every `GET` route without URL parameters, found in its `url_map`
inside the built image (or, when its import fails there, the routes its source
declares, blueprints under their `url_prefix`), except routes whose name says they
change state (`logout`, `delete`, `reset`, `init-db`, ...) and `skip-routes` patterns.
There a 5xx is an error on the traceback's line (the finding's log is that request's
traceback), a 404 a notice (a route the app declares should exist), no answer within
5 s a warning; 401, 403 and a redirect (to a login) are fine, as is any other 4xx (the
route wants input a bare GET does not give). A 5xx from a view that reads the request's
input (`request.args`, `.form`, `.get_json()`, ...) and crashed on its absence (a
`TypeError`, `AttributeError`, `KeyError`, ... : `None.lower()`) is a warning: its own
pages send that input, but a request without it should get a 400, not a 500. A
streaming route (server-sent events, a camera feed) answers when its headers do.

## How to fix
Make each smoke path answer 2xx or 3xx with the spec's environment and an
empty /data: the database may not exist yet on the first request, so create
tables at start-up (`CREATE TABLE IF NOT EXISTS`).

## Example
Bad:

```python
@app.route("/")
def home():
    return db().execute("SELECT * FROM items").fetchall()  # table never created
```

Good:

```python
init_db()  # at import: CREATE TABLE IF NOT EXISTS items (...)

@app.route("/")
def home():
    return {"items": [dict(r) for r in db().execute("SELECT * FROM items")]}
```
"""
from __future__ import annotations

from deploy_check.finding import Finding
from deploy_check.finding import Location
from deploy_check.observed import Run
from deploy_check.parsing import tracebacks
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("smoke-http", severity="error", doc=__doc__)


def judge(project: Project, run: Run) -> list[Finding]:
    """Each smoke path that answered 4xx/5xx or not at all, once the app answered (else: smoke-boot)."""
    if run.loopback or run.first_answer is None:
        return []
    log = tracebacks.tail(run.logs, 30)
    where, error = tracebacks.crash_location(project, run.logs)
    if where.path is None:  # no frame of the repository: gunicorn's own reason says more
        error = tracebacks.gunicorn_reason(run.logs) or error
    findings = []
    for path, answer in run.answers.items():
        if answer.ok:
            continue
        what = f"answered {answer.status}" if answer.status else f"did not answer ({answer.error})"
        if answer.status and answer.status >= 500 and error:
            what += f" ({error})"
        hint = "make the smoke paths answer 2xx/3xx (see the log for the traceback)"
        if answer.status in (401, 403):
            hint = (f"{path} needs a login: smoke-test public paths instead (--smoke-path /login,/health, "
                    'or smoke-paths = ["/login"] in .deploy-check.toml)')
        if answer.status == 404:
            hint = (f"the app has no route for {path}: add one, or smoke-test a path it serves "
                    '(--smoke-path, or smoke-paths = ["/health"] in .deploy-check.toml)')
        findings.append(RULE.finding(
            f"GET {path} {what}", where if answer.status and answer.status >= 500 else Location(None),
            hint=hint, log=log))
    return findings

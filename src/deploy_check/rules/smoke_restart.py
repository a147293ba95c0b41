"""The app does not come back up on a second start against the same /data.

## Why it breaks on Niblit
Every redeploy and every wake from sleep starts the app again on the data the
last run left in /data. Start-up code that only works once (`CREATE TABLE`
without `IF NOT EXISTS`, `os.mkdir` without `exist_ok`, a unique seed row
inserted every boot) crashes the second time.

Coming back up is not enough: what the app stored must come back too. The
persistent disk is read inside the container after the first run and after the
second start: the database at DATABASE_PATH, when the app made one, must still
be there with the same tables (an error otherwise) and no fewer rows (a warning:
`DROP TABLE` or `db.drop_all()` at start-up), and every file the app wrote under
/data must still be there (a warning).

## How to fix
Make start-up idempotent: `CREATE TABLE IF NOT EXISTS`,
`os.makedirs(path, exist_ok=True)`, `INSERT OR IGNORE`.

## Example
Bad:

```python
db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
```

Good:

```python
db.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)")
```
"""
from __future__ import annotations

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.finding import Severity
from deploy_check.observed import Restart
from deploy_check.observed import Stored
from deploy_check.parsing import tracebacks
from deploy_check.project import Project
from deploy_check.rules.base import Rule

RULE = Rule("smoke-restart", severity="error", doc=__doc__)


def judge(project: Project, restart: Restart, *, first_ok: bool) -> list[Finding]:
    """The second start must answer as well as the first did (`first_ok`: the first smoke path
    answered then; a path that already failed is smoke-http's, not a restart problem)."""
    again = f"the app does not come back up on a second start against the same {spec.DATA_DIR}"
    run = restart.run
    if run is None:
        return [RULE.finding(f"{again}: the container cannot start",
                             hint="run the image twice locally against the same volume", log=restart.start_failure)]
    if run.first_answer is not None and (not first_ok or all(a.ok for a in run.answers.values())):
        return []
    where, error = tracebacks.crash_location(project, run.logs)
    what = error or (f"exited with code {run.exit_code}" if run.exited else "did not answer")
    return [RULE.finding(
        f"{again}: {what}", where,
        hint="make start-up idempotent (CREATE TABLE IF NOT EXISTS, os.makedirs(..., exist_ok=True))",
        log=tracebacks.tail(run.logs, 30))]


# SQLite's own side files come and go with its connections.
_SIDE_FILES = ("-journal", "-wal", "-shm")


def judge_persistence(first: Stored | None, second: Stored | None) -> list[Finding]:
    """What the app stored on /data must still be there after the second start: the database
    at DATABASE_PATH with the same tables (and no fewer rows), and every file."""
    if first is None or second is None:
        return []
    found = []
    hint = ("start-up must keep what is there: CREATE TABLE IF NOT EXISTS, no DROP TABLE or db.drop_all() "
            f"at import, nothing under {spec.DATA_DIR} removed or truncated")
    before = first.under(spec.DATA_DIR).get(spec.DATABASE_PATH)
    after = second.under(spec.DATA_DIR).get(spec.DATABASE_PATH)
    if before is not None and before.tables is not None:
        if after is None or after.tables is None:
            found.append(RULE.finding(f"the database at {spec.DATABASE_PATH} is gone after the second start", hint=hint))
        else:
            missing = sorted(set(before.tables) - set(after.tables))
            fewer = sorted(f"{name} ({rows} -> {after.tables[name]})" for name, rows in before.tables.items()
                           if name in after.tables and rows is not None and (after.tables[name] or 0) < rows)
            if missing:
                found.append(RULE.finding(
                    f"tables of {spec.DATABASE_PATH} lost on the second start: {', '.join(missing[:10])}", hint=hint))
            if fewer:
                found.append(RULE.finding(f"rows of {spec.DATABASE_PATH} lost on the second start: "
                                          f"{', '.join(fewer[:10])}", severity=Severity.WARNING, hint=hint))
    lost = sorted(path for path in set(first.under(spec.DATA_DIR)) - set(second.under(spec.DATA_DIR))
                  if not path.endswith(_SIDE_FILES) and path != spec.DATABASE_PATH)
    if lost:
        more = f" and {len(lost) - 10} more" if len(lost) > 10 else ""
        found.append(RULE.finding(f"files under {spec.DATA_DIR} gone after the second start: "
                                  f"{', '.join(lost[:10])}{more}", severity=Severity.WARNING, hint=hint))
    return found

"""The app does not come back up on a second start against the same /data.

## Why it breaks on Niblit
Every redeploy and every wake from sleep starts the app again on the data the
last run left in /data. Start-up code that only works once (`CREATE TABLE`
without `IF NOT EXISTS`, `os.mkdir` without `exist_ok`, a unique seed row
inserted every boot) crashes the second time.

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
from deploy_check.observed import Restart
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

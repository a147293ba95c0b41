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

from deploy_check.rules.base import Rule

RULE = Rule("smoke-restart", severity="error", doc=__doc__)

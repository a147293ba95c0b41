"""The running app wrote files outside /data, which Niblit resets on redeploy.

## Why it breaks on Niblit
Only /data survives a redeploy. Files the app writes under /app (a database
next to the code, an uploads folder, a JSON "store") are gone the next time
you ship. Found with `docker diff` after the smoke paths were hit; Python's
bytecode caches, /tmp and gunicorn's own files are not counted.

## How to fix
Write everything that must persist under /data: the database at
DATABASE_PATH, uploads in /data/uploads.

## Example
Bad:

```python
with open("visits.json", "w") as f:  # /app/visits.json
    json.dump(visits, f)
```

Good:

```python
with open("/data/visits.json", "w") as f:
    json.dump(visits, f)
```
"""
from __future__ import annotations

from deploy_check import spec
from deploy_check.finding import Finding
from deploy_check.rules.base import Rule

RULE = Rule("smoke-ephemeral-write", severity="error", doc=__doc__)

SHOWN = 10


def judge(writes: list[str]) -> list[Finding]:
    """What the stopped container wrote outside /data (`docker diff`, caches already left out)."""
    if not writes:
        return []
    more = f" and {len(writes) - SHOWN} more" if len(writes) > SHOWN else ""
    return [RULE.finding(
        f"the app wrote outside {spec.DATA_DIR}, which is reset on redeploy: {', '.join(writes[:SHOWN])}{more}",
        hint=f"write persistent files under {spec.DATA_DIR} ({spec.DATABASE_PATH_VARIABLE}, {spec.UPLOADS_DIR})")]

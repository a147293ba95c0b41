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

from deploy_check.rules.base import Rule

RULE = Rule("smoke-ephemeral-write", severity="error", doc=__doc__)

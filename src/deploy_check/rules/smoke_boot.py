"""The container exited, or never answered on port 5000.

## Why it breaks on Niblit
Niblit starts the container and waits for the app on port 5000. An import
error, a missing module, a crash at start-up or a server that never listens
fails the deploy ("App crashes on start"). The finding carries the exit code
and the last log lines, and sits on the repository line of the traceback's
innermost frame when there is one.

It does not wait out `--timeout` when the log already tells: gunicorn's
workers dying over and over at start-up (the master respawns them and the
container lives on, answering nothing), or a server listening only on the
container's own 127.0.0.1 (Flask's `app.run()` default), which nothing
outside the container can reach. The latter is reported even where
deploy-check, sharing the app's network inside a runner, got an answer.

## How to fix
Run the image locally (`docker build -t app . && docker run -p 5000:5000 app`)
and fix what the log shows; start-up code must not need anything Niblit does
not provide (only PORT, FLASK_ENV and DATABASE_PATH are set).

## Example
Bad:

```python
import missing_module  # not in requirements.txt
```

Good:

```python
import requests  # listed in requirements.txt
```
"""
from __future__ import annotations

from deploy_check.rules.base import Rule

RULE = Rule("smoke-boot", severity="error", doc=__doc__)
